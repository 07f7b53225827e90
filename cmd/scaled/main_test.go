package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	for _, tc := range []struct {
		args       []string
		code       int
		out, errIn string
	}{
		{[]string{"version"}, 0, "scaled dev", ""},
		{[]string{"help"}, 0, "commands:", ""},
		{nil, 2, "", "usage: scaled"},
		{[]string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{[]string{"serve", "--store", "etcd"}, 2, "", `store "etcd": must be sqlite or postgres`},
		{[]string{"model-server", "extra"}, 2, "", "takes no arguments"},
	} {
		var out, errb bytes.Buffer
		code := run(tc.args, &out, &errb)
		if code != tc.code || !strings.Contains(out.String(), tc.out) || !strings.Contains(errb.String(), tc.errIn) {
			t.Errorf("run(%q) = %d, stdout %q, stderr %q; want %d, %q, %q", tc.args, code, out.String(), errb.String(), tc.code, tc.out, tc.errIn)
		}
	}
}
