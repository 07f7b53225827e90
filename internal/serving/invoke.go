package serving

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/scaled-dev/scaled/internal/auth"
	"github.com/scaled-dev/scaled/internal/awsjson"
)

// InvokeRequest is one invocation of an inference component.
type InvokeRequest struct {
	ContentType      string
	Accept           string
	CustomAttributes string
	Body             []byte
}

// InvokeResponse is the model's answer.
type InvokeResponse struct {
	ContentType      string
	CustomAttributes string
	Body             []byte
	// VariantName is the production variant the component runs on.
	VariantName string
}

// SageMaker Runtime error types.
const (
	ErrValidation       = "ValidationError"
	ErrModel            = "ModelError"
	ErrModelNotReady    = "ModelNotReadyException"
	ErrServiceUnavail   = "ServiceUnavailable"
	ErrInternalFailure  = "InternalFailure"
	noCapacityMessageFm = "Inference component %s has no capacity to serve the request: it has 0 copies in service"
)

// InvokeError is an InvokeEndpoint error as SageMaker Runtime returns it.
type InvokeError struct {
	Type    string
	Status  int
	Message string
	// OriginalStatusCode and OriginalMessage describe the model's answer (ModelError only).
	OriginalStatusCode int
	OriginalMessage    string
}

func (e *InvokeError) Error() string { return e.Type + ": " + e.Message }

// NoCapacity reports whether the error is the zero-copies failure.
func (e *InvokeError) NoCapacity() bool {
	return e.Type == ErrValidation && e.Status == http.StatusBadRequest && strings.Contains(e.Message, "no capacity")
}

// Invoke routes one request to the in-service copy of the component with the fewest
// requests in flight and returns the model's answer. Errors are *InvokeError.
//
// A copy that cannot be connected to (its process died or stopped listening before the
// runtime noticed) never received the request, so the request goes to another copy in
// service; at most every copy is tried once. Requests that reached a copy are never sent
// twice.
func (r *Runtime) Invoke(ctx context.Context, account, name string, req InvokeRequest) (*InvokeResponse, error) {
	start := r.clk.Now()
	c, cp, err := r.acquire(ctx, account, name, start)
	if err != nil {
		return nil, err
	}
	var tried []*copyProc
	for {
		resp, body, mstart, err := r.call(ctx, cp, req)
		mend := r.clk.Now()
		if err != nil && notDelivered(err) && ctx.Err() == nil {
			tried = append(tried, cp)
			if next := r.reroute(c, cp, tried); next != nil {
				r.log.Warn("inference component copy unreachable; request sent to another copy",
					"component", name, "copy", cp.id, "next", next.id, "err", err)
				cp = next
				continue
			}
		}
		if err != nil {
			r.releaseTimed(c, cp, start, mend.Sub(mstart), http.StatusServiceUnavailable)
			if ctx.Err() != nil {
				return nil, &InvokeError{Type: ErrServiceUnavail, Status: http.StatusServiceUnavailable, Message: "the request was cancelled: " + ctx.Err().Error()}
			}
			return nil, &InvokeError{Type: ErrServiceUnavail, Status: http.StatusServiceUnavailable,
				Message: fmt.Sprintf("copy %d of inference component %s did not answer: %v", cp.id, name, err)}
		}
		r.releaseTimed(c, cp, start, mend.Sub(mstart), resp.StatusCode)
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			kind := "server"
			if resp.StatusCode < 500 {
				kind = "client"
			}
			orig := string(body)
			if len(orig) > 1024 {
				orig = orig[:1024]
			}
			return nil, &InvokeError{
				Type: ErrModel, Status: http.StatusFailedDependency,
				Message:            fmt.Sprintf("Received %s error (%d) from primary with message %q.", kind, resp.StatusCode, orig),
				OriginalStatusCode: resp.StatusCode, OriginalMessage: orig,
			}
		}
		return &InvokeResponse{
			ContentType:      resp.Header.Get("Content-Type"),
			CustomAttributes: resp.Header.Get("X-Amzn-SageMaker-Custom-Attributes"),
			Body:             body,
			VariantName:      c.spec.VariantName,
		}, nil
	}
}

