package app

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/scaled-dev/scaled/internal/auth"
	"github.com/scaled-dev/scaled/internal/awsjson"
)

// DefaultAccount is the account of unsigned requests in insecure mode and of the key
// generated on first start.
const DefaultAccount = "000000000000"

// verifier authenticates a request and returns the caller's account.
type verifier interface {
	Verify(r *http.Request) (auth.Credential, error)
}

// protocolHandler is a service that may also render errors in its own protocol (the
// CloudWatch query protocol answers in XML).
type protocolHandler interface {
	http.Handler
	Match(r *http.Request) bool
}

// router is the single HTTP entry point: request IDs, authentication, then dispatch by
// protocol to the service a request belongs to.
type router struct {
	log        *slog.Logger
	verify     verifier // nil in insecure mode
	aas        http.Handler
	sagemaker  http.Handler
	cloudwatch protocolHandler
	runtime    http.Handler
	registry   *prometheus.Registry
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	now        func() time.Time
}

func newRouter(log *slog.Logger, v verifier, reg *prometheus.Registry, now func() time.Time) *router {
	rt := &router{
		log:      log,
		verify:   v,
		registry: reg,
		now:      now,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "scaled_api_requests_total",
			Help: "API requests by service and HTTP status code.",
		}, []string{"service", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "scaled_api_request_duration_seconds",
			Help:    "API request latency by service.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
		}, []string{"service"}),
	}
	reg.MustRegister(rt.requests, rt.latency)
	return rt
}

type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.code = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (rt *router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/healthz":
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok\n"))
		return
	case r.Method == http.MethodGet && r.URL.Path == "/metrics":
		promhttp.HandlerFor(rt.registry, promhttp.HandlerOpts{}).ServeHTTP(w, r)
		return
	}
	id := awsjson.NewRequestID()
	ctx := awsjson.WithRequestID(r.Context(), id)
	r = r.WithContext(ctx)
	w.Header().Set("x-amzn-RequestId", id)
	service, h := rt.route(r)
	start := rt.now()
	rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
	refused := "" // the signature error, when the request was refused for it
	defer func() {
		if p := recover(); p != nil {
			rt.log.Error("panic serving request", "request_id", id, "panic", p)
			rec.code = http.StatusInternalServerError
			awsjson.WriteError(w, "application/x-amz-json-1.1", &awsjson.Error{Type: "InternalFailure", Status: http.StatusInternalServerError, Message: "An internal error occurred. Request ID: " + id})
		}
		elapsed := rt.now().Sub(start)
		rt.requests.WithLabelValues(service, itoa(rec.code)).Inc()
		rt.latency.WithLabelValues(service).Observe(elapsed.Seconds())
		// The access log: every request at debug level; refused signatures at warn, since
		// they are what an operator looks for when a client is misconfigured or probing.
		level, attrs := slog.LevelDebug, []any{"request_id", id, "service", service, "operation", operation(r),
			"account", auth.AccountFrom(r.Context()), "status", rec.code, "duration", elapsed, "remote", r.RemoteAddr}
		if refused != "" {
			level, attrs = slog.LevelWarn, append(attrs, "refused", refused)
		}
		rt.log.Log(ctx, level, "request", attrs...)
	}()
	if h == nil {
		rt.writeError(rec, r, &awsjson.Error{Type: "UnknownOperationException", Status: http.StatusBadRequest,
			Message: "The request does not name a known operation: send AWS JSON with X-Amz-Target (e.g. AnyScaleFrontendService.DescribeScalableTargets), a CloudWatch request, or POST /endpoints/{name}/invocations"})
		return
	}
	if rt.verify != nil {
		cred, err := rt.verify.Verify(r)
		if err != nil {
			var ae *awsjson.Error
			refused = err.Error()
			if !errors.As(err, &ae) {
				ae = &awsjson.Error{Type: "InternalFailure", Status: http.StatusInternalServerError, Message: "could not verify the request signature"}
				rt.log.Error("signature verification failed", "request_id", id, "err", err)
			}
			rt.writeError(rec, r, ae)
			return
		}
		r = r.WithContext(auth.WithAccount(r.Context(), cred.AccountID))
	} else {
		r = r.WithContext(auth.WithAccount(r.Context(), DefaultAccount))
	}
	h.ServeHTTP(rec, r)
}

// operation names what a request asks for, for the access log.
func operation(r *http.Request) string {
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		if _, op, ok := strings.Cut(t, "."); ok {
			return op
		}
		return t
	}
	if op, ok := strings.CutPrefix(r.URL.Path, "/service/"); ok {
		if _, name, ok := strings.Cut(op, "/operation/"); ok {
			return name
		}
	}
	return r.Method + " " + r.URL.Path
}

// route picks the service of a request without reading its body.
func (rt *router) route(r *http.Request) (string, http.Handler) {
	target := r.Header.Get("X-Amz-Target")
	switch {
	case strings.HasPrefix(target, "AnyScaleFrontendService."):
		return "application-autoscaling", rt.aas
	case strings.HasPrefix(target, "SageMaker."):
		if rt.sagemaker == nil {
			return "sagemaker", nil
		}
		return "sagemaker", rt.sagemaker
	case rt.cloudwatch != nil && rt.cloudwatch.Match(r):
		return "monitoring", rt.cloudwatch
	case strings.HasPrefix(r.URL.Path, "/endpoints/"):
		if rt.runtime == nil {
			return "runtime.sagemaker", nil
		}
		return "runtime.sagemaker", rt.runtime
	case target == "" && r.Method == http.MethodPost && r.URL.Path == "/":
		// AWS JSON without a target header: let the AAS service explain what is missing.
		return "application-autoscaling", rt.aas
	}
	return "unknown", nil
}

// errorWriter is implemented by services whose protocol renders errors differently.
type errorWriter interface {
	WriteAuthError(w http.ResponseWriter, r *http.Request, e *awsjson.Error)
}

func (rt *router) writeError(w http.ResponseWriter, r *http.Request, e *awsjson.Error) {
	if rt.cloudwatch != nil && rt.cloudwatch.Match(r) {
		if ew, ok := rt.cloudwatch.(errorWriter); ok {
			ew.WriteAuthError(w, r, e)
			return
		}
	}
	ct := "application/x-amz-json-1.1"
	if strings.HasPrefix(r.URL.Path, "/endpoints/") {
		ct = "application/json"
	}
	awsjson.WriteError(w, ct, e)
}

func itoa(n int) string {
	const digits = "0123456789"
	if n >= 100 && n < 1000 {
		return string([]byte{digits[n/100], digits[n/10%10], digits[n%10]})
	}
	return "other"
}
