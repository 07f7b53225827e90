// Package memstore is an in-memory store.Store for unit tests and the simulator. All data
// lives behind one mutex and is deep-copied in and out, so callers never share memory with
// the store. It passes the same conformance suite (storetest) as the SQL backends.
package memstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/store"
	"github.com/scaled-dev/scaled/internal/store/internal/cursor"
	"github.com/scaled-dev/scaled/internal/store/internal/local"
)

// Store is an in-memory store.Store. Use New; the zero value is not ready.
type Store struct {
	mu        sync.RWMutex
	seq       int64
	targets   ordered[model.TargetKey, model.ScalableTarget]
	policies  ordered[model.PolicyKey, model.ScalingPolicy]
	schedules ordered[model.ScheduledActionKey, model.ScheduledAction]
	// acts is sorted ascending by (StartTime, ActivityID); actByID indexes it.
	acts    []model.ScalingActivity
	actByID map[string]model.ScalingActivity
	alarms  map[alarmKey]model.MetricAlarm
	states  map[model.TargetKey]model.TargetState
	elector local.Elector
}

type alarmKey struct{ account, name string }

var _ store.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	return &Store{
		targets:   newOrdered[model.TargetKey, model.ScalableTarget](),
		policies:  newOrdered[model.PolicyKey, model.ScalingPolicy](),
		schedules: newOrdered[model.ScheduledActionKey, model.ScheduledAction](),
		actByID:   make(map[string]model.ScalingActivity),
		alarms:    make(map[alarmKey]model.MetricAlarm),
		states:    make(map[model.TargetKey]model.TargetState),
	}
}

// Elector returns the store's elector: in one process the first campaigner of a name leads
// at once, later campaigners of the same name wait until it resigns.
func (s *Store) Elector() store.Elector { return &s.elector }

// Close does nothing; the store stays usable.
func (s *Store) Close() error { return nil }

func targetString(k model.TargetKey) string {
	return fmt.Sprintf("account %q namespace %q resource %q dimension %q", k.Account, k.Namespace, k.ResourceID, k.Dimension)
}

// casErr checks a write of revision rev against the stored record (exists, stored revision).
func casErr(what string, rev int64, exists bool, stored int64) error {
	switch {
	case rev == 0 && exists:
		return fmt.Errorf("create %s: already exists: %w", what, store.ErrConflict)
	case rev != 0 && !exists:
		return fmt.Errorf("update %s: %w", what, store.ErrNotFound)
	case rev != 0 && rev != stored:
		return fmt.Errorf("update %s at revision %d (stored %d): %w", what, rev, stored, store.ErrConflict)
	}
	return nil
}

// ---- targets ----

// PutTarget creates (Revision 0) or compare-and-swap updates a target.
func (s *Store) PutTarget(_ context.Context, t model.ScalableTarget) (model.ScalableTarget, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.targets.m[t.TargetKey]
	var stored int64
	if e != nil {
		stored = e.val.Revision
	}
	if err := casErr("target "+targetString(t.TargetKey), t.Revision, e != nil, stored); err != nil {
		return model.ScalableTarget{}, err
	}
	t.Revision++
	if e == nil {
		s.seq++
		s.targets.insert(s.seq, t.TargetKey, cloneTarget(t))
	} else {
		e.val = cloneTarget(t)
	}
	return t, nil
}

// GetTarget returns one target.
func (s *Store) GetTarget(_ context.Context, k model.TargetKey) (model.ScalableTarget, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	e := s.targets.m[k]
	if e == nil {
		return model.ScalableTarget{}, fmt.Errorf("target %s: %w", targetString(k), store.ErrNotFound)
	}
	return cloneTarget(e.val), nil
}

// GetTargetByARN returns the target of account with the given ARN.
func (s *Store) GetTargetByARN(_ context.Context, account, arn string) (model.ScalableTarget, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, e := range s.targets.list {
		if !e.dead && e.key.Account == account && e.val.ARN == arn {
			return cloneTarget(e.val), nil
		}
	}
	return model.ScalableTarget{}, fmt.Errorf("target of account %q with ARN %q: %w", account, arn, store.ErrNotFound)
}

func matchTarget(k model.TargetKey, account, ns, dim string) bool {
	return (account == "" || k.Account == account) && (ns == "" || k.Namespace == ns) && (dim == "" || k.Dimension == dim)
}