// call sends the request to one copy and reads the whole answer.
func (r *Runtime) call(ctx context.Context, cp *copyProc, req InvokeRequest) (*http.Response, []byte, time.Time, error) {
	mstart := r.clk.Now()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, cp.base+"/invocations", bytes.NewReader(req.Body))
	if err != nil {
		return nil, nil, mstart, fmt.Errorf("building the model request: %w", err)
	}
	if req.ContentType != "" {
		hreq.Header.Set("Content-Type", req.ContentType)
	}
	if req.Accept != "" {
		hreq.Header.Set("Accept", req.Accept)
	}
	if req.CustomAttributes != "" {
		hreq.Header.Set("X-Amzn-SageMaker-Custom-Attributes", req.CustomAttributes)
	}
	resp, err := r.client.Do(hreq)
	if err != nil {
		return nil, nil, mstart, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, nil, mstart, err
	}
	return resp, body, mstart, nil
}

// notDelivered reports whether err means the request never reached the copy: the
// connection could not be made.
func notDelivered(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// reroute moves a request that could not be delivered to failed onto another copy in
// service that it has not tried yet, keeping it counted once; nil when there is none (the
// request then stays on failed, to be released by the caller).
func (r *Runtime) reroute(c *component, failed *copyProc, tried []*copyProc) *copyProc {
	r.mu.Lock()
	defer r.mu.Unlock()
	var best *copyProc
	for _, cp := range c.copies {
		if cp.state == copyReady && !slices.Contains(tried, cp) && (best == nil || cp.inflight < best.inflight) {
			best = cp
		}
	}
	if best == nil {
		return nil
	}
	best.inflight++
	failed.inflight--
	if failed.state == copyDraining && failed.inflight == 0 {
		r.stopCopy(c, failed)
		r.notify()
	} else if r.waiters > 0 {
		r.notify()
	}
	return best
}

// acquire picks a copy (holding the request while none is in service, if configured) and
// counts the request in flight.
func (r *Runtime) acquire(ctx context.Context, account, name string, now time.Time) (*component, *copyProc, error) {
	var deadline <-chan time.Time
	holding := false
	r.mu.Lock()
	defer r.mu.Unlock()
	for {
		c, ok := r.comps[compKey{account, name}]
		if !ok || c.deleting {
			if holding && ok {
				c.held--
			}
			return nil, nil, &InvokeError{Type: ErrValidation, Status: http.StatusBadRequest,
				Message: fmt.Sprintf("Inference Component %s does not exist.", name)}
		}
		if cp := pickCopy(c); cp != nil {
			if holding {
				c.held--
			}
			cp.inflight++
			c.rec.RequestStarted(r.clk.Now())
			if r.waiters > 0 {
				r.notify()
			}
			return c, cp, nil
		}
		if !holding {
			c.rec.NoCapacity(now)
			if !r.opts.HoldWhenZero || r.closed {
				return nil, nil, &InvokeError{Type: ErrValidation, Status: http.StatusBadRequest, Message: fmt.Sprintf(noCapacityMessageFm, name)}
			}
			if c.held >= r.opts.HoldQueue {
				return nil, nil, &InvokeError{Type: ErrValidation, Status: http.StatusBadRequest,
					Message: fmt.Sprintf(noCapacityMessageFm+", and %d requests are already waiting for a copy", name, c.held)}
			}
			holding = true
			c.held++
			deadline = r.clk.After(r.opts.HoldTimeout)
			r.notify()
		}
		ch := r.changed
		r.mu.Unlock()
		var expired bool
		select {
		case <-ch:
		case <-deadline:
			expired = true
		case <-ctx.Done():
			expired = true
		}
		r.mu.Lock()
		if expired {
			if c, ok := r.comps[compKey{account, name}]; ok {
				c.held--
				r.notify()
			}
			if ctx.Err() != nil {
				return nil, nil, &InvokeError{Type: ErrServiceUnavail, Status: http.StatusServiceUnavailable, Message: "the request was cancelled while waiting for a copy: " + ctx.Err().Error()}
			}
			return nil, nil, &InvokeError{Type: ErrModelNotReady, Status: http.StatusTooManyRequests,
				Message: fmt.Sprintf("Inference component %s had no copy in service within %v.", name, r.opts.HoldTimeout)}
		}
	}
}

// pickCopy returns the in-service copy with the fewest requests in flight, rotating among
// equals; r.mu must be held.
func pickCopy(c *component) *copyProc {
	var best *copyProc
	n := len(c.copies)
	for i := range n {
		cp := c.copies[(c.rr+i)%n]
		if cp.state == copyReady && (best == nil || cp.inflight < best.inflight) {
			best = cp
		}
	}
	c.rr++
	return best
}

// releaseTimed ends a request: model is the time spent in the copy.
func (r *Runtime) releaseTimed(c *component, cp *copyProc, start time.Time, model time.Duration, status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.clk.Now()
	overhead := now.Sub(start) - model
	if overhead < 0 {
		overhead = 0
	}
	cp.inflight--
	c.rec.RequestFinished(now, model, overhead, status)
	if cp.state == copyDraining && cp.inflight == 0 {
		r.stopCopy(c, cp)
		r.notify()
	} else if r.waiters > 0 {
		r.notify()
	}
}

var nameRE = regexp.MustCompile(`^[a-zA-Z0-9](-*[a-zA-Z0-9])*$`)

// Handler serves SageMaker Runtime InvokeEndpoint (restJson1):
// POST /endpoints/{EndpointName}/invocations with header X-Amzn-SageMaker-Inference-Component.
// The caller's account comes from auth.AccountFrom.
func (r *Runtime) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /endpoints/{EndpointName}/invocations", r.serveInvoke)
	return mux
}

