package k8sscale

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	appsv1client "k8s.io/client-go/kubernetes/typed/apps/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/util/retry"

	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/resource"
)

// DefaultTimeout bounds one State, SetDesired or ValidateResourceID call when
// Options.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// Client-side rate limits applied when the rest.Config sets neither QPS nor a rate
// limiter (client-go's own default of 5 requests per second would make a tick over many
// targets wait).
const (
	DefaultQPS   = 50
	DefaultBurst = 100
)

// FieldManager is the field manager recorded for scale updates.
const FieldManager = "scaled"

// ConfigFunc returns the connection to the cluster of a kubeconfig context; the empty
// name means the default cluster.
type ConfigFunc func(contextName string) (*rest.Config, error)

// Options configures an Actuator. Exactly one of Config and Configs must be set.
type Options struct {
	// Config is the one cluster the actuator talks to; ResourceIds that name a context are
	// then refused.
	Config *rest.Config
	// Configs returns the cluster of a kubeconfig context (see FromKubeconfig). Clients are
	// built once per context and kept.
	Configs ConfigFunc
	// Clock times calls for the log; nil means clock.Real{}.
	Clock clock.Clock
	// Timeout bounds each call, including conflict retries; 0 means DefaultTimeout.
	Timeout time.Duration
	// Logger receives conflict retries and API server warnings; nil discards them.
	Logger *slog.Logger
	// ConflictRetry paces the read-modify-write retries of SetDesired after a 409 Conflict;
	// a zero Steps means retry.DefaultRetry (5 attempts, about 10ms apart). The waits are
	// client-go's own (wall clock), as they are too short to matter to a control loop.
	ConflictRetry wait.Backoff
	// UserAgent is sent on every request when the rest.Config has none; empty means "scaled".
	UserAgent string
}

// Actuator scales Kubernetes workloads through their scale subresource. It is safe for
// concurrent use.
type Actuator struct {
	configs   ConfigFunc
	clock     clock.Clock
	timeout   time.Duration
	log       *slog.Logger
	backoff   wait.Backoff
	userAgent string

	mu      sync.Mutex
	clients map[string]*appsv1client.AppsV1Client
}

// New returns an Actuator. No request is sent until the first call.
func New(o Options) (*Actuator, error) {
	a := &Actuator{
		configs:   o.Configs,
		clock:     o.Clock,
		timeout:   o.Timeout,
		log:       o.Logger,
		backoff:   o.ConflictRetry,
		userAgent: o.UserAgent,
		clients:   map[string]*appsv1client.AppsV1Client{},
	}
	switch {
	case o.Config != nil && o.Configs != nil:
		return nil, errors.New("k8sscale: set only one of Options.Config and Options.Configs")
	case o.Config != nil:
		cfg := rest.CopyConfig(o.Config)
		a.configs = func(contextName string) (*rest.Config, error) {
			if contextName != "" {
				return nil, fmt.Errorf("kubeconfig context %q cannot be used: scaled is configured with a single cluster; use kubernetes:///<namespace>/<resource>/<name>", contextName)
			}
			return rest.CopyConfig(cfg), nil
		}
	case o.Configs == nil:
		return nil, errors.New("k8sscale: Options.Config or Options.Configs is required")
	}
	if a.clock == nil {
		a.clock = clock.Real{}
	}
	switch {
	case a.timeout < 0:
		return nil, fmt.Errorf("k8sscale: timeout must be positive, was %s", o.Timeout)
	case a.timeout == 0:
		a.timeout = DefaultTimeout
	}
	if a.backoff.Steps == 0 {
		a.backoff = retry.DefaultRetry
	}
	if a.backoff.Steps < 0 || a.backoff.Duration < 0 {
		return nil, fmt.Errorf("k8sscale: conflict retry steps and duration must not be negative, were %d and %s", a.backoff.Steps, a.backoff.Duration)
	}
	if a.userAgent == "" {
		a.userAgent = "scaled"
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	return a, nil
}

// scaler is what the typed Deployment, StatefulSet and ReplicaSet clients have in common.
type scaler interface {
	GetScale(ctx context.Context, name string, opts metav1.GetOptions) (*autoscalingv1.Scale, error)
	UpdateScale(ctx context.Context, name string, scale *autoscalingv1.Scale, opts metav1.UpdateOptions) (*autoscalingv1.Scale, error)
}

// client returns the cached apps/v1 client of a context, building it on first use.
func (a *Actuator) client(contextName string) (*appsv1client.AppsV1Client, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.clients[contextName]; ok {
		return c, nil
	}
	where := "the default cluster"
	if contextName != "" {
		where = fmt.Sprintf("kubeconfig context %q", contextName)
	}
	cfg, err := a.configs(contextName)
	if err != nil {
		return nil, fmt.Errorf("loading Kubernetes credentials for %s: %w", where, err)
	}
	if cfg == nil {
		return nil, fmt.Errorf("loading Kubernetes credentials for %s: no configuration", where)
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = a.userAgent
	}
	if cfg.QPS == 0 && cfg.RateLimiter == nil {
		cfg.QPS, cfg.Burst = DefaultQPS, max(cfg.Burst, DefaultBurst)
	}
	if cfg.WarningHandler == nil && cfg.WarningHandlerWithContext == nil {
		cfg.WarningHandlerWithContext = warningLog{a.log}
	}
	c, err := appsv1client.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("building the Kubernetes client for %s: %w", where, err)
	}
	a.clients[contextName] = c
	return c, nil
}

