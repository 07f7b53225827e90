package k8sscale

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"sync"
	"testing"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
)

// apiServer is an httptest Kubernetes API server with just the scale subresource of
// apps/v1 Deployments, StatefulSets and ReplicaSets: GET and PUT
// /apis/apps/v1/namespaces/{ns}/{resource}/{name}/scale, answering autoscaling/v1 Scale
// objects with a resourceVersion and Status objects for errors, as the real one does.
type apiServer struct {
	mu   sync.Mutex
	objs map[string]*workload // by "ns/resource/name"
	// conflicts is how many PUTs of an object answer 409 Conflict before one succeeds; each
	// also bumps the object's resourceVersion, as a concurrent writer would.
	conflicts map[string]int
	// forbidden holds "get ns/resource/name" or "update ns/resource/name" for requests
	// answered with 403.
	forbidden map[string]bool
	// unauthorized answers every request with 401.
	unauthorized bool
	// hang makes every request wait until the client gives up.
	hang bool
	log  []string // one line per request
	// putTypes are the media types of the PUT bodies.
	putTypes []string
}

type workload struct {
	spec, status int32
	rv           int
}

func newAPIServer(t *testing.T, objs map[string]*workload) (*apiServer, *httptest.Server) {
	t.Helper()
	s := &apiServer{objs: objs, conflicts: map[string]int{}, forbidden: map[string]bool{}}
	if s.objs == nil {
		s.objs = map[string]*workload{}
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

// config is the rest.Config pointing at srv, without client-side rate limiting.
func config(srv *httptest.Server) *rest.Config {
	return &rest.Config{Host: srv.URL, QPS: -1}
}

func (s *apiServer) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.log...)
}

func (s *apiServer) workload(key string) workload {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.objs[key]
}

var scalePath = regexp.MustCompile(`^/apis/apps/v1/namespaces/([^/]+)/(deployments|statefulsets|replicasets)/([^/]+)/scale$`)

