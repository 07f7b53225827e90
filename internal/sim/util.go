package sim

import (
	"path/filepath"
	"sort"
	"strings"
)

func sortInts(v []int) { sort.Ints(v) }

// baseName is the file name without directory and extension.
func baseName(p string) string {
	b := filepath.Base(p)
	return strings.TrimSuffix(b, filepath.Ext(b))
}