// scalerFor parses a ResourceId and returns the workload and its scale client.
func (a *Actuator) scalerFor(id string) (Ref, scaler, error) {
	r, err := ParseResourceID(id)
	if err != nil {
		return Ref{}, nil, err
	}
	c, err := a.client(r.Context)
	if err != nil {
		return Ref{}, nil, err
	}
	switch r.Resource {
	case Deployments:
		return r, c.Deployments(r.Namespace), nil
	case StatefulSets:
		return r, c.StatefulSets(r.Namespace), nil
	default:
		return r, c.ReplicaSets(r.Namespace), nil
	}
}

// State reads the workload's Scale: Desired is spec.replicas, Actual status.replicas.
func (a *Actuator) State(ctx context.Context, k model.TargetKey) (resource.State, error) {
	r, sc, err := a.scalerFor(k.ResourceID)
	if err != nil {
		return resource.State{}, err
	}
	cctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	s, err := sc.GetScale(cctx, r.Name, metav1.GetOptions{})
	if err != nil {
		return resource.State{}, a.apiError(ctx, "reading", r, err)
	}
	return stateOf(r, s)
}

// stateOf maps a Scale to a resource.State.
func stateOf(r Ref, s *autoscalingv1.Scale) (resource.State, error) {
	if s.Spec.Replicas < 0 || s.Status.Replicas < 0 {
		return resource.State{}, fmt.Errorf("the scale of %s has negative replicas (spec %d, status %d)", r.object(), s.Spec.Replicas, s.Status.Replicas)
	}
	st := resource.State{Desired: s.Spec.Replicas, Actual: s.Status.Replicas, Status: resource.StatusSuccessful}
	if st.Desired != st.Actual {
		st.Status = resource.StatusInProgress
	}
	return st, nil
}

