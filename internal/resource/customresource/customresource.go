package customresource

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/resource"
)

// Namespace and Dimension are the kind this actuator serves.
const (
	Namespace = "custom-resource"
	Dimension = "custom-resource:ResourceType:Property"
)

// Kind is the registry key of the custom-resource actuator.
var Kind = resource.Kind{Namespace: Namespace, Dimension: Dimension}

// Defaults for Options fields left zero.
const (
	DefaultTimeout     = 5 * time.Second
	DefaultRetries     = 3
	DefaultBackoffBase = 200 * time.Millisecond
	DefaultBackoffMax  = 5 * time.Second
	// maxBody bounds how much of an answer is read.
	maxBody = 1 << 20
)

// SigV4 configures request signing for Amazon API Gateway endpoints with IAM authorization.
type SigV4 struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	// Region of the signature. Empty means: taken from an
	// "<api>.execute-api.<region>.amazonaws.com" host, else "us-east-1".
	Region string
	// Service is the signing name; empty means "execute-api".
	Service string
}

// Options configures an Actuator. Every field is optional.
type Options struct {
	// Client sends the requests; nil means a new http.Client with default transport.
	Client *http.Client
	// Clock times backoff waits and signatures; nil means clock.Real{}.
	Clock clock.Clock
	// Timeout bounds each HTTP request (not the retries together); 0 means DefaultTimeout.
	Timeout time.Duration
	// Retries is how many times a request is repeated after a network error, a 429 or a
	// 5xx answer; 0 means DefaultRetries, a negative value means no retries.
	Retries int
	// BackoffBase is the wait before the first retry; each retry doubles it up to
	// BackoffMax. The actual wait is drawn uniformly from [d/2, d] (jitter).
	BackoffBase time.Duration
	BackoffMax  time.Duration
	// Jitter returns a number in [0, 1); nil means math/rand/v2.Float64.
	Jitter func() float64
	// Signing, when set, signs every request with SigV4.
	Signing *SigV4
	// AllowedPrefixes, when non-empty, restricts resource URLs to those starting with one
	// of the prefixes (for example "https://scaling.internal.example/"). By default any
	// http or https URL is allowed, since self-hosted backends usually speak plain HTTP.
	AllowedPrefixes []string
	// UserAgent is sent on every request; empty means "scaled".
	UserAgent string
	// Logger receives retry notices; nil discards them.
	Logger *slog.Logger
}

// Actuator speaks the custom-resource protocol. It is safe for concurrent use.
type Actuator struct {
	client      *http.Client
	clock       clock.Clock
	timeout     time.Duration
	retries     int
	backoffBase time.Duration
	backoffMax  time.Duration
	jitter      func() float64
	signing     *SigV4
	signer      *v4.Signer
	allowed     []string
	userAgent   string
	log         *slog.Logger
}

