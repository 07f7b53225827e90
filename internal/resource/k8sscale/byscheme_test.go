package k8sscale

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scaled-dev/scaled/internal/resource"
	"github.com/scaled-dev/scaled/internal/resource/customresource"
)

// The custom-resource kind served by both actuators through resource.ByScheme, each
// against a real HTTP server, wired as the server does.
func TestBySchemeWithCustomResource(t *testing.T) {
	var mu sync.Mutex
	var crLog []string
	cr := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		body, _ := io.ReadAll(r.Body)
		crLog = append(crLog, r.Method+" "+r.URL.Path+" "+string(body))
		fmt.Fprint(w, `{"actualCapacity":1.0,"desiredCapacity":1.0,"scalingStatus":"Successful"}`)
	}))
	defer cr.Close()
	api, srv := newAPIServer(t, fleet())

	crAct, err := customresource.New(customresource.Options{})
	if err != nil {
		t.Fatal(err)
	}
	k8sAct := newActuator(t, Options{Config: config(srv)})
	b := resource.NewByScheme(
		"an http(s) URL (AWS custom-resource protocol) or kubernetes:///<namespace>/<resource>/<name>",
		map[string]resource.Actuator{"http": crAct, "https": crAct, Scheme: k8sAct},
	)

	ctx := context.Background()
	var got []string
	for _, id := range []string{cr.URL + "/dims/1", "kubernetes:///serving/statefulsets/llm", "ftp://files/1"} {
		k := key(id)
		if err := b.ValidateResourceID(ctx, k); err != nil {
			got = append(got, "validate: "+err.Error())
			continue
		}
		st, err := b.State(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("desired %d actual %d %s", st.Desired, st.Actual, st.Status))
		if err := b.SetDesired(ctx, k, 4); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{
		"desired 1 actual 1 Successful",
		"desired 5 actual 2 InProgress",
		`validate: URL scheme "ftp" is not supported; ResourceId must be an http(s) URL (AWS custom-resource protocol) or kubernetes:///<namespace>/<resource>/<name>`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	mu.Lock()
	defer mu.Unlock()
	wantCR := []string{"GET /dims/1 ", "GET /dims/1 ", `PATCH /dims/1 {"desiredCapacity":4.0}`}
	if diff := cmp.Diff(wantCR, crLog); diff != "" {
		t.Errorf("custom-resource requests (-want +got):\n%s", diff)
	}
	const llm = "serving/statefulsets/llm"
	wantK8s := []string{"GET " + llm, "PUT " + llm + " fieldManager=scaled dryRun=All", "GET " + llm, "GET " + llm, "PUT " + llm + " fieldManager=scaled"}
	if diff := cmp.Diff(wantK8s, api.requests()); diff != "" {
		t.Errorf("Kubernetes requests (-want +got):\n%s", diff)
	}
}
