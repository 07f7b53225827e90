package app

import (
	"os"
	"path/filepath"
	"testing"
)

func TestHostMemoryMB(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, content string
		want          int64
	}{
		{"meminfo", "MemTotal:       24617012 kB\nMemFree:         1000 kB\n", 24040},
		{"not first line", "Foo: 1 kB\nMemTotal: 2048 kB\n", 2},
		{"no MemTotal", "MemFree: 1000 kB\n", 0},
		{"odd unit", "MemTotal: 2048 MB\n", 0},
		{"garbage", "MemTotal: lots kB\n", 0},
	} {
		p := filepath.Join(dir, tc.name)
		if err := os.WriteFile(p, []byte(tc.content), 0o600); err != nil {
			t.Fatal(err)
		}
		if got := hostMemoryMB(p); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
	if got := hostMemoryMB(filepath.Join(dir, "missing")); got != 0 {
		t.Errorf("missing file: %d, want 0", got)
	}
}
