package config

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadLayers(t *testing.T) {
	want := Default()
	want.Addr = "0.0.0.0:9000"
	want.Region = "eu-west-2" // env beats file
	want.EvalInterval = Duration(2 * time.Second)
	want.Runtime.Enabled = false
	want.Insecure = true // flag
	got, err := Load([]string{"--config", "testdata/good.json", "--eval-interval", "2s", "--insecure"},
		env(map[string]string{"SCALED_REGION": "eu-west-2", "SCALED_EVAL_INTERVAL": "3s"}))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("config (-want +got):\n%s", d)
	}
}

func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"unknown file field", []string{"--config", "testdata/bad-unknown.json"}, nil, `unknown field "adress"`},
		{"postgres without dsn", []string{"--config", "testdata/bad-store.json"}, nil, "needs postgres-dsn"},
		{"bad addr", []string{"--addr", "nope"}, nil, `addr "nope"`},
		{"bad env duration", nil, map[string]string{"SCALED_EVAL_INTERVAL": "soon"}, "SCALED_EVAL_INTERVAL"},
		{"tiny interval", []string{"--eval-interval", "1ms"}, nil, "eval-interval 1ms"},
		{"bad level", []string{"--log-level", "loud"}, nil, `log-level "loud"`},
		{"stray args", []string{"extra"}, nil, "unexpected arguments"},
		{"empty image command", []string{"--config", "testdata/bad-images.json"}, nil, `runtime.images["example.com/model:1"]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(tc.args, env(tc.env))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