// New returns an Actuator.
func New(o Options) (*Actuator, error) {
	a := &Actuator{
		client:      o.Client,
		clock:       o.Clock,
		timeout:     o.Timeout,
		retries:     o.Retries,
		backoffBase: o.BackoffBase,
		backoffMax:  o.BackoffMax,
		jitter:      o.Jitter,
		allowed:     append([]string(nil), o.AllowedPrefixes...),
		userAgent:   o.UserAgent,
		log:         o.Logger,
	}
	if a.client == nil {
		a.client = &http.Client{}
	}
	if a.clock == nil {
		a.clock = clock.Real{}
	}
	switch {
	case a.timeout < 0:
		return nil, fmt.Errorf("customresource: timeout must be positive, was %s", o.Timeout)
	case a.timeout == 0:
		a.timeout = DefaultTimeout
	}
	switch {
	case a.retries == 0:
		a.retries = DefaultRetries
	case a.retries < 0:
		a.retries = 0
	}
	if a.backoffBase < 0 || a.backoffMax < 0 {
		return nil, fmt.Errorf("customresource: backoff durations must not be negative, were %s and %s", o.BackoffBase, o.BackoffMax)
	}
	if a.backoffBase == 0 {
		a.backoffBase = DefaultBackoffBase
	}
	if a.backoffMax == 0 {
		a.backoffMax = DefaultBackoffMax
	}
	if a.backoffMax < a.backoffBase {
		a.backoffMax = a.backoffBase
	}
	if a.jitter == nil {
		a.jitter = rand.Float64
	}
	if a.userAgent == "" {
		a.userAgent = "scaled"
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	for _, p := range a.allowed {
		u, err := url.Parse(p)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("customresource: allowed prefix %q must be an http or https URL", p)
		}
	}
	// Redirects must stay within the allowed URLs too (a copy, so the caller's client is
	// left as it was).
	c := *a.client
	next := c.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if _, err := a.checkURL(req.URL.String()); err != nil {
			return fmt.Errorf("%w: %w", errRedirectRefused, err)
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	a.client = &c
	if o.Signing != nil {
		s := *o.Signing
		if s.AccessKeyID == "" || s.SecretAccessKey == "" {
			return nil, errors.New("customresource: signing needs an access key ID and a secret access key")
		}
		if s.Service == "" {
			s.Service = "execute-api"
		}
		a.signing = &s
		a.signer = v4.NewSigner()
	}
	return a, nil
}

// dimensionDoc is the ScalableTargetDimension document of the protocol. Pointers tell a
// missing member from a zero one.
type dimensionDoc struct {
	ScalableTargetDimensionID string   `json:"scalableTargetDimensionId"`
	Version                   string   `json:"version"`
	ResourceName              string   `json:"resourceName"`
	DimensionName             string   `json:"dimensionName"`
	ActualCapacity            *float64 `json:"actualCapacity"`
	DesiredCapacity           *float64 `json:"desiredCapacity"`
	ScalingStatus             *string  `json:"scalingStatus"`
	FailureReason             string   `json:"failureReason"`
}

// State reads the resource with a GET on its URL.
func (a *Actuator) State(ctx context.Context, k model.TargetKey) (resource.State, error) {
	u, err := a.checkURL(k.ResourceID)
	if err != nil {
		return resource.State{}, err
	}
	ans, err := a.do(ctx, http.MethodGet, u, nil)
	if err != nil {
		return resource.State{}, err
	}
	st, err := parseState(ans.body, ans.contentType)
	if err != nil {
		return resource.State{}, fmt.Errorf("GET %s: %w", u, err)
	}
	return st, nil
}

// SetDesired asks for n with a PATCH {"desiredCapacity": n} on the resource URL. It returns
// once the backend accepted the request.
func (a *Actuator) SetDesired(ctx context.Context, k model.TargetKey, n int32) error {
	u, err := a.checkURL(k.ResourceID)
	if err != nil {
		return err
	}
	if n < 0 {
		return fmt.Errorf("PATCH %s: desired capacity must not be negative, was %d", u, n)
	}
	// Written as AAS does: a whole number with a fractional part, e.g. 2.0.
	body := []byte(`{"desiredCapacity":` + strconv.FormatInt(int64(n), 10) + `.0}`)
	_, err = a.do(ctx, http.MethodPatch, u, body)
	return err
}

// ValidateResourceID checks that the ResourceId is an allowed URL and that a GET on it
// answers a valid state, as AWS checks access at registration.
func (a *Actuator) ValidateResourceID(ctx context.Context, k model.TargetKey) error {
	_, err := a.State(ctx, k)
	return err
}

// checkURL parses the ResourceId and applies the allow-list.
func (a *Actuator) checkURL(id string) (*url.URL, error) {
	u, err := url.Parse(id)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("resource ID %q is not an http or https URL", id)
	}
	if u.User != nil {
		return nil, fmt.Errorf("resource ID %q must not carry user credentials", redact(u))
	}
	if len(a.allowed) > 0 {
		ok := false
		for _, p := range a.allowed {
			if strings.HasPrefix(id, p) {
				ok = true
				break
			}
		}
		if !ok {
			return nil, fmt.Errorf("resource ID %q is not under an allowed URL prefix (%s)", id, strings.Join(a.allowed, ", "))
		}
	}
	return u, nil
}

func redact(u *url.URL) string {
	c := *u
	c.User = nil
	return c.String()
}

// errRedirectRefused marks a redirect outside the allowed URLs; it is not retried.
var errRedirectRefused = errors.New("redirect refused")

// httpError is an HTTP error answer of the backend.
type httpError struct {
	status  int
	message string
}

func (e *httpError) Error() string {
	if e.message == "" {
		return fmt.Sprintf("HTTP %d %s", e.status, http.StatusText(e.status))
	}
	return fmt.Sprintf("HTTP %d %s: %s", e.status, http.StatusText(e.status), e.message)
}

// Unwrap maps 404 to resource.ErrNotFound.
func (e *httpError) Unwrap() error {
	if e.status == http.StatusNotFound {
		return resource.ErrNotFound
	}
	return nil
}