// ListTargets lists targets in creation order.
func (s *Store) ListTargets(_ context.Context, f store.TargetFilter) ([]model.ScalableTarget, string, error) {
	after, err := seqCursor(f.After, cursor.Targets)
	if err != nil {
		return nil, "", err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	items, next := s.targets.page(after, f.Limit, func(t *model.ScalableTarget) bool {
		return matchTarget(t.TargetKey, f.Account, f.Namespace, f.Dimension) &&
			(len(f.ResourceIDs) == 0 || slices.Contains(f.ResourceIDs, t.ResourceID))
	}, cloneTarget)
	return items, seqNext(next, cursor.Targets), nil
}

// DeleteTarget removes a target with its policies, scheduled actions, managed alarms and
// state.
func (s *Store) DeleteTarget(_ context.Context, k model.TargetKey) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.targets.m[k] == nil {
		return fmt.Errorf("delete target %s: %w", targetString(k), store.ErrNotFound)
	}
	s.targets.remove(k)
	var arns []string
	for pk, e := range s.policies.m {
		if pk.TargetKey == k {
			arns = append(arns, e.val.ARN)
			s.policies.remove(pk)
		}
	}
	for ak := range s.schedules.m {
		if ak.TargetKey == k {
			s.schedules.remove(ak)
		}
	}
	if len(arns) > 0 {
		for ak, a := range s.alarms {
			if ak.account == k.Account && a.ManagedBy != "" && slices.Contains(arns, a.ManagedBy) {
				delete(s.alarms, ak)
			}
		}
	}
	delete(s.states, k)
	return nil
}

// ---- policies ----

func policyString(k model.PolicyKey) string {
	return fmt.Sprintf("policy %q of target %s", k.Name, targetString(k.TargetKey))
}

// PutPolicy creates or compare-and-swap updates a policy; the target must exist.
func (s *Store) PutPolicy(_ context.Context, p model.ScalingPolicy) (model.ScalingPolicy, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.putPolicy(p)
}

// putPolicy is PutPolicy with s.mu held.
func (s *Store) putPolicy(p model.ScalingPolicy) (model.ScalingPolicy, error) {
	if s.targets.m[p.TargetKey] == nil {
		return model.ScalingPolicy{}, fmt.Errorf("put %s: target: %w", policyString(p.PolicyKey), store.ErrNotFound)
	}
	e := s.policies.m[p.PolicyKey]
	var stored int64
	if e != nil {
		stored = e.val.Revision
	}
	if err := casErr(policyString(p.PolicyKey), p.Revision, e != nil, stored); err != nil {
		return model.ScalingPolicy{}, err
	}
	p.Revision++
	if e == nil {
		s.seq++
		s.policies.insert(s.seq, p.PolicyKey, clonePolicy(p))
	} else {
		e.val = clonePolicy(p)
	}
	return p, nil
}

// PutPolicyAlarms writes a policy and the complete set of alarms it manages at once (see
// store.Policies).
func (s *Store) PutPolicyAlarms(_ context.Context, p model.ScalingPolicy, alarms []model.MetricAlarm) (model.ScalingPolicy, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.putPolicy(p)
	if err != nil {
		return model.ScalingPolicy{}, err
	}
	keep := map[alarmKey]bool{}
	for _, a := range alarms {
		k := alarmKey{a.Account, a.AlarmName}
		old, exists := s.alarms[k]
		if exists {
			a.StateValue, a.StateReason, a.StateReasonData, a.StateUpdatedAt = old.StateValue, old.StateReason, old.StateReasonData, old.StateUpdatedAt
		}
		a.Revision = old.Revision + 1
		s.alarms[k] = cloneAlarm(a)
		keep[k] = true
	}
	for k, a := range s.alarms {
		if k.account == p.Account && a.ManagedBy == p.ARN && !keep[k] {
			delete(s.alarms, k)
		}
	}
	return p, nil
}

// GetPolicy returns one policy.
func (s *Store) GetPolicy(_ context.Context, k model.PolicyKey) (model.ScalingPolicy, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	e := s.policies.m[k]
	if e == nil {
		return model.ScalingPolicy{}, fmt.Errorf("%s: %w", policyString(k), store.ErrNotFound)
	}
	return clonePolicy(e.val), nil
}