func (r *Runtime) serveInvoke(w http.ResponseWriter, req *http.Request) {
	ctx := req.Context()
	id := awsjson.RequestID(ctx)
	if id == "" {
		id = awsjson.NewRequestID()
	}
	w.Header().Set("x-amzn-RequestId", id)
	endpoint := req.PathValue("EndpointName")
	ic := req.Header.Get("X-Amzn-SageMaker-Inference-Component")
	fail := func(e *InvokeError) { writeInvokeError(w, e) }
	if len(endpoint) > 63 || !nameRE.MatchString(endpoint) {
		fail(&InvokeError{Type: ErrValidation, Status: 400, Message: fmt.Sprintf("1 validation error detected: Value '%s' at 'endpointName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9])*", endpoint)})
		return
	}
	if ic == "" {
		fail(&InvokeError{Type: ErrValidation, Status: 400, Message: "Inference Component Name header is required for endpoints to which you plan to deploy inference components. Please include Inference Component Name header or consider using SageMaker models."})
		return
	}
	account := auth.AccountFrom(ctx)
	st, err := r.State(account, ic)
	if err != nil || st.EndpointName != endpoint {
		fail(&InvokeError{Type: ErrValidation, Status: 400, Message: fmt.Sprintf("Inference Component %s does not exist on endpoint %s.", ic, endpoint)})
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, r.opts.MaxPayloadBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			fail(&InvokeError{Type: ErrValidation, Status: 400, Message: fmt.Sprintf("Request payload exceeds the limit of %d bytes.", r.opts.MaxPayloadBytes)})
			return
		}
		fail(&InvokeError{Type: ErrValidation, Status: 400, Message: "reading the request body: " + err.Error()})
		return
	}
	out, err := r.Invoke(ctx, account, ic, InvokeRequest{
		ContentType:      req.Header.Get("Content-Type"),
		Accept:           req.Header.Get("Accept"),
		CustomAttributes: req.Header.Get("X-Amzn-SageMaker-Custom-Attributes"),
		Body:             body,
	})
	if err != nil {
		var ie *InvokeError
		if !errors.As(err, &ie) {
			ie = &InvokeError{Type: ErrInternalFailure, Status: 500, Message: "An internal error occurred. Request ID: " + id}
		}
		fail(ie)
		return
	}
	if out.ContentType != "" {
		w.Header().Set("Content-Type", out.ContentType)
	}
	if out.CustomAttributes != "" {
		w.Header().Set("X-Amzn-SageMaker-Custom-Attributes", out.CustomAttributes)
	}
	if out.VariantName != "" {
		w.Header().Set("x-Amzn-Invoked-Production-Variant", out.VariantName)
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out.Body)
}

func writeInvokeError(w http.ResponseWriter, e *InvokeError) {
	body := map[string]any{"message": e.Message}
	if e.Type == ErrModel {
		body["OriginalStatusCode"] = e.OriginalStatusCode
		body["OriginalMessage"] = e.OriginalMessage
	}
	buf, _ := json.Marshal(body)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", e.Type)
	w.WriteHeader(e.Status)
	_, _ = w.Write(buf)
}