func retryable(status int) bool {
	return status == http.StatusTooManyRequests || status >= 500
}

// answer is a 2xx answer.
type answer struct {
	body        []byte
	contentType string
}

// do sends one request with retries and returns the 2xx answer. Errors read
// "<METHOD> <url> failed: <reason>".
func (a *Actuator) do(ctx context.Context, method string, u *url.URL, body []byte) (answer, error) {
	var lastErr error
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			if lastErr != nil {
				return answer{}, fmt.Errorf("%s %s failed: %v (gave up: %w)", method, u, lastErr, err)
			}
			return answer{}, fmt.Errorf("%s %s failed: %w", method, u, err)
		}
		out, retryAfter, err := a.once(ctx, method, u, body)
		if err == nil {
			return out, nil
		}
		var he *httpError
		isHTTP := errors.As(err, &he)
		if (isHTTP && !retryable(he.status)) || errors.Is(err, errRedirectRefused) {
			return answer{}, fmt.Errorf("%s %s failed: %w", method, u, err)
		}
		if ctx.Err() != nil {
			// The caller's deadline, not ours: do not retry.
			return answer{}, fmt.Errorf("%s %s failed: %w", method, u, err)
		}
		lastErr = err
		if attempt >= a.retries {
			if attempt == 0 {
				return answer{}, fmt.Errorf("%s %s failed: %w", method, u, err)
			}
			return answer{}, fmt.Errorf("%s %s failed after %d attempts: %w", method, u, attempt+1, err)
		}
		wait := a.backoff(attempt)
		if retryAfter > 0 {
			wait = min(max(wait, retryAfter), a.backoffMax)
		}
		a.log.DebugContext(ctx, "custom resource request failed; retrying", "method", method, "url", u.String(), "attempt", attempt+1, "wait", wait, "err", err)
		select {
		case <-ctx.Done():
			return answer{}, fmt.Errorf("%s %s failed: %v (gave up: %w)", method, u, err, ctx.Err())
		case <-a.clock.After(wait):
		}
	}
}

// backoff is the wait before retry number attempt+1: base·2^attempt capped at max, drawn
// from [d/2, d].
func (a *Actuator) backoff(attempt int) time.Duration {
	d := a.backoffBase
	for i := 0; i < attempt && d < a.backoffMax; i++ {
		d *= 2
	}
	d = min(d, a.backoffMax)
	half := d / 2
	return half + time.Duration(a.jitter()*float64(d-half))
}

// once sends a single request under the per-request timeout.
func (a *Actuator) once(ctx context.Context, method string, u *url.URL, body []byte) (answer, time.Duration, error) {
	rctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(rctx, method, u.String(), rd)
	if err != nil {
		return answer{}, 0, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", a.userAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if a.signing != nil {
		if err := a.sign(rctx, req, u, body); err != nil {
			return answer{}, 0, err
		}
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return answer{}, 0, a.describeNetErr(err, rctx)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return answer{}, 0, fmt.Errorf("reading the answer: %w", a.describeNetErr(err, rctx))
	}
	if len(data) > maxBody {
		return answer{}, 0, fmt.Errorf("answer is larger than %d bytes", maxBody)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return answer{}, retryAfter(resp.Header.Get("Retry-After")), &httpError{status: resp.StatusCode, message: errorMessage(data)}
	}
	return answer{body: data, contentType: resp.Header.Get("Content-Type")}, 0, nil
}

// describeNetErr turns transport errors into short reasons such as "connection refused" or
// "no answer within 5s".
func (a *Actuator) describeNetErr(err error, rctx context.Context) error {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return errors.New("connection refused")
	case errors.Is(err, context.DeadlineExceeded) && rctx.Err() != nil,
		errors.As(err, &ne) && ne.Timeout():
		return fmt.Errorf("no answer within %s", a.timeout)
	case errors.Is(err, syscall.ECONNRESET):
		return errors.New("connection reset by the server")
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("the server closed the connection without answering")
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n <= 0 {
		return 0
	}
	return time.Duration(n) * time.Second
}

// errorMessage extracts {"message": ...} (or "Message") from an error body, else a short
// excerpt of the text.
func errorMessage(data []byte) string {
	var m struct {
		Message  string `json:"message"`
		Message2 string `json:"Message"`
	}
	if json.Unmarshal(data, &m) == nil {
		if m.Message != "" {
			return m.Message
		}
		if m.Message2 != "" {
			return m.Message2
		}
	}
	return excerpt(data)
}

