// Package awsjson serves the AWS JSON 1.0/1.1 protocols: POST / with an X-Amz-Target header
// naming the operation, a JSON body, and errors as {"__type": ..., "Message": ...} with the
// HTTP status of the error shape. Handlers never see the wire: they get the body and return a
// value to encode or an error; a *Error passes through as it is, anything else becomes the
// service's internal error. Panics are recovered and never reach a client.
package awsjson

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"

	"github.com/google/uuid"
)

// DefaultMaxBody is the request body limit when Service.MaxBody is 0: 1 MiB, well above the
// largest valid request (metric-math policies are capped at 50 KB by AWS).
const DefaultMaxBody = 1 << 20

// Error is an AWS error response.
type Error struct {
	Type    string // __type, e.g. "ValidationException"
	Status  int    // HTTP status
	Message string
	// Fields are extra members of the error shape, e.g. ResourceName.
	Fields map[string]string
}

func (e *Error) Error() string { return e.Type + ": " + e.Message }

// Errorf builds an *Error.
func Errorf(typ string, status int, format string, args ...any) *Error {
	return &Error{Type: typ, Status: status, Message: fmt.Sprintf(format, args...)}
}

// Handler runs one operation on the raw JSON body.
type Handler func(ctx context.Context, body []byte) (any, error)

// Op adapts a typed handler: the body is decoded into a new In (unknown members ignored;
// malformed JSON is a SerializationException).
func Op[In any, Out any](f func(ctx context.Context, in *In) (*Out, error)) Handler {
	return func(ctx context.Context, body []byte) (any, error) {
		in := new(In)
		if err := Decode(body, in); err != nil {
			return nil, err
		}
		return f(ctx, in)
	}
}

// Decode parses a JSON request body; an empty body means {}.
func Decode(body []byte, v any) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return &Error{Type: "SerializationException", Status: http.StatusBadRequest, Message: "Failed to parse request body: " + describeJSONError(err)}
	}
	if dec.More() {
		return &Error{Type: "SerializationException", Status: http.StatusBadRequest, Message: "Failed to parse request body: unexpected data after the JSON object"}
	}
	return nil
}

func describeJSONError(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "(root)"
		}
		return fmt.Sprintf("member %s must be %s, not a JSON %s", field, te.Type.String(), te.Value)
	}
	return err.Error()
}

// Service is one AWS JSON service.
type Service struct {
	// TargetPrefix is the part of X-Amz-Target before the dot, e.g. "AnyScaleFrontendService".
	TargetPrefix string
	// JSONVersion is "1.1" or "1.0"; it sets the response content type.
	JSONVersion string
	Ops         map[string]Handler
	// InternalErrorType is the __type for unexpected errors, e.g. "InternalServiceException".
	InternalErrorType string
	MaxBody           int64
	Logger            *slog.Logger
}

// ContentType returns the media type of the service's protocol.
func (s *Service) ContentType() string { return "application/x-amz-json-" + s.JSONVersion }

type requestIDKey struct{}

// RequestID returns the request ID of the request being served, or "".
func RequestID(ctx context.Context) string {
	s, _ := ctx.Value(requestIDKey{}).(string)
	return s
}

// WithRequestID returns ctx carrying id; the router calls it before authentication so that
// every response, including authentication failures, carries the same ID.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// NewRequestID returns a fresh request ID.
func NewRequestID() string { return uuid.NewString() }

// ServeHTTP serves one request.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := RequestID(ctx)
	if id == "" {
		id = NewRequestID()
		ctx = WithRequestID(ctx, id)
	}
	w.Header().Set("x-amzn-RequestId", id)
	log := s.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	defer func() {
		if p := recover(); p != nil {
			log.Error("panic serving request", "request_id", id, "panic", p)
			s.WriteError(w, &Error{Type: s.internalType(), Status: http.StatusInternalServerError, Message: "An internal error occurred. Request ID: " + id})
		}
	}()
	if r.Method != http.MethodPost {
		s.WriteError(w, Errorf("UnknownOperationException", http.StatusBadRequest, "Only POST / is supported, not %s %s", r.Method, r.URL.Path))
		return
	}
	target := r.Header.Get("X-Amz-Target")
	prefix, op, ok := strings.Cut(target, ".")
	if target == "" || !ok || prefix != s.TargetPrefix {
		s.WriteError(w, Errorf("UnknownOperationException", http.StatusBadRequest, "Missing or unknown X-Amz-Target header %q; expected %s.<Operation>", target, s.TargetPrefix))
		return
	}
	h, ok := s.Ops[op]
	if !ok {
		s.WriteError(w, Errorf("UnknownOperationException", http.StatusBadRequest, "Unknown operation %s", op))
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/x-amz-json-1.1" && mt != "application/x-amz-json-1.0" && mt != "application/json") {
			s.WriteError(w, Errorf("UnsupportedMediaTypeException", http.StatusUnsupportedMediaType, "Content-Type %q is not supported; use %s", ct, s.ContentType()))
			return
		}
	}
	limit := s.MaxBody
	if limit <= 0 {
		limit = DefaultMaxBody
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.WriteError(w, Errorf("SerializationException", http.StatusRequestEntityTooLarge, "Request body exceeds the limit of %d bytes", limit))
			return
		}
		s.WriteError(w, Errorf("SerializationException", http.StatusBadRequest, "Could not read request body: %v", err))
		return
	}
	out, err := h(ctx, body)
	if err != nil {
		var ae *Error
		if !errors.As(err, &ae) {
			log.Error("operation failed", "request_id", id, "operation", op, "err", err)
			ae = &Error{Type: s.internalType(), Status: http.StatusInternalServerError, Message: "An internal error occurred. Request ID: " + id}
		}
		s.WriteError(w, ae)
		return
	}
	if out == nil {
		out = struct{}{}
	}
	buf, err := json.Marshal(out)
	if err != nil {
		log.Error("encoding response", "request_id", id, "operation", op, "err", err)
		s.WriteError(w, &Error{Type: s.internalType(), Status: http.StatusInternalServerError, Message: "An internal error occurred. Request ID: " + id})
		return
	}
	w.Header().Set("Content-Type", s.ContentType())
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf)
}

func (s *Service) internalType() string {
	if s.InternalErrorType != "" {
		return s.InternalErrorType
	}
	return "InternalFailure"
}

// WriteError writes an AWS JSON error response.
func (s *Service) WriteError(w http.ResponseWriter, e *Error) { WriteError(w, s.ContentType(), e) }

// WriteError writes e as an AWS JSON error with the given content type.
func WriteError(w http.ResponseWriter, contentType string, e *Error) {
	body := map[string]string{"__type": e.Type, "Message": e.Message}
	for k, v := range e.Fields {
		body[k] = v
	}
	buf, _ := json.Marshal(body)
	status := e.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Amzn-ErrorType", e.Type)
	w.WriteHeader(status)
	_, _ = w.Write(buf)
}