// ListPolicies lists policies in creation order.
func (s *Store) ListPolicies(_ context.Context, f store.PolicyFilter) ([]model.ScalingPolicy, string, error) {
	after, err := seqCursor(f.After, cursor.Policies)
	if err != nil {
		return nil, "", err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	items, next := s.policies.page(after, f.Limit, func(p *model.ScalingPolicy) bool {
		return matchTarget(p.TargetKey, f.Account, f.Namespace, f.Dimension) &&
			(f.ResourceID == "" || p.ResourceID == f.ResourceID) &&
			(len(f.Names) == 0 || slices.Contains(f.Names, p.Name))
	}, clonePolicy)
	return items, seqNext(next, cursor.Policies), nil
}

// DeletePolicy removes a policy and the alarms it manages.
func (s *Store) DeletePolicy(_ context.Context, k model.PolicyKey) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.policies.m[k]
	if e == nil {
		return fmt.Errorf("delete %s: %w", policyString(k), store.ErrNotFound)
	}
	arn := e.val.ARN
	s.policies.remove(k)
	if arn != "" {
		for ak, a := range s.alarms {
			if ak.account == k.Account && a.ManagedBy == arn {
				delete(s.alarms, ak)
			}
		}
	}
	return nil
}

// ---- scheduled actions ----

func scheduleString(k model.ScheduledActionKey) string {
	return fmt.Sprintf("scheduled action %q of target %s", k.Name, targetString(k.TargetKey))
}

// PutScheduledAction creates or compare-and-swap updates a scheduled action; the target
// must exist.
func (s *Store) PutScheduledAction(_ context.Context, a model.ScheduledAction) (model.ScheduledAction, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.targets.m[a.TargetKey] == nil {
		return model.ScheduledAction{}, fmt.Errorf("put %s: target: %w", scheduleString(a.ScheduledActionKey), store.ErrNotFound)
	}
	e := s.schedules.m[a.ScheduledActionKey]
	var stored int64
	if e != nil {
		stored = e.val.Revision
	}
	if err := casErr(scheduleString(a.ScheduledActionKey), a.Revision, e != nil, stored); err != nil {
		return model.ScheduledAction{}, err
	}
	a.Revision++
	if e == nil {
		s.seq++
		s.schedules.insert(s.seq, a.ScheduledActionKey, cloneSchedule(a))
	} else {
		e.val = cloneSchedule(a)
	}
	return a, nil
}

// GetScheduledAction returns one scheduled action.
func (s *Store) GetScheduledAction(_ context.Context, k model.ScheduledActionKey) (model.ScheduledAction, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	e := s.schedules.m[k]
	if e == nil {
		return model.ScheduledAction{}, fmt.Errorf("%s: %w", scheduleString(k), store.ErrNotFound)
	}
	return cloneSchedule(e.val), nil
}

// ListScheduledActions lists scheduled actions in creation order.
func (s *Store) ListScheduledActions(_ context.Context, f store.ScheduleFilter) ([]model.ScheduledAction, string, error) {
	after, err := seqCursor(f.After, cursor.Schedules)
	if err != nil {
		return nil, "", err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	items, next := s.schedules.page(after, f.Limit, func(a *model.ScheduledAction) bool {
		return matchTarget(a.TargetKey, f.Account, f.Namespace, f.Dimension) &&
			(f.ResourceID == "" || a.ResourceID == f.ResourceID) &&
			(len(f.Names) == 0 || slices.Contains(f.Names, a.Name))
	}, cloneSchedule)
	return items, seqNext(next, cursor.Schedules), nil
}

// DeleteScheduledAction removes a scheduled action.
func (s *Store) DeleteScheduledAction(_ context.Context, k model.ScheduledActionKey) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.schedules.m[k] == nil {
		return fmt.Errorf("delete %s: %w", scheduleString(k), store.ErrNotFound)
	}
	s.schedules.remove(k)
	return nil
}

// ---- activities ----

func actCmp(a, b model.ScalingActivity) int {
	if c := a.StartTime.Compare(b.StartTime); c != 0 {
		return c
	}
	return strings.Compare(a.ActivityID, b.ActivityID)
}

func (s *Store) actIndex(a model.ScalingActivity) (int, bool) {
	return slices.BinarySearchFunc(s.acts, a, actCmp)
}

// PutActivity inserts or replaces an activity by ActivityID.
func (s *Store) PutActivity(_ context.Context, a model.ScalingActivity) error {
	if a.ActivityID == "" {
		return fmt.Errorf("put activity: empty ActivityID")
	}
	a = cloneActivity(a)
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.actByID[a.ActivityID]; ok {
		i, found := s.actIndex(old)
		if found && old.StartTime.Equal(a.StartTime) {
			s.acts[i] = a
			s.actByID[a.ActivityID] = a
			return nil
		}
		if found {
			s.acts = slices.Delete(s.acts, i, i+1)
		}
	}
	s.actByID[a.ActivityID] = a
	if n := len(s.acts); n == 0 || actCmp(s.acts[n-1], a) < 0 {
		s.acts = append(s.acts, a) // the usual case: activities arrive in time order
		return nil
	}
	i, _ := s.actIndex(a)
	s.acts = slices.Insert(s.acts, i, a)
	return nil
}

