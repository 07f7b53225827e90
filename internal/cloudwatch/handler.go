package cloudwatch

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/scaled-dev/scaled/internal/auth"
	"github.com/scaled-dev/scaled/internal/awsjson"
	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/metrics/tsdb"
	"github.com/scaled-dev/scaled/internal/store"
)

// Wire identifiers of the CloudWatch service.
const (
	// ServiceID is the Smithy service name: the X-Amz-Target prefix of AWS JSON 1.0 and
	// the path segment of RPC v2 CBOR.
	ServiceID = "GraniteServiceVersion20100801"
	// CBORPathPrefix starts the path of every RPC v2 CBOR request.
	CBORPathPrefix = "/service/" + ServiceID + "/operation/"
	// APIVersion is the awsQuery Version parameter.
	APIVersion = "2010-08-01"
	// SigningName is the SigV4 service name in the credential scope.
	SigningName = "monitoring"
	// DefaultAccount is used when the request context carries no account.
	DefaultAccount = "000000000000"
	// DefaultMaxBody is the request body limit (after decompression) when
	// Options.MaxBody is 0.
	DefaultMaxBody = 4 << 20
)

// MetricLister enumerates stored series for ListMetrics; tsdb.DB implements it. Without
// one, ListMetrics returns no metrics.
type MetricLister interface {
	Series(ctx context.Context, account string, activeSince time.Time) ([]tsdb.SeriesInfo, error)
}

// Options are the dependencies of a Handler.
type Options struct {
	// Source answers GetMetricData and GetMetricStatistics.
	Source metrics.Source
	// Sink receives PutMetricData.
	Sink metrics.Sink
	// Lister answers ListMetrics; if nil and Source implements MetricLister, Source is
	// used.
	Lister MetricLister
	// Alarms stores the metric alarms.
	Alarms store.Alarms
	// Region appears in alarm ARNs (default us-east-1).
	Region string
	Clock  clock.Clock
	Logger *slog.Logger
	// MaxBody limits request bodies (default DefaultMaxBody).
	MaxBody int64
}

// Handler serves the CloudWatch API subset over RPC v2 CBOR, AWS JSON 1.0 and awsQuery.
type Handler struct {
	opts Options
	clk  clock.Clock
	log  *slog.Logger
	ops  map[string]operation
}

// operation is one typed operation, shared by every codec.
type operation struct {
	newInput func() any
	run      func(ctx context.Context, in any) (any, error)
}

func op[In, Out any](f func(ctx context.Context, in *In) (*Out, error)) operation {
	return operation{
		newInput: func() any { return new(In) },
		run: func(ctx context.Context, in any) (any, error) {
			out, err := f(ctx, in.(*In))
			if err != nil {
				return nil, err
			}
			return out, nil
		},
	}
}

// New returns a Handler.
func New(opts Options) *Handler {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.Lister == nil {
		if l, ok := opts.Source.(MetricLister); ok {
			opts.Lister = l
		}
	}
	h := &Handler{opts: opts, clk: opts.Clock, log: opts.Logger}
	h.ops = map[string]operation{
		"PutMetricData":           op(h.putMetricData),
		"GetMetricData":           op(h.getMetricData),
		"GetMetricStatistics":     op(h.getMetricStatistics),
		"ListMetrics":             op(h.listMetrics),
		"PutMetricAlarm":          op(h.putMetricAlarm),
		"DescribeAlarms":          op(h.describeAlarms),
		"DescribeAlarmsForMetric": op(h.describeAlarmsForMetric),
		"DeleteAlarms":            op(h.deleteAlarms),
		"SetAlarmState":           op(h.setAlarmState),
		"EnableAlarmActions":      op(h.enableAlarmActions),
		"DisableAlarmActions":     op(h.disableAlarmActions),
	}
	return h
}

