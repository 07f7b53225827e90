package app

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// hostMemoryMB returns the machine's total memory in MiB from /proc/meminfo, or 0 when it
// cannot be read (the runtime then places copies by CPU only).
func hostMemoryMB(path string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) != 2 || fields[1] != "kB" {
			return 0
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil || kb <= 0 {
			return 0
		}
		return kb / 1024
	}
	return 0
}
