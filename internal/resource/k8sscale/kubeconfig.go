package k8sscale

import (
	"errors"
	"fmt"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// FromKubeconfig returns the ConfigFunc for Options.Configs.
//
// With a path, every context comes from that kubeconfig file ("" is its current context);
// the file must exist and parse, which is checked now. With an empty path, the default
// cluster is the in-cluster service account when scaled runs in a pod, else the current
// context of the kubeconfig found through $KUBECONFIG or ~/.kube/config; named contexts come
// from that kubeconfig. Credentials are looked up when a context is first used, so a server
// without any Kubernetes configuration starts and only Kubernetes ResourceIds fail.
func FromKubeconfig(path string) (ConfigFunc, error) {
	if path != "" {
		if _, err := clientcmd.LoadFromFile(path); err != nil {
			return nil, fmt.Errorf("kubeconfig %s: %w", path, err)
		}
	}
	return func(contextName string) (*rest.Config, error) {
		if path == "" && contextName == "" {
			cfg, err := rest.InClusterConfig()
			if err == nil {
				return cfg, nil
			}
			if !errors.Is(err, rest.ErrNotInCluster) {
				return nil, fmt.Errorf("in-cluster configuration: %w", err)
			}
		}
		rules := clientcmd.NewDefaultClientConfigLoadingRules()
		rules.ExplicitPath = path
		cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: contextName})
		cfg, err := cc.ClientConfig()
		switch {
		case err == nil:
			return cfg, nil
		case clientcmd.IsEmptyConfig(err) && path == "":
			return nil, fmt.Errorf("scaled is not running in a Kubernetes pod and found no kubeconfig (looked at $KUBECONFIG and %s); start it with a kubeconfig", clientcmd.RecommendedHomeFile)
		case clientcmd.IsEmptyConfig(err):
			return nil, fmt.Errorf("kubeconfig %s has no current context", path)
		}
		if path != "" {
			return nil, fmt.Errorf("kubeconfig %s: %w", path, err)
		}
		return nil, err
	}, nil
}
