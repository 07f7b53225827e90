// Command custom-resource is a small backend speaking the AWS custom-resource protocol
// (GET a scalable target dimension, PATCH its desiredCapacity), for trying scaled's
// custom-resource scaling on one machine. Each dimension is created on first use with
// capacity 1; a requested change takes --delay to be fulfilled (the backend reports it
// InProgress until then).
//
//	go run ./examples/custom-resource --addr 127.0.0.1:8700
//	# ResourceId: http://127.0.0.1:8700/scalableTargetDimensions/workers
package main

import (
	"encoding/json"
	"flag"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/scaled-dev/scaled/internal/clock"
)

type dimension struct {
	ID              string  `json:"scalableTargetDimensionId"`
	Version         string  `json:"version"`
	ResourceName    string  `json:"resourceName"`
	DimensionName   string  `json:"dimensionName"`
	ActualCapacity  float64 `json:"actualCapacity"`
	DesiredCapacity float64 `json:"desiredCapacity"`
	ScalingStatus   string  `json:"scalingStatus"`

	readyAt time.Time // when the change in progress is fulfilled
}

// settle fulfils a change whose time has come.
func (d *dimension) settle(now time.Time, log *slog.Logger) {
	if d.ScalingStatus == "InProgress" && !now.Before(d.readyAt) {
		d.ActualCapacity, d.ScalingStatus = d.DesiredCapacity, "Successful"
		log.Info("scaled", "dimension", d.ID, "capacity", d.ActualCapacity)
	}
}

type backend struct {
	mu    sync.Mutex
	clk   clock.Clock
	delay time.Duration
	log   *slog.Logger
	dims  map[string]*dimension
}

func (b *backend) get(id string) *dimension {
	d := b.dims[id]
	if d == nil {
		d = &dimension{ID: id, Version: "1", ResourceName: "example", DimensionName: "capacity",
			ActualCapacity: 1, DesiredCapacity: 1, ScalingStatus: "Successful"}
		b.dims[id] = d
	}
	return d
}

func (b *backend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, ok := strings.CutPrefix(r.URL.Path, "/scalableTargetDimensions/")
	if !ok || id == "" || strings.Contains(id, "/") {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "no such scalable target dimension: " + r.URL.Path})
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	d := b.get(id)
	now := b.clk.Now()
	d.settle(now, b.log)
	switch r.Method {
	case http.MethodGet:
	case http.MethodPatch:
		var in struct {
			DesiredCapacity *float64 `json:"desiredCapacity"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&in); err != nil || in.DesiredCapacity == nil || *in.DesiredCapacity < 0 {
			writeJSON(w, http.StatusBadRequest, map[string]string{"message": `body must be {"desiredCapacity": <non-negative number>}`})
			return
		}
		d.DesiredCapacity, d.ScalingStatus, d.readyAt = *in.DesiredCapacity, "InProgress", now.Add(b.delay)
		b.log.Info("scaling", "dimension", id, "from", d.ActualCapacity, "to", d.DesiredCapacity)
		d.settle(now, b.log) // a zero delay fulfils at once
	default:
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"message": "use GET or PATCH"})
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8700", "listen address")
	delay := flag.Duration("delay", 5*time.Second, "time a capacity change takes to be fulfilled")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	b := &backend{clk: clock.Real{}, delay: *delay, log: log, dims: map[string]*dimension{}}
	log.Info("custom-resource backend listening", "resource_id_prefix", "http://"+*addr+"/scalableTargetDimensions/")
	srv := &http.Server{Addr: *addr, Handler: b, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		log.Error("serving", "err", err)
		os.Exit(1)
	}
}
