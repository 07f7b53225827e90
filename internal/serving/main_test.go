package serving_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/modelserver/modelservertest"
	"github.com/scaled-dev/scaled/internal/serving"
)

// envRuntimeHost makes the test binary host a runtime with one copy and print the copy's PID,
// for TestCopiesDieWithTheServer.
const envRuntimeHost = "SCALED_TEST_RUNTIME_HOST"

// envDeafMarker names a file: the first copy to create it (writing its PID into it) answers
// one GET /ping and then stops accepting connections while its process lives on (a wedged
// server); the copies after it are ordinary model servers.
const envDeafMarker = "SCALED_TEST_DEAF_MARKER"

// envSerialServer makes a copy a server that handles one request at a time: GET /ping
// waits while POST /invocations (300 ms) runs, like a single-threaded model server.
const envSerialServer = "SCALED_TEST_SERIAL_SERVER"

func TestMain(m *testing.M) {
	if os.Getenv(envSerialServer) == "1" && os.Getenv("SCALED_TEST_RUN_MODEL_SERVER") == "1" {
		serveSerial()
	}
	if p := os.Getenv(envDeafMarker); p != "" && os.Getenv("SCALED_TEST_RUN_MODEL_SERVER") == "1" {
		if f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644); err == nil {
			_, _ = fmt.Fprintf(f, "%d", os.Getpid())
			_ = f.Close()
			serveDeaf()
		}
	}
	modelservertest.Serve()
	if os.Getenv(envRuntimeHost) == "1" {
		hostRuntime()
	}
	os.Exit(m.Run())
}

// serveDeaf answers the first GET /ping with 200, closing its listener first (and the
// connection after the answer), then lives on until SIGTERM without accepting anything.
func serveDeaf() {
	ln, err := net.Listen("tcp", net.JoinHostPort(os.Getenv("SAGEMAKER_BIND_TO_HOST"), os.Getenv("SAGEMAKER_BIND_TO_PORT")))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var once sync.Once
	go func() {
		_ = http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			once.Do(func() { _ = ln.Close() })
			w.Header().Set("Connection", "close")
			w.WriteHeader(http.StatusOK)
		}))
	}()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	<-sig
	os.Exit(0)
}

// serveSerial serves the container contract one request at a time until SIGTERM.
func serveSerial() {
	ln, err := net.Listen("tcp", net.JoinHostPort(os.Getenv("SAGEMAKER_BIND_TO_HOST"), os.Getenv("SAGEMAKER_BIND_TO_PORT")))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var one sync.Mutex
	go func() {
		_ = http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			one.Lock()
			defer one.Unlock()
			if r.URL.Path == "/invocations" {
				time.Sleep(300 * time.Millisecond) // the model's work
			}
			w.WriteHeader(http.StatusOK)
		}))
	}()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	<-sig
	os.Exit(0)
}

// testCommands runs image scaled:model-server as this test binary in model-server mode.
var testCommands = serving.CommandTable{ModelServer: modelservertest.CommandLine()}.Command

func hostRuntime() {
	rt := serving.New(serving.Options{Clock: clock.Real{}, Commands: testCommands, HostCPUs: 2, PingInterval: 10 * time.Millisecond})
	if err := rt.Create(spec("host-ic", nil), 1); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := rt.WaitState(ctx, acct, "host-ic", func(s serving.ComponentState) bool { return s.Current == 1 })
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("copy %d\n", st.Copies[0].PID)
	select {} // until killed
}

// TestCopiesDieWithTheServer kills a server process with SIGKILL (no chance to clean up):
// its copies must not outlive it.
func TestCopiesDieWithTheServer(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	host := exec.Command(exe, "-test.run=^$")
	host.Env = append(os.Environ(), envRuntimeHost+"=1")
	out, err := host.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := host.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		_ = host.Process.Kill()
		t.Fatalf("reading the copy's pid: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "copy ")))
	if err != nil {
		t.Fatalf("host said %q", line)
	}
	if err := host.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = host.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := syscall.Kill(pid, 0)
		if errors.Is(err, syscall.ESRCH) {
			return
		}
		if time.Now().After(deadline) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("copy %d outlived its server (kill 0: %v)", pid, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