func (s *apiServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.hang {
		<-r.Context().Done()
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := scalePath.FindStringSubmatch(r.URL.Path)
	if m == nil {
		s.log = append(s.log, r.Method+" "+r.URL.Path)
		writeStatus(w, http.StatusNotFound, "NotFound", "the server could not find the requested resource", "", "")
		return
	}
	ns, res, name := m[1], m[2], m[3]
	key := ns + "/" + res + "/" + name
	line := r.Method + " " + key
	if r.Method == http.MethodPut {
		line += " fieldManager=" + r.URL.Query().Get("fieldManager")
		if dr := r.URL.Query().Get("dryRun"); dr != "" {
			line += " dryRun=" + dr
		}
	}
	s.log = append(s.log, line)
	if s.unauthorized {
		writeStatus(w, http.StatusUnauthorized, "Unauthorized", "Unauthorized", "", "")
		return
	}
	verb := map[string]string{http.MethodGet: "get", http.MethodPut: "update"}[r.Method]
	if verb == "" {
		writeStatus(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "the server does not allow this method on the requested resource", "", "")
		return
	}
	if s.forbidden[verb+" "+key] {
		writeStatus(w, http.StatusForbidden, "Forbidden",
			fmt.Sprintf(`%s.apps %q is forbidden: User "system:serviceaccount:scaled:scaled" cannot %s resource "%s/scale" in API group "apps" in the namespace %q`, res, name, verb, res, ns),
			name, res)
		return
	}
	obj, ok := s.objs[key]
	if !ok {
		writeStatus(w, http.StatusNotFound, "NotFound", fmt.Sprintf("%s.apps %q not found", res, name), name, res)
		return
	}
	if r.Method == http.MethodPut {
		body, _ := io.ReadAll(r.Body)
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		s.putTypes = append(s.putTypes, mt)
		in, err := decodeScale(mt, body)
		if err != nil {
			writeStatus(w, http.StatusUnsupportedMediaType, "UnsupportedMediaType", err.Error(), name, res)
			return
		}
		if in.Kind != "Scale" || in.APIVersion != "autoscaling/v1" {
			writeStatus(w, http.StatusBadRequest, "BadRequest", fmt.Sprintf("body is a %s %s, want an autoscaling/v1 Scale", in.APIVersion, in.Kind), name, res)
			return
		}
		conflict := func() {
			writeStatus(w, http.StatusConflict, "Conflict",
				fmt.Sprintf("Operation cannot be fulfilled on %s.apps %q: the object has been modified; please apply your changes to the latest version and try again", res, name),
				name, res)
		}
		if s.conflicts[key] > 0 {
			s.conflicts[key]--
			obj.rv++
			conflict()
			return
		}
		if in.Metadata.ResourceVersion != "" && in.Metadata.ResourceVersion != strconv.Itoa(obj.rv) {
			conflict()
			return
		}
		if r.URL.Query().Get("dryRun") == "" {
			if obj.spec != in.Spec.Replicas {
				obj.rv++
			}
			obj.spec = in.Spec.Replicas
		} else {
			// A dry run answers what would have been stored.
			tmp := *obj
			tmp.spec = in.Spec.Replicas
			obj = &tmp
		}
	}
	w.Header().Set("Content-Type", "application/json")
	out := scaleJSON{Kind: "Scale", APIVersion: "autoscaling/v1"}
	out.Metadata.Name = name
	out.Metadata.Namespace = ns
	out.Metadata.ResourceVersion = strconv.Itoa(obj.rv)
	out.Metadata.UID = "0b5e8f3c-" + name
	out.Spec.Replicas = obj.spec
	out.Status.Replicas = obj.status
	out.Status.Selector = "app=" + name
	_ = json.NewEncoder(w).Encode(out)
}

// scaleJSON is the autoscaling/v1 Scale as it is on the wire, written out independently of
// the client's Go types.
type scaleJSON struct {
	Kind       string `json:"kind"`
	APIVersion string `json:"apiVersion"`
	Metadata   struct {
		Name            string `json:"name"`
		Namespace       string `json:"namespace"`
		ResourceVersion string `json:"resourceVersion"`
		UID             string `json:"uid,omitempty"`
	} `json:"metadata"`
	Spec struct {
		Replicas int32 `json:"replicas"`
	} `json:"spec"`
	Status struct {
		Replicas int32  `json:"replicas"`
		Selector string `json:"selector,omitempty"`
	} `json:"status"`
}

// decodeScale reads a PUT body. Like a real API server it takes JSON and, for built-in
// types, protobuf (the client's default for them), which is decoded with the client
// library's codecs.
func decodeScale(mediaType string, body []byte) (scaleJSON, error) {
	var in scaleJSON
	switch mediaType {
	case "application/json":
		if err := json.Unmarshal(body, &in); err != nil {
			return scaleJSON{}, fmt.Errorf("bad JSON body: %v", err)
		}
		return in, nil
	case "application/vnd.kubernetes.protobuf":
		info, ok := runtime.SerializerInfoForMediaType(scheme.Codecs.SupportedMediaTypes(), mediaType)
		if !ok {
			return scaleJSON{}, fmt.Errorf("no serializer for %s", mediaType)
		}
		obj, gvk, err := info.Serializer.Decode(body, nil, &autoscalingv1.Scale{})
		if err != nil {
			return scaleJSON{}, fmt.Errorf("bad protobuf body: %v", err)
		}
		sc, ok := obj.(*autoscalingv1.Scale)
		if !ok {
			return scaleJSON{}, fmt.Errorf("protobuf body holds a %T", obj)
		}
		in.Kind, in.APIVersion = gvk.Kind, gvk.GroupVersion().String()
		in.Metadata.Name, in.Metadata.Namespace, in.Metadata.ResourceVersion = sc.Name, sc.Namespace, sc.ResourceVersion
		in.Spec.Replicas = sc.Spec.Replicas
		return in, nil
	}
	return scaleJSON{}, fmt.Errorf("the body's media type %q is not supported", mediaType)
}

// writeStatus answers a metav1.Status error object.
func writeStatus(w http.ResponseWriter, code int, reason, message, name, kind string) {
	st := map[string]any{
		"kind":       "Status",
		"apiVersion": "v1",
		"metadata":   map[string]any{},
		"status":     "Failure",
		"message":    message,
		"reason":     reason,
		"code":       code,
	}
	if name != "" {
		st["details"] = map[string]any{"name": name, "group": "apps", "kind": kind}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(st)
}
