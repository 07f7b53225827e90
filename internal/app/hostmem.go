package app

import (
	"bufio"
	"fmt"
	"os"
	"slices"
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

// acceleratorDevices turns the host-accelerators setting into device IDs: "" detects NVIDIA
// GPUs from the device nodes /dev/nvidia<N> under devDir, "none" or "0" is none, a number n
// is devices 0..n-1 and a comma-separated list names the devices.
func acceleratorDevices(setting, devDir string) ([]string, error) {
	setting = strings.TrimSpace(setting)
	switch setting {
	case "":
		entries, err := os.ReadDir(devDir)
		if err != nil {
			return nil, nil
		}
		var ids []int
		for _, e := range entries {
			if n, ok := strings.CutPrefix(e.Name(), "nvidia"); ok {
				if id, err := strconv.Atoi(n); err == nil && id >= 0 {
					ids = append(ids, id)
				}
			}
		}
		slices.Sort(ids)
		out := make([]string, 0, len(ids))
		for _, id := range ids {
			out = append(out, strconv.Itoa(id))
		}
		return out, nil
	case "none":
		return nil, nil
	}
	if n, err := strconv.Atoi(setting); err == nil {
		if n < 0 {
			return nil, fmt.Errorf("host-accelerators %q: must not be negative", setting)
		}
		out := make([]string, n)
		for i := range out {
			out[i] = strconv.Itoa(i)
		}
		return out, nil
	}
	var out []string
	seen := map[string]bool{}
	for _, d := range strings.Split(setting, ",") {
		d = strings.TrimSpace(d)
		if d == "" || seen[d] {
			return nil, fmt.Errorf("host-accelerators %q: want a count, a comma-separated list of distinct device IDs, or none", setting)
		}
		seen[d] = true
		out = append(out, d)
	}
	return out, nil
}
