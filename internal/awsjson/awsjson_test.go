package awsjson

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type echoIn struct {
	Name  string
	Count int32
}

type echoOut struct {
	Greeting string `json:"Greeting"`
}

func testService() *Service {
	return &Service{
		TargetPrefix:      "TestService",
		JSONVersion:       "1.1",
		InternalErrorType: "InternalServiceException",
		MaxBody:           64,
		Ops: map[string]Handler{
			"Echo": Op(func(_ context.Context, in *echoIn) (*echoOut, error) {
				return &echoOut{Greeting: "hello " + in.Name}, nil
			}),
			"Fail": func(context.Context, []byte) (any, error) {
				return nil, Errorf("ValidationException", http.StatusBadRequest, "Name is bad")
			},
			"Broken": func(context.Context, []byte) (any, error) { return nil, errors.New("disk on fire") },
			"Panic":  func(context.Context, []byte) (any, error) { panic("boom") },
			"Empty":  func(context.Context, []byte) (any, error) { return nil, nil },
		},
	}
}

type result struct {
	Status int
	Type   string // __type of an error
	Body   map[string]any
}

func do(t *testing.T, s *Service, method, target, contentType, body string) result {
	t.Helper()
	req := httptest.NewRequest(method, "/", strings.NewReader(body))
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Header().Get("x-amzn-RequestId") == "" {
		t.Errorf("%s: no request ID header", target)
	}
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("%s: body %q is not JSON: %v", target, rec.Body.String(), err)
	}
	r := result{Status: rec.Code, Body: m}
	if typ, ok := m["__type"].(string); ok {
		r.Type = typ
		if rec.Header().Get("X-Amzn-ErrorType") != typ {
			t.Errorf("%s: X-Amzn-ErrorType %q, body __type %q", target, rec.Header().Get("X-Amzn-ErrorType"), typ)
		}
		if msg, _ := m["Message"].(string); msg == "" {
			t.Errorf("%s: error without a message: %v", target, m)
		}
		delete(m, "__type")
		delete(m, "Message")
	}
	return r
}

func TestServeHTTP(t *testing.T) {
	const ct = "application/x-amz-json-1.1"
	for _, tc := range []struct {
		name                     string
		method, target, ct, body string
		want                     result
	}{
		{"success", "POST", "TestService.Echo", ct, `{"Name":"ic"}`, result{Status: 200, Body: map[string]any{"Greeting": "hello ic"}}},
		{"empty body is {}", "POST", "TestService.Echo", ct, ``, result{Status: 200, Body: map[string]any{"Greeting": "hello "}}},
		{"unknown members ignored", "POST", "TestService.Echo", ct, `{"Name":"x","Other":1}`, result{Status: 200, Body: map[string]any{"Greeting": "hello x"}}},
		{"nil output is {}", "POST", "TestService.Empty", ct, `{}`, result{Status: 200, Body: map[string]any{}}},
		{"domain error", "POST", "TestService.Fail", ct, `{}`, result{Status: 400, Type: "ValidationException", Body: map[string]any{}}},
		{"internal error", "POST", "TestService.Broken", ct, `{}`, result{Status: 500, Type: "InternalServiceException", Body: map[string]any{}}},
		{"panic", "POST", "TestService.Panic", ct, `{}`, result{Status: 500, Type: "InternalServiceException", Body: map[string]any{}}},
		{"unknown operation", "POST", "TestService.Nope", ct, `{}`, result{Status: 400, Type: "UnknownOperationException", Body: map[string]any{}}},
		{"other service", "POST", "OtherService.Echo", ct, `{}`, result{Status: 400, Type: "UnknownOperationException", Body: map[string]any{}}},
		{"no target", "POST", "", ct, `{}`, result{Status: 400, Type: "UnknownOperationException", Body: map[string]any{}}},
		{"GET", "GET", "TestService.Echo", ct, ``, result{Status: 400, Type: "UnknownOperationException", Body: map[string]any{}}},
		{"malformed JSON", "POST", "TestService.Echo", ct, `{"Name":`, result{Status: 400, Type: "SerializationException", Body: map[string]any{}}},
		{"wrong member type", "POST", "TestService.Echo", ct, `{"Count":"many"}`, result{Status: 400, Type: "SerializationException", Body: map[string]any{}}},
		{"trailing data", "POST", "TestService.Echo", ct, `{} {}`, result{Status: 400, Type: "SerializationException", Body: map[string]any{}}},
		{"wrong content type", "POST", "TestService.Echo", "text/plain", `{}`, result{Status: 415, Type: "UnsupportedMediaTypeException", Body: map[string]any{}}},
		{"body over the limit", "POST", "TestService.Echo", ct, `{"Name":"` + strings.Repeat("x", 100) + `"}`, result{Status: 413, Type: "SerializationException", Body: map[string]any{}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := do(t, testService(), tc.method, tc.target, tc.ct, tc.body)
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Fatalf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestErrorFields(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteError(rec, "application/x-amz-json-1.1", &Error{Type: "ResourceNotFoundException", Status: 404, Message: "gone",
		Fields: map[string]string{"ResourceName": "arn:x"}})
	var got map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"__type": "ResourceNotFoundException", "Message": "gone", "ResourceName": "arn:x"}
	if d := cmp.Diff(want, got); d != "" || rec.Code != 404 {
		t.Fatalf("status %d, body (-want +got):\n%s", rec.Code, d)
	}
}

func FuzzServeHTTP(f *testing.F) {
	for _, seed := range []string{`{"Name":"x"}`, ``, `{`, `[]`, `{"Count":1e99}`, `null`, "\x00"} {
		f.Add("Echo", seed)
	}
	f.Fuzz(func(t *testing.T, op, body string) {
		req := httptest.NewRequest("POST", "/", strings.NewReader(body))
		req.Header.Set("X-Amz-Target", "TestService."+op)
		rec := httptest.NewRecorder()
		testService().ServeHTTP(rec, req)
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("response %q is not JSON", rec.Body.String())
		}
	})
}
