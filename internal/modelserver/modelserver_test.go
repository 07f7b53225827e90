package modelserver

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestConfigFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    Config
		wantErr string
	}{
		{name: "defaults", env: nil, want: DefaultConfig()},
		{
			name: "all set",
			env: map[string]string{
				EnvPort: "9000", EnvHost: "127.0.0.1", EnvDistribution: "Lognormal", EnvMean: "200ms", EnvSigma: "0.8",
				EnvConcurrency: "4", EnvStartupDelay: "2s", EnvFailureRate: "0.1", EnvSeed: "42",
			},
			want: Config{Host: "127.0.0.1", Port: 9000, Distribution: Lognormal, Mean: 200 * time.Millisecond, Sigma: 0.8,
				Concurrency: 4, StartupDelay: 2 * time.Second, FailureRate: 0.1, Seed: 42},
		},
		{name: "bad port", env: map[string]string{EnvPort: "70000"}, wantErr: "SAGEMAKER_BIND_TO_PORT=\"70000\""},
		{name: "bad distribution", env: map[string]string{EnvDistribution: "uniform"}, wantErr: "distribution \"uniform\""},
		{name: "bad duration", env: map[string]string{EnvMean: "fast"}, wantErr: "SCALED_MODEL_SERVICE_TIME_MEAN=\"fast\""},
		{name: "bad failure rate", env: map[string]string{EnvFailureRate: "2"}, wantErr: "failure rate 2"},
		{name: "zero concurrency", env: map[string]string{EnvConcurrency: "0"}, wantErr: "concurrency 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ConfigFromEnv(func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to mention %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.IgnoreFields(Config{}, "Clock", "Logger", "Listener")); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
		})
	}
}

func TestServe(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	cfg := DefaultConfig()
	cfg.Listener = ln
	cfg.Mean = 0
	go func() { done <- Run(ctx, cfg) }()
	base := "http://" + ln.Addr().String()

	resp, err := http.Get(base + "/ping")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// Ready may lag the listener by a moment; /ping answers 200 or 503, never anything else.
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("ping status %d", resp.StatusCode)
	}
	var got Response
	for {
		resp, err := http.Post(base+"/invocations", "application/json", strings.NewReader(`{"x":1}`))
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode == http.StatusServiceUnavailable {
			resp.Body.Close()
			continue
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("invoke status %d", resp.StatusCode)
		}
		if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		break
	}
	if diff := cmp.Diff(Response{InputBytes: 7}, got, cmpopts.IgnoreFields(Response{}, "QueueTimeMs")); diff != "" {
		t.Errorf("response (-want +got):\n%s", diff)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestFailureRateOne(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := DefaultConfig()
	cfg.Listener, cfg.Mean, cfg.FailureRate = ln, 0, 1
	go func() { _ = Run(ctx, cfg) }()
	for {
		resp, err := http.Post("http://"+ln.Addr().String()+"/invocations", "application/json", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusServiceUnavailable {
			continue
		}
		if resp.StatusCode != http.StatusInternalServerError {
			t.Fatalf("status %d, want 500", resp.StatusCode)
		}
		return
	}
}
