package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/store"
)

// recordingStore passes everything to the real store and remembers the last version of
// every activity written, so the report can count them even after the control loop prunes
// old ones (AWS keeps six weeks; a trace may be longer).
type recordingStore struct {
	store.Store
	mu    sync.Mutex
	order []string
	acts  map[string]model.ScalingActivity
}

func newRecordingStore(s store.Store) *recordingStore {
	return &recordingStore{Store: s, acts: map[string]model.ScalingActivity{}}
}

func (r *recordingStore) PutActivity(ctx context.Context, a model.ScalingActivity) error {
	if err := r.Store.PutActivity(ctx, a); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.acts[a.ActivityID]; !ok {
		r.order = append(r.order, a.ActivityID)
	}
	r.acts[a.ActivityID] = a
	return nil
}

// activities returns every activity recorded, in the order first written.
func (r *recordingStore) activities() []model.ScalingActivity {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]model.ScalingActivity, 0, len(r.order))
	for _, id := range r.order {
		out = append(out, r.acts[id])
	}
	return out
}

// countActivities classifies activities by direction (from the capacity in the description,
// "Setting desired copy count to N.") and final status.
func countActivities(acts []model.ScalingActivity, initial int32) ActivityCounts {
	var c ActivityCounts
	prev := initial
	for _, a := range acts {
		if a.NotScaled() {
			c.NotScaled++
			continue
		}
		c.Total++
		switch a.StatusCode {
		case model.StatusSuccessful:
			c.Successful++
		case model.StatusFailed, model.StatusUnfulfilled:
			c.Failed++
		default:
			c.Other++
		}
		if n, ok := capacityIn(a.Description); ok {
			switch {
			case n > prev:
				c.ScaleOut++
			case n < prev:
				c.ScaleIn++
			}
			prev = n
		}
	}
	return c
}

// capacityIn extracts N from capacity-change descriptions, "Setting <noun> to N."
// (scheduled min/max activities read "Setting min capacity to A and max capacity to B",
// without the final period, and change no capacity themselves).
func capacityIn(desc string) (int32, bool) {
	i := strings.LastIndex(desc, " to ")
	if i < 0 || !strings.HasSuffix(desc, ".") || strings.Contains(desc, "min capacity") || strings.Contains(desc, "max capacity") {
		return 0, false
	}
	var n int32
	if _, err := fmt.Sscanf(strings.TrimSuffix(desc[i+4:], "."), "%d", &n); err != nil {
		return 0, false
	}
	return n, true
}

// targetKey reads the key of the target from a RegisterScalableTarget body.
func targetKey(body json.RawMessage, account string) (model.TargetKey, error) {
	var k model.TargetKey
	if err := json.Unmarshal(body, &k); err != nil {
		return k, fmt.Errorf("RegisterScalableTarget: %w", err)
	}
	if k.Namespace == "" || k.ResourceID == "" || k.Dimension == "" {
		return k, fmt.Errorf("RegisterScalableTarget: ServiceNamespace, ResourceId and ScalableDimension are required")
	}
	k.Account = account
	return k, nil
}
