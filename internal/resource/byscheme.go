package resource

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/scaled-dev/scaled/internal/model"
)

// ByScheme is an Actuator that serves one kind with several actuators, chosen by the URL
// scheme of the ResourceId (the text before the first ":"; case-insensitive). The
// custom-resource kind uses it to send http and https URLs to the AWS custom-resource
// protocol and kubernetes: IDs to the Kubernetes scale subresource.
//
// ByScheme is also an IDValidator: an ID with an unknown scheme is refused at registration,
// and a known one is passed to the chosen actuator's ValidateResourceID when it has one.
type ByScheme struct {
	routes map[string]Actuator
	expect string
}

// NewByScheme returns a ByScheme over routes, a map from scheme (such as "https") to
// actuator. expect describes the accepted ResourceIds for error messages, as in
// "an http(s) URL (AWS custom-resource protocol) or kubernetes:///<namespace>/<resource>/<name>";
// empty means a list of the schemes. An empty route table, an invalid scheme or a nil
// actuator is a wiring bug and panics.
func NewByScheme(expect string, routes map[string]Actuator) *ByScheme {
	if len(routes) == 0 {
		panic("resource: ByScheme needs at least one route")
	}
	m := make(map[string]Actuator, len(routes))
	for s, a := range routes {
		if a == nil || !validScheme(s) {
			panic(fmt.Sprintf("resource: invalid ByScheme route %q", s))
		}
		m[strings.ToLower(s)] = a
	}
	if expect == "" {
		schemes := make([]string, 0, len(m))
		for s := range m {
			schemes = append(schemes, s)
		}
		sort.Strings(schemes)
		expect = "a URL with scheme " + strings.Join(schemes, ", ")
	}
	return &ByScheme{routes: m, expect: expect}
}

// Route returns the actuator for a ResourceId, or an error naming the accepted forms.
func (b *ByScheme) Route(resourceID string) (Actuator, error) {
	i := strings.IndexByte(resourceID, ':')
	if i <= 0 || !validScheme(resourceID[:i]) {
		return nil, fmt.Errorf("ResourceId has no URL scheme; ResourceId must be %s", b.expect)
	}
	s := strings.ToLower(resourceID[:i])
	a, ok := b.routes[s]
	if !ok {
		return nil, fmt.Errorf("URL scheme %q is not supported; ResourceId must be %s", s, b.expect)
	}
	return a, nil
}

// State reads the state through the actuator of the ResourceId's scheme.
func (b *ByScheme) State(ctx context.Context, k model.TargetKey) (State, error) {
	a, err := b.Route(k.ResourceID)
	if err != nil {
		return State{}, err
	}
	return a.State(ctx, k)
}

// SetDesired asks the actuator of the ResourceId's scheme for n.
func (b *ByScheme) SetDesired(ctx context.Context, k model.TargetKey, n int32) error {
	a, err := b.Route(k.ResourceID)
	if err != nil {
		return err
	}
	return a.SetDesired(ctx, k, n)
}

// ValidateResourceID refuses unknown schemes and forwards to the chosen actuator when it
// is an IDValidator.
func (b *ByScheme) ValidateResourceID(ctx context.Context, k model.TargetKey) error {
	a, err := b.Route(k.ResourceID)
	if err != nil {
		return err
	}
	if v, ok := a.(IDValidator); ok {
		return v.ValidateResourceID(ctx, k)
	}
	return nil
}

// validScheme reports whether s is an RFC 3986 scheme: a letter, then letters, digits,
// "+", "-" or ".".
func validScheme(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}

// Interface guards.
var (
	_ Actuator    = (*ByScheme)(nil)
	_ IDValidator = (*ByScheme)(nil)
)
