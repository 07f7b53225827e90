package serving_test

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scaled-dev/scaled/internal/serving"
)

// environ reads one variable of a running process's environment (Linux /proc).
func environ(t *testing.T, pid int, name string) (string, bool) {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
	if err != nil {
		t.Skipf("reading the environment of process %d: %v", pid, err)
	}
	for _, kv := range bytes.Split(b, []byte{0}) {
		if k, v, ok := strings.Cut(string(kv), "="); ok && k == name {
			return v, true
		}
	}
	return "", false
}

// TestAcceleratorPlacement: copies reserve whole accelerator devices, see exactly the ones
// they hold through CUDA_VISIBLE_DEVICES / NVIDIA_VISIBLE_DEVICES, and a copy that does not
// fit stays pending with a message naming the accelerators until devices are freed.
func TestAcceleratorPlacement(t *testing.T) {
	rt := newRuntime(t, func(o *serving.Options) { o.HostAccelerators = []string{"0", "1", "2"} })
	gpu := spec("gpu", nil)
	gpu.Accelerators = 2
	if err := rt.Create(gpu, 2); err != nil {
		t.Fatal(err)
	}
	st, err := rt.WaitState(ctxT(t), acct, "gpu", func(s serving.ComponentState) bool { return s.Current == 1 && s.Pending == 1 })
	if err != nil {
		t.Fatal(err)
	}
	placed := st.Copies[0]
	if diff := cmp.Diff([]string{"0", "1"}, placed.Devices); diff != "" {
		t.Errorf("devices of the placed copy (-want +got):\n%s", diff)
	}
	if !strings.Contains(st.Message, "each copy needs 2 accelerator devices and 1 of 3 are free") {
		t.Errorf("message %q does not explain the pending copy", st.Message)
	}
	for name, want := range map[string]string{"CUDA_VISIBLE_DEVICES": "0,1", "NVIDIA_VISIBLE_DEVICES": "0,1"} {
		if got, _ := environ(t, placed.PID, name); got != want {
			t.Errorf("%s of the copy = %q, want %q", name, got, want)
		}
	}

	// A component without accelerators sees none.
	if err := rt.Create(spec("cpu", nil), 1); err != nil {
		t.Fatal(err)
	}
	cpu := waitCurrent(t, rt, "cpu", 1)
	if got, ok := environ(t, cpu.Copies[0].PID, "CUDA_VISIBLE_DEVICES"); !ok || got != "" {
		t.Errorf("CUDA_VISIBLE_DEVICES of a copy without accelerators = %q (set %v), want empty", got, ok)
	}
	if got, _ := environ(t, cpu.Copies[0].PID, "NVIDIA_VISIBLE_DEVICES"); got != "none" {
		t.Errorf("NVIDIA_VISIBLE_DEVICES of a copy without accelerators = %q, want none", got)
	}

	// With the first component down to its one copy, device 2 is free, which is not enough
	// for a second two-device component: it waits until the first is deleted, then takes
	// devices 0 and 1.
	other := spec("other", nil)
	other.Accelerators = 2
	if err := rt.SetDesired(acct, "gpu", 1); err != nil {
		t.Fatal(err)
	}
	if err := rt.Create(other, 1); err != nil {
		t.Fatal(err)
	}
	if st, err = rt.WaitState(ctxT(t), acct, "other", func(s serving.ComponentState) bool { return s.Pending == 1 }); err != nil {
		t.Fatal(err)
	}
	if err := rt.Delete(acct, "gpu"); err != nil {
		t.Fatal(err)
	}
	st = waitCurrent(t, rt, "other", 1)
	if diff := cmp.Diff([]string{"0", "1"}, st.Copies[0].Devices); diff != "" {
		t.Errorf("devices after the first component left (-want +got):\n%s", diff)
	}
}

// TestUnmanagedAccelerators: without HostAccelerators the runtime leaves the copies'
// environment alone and a component that needs accelerators cannot be placed.
func TestUnmanagedAccelerators(t *testing.T) {
	rt := newRuntime(t, nil)
	if err := rt.Create(spec("cpu", nil), 1); err != nil {
		t.Fatal(err)
	}
	st := waitCurrent(t, rt, "cpu", 1)
	if v, ok := environ(t, st.Copies[0].PID, "NVIDIA_VISIBLE_DEVICES"); ok {
		t.Errorf("NVIDIA_VISIBLE_DEVICES set to %q without managed accelerators", v)
	}
	gpu := spec("gpu", nil)
	gpu.Accelerators = 1
	if err := rt.Create(gpu, 1); err != nil {
		t.Fatal(err)
	}
	st, err := rt.WaitState(ctxT(t), acct, "gpu", func(s serving.ComponentState) bool { return s.Pending == 1 })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(st.Message, "each copy needs 1 accelerator devices and 0 of 0 are free") {
		t.Errorf("message %q", st.Message)
	}
}