// Match reports whether r is a CloudWatch request:
//
//   - RPC v2 CBOR: the path starts with CBORPathPrefix;
//   - AWS JSON 1.0: the X-Amz-Target header starts with ServiceID + ".";
//   - awsQuery: path "/" (or empty) and either a GET whose query string has
//     Version=2010-08-01, or a POST with Content-Type application/x-www-form-urlencoded
//     whose SigV4 credential scope names the service "monitoring" or, when the request is
//     unsigned or the scope names no service, whose form has Version=2010-08-01. In the
//     last case Match reads the body (up to Options.MaxBody) and replaces r.Body with an
//     equivalent reader, so later handlers and signature checks see it unchanged.
func (h *Handler) Match(r *http.Request) bool {
	if strings.HasPrefix(r.URL.Path, CBORPathPrefix) {
		return true
	}
	if strings.HasPrefix(r.Header.Get("X-Amz-Target"), ServiceID+".") {
		return true
	}
	if r.URL.Path != "/" && r.URL.Path != "" {
		return false
	}
	if r.Header.Get("X-Amz-Target") != "" {
		return false
	}
	switch r.Method {
	case http.MethodGet:
		q := r.URL.Query()
		return q.Get("Version") == APIVersion && q.Get("Action") != ""
	case http.MethodPost:
	default:
		return false
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/x-www-form-urlencoded" {
		return false
	}
	if svc := scopeService(r); svc != "" {
		return svc == SigningName
	}
	if r.Body == nil || r.Header.Get("Content-Encoding") != "" {
		return false
	}
	orig := r.Body
	body, err := io.ReadAll(io.LimitReader(orig, h.opts.MaxBody+1))
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(body), orig), orig}
	if err != nil {
		return false
	}
	vals, err := url.ParseQuery(string(body))
	return err == nil && vals.Get("Version") == APIVersion
}

// scopeService returns the service of the SigV4 credential scope of r, or "".
func scopeService(r *http.Request) string {
	cred := ""
	if a := r.Header.Get("Authorization"); strings.HasPrefix(a, "AWS4-") {
		if _, rest, ok := strings.Cut(a, "Credential="); ok {
			cred, _, _ = strings.Cut(rest, ",")
		}
	} else {
		cred = r.URL.Query().Get("X-Amz-Credential")
	}
	parts := strings.Split(strings.TrimSpace(cred), "/")
	if len(parts) != 5 {
		return ""
	}
	return parts[3]
}

type protocol int

const (
	protoQuery protocol = iota
	protoJSON
	protoCBOR
)

// ServeHTTP serves one CloudWatch request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := awsjson.RequestID(ctx)
	if id == "" {
		id = awsjson.NewRequestID()
		ctx = awsjson.WithRequestID(ctx, id)
	}
	w.Header().Set("x-amzn-RequestId", id)

	proto, opName := protoQuery, ""
	switch {
	case strings.HasPrefix(r.URL.Path, CBORPathPrefix):
		proto, opName = protoCBOR, strings.TrimPrefix(r.URL.Path, CBORPathPrefix)
	case r.Header.Get("X-Amz-Target") != "":
		proto = protoJSON
		prefix, name, ok := strings.Cut(r.Header.Get("X-Amz-Target"), ".")
		if !ok || prefix != ServiceID {
			h.writeError(w, proto, "", errUnknownOperation(r.Header.Get("X-Amz-Target")), id)
			return
		}
		opName = name
	}
	defer func() {
		if p := recover(); p != nil {
			h.log.Error("panic serving CloudWatch request", "request_id", id, "operation", opName, "panic", p)
			h.writeError(w, proto, opName, errInternal(id), id)
		}
	}()

	if r.Method != http.MethodPost && !(proto == protoQuery && r.Method == http.MethodGet) {
		h.writeError(w, proto, opName, errSerialization("Method %s is not supported; use POST.", r.Method), id)
		return
	}
	body, apiErr := h.readBody(w, r)
	if apiErr != nil {
		h.writeError(w, proto, opName, apiErr, id)
		return
	}
	var form url.Values
	if proto == protoQuery {
		var err error
		form, err = url.ParseQuery(string(body))
		if err != nil {
			h.writeError(w, proto, opName, errSerialization("The request body is not a valid form: %v", err), id)
			return
		}
		if r.Method == http.MethodGet {
			form = r.URL.Query()
		}
		opName = form.Get("Action")
		if opName == "" {
			h.writeError(w, proto, opName, errMissing("Action"), id)
			return
		}
		if v := form.Get("Version"); v != "" && v != APIVersion {
			h.writeError(w, proto, opName, errInvalidValue("The parameter Version must be %s, not %q.", APIVersion, v), id)
			return
		}
	}
	o, ok := h.ops[opName]
	if !ok {
		h.writeError(w, proto, opName, errUnknownOperation(opName), id)
		return
	}
	in := o.newInput()
	if err := decodeInput(proto, body, form, in); err != nil {
		var ae *Error
		if !errors.As(err, &ae) {
			ae = errSerialization("Failed to parse the request: %v", err)
		}
		h.writeError(w, proto, opName, ae, id)
		return
	}
	out, err := o.run(ctx, in)
	if err != nil {
		var ae *Error
		if !errors.As(err, &ae) {
			h.log.Error("CloudWatch operation failed", "request_id", id, "operation", opName, "err", err)
			ae = errInternal(id)
		}
		h.writeError(w, proto, opName, ae, id)
		return
	}
	h.writeOutput(w, proto, opName, out, id)
}

