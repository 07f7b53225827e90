package sqlstore

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/store"
)

// The durability test re-runs this test binary as a child process that writes to a SQLite
// file and prints every acknowledged write; the parent kills it with SIGKILL at a random
// moment and checks that every acknowledged write survived.
const (
	crashChildEnv = "SCALED_SQLSTORE_CRASH_CHILD" // database path
	crashRunEnv   = "SCALED_SQLSTORE_CRASH_RUN"   // prefix of the child's keys
)

func TestMain(m *testing.M) {
	if path := os.Getenv(crashChildEnv); path != "" {
		if err := crashChild(path, os.Getenv(crashRunEnv)); err != nil {
			fmt.Fprintln(os.Stderr, "crash child:", err)
			os.Exit(2)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// crashChild writes until it is killed. Each acknowledged write is printed as one line:
// "t <name>" (target created), "u <name> <revision>" (target updated), "a <name>"
// (activity written).
func crashChild(path, run string) error {
	ctx := context.Background()
	s, err := OpenSQLite(ctx, path, quiet())
	if err != nil {
		return err
	}
	out := os.Stdout
	for i := 0; ; i++ {
		name := fmt.Sprintf("%s-%d", run, i)
		k := testKey(name)
		t, err := s.PutTarget(ctx, testTarget(k))
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "t %s\n", name)
		t.MaxCapacity++
		if t, err = s.PutTarget(ctx, t); err != nil {
			return err
		}
		fmt.Fprintf(out, "u %s %d\n", name, t.Revision)
		a := model.ScalingActivity{ActivityID: name, TargetKey: k, StartTime: t.CreationTime, StatusCode: model.StatusSuccessful}
		if err := s.PutActivity(ctx, a); err != nil {
			return err
		}
		fmt.Fprintf(out, "a %s\n", name)
	}
}

func TestSQLiteDurableAcrossSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns child processes")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	var acked []string
	for round := range 3 {
		cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+path, crashRunEnv+"="+strconv.Itoa(round))
		var stderr strings.Builder
		cmd.Stderr = &stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		killAfter := 10 + rand.IntN(300)
		r := bufio.NewReader(stdout)
		n := 0
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				// EOF: the child is gone; a trailing fragment without newline was not acknowledged.
				if !errors.Is(err, io.EOF) {
					t.Fatal(err)
				}
				break
			}
			acked = append(acked, strings.TrimSuffix(line, "\n"))
			n++
			if n == killAfter {
				if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
			}
		}
		err = cmd.Wait()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("round %d: child ended with %v (want SIGKILL); stderr:\n%s", round, err, stderr.String())
		}
		t.Logf("round %d: killed after %d acknowledged writes", round, n)
		checkAcked(t, path, acked)
	}
}

func checkAcked(t *testing.T, path string, acked []string) {
	t.Helper()
	ctx := t.Context()
	s, err := OpenSQLite(ctx, path, quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, line := range acked {
		f := strings.Fields(line)
		k := testKey(f[1])
		switch f[0] {
		case "t":
			if _, err := s.GetTarget(ctx, k); err != nil {
				t.Errorf("acknowledged target %s lost: %v", f[1], err)
			}
		case "u":
			want, _ := strconv.ParseInt(f[2], 10, 64)
			got, err := s.GetTarget(ctx, k)
			if err != nil || got.Revision != want || got.MaxCapacity != 5 {
				t.Errorf("acknowledged update of %s lost: got revision %d max %d, %v; want revision %d", f[1], got.Revision, got.MaxCapacity, err, want)
			}
		case "a":
			if _, err := s.GetActivity(ctx, k.Account, f[1]); err != nil {
				t.Errorf("acknowledged activity %s lost: %v", f[1], err)
			}
		default:
			t.Fatalf("bad line %q", line)
		}
	}
	var integrity string
	if err := s.r.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&integrity); err != nil || integrity != "ok" {
		t.Errorf("integrity_check = %q, %v", integrity, err)
	}
	rows, err := s.r.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		t.Fatal(err)
	}
	if rows.Next() {
		t.Error("foreign_key_check reports violations")
	}
	rows.Close()
	// The store is writable after recovery.
	if _, err := s.PutTarget(ctx, testTarget(testKey(fmt.Sprintf("after-%d", len(acked))))); err != nil && !errors.Is(err, store.ErrConflict) {
		t.Fatal(err)
	}
}