// SetDesired sets spec.replicas of the workload's Scale to n: a read-modify-write that is
// repeated on a 409 Conflict (another writer changed the object in between). Nothing is
// written when spec.replicas already is n.
func (a *Actuator) SetDesired(ctx context.Context, k model.TargetKey, n int32) error {
	r, sc, err := a.scalerFor(k.ResourceID)
	if err != nil {
		return err
	}
	if n < 0 {
		return fmt.Errorf("desired capacity of %s must not be negative, was %d", r.object(), n)
	}
	cctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	start := a.clock.Now()
	attempts := 0
	op := "reading"
	var from int32
	err = retry.RetryOnConflict(a.backoff, func() error {
		attempts++
		if attempts > 1 {
			a.log.DebugContext(ctx, "Kubernetes scale update conflicted; retrying", "object", r.object(), "attempt", attempts)
		}
		op = "reading"
		s, err := sc.GetScale(cctx, r.Name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		from = s.Spec.Replicas
		if s.Spec.Replicas == n {
			return nil
		}
		op = "updating"
		s.Spec.Replicas = n
		_, err = sc.UpdateScale(cctx, r.Name, s, metav1.UpdateOptions{FieldManager: FieldManager})
		return err
	})
	if err != nil {
		if apierrors.IsConflict(err) {
			return fmt.Errorf("updating the scale of %s: still conflicting after %d attempts: %w", r.object(), attempts, err)
		}
		return a.apiError(ctx, op, r, err)
	}
	a.log.DebugContext(ctx, "Kubernetes scale updated", "object", r.object(), "from", from, "to", n, "attempts", attempts, "took", a.clock.Now().Sub(start))
	return nil
}

// ValidateResourceID checks at registration that the ResourceId is well formed, that the
// workload exists and that its scale can be read, and, with a dry-run update, that it may
// be written.
func (a *Actuator) ValidateResourceID(ctx context.Context, k model.TargetKey) error {
	r, sc, err := a.scalerFor(k.ResourceID)
	if err != nil {
		return err
	}
	cctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	s, err := sc.GetScale(cctx, r.Name, metav1.GetOptions{})
	if err != nil {
		return a.apiError(ctx, "reading", r, err)
	}
	if _, err := stateOf(r, s); err != nil {
		return err
	}
	_, err = sc.UpdateScale(cctx, r.Name, s, metav1.UpdateOptions{DryRun: []string{metav1.DryRunAll}, FieldManager: FieldManager})
	switch {
	case err == nil:
		return nil
	case apierrors.IsForbidden(err), apierrors.IsUnauthorized(err), apierrors.IsNotFound(err):
		return a.apiError(ctx, "updating", r, err)
	case cctx.Err() != nil:
		return a.apiError(ctx, "updating", r, err)
	}
	// A conflict, or an admission webhook that does not support dry run, says nothing
	// about the permission to scale.
	a.log.DebugContext(ctx, "Kubernetes dry-run scale update failed; ignored", "object", r.object(), "err", err)
	return nil
}

// notFoundError is a workload the API server does not know.
type notFoundError struct{ ref Ref }

func (e *notFoundError) Error() string {
	s := fmt.Sprintf("%s %q not found in namespace %q", e.ref.kind(), e.ref.Name, e.ref.Namespace)
	if e.ref.Context != "" {
		s += fmt.Sprintf(" of kubeconfig context %q", e.ref.Context)
	}
	return s
}

// Unwrap classifies the error as resource.ErrNotFound.
func (e *notFoundError) Unwrap() error { return resource.ErrNotFound }

// apiError describes a failed request: op is "reading" or "updating". ctx is the
// caller's context (not the one with the per-call timeout).
func (a *Actuator) apiError(ctx context.Context, op string, r Ref, err error) error {
	what := fmt.Sprintf("%s the scale of %s", op, r.object())
	verb := "get"
	if op == "updating" {
		verb = "update"
	}
	switch {
	case apierrors.IsNotFound(err):
		return &notFoundError{ref: r}
	case apierrors.IsForbidden(err):
		return fmt.Errorf("%s: %w (grant %q on %s/scale in API group apps, namespace %q)", what, err, verb, r.Resource, r.Namespace)
	case apierrors.IsUnauthorized(err):
		return fmt.Errorf("%s: the Kubernetes API server rejected the credentials: %w", what, err)
	case ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%s: no answer from the Kubernetes API server within %s", what, a.timeout)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// warningLog sends API server warnings to the logger.
type warningLog struct{ log *slog.Logger }

func (w warningLog) HandleWarningHeaderWithContext(ctx context.Context, code int, agent, text string) {
	w.log.WarnContext(ctx, "Kubernetes API server warning", "code", code, "agent", agent, "text", text)
}

// Interface guards.
var (
	_ resource.Actuator    = (*Actuator)(nil)
	_ resource.IDValidator = (*Actuator)(nil)
)