func (h *Handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, *Error) {
	if r.Body == nil {
		return nil, nil
	}
	var rd io.Reader = http.MaxBytesReader(w, r.Body, h.opts.MaxBody)
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(rd)
		if err != nil {
			return nil, errSerialization("The request body is not valid gzip: %v", err)
		}
		defer zr.Close()
		rd = io.LimitReader(zr, h.opts.MaxBody+1)
	default:
		return nil, errSerialization("Content-Encoding %q is not supported; use gzip or none.", enc)
	}
	body, err := io.ReadAll(rd)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, newErr("RequestEntityTooLarge", "RequestEntityTooLarge", http.StatusRequestEntityTooLarge, false, "The request body exceeds the limit of %d bytes.", h.opts.MaxBody)
		}
		return nil, errSerialization("Could not read the request body: %v", err)
	}
	if int64(len(body)) > h.opts.MaxBody {
		return nil, newErr("RequestEntityTooLarge", "RequestEntityTooLarge", http.StatusRequestEntityTooLarge, false, "The decompressed request body exceeds the limit of %d bytes.", h.opts.MaxBody)
	}
	return body, nil
}

var (
	cborDec, _ = cbor.DecOptions{MaxNestedLevels: 64, MaxArrayElements: 1 << 20, MaxMapPairs: 1 << 20}.DecMode()
	cborEnc, _ = cbor.EncOptions{}.EncMode()
)

func decodeInput(proto protocol, body []byte, form url.Values, in any) error {
	switch proto {
	case protoCBOR:
		if len(bytes.TrimSpace(body)) == 0 {
			return nil
		}
		if err := cborDec.Unmarshal(body, in); err != nil {
			return errSerialization("Failed to parse the CBOR request body: %v", err)
		}
	case protoJSON:
		if len(bytes.TrimSpace(body)) == 0 {
			return nil
		}
		if err := json.Unmarshal(body, in); err != nil {
			return errSerialization("Failed to parse the JSON request body: %v", err)
		}
	default:
		return decodeForm(form, in)
	}
	return nil
}

func (h *Handler) writeOutput(w http.ResponseWriter, proto protocol, opName string, out any, id string) {
	var (
		buf []byte
		err error
		ct  string
	)
	switch proto {
	case protoCBOR:
		ct = "application/cbor"
		w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
		buf, err = cborEnc.Marshal(out)
	case protoJSON:
		ct = "application/x-amz-json-1.0"
		buf, err = json.Marshal(out)
	default:
		ct = "text/xml"
		buf = queryResponse(opName, out, id)
	}
	if err != nil {
		h.log.Error("encoding CloudWatch response", "request_id", id, "operation", opName, "err", err)
		h.writeError(w, proto, opName, errInternal(id), id)
		return
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf)
}

func (h *Handler) writeError(w http.ResponseWriter, proto protocol, opName string, e *Error, id string) {
	status := e.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	w.Header().Set("x-amzn-query-error", e.Code+";"+e.fault())
	var buf []byte
	switch proto {
	case protoCBOR:
		w.Header().Set("Content-Type", "application/cbor")
		w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
		buf, _ = cborEnc.Marshal(map[string]string{"__type": shapeNamespace + e.Shape, e.messageMember(): e.Message})
	case protoJSON:
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		buf, _ = json.Marshal(map[string]string{"__type": shapeNamespace + e.Shape, e.messageMember(): e.Message})
	default:
		w.Header().Set("Content-Type", "text/xml")
		buf = queryError(e, id)
	}
	if status >= 500 {
		h.log.Warn("CloudWatch request failed", "request_id", id, "operation", opName, "code", e.Code)
	}
	w.WriteHeader(status)
	_, _ = w.Write(buf)
}

// account returns the caller's account.
func account(ctx context.Context) string {
	if a := auth.AccountFrom(ctx); a != "" {
		return a
	}
	return DefaultAccount
}

func (h *Handler) alarmARN(acct, name string) string {
	return fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:%s", h.opts.Region, acct, name)
}