// GetActivity returns one activity of account.
func (s *Store) GetActivity(_ context.Context, account, id string) (model.ScalingActivity, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.actByID[id]
	if !ok || a.Account != account {
		return model.ScalingActivity{}, fmt.Errorf("activity %q of account %q: %w", id, account, store.ErrNotFound)
	}
	return cloneActivity(a), nil
}

// ListActivities lists activities newest first (StartTime, then ActivityID, descending).
func (s *Store) ListActivities(_ context.Context, f store.ActivityFilter) ([]model.ScalingActivity, string, error) {
	pos, ok, err := cursor.Decode(f.After, cursor.Activities)
	if err != nil {
		return nil, "", err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	end := len(s.acts)
	if ok {
		at := model.ScalingActivity{ActivityID: pos.Key, StartTime: time.Unix(0, pos.Time)}
		end, _ = s.actIndex(at)
	}
	var items []model.ScalingActivity
	for i := end - 1; i >= 0; i-- {
		a := &s.acts[i]
		if !f.Since.IsZero() && a.StartTime.Before(f.Since) {
			break
		}
		if !matchTarget(a.TargetKey, f.Account, f.Namespace, f.Dimension) ||
			(f.ResourceID != "" && a.ResourceID != f.ResourceID) ||
			(!f.IncludeNotScaled && a.NotScaled()) {
			continue
		}
		if f.Limit > 0 && len(items) == f.Limit {
			last := items[len(items)-1]
			return items, cursor.Encode(cursor.Pos{Kind: cursor.Activities, Time: last.StartTime.UnixNano(), Key: last.ActivityID}), nil
		}
		items = append(items, cloneActivity(*a))
	}
	return items, "", nil
}

// PruneActivities deletes activities that started before t.
func (s *Store) PruneActivities(_ context.Context, before time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := sort.Search(len(s.acts), func(i int) bool { return !s.acts[i].StartTime.Before(before) })
	for _, a := range s.acts[:n] {
		delete(s.actByID, a.ActivityID)
	}
	s.acts = slices.Delete(s.acts, 0, n)
	return n, nil
}

// ---- alarms ----

// PutAlarm creates or replaces an alarm (Revision 0) or compare-and-swap updates it.
func (s *Store) PutAlarm(_ context.Context, a model.MetricAlarm) (model.MetricAlarm, error) {
	k := alarmKey{a.Account, a.AlarmName}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, exists := s.alarms[k]
	if a.Revision != 0 {
		if err := casErr(fmt.Sprintf("alarm %q of account %q", a.AlarmName, a.Account), a.Revision, exists, old.Revision); err != nil {
			return model.MetricAlarm{}, err
		}
	}
	a.Revision = old.Revision + 1
	s.alarms[k] = cloneAlarm(a)
	return a, nil
}

// GetAlarm returns one alarm.
func (s *Store) GetAlarm(_ context.Context, account, name string) (model.MetricAlarm, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.alarms[alarmKey{account, name}]
	if !ok {
		return model.MetricAlarm{}, fmt.Errorf("alarm %q of account %q: %w", name, account, store.ErrNotFound)
	}
	return cloneAlarm(a), nil
}

func alarmCmp(a, b *model.MetricAlarm) int {
	return cmp.Or(strings.Compare(a.AlarmName, b.AlarmName), strings.Compare(a.Account, b.Account))
}

// ListAlarms lists alarms by name (then account).
func (s *Store) ListAlarms(_ context.Context, f store.AlarmFilter) ([]model.MetricAlarm, string, error) {
	pos, ok, err := cursor.Decode(f.After, cursor.Alarms)
	if err != nil {
		return nil, "", err
	}
	after := model.MetricAlarm{AlarmName: pos.Key, Account: pos.Key2}
	s.mu.RLock()
	var matched []*model.MetricAlarm
	for k := range s.alarms {
		a := s.alarms[k]
		if (f.Account != "" && a.Account != f.Account) ||
			(len(f.Names) > 0 && !slices.Contains(f.Names, a.AlarmName)) ||
			(f.NamePrefix != "" && !strings.HasPrefix(a.AlarmName, f.NamePrefix)) ||
			(f.ActionARN != "" && !slices.Contains(a.AlarmActions, f.ActionARN)) ||
			(f.ManagedBy != "" && a.ManagedBy != f.ManagedBy) ||
			(ok && alarmCmp(&a, &after) <= 0) {
			continue
		}
		matched = append(matched, &a)
	}
	slices.SortFunc(matched, alarmCmp)
	next := ""
	if f.Limit > 0 && len(matched) > f.Limit {
		matched = matched[:f.Limit]
		last := matched[len(matched)-1]
		next = cursor.Encode(cursor.Pos{Kind: cursor.Alarms, Key: last.AlarmName, Key2: last.Account})
	}
	items := make([]model.MetricAlarm, len(matched))
	for i, a := range matched {
		items[i] = cloneAlarm(*a)
	}
	s.mu.RUnlock()
	if len(items) == 0 {
		items = nil
	}
	return items, next, nil
}

// DeleteAlarm removes an alarm.
func (s *Store) DeleteAlarm(_ context.Context, account, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := alarmKey{account, name}
	if _, ok := s.alarms[k]; !ok {
		return fmt.Errorf("delete alarm %q of account %q: %w", name, account, store.ErrNotFound)
	}
	delete(s.alarms, k)
	return nil
}

// ---- target state ----

// GetTargetState returns the control-loop state of a target.
func (s *Store) GetTargetState(_ context.Context, k model.TargetKey) (model.TargetState, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st, ok := s.states[k]
	if !ok {
		return model.TargetState{}, fmt.Errorf("state of target %s: %w", targetString(k), store.ErrNotFound)
	}
	return cloneState(st), nil
}

// PutTargetState creates or compare-and-swap updates the state of an existing target.
func (s *Store) PutTargetState(_ context.Context, st model.TargetState) (model.TargetState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	what := "state of target " + targetString(st.TargetKey)
	if s.targets.m[st.TargetKey] == nil {
		return model.TargetState{}, fmt.Errorf("put %s: target: %w", what, store.ErrNotFound)
	}
	old, exists := s.states[st.TargetKey]
	if err := casErr(what, st.Revision, exists, old.Revision); err != nil {
		return model.TargetState{}, err
	}
	st.Revision++
	s.states[st.TargetKey] = cloneState(st)
	return st, nil
}

// ---- helpers ----

func seqCursor(after, kind string) (int64, error) {
	p, _, err := cursor.Decode(after, kind)
	return p.Seq, err
}

func seqNext(seq int64, kind string) string {
	if seq == 0 {
		return ""
	}
	return cursor.Encode(cursor.Pos{Kind: kind, Seq: seq})
}

// ordered is a map whose entries also sit in a slice in insertion (sequence) order, so
// listings page by sequence number without sorting. Removed entries are marked and
// compacted away once they are the majority.
type ordered[K comparable, V any] struct {
	m    map[K]*entry[K, V]
	list []*entry[K, V]
	dead int
}

type entry[K comparable, V any] struct {
	seq  int64
	key  K
	val  V
	dead bool
}

func newOrdered[K comparable, V any]() ordered[K, V] {
	return ordered[K, V]{m: make(map[K]*entry[K, V])}
}

func (o *ordered[K, V]) insert(seq int64, k K, v V) {
	e := &entry[K, V]{seq: seq, key: k, val: v}
	o.m[k] = e
	o.list = append(o.list, e)
}

func (o *ordered[K, V]) remove(k K) {
	e := o.m[k]
	if e == nil {
		return
	}
	delete(o.m, k)
	e.dead = true
	o.dead++
	if o.dead > 16 && o.dead > len(o.list)/2 {
		live := o.list[:0]
		for _, e := range o.list {
			if !e.dead {
				live = append(live, e)
			}
		}
		clear(o.list[len(live):])
		o.list = live
		o.dead = 0
	}
}

// page returns up to limit (all if limit <= 0) matching values after sequence number after,
// and the sequence number to continue from, or 0 when nothing matching is left.
func (o *ordered[K, V]) page(after int64, limit int, match func(*V) bool, clone func(V) V) ([]V, int64) {
	i := sort.Search(len(o.list), func(i int) bool { return o.list[i].seq > after })
	var items []V
	var last int64
	for ; i < len(o.list); i++ {
		e := o.list[i]
		if e.dead || !match(&e.val) {
			continue
		}
		if limit > 0 && len(items) == limit {
			return items, last
		}
		items = append(items, clone(e.val))
		last = e.seq
	}
	return items, 0
}
