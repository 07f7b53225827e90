package k8sscale

import (
	"fmt"
	"net/url"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// Scheme is the URL scheme of Kubernetes ResourceIds.
const Scheme = "kubernetes"

// Resources of the apps/v1 API group whose scale subresource the actuator uses.
const (
	Deployments  = "deployments"
	StatefulSets = "statefulsets"
	ReplicaSets  = "replicasets"
)

// idFormat is the expected ResourceId form, for error messages.
const idFormat = "kubernetes:///<namespace>/<resource>/<name> or kubernetes://<kubeconfig-context>/<namespace>/<resource>/<name>"

// Ref names one workload: the parsed form of a ResourceId.
type Ref struct {
	// Context is the kubeconfig context; empty means the default cluster.
	Context   string
	Namespace string
	// Resource is Deployments, StatefulSets or ReplicaSets.
	Resource string
	Name     string
}

// String is the ResourceId of the workload.
func (r Ref) String() string {
	return Scheme + "://" + url.PathEscape(r.Context) + "/" + r.Namespace + "/" + r.Resource + "/" + r.Name
}

// kind is the singular resource name, as in "deployment".
func (r Ref) kind() string {
	return strings.TrimSuffix(r.Resource, "s")
}

// object names the workload for messages, as in `deployment default/web` or
// `deployment default/web (context "prod")`.
func (r Ref) object() string {
	s := r.kind() + " " + r.Namespace + "/" + r.Name
	if r.Context != "" {
		s += fmt.Sprintf(" (context %q)", r.Context)
	}
	return s
}

// ParseResourceID parses a ResourceId of the form
// kubernetes://[<kubeconfig-context>]/<namespace>/<resource>/<name>. The scheme is
// case-insensitive; the context may be percent-encoded.
func ParseResourceID(id string) (Ref, error) {
	prefix := Scheme + "://"
	if len(id) < len(prefix) || !strings.EqualFold(id[:len(prefix)], prefix) {
		return Ref{}, fmt.Errorf("resource ID %q does not start with %s; want %s", id, prefix, idFormat)
	}
	rest := id[len(prefix):]
	if strings.ContainsAny(rest, "?#") {
		return Ref{}, fmt.Errorf("resource ID %q must not have a query or fragment; want %s", id, idFormat)
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 4 {
		hint := ""
		if len(parts) == 3 && parts[0] != "" {
			hint = " (without a context the ID starts with three slashes: kubernetes:///)"
		}
		return Ref{}, fmt.Errorf("resource ID %q has %d path segments; want %s%s", id, len(parts)-1, idFormat, hint)
	}
	ctxName, err := url.PathUnescape(parts[0])
	if err != nil {
		return Ref{}, fmt.Errorf("resource ID %q: context %q is not validly percent-encoded", id, parts[0])
	}
	r := Ref{Context: ctxName, Namespace: parts[1], Resource: parts[2], Name: parts[3]}
	for _, f := range []struct{ field, v string }{{"namespace", r.Namespace}, {"resource", r.Resource}, {"name", r.Name}} {
		if f.v == "" {
			return Ref{}, fmt.Errorf("resource ID %q has an empty %s; want %s", id, f.field, idFormat)
		}
	}
	if strings.ContainsFunc(r.Context, func(c rune) bool { return c < 0x20 || c == 0x7f }) {
		return Ref{}, fmt.Errorf("resource ID %q: context %q contains control characters", id, r.Context)
	}
	if msgs := validation.IsDNS1123Label(r.Namespace); len(msgs) > 0 {
		return Ref{}, fmt.Errorf("resource ID %q: namespace %q is not valid: %s", id, r.Namespace, strings.Join(msgs, "; "))
	}
	switch r.Resource {
	case Deployments, StatefulSets, ReplicaSets:
	default:
		return Ref{}, fmt.Errorf("resource ID %q: resource %q is not supported; want %s, %s or %s", id, r.Resource, Deployments, StatefulSets, ReplicaSets)
	}
	if msgs := validation.IsDNS1123Subdomain(r.Name); len(msgs) > 0 {
		return Ref{}, fmt.Errorf("resource ID %q: name %q is not valid: %s", id, r.Name, strings.Join(msgs, "; "))
	}
	return r, nil
}