func excerpt(data []byte) string {
	s := strings.TrimSpace(string(data))
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}

// sign adds a SigV4 signature for the execute-api service.
func (a *Actuator) sign(ctx context.Context, req *http.Request, u *url.URL, body []byte) error {
	sum := sha256.Sum256(body)
	region := a.signing.Region
	if region == "" {
		region = regionFromHost(u.Hostname())
	}
	creds := aws.Credentials{
		AccessKeyID:     a.signing.AccessKeyID,
		SecretAccessKey: a.signing.SecretAccessKey,
		SessionToken:    a.signing.SessionToken,
		Source:          "scaled",
	}
	if err := a.signer.SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), a.signing.Service, region, a.clock.Now().UTC()); err != nil {
		return fmt.Errorf("sign request: %w", err)
	}
	return nil
}

// regionFromHost reads the region of "<api>.execute-api.<region>.amazonaws.com".
func regionFromHost(host string) string {
	parts := strings.Split(host, ".")
	for i := 0; i+2 < len(parts); i++ {
		if parts[i] == "execute-api" && parts[i+2] == "amazonaws" {
			return parts[i+1]
		}
	}
	return "us-east-1"
}

// parseState validates a GET answer.
func parseState(data []byte, contentType string) (resource.State, error) {
	var doc dimensionDoc
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return resource.State{}, errors.New("answer is empty, want a JSON scalable target dimension")
	}
	if err := json.Unmarshal(trimmed, &doc); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te):
			return resource.State{}, fmt.Errorf("answer member %q has JSON type %s, want %s", te.Field, te.Value, te.Type)
		case errors.As(err, &se) || trimmed[0] != '{':
			if contentType != "" {
				return resource.State{}, fmt.Errorf("answer is not JSON (Content-Type %s): %q", mediaType(contentType), excerpt(data))
			}
			return resource.State{}, fmt.Errorf("answer is not JSON: %q", excerpt(data))
		default:
			return resource.State{}, fmt.Errorf("answer is not a JSON object: %v", err)
		}
	}
	var missing []string
	if doc.ActualCapacity == nil {
		missing = append(missing, "actualCapacity")
	}
	if doc.DesiredCapacity == nil {
		missing = append(missing, "desiredCapacity")
	}
	if doc.ScalingStatus == nil {
		missing = append(missing, "scalingStatus")
	}
	if len(missing) > 0 {
		return resource.State{}, fmt.Errorf("answer lacks required member(s) %s", strings.Join(missing, ", "))
	}
	actual, err := capacity("actualCapacity", *doc.ActualCapacity)
	if err != nil {
		return resource.State{}, err
	}
	desired, err := capacity("desiredCapacity", *doc.DesiredCapacity)
	if err != nil {
		return resource.State{}, err
	}
	var status resource.Status
	switch *doc.ScalingStatus {
	case "Pending":
		status = resource.StatusPending
	case "InProgress":
		status = resource.StatusInProgress
	case "Successful":
		status = resource.StatusSuccessful
	case "Failed":
		status = resource.StatusFailed
	default:
		return resource.State{}, fmt.Errorf("answer has scalingStatus %q, want one of Pending, InProgress, Successful, Failed", *doc.ScalingStatus)
	}
	st := resource.State{Desired: desired, Actual: actual, Status: status}
	if status == resource.StatusFailed {
		st.Message = doc.FailureReason
	}
	return st, nil
}

// capacity converts a wire capacity (a double) to a whole, non-negative int32.
func capacity(field string, v float64) (int32, error) {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return 0, fmt.Errorf("answer has %s %v, want a finite number", field, v)
	case v < 0:
		return 0, fmt.Errorf("answer has %s %v, must not be negative", field, v)
	case v > math.MaxInt32:
		return 0, fmt.Errorf("answer has %s %v, larger than %d", field, v, math.MaxInt32)
	}
	r := math.Round(v)
	if math.Abs(v-r) > 1e-6 {
		return 0, fmt.Errorf("answer has %s %v, want a whole number", field, v)
	}
	return int32(r), nil
}

// mediaType is the media type of a Content-Type header (for messages).
func mediaType(v string) string {
	mt, _, err := mime.ParseMediaType(v)
	if err != nil {
		return v
	}
	return mt
}

// Interface guards.
var (
	_ resource.Actuator    = (*Actuator)(nil)
	_ resource.IDValidator = (*Actuator)(nil)
)
