package app

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAcceleratorDevices(t *testing.T) {
	dev := t.TempDir()
	for _, n := range []string{"nvidia1", "nvidia0", "nvidiactl", "nvidia-uvm", "nvidia10", "null"} {
		if err := os.WriteFile(filepath.Join(dev, n), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		setting, dir string
		want         []string
		wantErr      bool
	}{
		{"", dev, []string{"0", "1", "10"}, false},
		{"", filepath.Join(dev, "missing"), nil, false},
		{"none", dev, nil, false},
		{"0", dev, []string{}, false},
		{"3", dev, []string{"0", "1", "2"}, false},
		{"0,2, 3", dev, []string{"0", "2", "3"}, false},
		{"GPU-8f6e,GPU-11aa", dev, []string{"GPU-8f6e", "GPU-11aa"}, false},
		{"-1", dev, nil, true},
		{"0,0", dev, nil, true},
		{"0,,1", dev, nil, true},
	}
	for _, tt := range tests {
		got, err := acceleratorDevices(tt.setting, tt.dir)
		if (err != nil) != tt.wantErr {
			t.Errorf("acceleratorDevices(%q) error = %v, want error %v", tt.setting, err, tt.wantErr)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" && !tt.wantErr {
			t.Errorf("acceleratorDevices(%q) (-want +got):\n%s", tt.setting, diff)
		}
	}
}
