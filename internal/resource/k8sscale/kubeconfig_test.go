package k8sscale

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/scaled-dev/scaled/internal/resource"
)

// writeKubeconfig writes a kubeconfig with one context per server: "dev" (the current
// one) for the first, and an EKS-style ARN context for the second.
func writeKubeconfig(t *testing.T, devURL, prodURL string) string {
	t.Helper()
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: dev
  cluster:
    server: %s
- name: prod
  cluster:
    server: %s
users:
- name: scaled
  user:
    token: test-token
contexts:
- name: dev
  context:
    cluster: dev
    user: scaled
- name: arn:aws:eks:us-east-1:123456789012:cluster/prod
  context:
    cluster: prod
    user: scaled
current-context: dev
`, devURL, prodURL)
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// notInCluster makes the in-cluster configuration unavailable, as outside a pod.
func notInCluster(t *testing.T) {
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	t.Setenv("KUBERNETES_SERVICE_PORT", "")
}

func TestFromKubeconfig(t *testing.T) {
	notInCluster(t)
	devAPI, dev := newAPIServer(t, map[string]*workload{"default/deployments/web": {spec: 2, status: 2, rv: 1}})
	prodAPI, prod := newAPIServer(t, map[string]*workload{"default/deployments/web": {spec: 9, status: 8, rv: 1}})
	path := writeKubeconfig(t, dev.URL, prod.URL)

	explicit, err := FromKubeconfig(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBECONFIG", path)
	fromEnv, err := FromKubeconfig("")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name       string
		configs    ConfigFunc
		unknownCtx string
	}{
		{name: "explicit path", configs: explicit, unknownCtx: "kubeconfig " + path + `: context "staging" does not exist`},
		{name: "$KUBECONFIG", configs: fromEnv, unknownCtx: `context "staging" does not exist`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := newActuator(t, Options{Configs: tt.configs})
			ids := []string{
				"kubernetes:///default/deployments/web",
				"kubernetes://dev/default/deployments/web",
				"kubernetes://arn:aws:eks:us-east-1:123456789012:cluster%2Fprod/default/deployments/web",
			}
			var got []resource.State
			for _, id := range ids {
				st, err := a.State(context.Background(), key(id))
				if err != nil {
					t.Fatalf("%s: %v", id, err)
				}
				got = append(got, st)
			}
			want := []resource.State{
				{Desired: 2, Actual: 2, Status: resource.StatusSuccessful},
				{Desired: 2, Actual: 2, Status: resource.StatusSuccessful},
				{Desired: 9, Actual: 8, Status: resource.StatusInProgress},
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}

			_, err := a.State(context.Background(), key("kubernetes://staging/default/deployments/web"))
			if diff := cmp.Diff(`loading Kubernetes credentials for kubeconfig context "staging": `+tt.unknownCtx, fmt.Sprint(err)); diff != "" {
				t.Errorf("unknown context: error (-want +got):\n%s", diff)
			}
		})
	}
	if got := len(devAPI.requests()); got != 4 {
		t.Errorf("dev cluster got %d requests, want 4", got)
	}
	if got := len(prodAPI.requests()); got != 2 {
		t.Errorf("prod cluster got %d requests, want 2", got)
	}
}

func TestFromKubeconfigErrors(t *testing.T) {
	notInCluster(t)
	missing := filepath.Join(t.TempDir(), "nope")
	if _, err := FromKubeconfig(missing); fmt.Sprint(err) != "kubeconfig "+missing+": open "+missing+": no such file or directory" {
		t.Errorf("missing file: error = %v", err)
	}
	bad := filepath.Join(t.TempDir(), "bad")
	if err := os.WriteFile(bad, []byte("clusters: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := FromKubeconfig(bad); err == nil || !strings.HasPrefix(err.Error(), "kubeconfig "+bad+": ") {
		t.Errorf("unparsable file: error = %v", err)
	}

	// Nothing configured: the server starts, Kubernetes IDs fail with a clear message.
	t.Setenv("KUBECONFIG", missing)
	configs, err := FromKubeconfig("")
	if err != nil {
		t.Fatal(err)
	}
	a := newActuator(t, Options{Configs: configs})
	_, err = a.State(context.Background(), key("kubernetes:///default/deployments/web"))
	want := "loading Kubernetes credentials for the default cluster: scaled is not running in a Kubernetes pod and found no kubeconfig (looked at $KUBECONFIG and " + clientcmd.RecommendedHomeFile + "); start it with a kubeconfig"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant %s", err, want)
	}
}
