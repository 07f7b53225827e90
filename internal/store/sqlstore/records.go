package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/store"
	"github.com/scaled-dev/scaled/internal/store/internal/cursor"
)

const keyWhere = "account = ? AND namespace = ? AND resource_id = ? AND dimension = ?"

func keyArgs(k model.TargetKey, more ...any) []any {
	return append([]any{k.Account, k.Namespace, k.ResourceID, k.Dimension}, more...)
}

func targetString(k model.TargetKey) string {
	return fmt.Sprintf("account %q namespace %q resource %q dimension %q", k.Account, k.Namespace, k.ResourceID, k.Dimension)
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// casWrite is one compare-and-swap write: Revision 0 inserts (ErrConflict if the key is
// taken), any other revision updates the row only if it still has that revision.
type casWrite struct {
	table    string
	what     string
	where    string // selects the record by key
	whereArg []any
	rev      int64
	cols     []string // inserted columns, key columns first
	vals     []any
	set      []string // columns an update sets (a suffix of cols)
	setVals  []any
}

func (s *Store) cas(ctx context.Context, tx *sql.Tx, w casWrite) error {
	if w.rev == 0 {
		n, err := s.exec(ctx, tx, "INSERT INTO "+w.table+" ("+strings.Join(w.cols, ", ")+", revision) VALUES ("+
			placeholders(len(w.cols))+", 1) ON CONFLICT DO NOTHING", w.vals...)
		if err != nil {
			if isFKViolation(err) {
				return fmt.Errorf("create %s: target: %w", w.what, store.ErrNotFound)
			}
			return fmt.Errorf("create %s: %w", w.what, err)
		}
		if n == 0 {
			return fmt.Errorf("create %s: already exists: %w", w.what, store.ErrConflict)
		}
		return nil
	}
	set := make([]string, len(w.set))
	for i, c := range w.set {
		set[i] = c + " = ?"
	}
	args := append(append(slices.Clone(w.setVals), w.whereArg...), w.rev)
	n, err := s.exec(ctx, tx, "UPDATE "+w.table+" SET "+strings.Join(set, ", ")+", revision = revision + 1 WHERE "+
		w.where+" AND revision = ?", args...)
	if err != nil {
		return fmt.Errorf("update %s: %w", w.what, err)
	}
	if n == 1 {
		return nil
	}
	var stored int64
	err = s.queryRow(ctx, tx, "SELECT revision FROM "+w.table+" WHERE "+w.where, w.whereArg...).Scan(&stored)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("update %s: %w", w.what, store.ErrNotFound)
	case err != nil:
		return fmt.Errorf("update %s: %w", w.what, err)
	}
	return fmt.Errorf("update %s at revision %d (stored %d): %w", w.what, w.rev, stored, store.ErrConflict)
}

// requireTarget fails with ErrNotFound unless the target exists.
func (s *Store) requireTarget(ctx context.Context, tx *sql.Tx, k model.TargetKey, what string) error {
	var one int
	err := s.queryRow(ctx, tx, "SELECT 1 FROM targets WHERE "+keyWhere, keyArgs(k)...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("put %s: target: %w", what, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("put %s: read target: %w", what, err)
	}
	return nil
}

// where accumulates the conditions of a listing.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) eq(col, val string) {
	if val != "" {
		w.add(col+" = ?", val)
	}
}

func (w *where) in(col string, vals []string) {
	if len(vals) == 0 {
		return
	}
	args := make([]any, len(vals))
	for i, v := range vals {
		args[i] = v
	}
	w.add(col+" IN ("+placeholders(len(vals))+")", args...)
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// limitClause asks for one row more than the page holds, to learn whether another page
// follows.
func limitClause(w *where, limit int) string {
	if limit <= 0 {
		return ""
	}
	w.args = append(w.args, limit+1)
	return " LIMIT ?"
}

// seqPage lists rows of a creation-ordered table. scan reads one row (after the id).
func seqPage[T any](ctx context.Context, s *Store, kind, cols, table string, w *where, page store.Page, scan func(scanner) (T, error)) ([]T, string, error) {
	pos, ok, err := cursor.Decode(page.After, kind)
	if err != nil {
		return nil, "", err
	}
	if ok {
		w.add("id > ?", pos.Seq)
	}
	q := "SELECT id, " + cols + " FROM " + table + w.sql() + " ORDER BY id"
	q += limitClause(w, page.Limit)
	rows, err := s.query(ctx, s.r, q, w.args...)
	if err != nil {
		return nil, "", fmt.Errorf("list %s: %w", table, err)
	}
	defer rows.Close()
	var items []T
	var ids []int64
	for rows.Next() {
		var id int64
		v, err := scan(idScanner{rows, &id})
		if err != nil {
			return nil, "", fmt.Errorf("list %s: %w", table, err)
		}
		items = append(items, v)
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list %s: %w", table, err)
	}
	if page.Limit > 0 && len(items) > page.Limit {
		return items[:page.Limit], cursor.Encode(cursor.Pos{Kind: kind, Seq: ids[page.Limit-1]}), nil
	}
	return items, "", nil
}

// idScanner lets the scan functions of seqPage ignore the leading id column.
type idScanner struct {
	rows *sql.Rows
	id   *int64
}

func (r idScanner) Scan(dest ...any) error { return r.rows.Scan(append([]any{r.id}, dest...)...) }

// ---- targets ----

// PutTarget creates (Revision 0) or compare-and-swap updates a target.
func (s *Store) PutTarget(ctx context.Context, t model.ScalableTarget) (model.ScalableTarget, error) {
	rev := t.Revision
	t.Revision = 0
	doc, err := encode(t)
	if err != nil {
		return model.ScalableTarget{}, err
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		return s.cas(ctx, tx, casWrite{
			table: "targets", what: "target " + targetString(t.TargetKey),
			where: keyWhere, whereArg: keyArgs(t.TargetKey), rev: rev,
			cols: []string{"account", "namespace", "resource_id", "dimension", "arn", "doc"},
			vals: keyArgs(t.TargetKey, t.ARN, doc),
			set:  []string{"arn", "doc"}, setVals: []any{t.ARN, doc},
		})
	})
	if err != nil {
		return model.ScalableTarget{}, err
	}
	t.Revision = rev + 1
	return t, nil
}

const targetCols = "account, namespace, resource_id, dimension, revision, doc"

type scanner interface{ Scan(dest ...any) error }

func scanTarget(r scanner) (model.ScalableTarget, error) {
	var t model.ScalableTarget
	var k model.TargetKey
	var rev int64
	var doc string
	if err := r.Scan(&k.Account, &k.Namespace, &k.ResourceID, &k.Dimension, &rev, &doc); err != nil {
		return t, err
	}
	if err := decode(doc, &t); err != nil {
		return t, err
	}
	t.TargetKey, t.Revision = k, rev
	return t, nil
}

// GetTarget returns one target.
func (s *Store) GetTarget(ctx context.Context, k model.TargetKey) (model.ScalableTarget, error) {
	t, err := scanTarget(s.queryRow(ctx, s.r, "SELECT "+targetCols+" FROM targets WHERE "+keyWhere, keyArgs(k)...))
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("target %s: %w", targetString(k), store.ErrNotFound)
	}
	if err != nil {
		return t, fmt.Errorf("get target %s: %w", targetString(k), err)
	}
	return t, nil
}

// GetTargetByARN returns the target of account with the given ARN.
func (s *Store) GetTargetByARN(ctx context.Context, account, arn string) (model.ScalableTarget, error) {
	t, err := scanTarget(s.queryRow(ctx, s.r, "SELECT "+targetCols+" FROM targets WHERE account = ? AND arn = ? ORDER BY id LIMIT 1", account, arn))
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("target of account %q with ARN %q: %w", account, arn, store.ErrNotFound)
	}
	if err != nil {
		return t, fmt.Errorf("get target by ARN %q: %w", arn, err)
	}
	return t, nil
}

func targetWhere(account, ns, dim string) *where {
	w := &where{}
	w.eq("account", account)
	w.eq("namespace", ns)
	w.eq("dimension", dim)
	return w
}

// ListTargets lists targets in creation order.
func (s *Store) ListTargets(ctx context.Context, f store.TargetFilter) ([]model.ScalableTarget, string, error) {
	w := targetWhere(f.Account, f.Namespace, f.Dimension)
	w.in("resource_id", f.ResourceIDs)
	return seqPage(ctx, s, cursor.Targets, targetCols, "targets", w, f.Page, scanTarget)
}

// DeleteTarget removes a target with its policies, scheduled actions, managed alarms and
// state; activities stay.
func (s *Store) DeleteTarget(ctx context.Context, k model.TargetKey) error {
	what := "delete target " + targetString(k)
	return s.write(ctx, func(tx *sql.Tx) error {
		steps := []struct{ name, q string }{
			{"managed alarms", "DELETE FROM alarms WHERE account = ? AND managed_by <> '' AND managed_by IN (SELECT arn FROM policies WHERE " + keyWhere + ")"},
			{"policies", "DELETE FROM policies WHERE " + keyWhere},
			{"scheduled actions", "DELETE FROM schedules WHERE " + keyWhere},
			{"state", "DELETE FROM target_states WHERE " + keyWhere},
		}
		for _, st := range steps {
			args := keyArgs(k)
			if st.name == "managed alarms" {
				args = append([]any{k.Account}, args...)
			}
			if _, err := s.exec(ctx, tx, st.q, args...); err != nil {
				return fmt.Errorf("%s: %s: %w", what, st.name, err)
			}
		}
		n, err := s.exec(ctx, tx, "DELETE FROM targets WHERE "+keyWhere, keyArgs(k)...)
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if n == 0 {
			return fmt.Errorf("%s: %w", what, store.ErrNotFound)
		}
		return nil
	})
}

// ---- policies ----

func policyString(k model.PolicyKey) string {
	return fmt.Sprintf("policy %q of target %s", k.Name, targetString(k.TargetKey))
}

// PutPolicy creates or compare-and-swap updates a policy; the target must exist.
func (s *Store) PutPolicy(ctx context.Context, p model.ScalingPolicy) (model.ScalingPolicy, error) {
	rev := p.Revision
	p.Revision = 0
	doc, err := encode(p)
	if err != nil {
		return model.ScalingPolicy{}, err
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		return s.putPolicy(ctx, tx, p, rev, doc)
	})
	if err != nil {
		return model.ScalingPolicy{}, err
	}
	p.Revision = rev + 1
	return p, nil
}

// putPolicy writes the encoded policy doc inside tx, compare-and-swap on rev; the target
// must exist.
func (s *Store) putPolicy(ctx context.Context, tx *sql.Tx, p model.ScalingPolicy, rev int64, doc string) error {
	what := policyString(p.PolicyKey)
	if err := s.requireTarget(ctx, tx, p.TargetKey, what); err != nil {
		return err
	}
	return s.cas(ctx, tx, casWrite{
		table: "policies", what: what,
		where: keyWhere + " AND name = ?", whereArg: keyArgs(p.TargetKey, p.Name), rev: rev,
		cols: []string{"account", "namespace", "resource_id", "dimension", "name", "arn", "doc"},
		vals: keyArgs(p.TargetKey, p.Name, p.ARN, doc),
		set:  []string{"arn", "doc"}, setVals: []any{p.ARN, doc},
	})
}

const namedCols = "account, namespace, resource_id, dimension, name, revision, doc"

func scanNamed(r scanner, v any) (model.TargetKey, string, int64, error) {
	var k model.TargetKey
	var name, doc string
	var rev int64
	if err := r.Scan(&k.Account, &k.Namespace, &k.ResourceID, &k.Dimension, &name, &rev, &doc); err != nil {
		return k, name, rev, err
	}
	return k, name, rev, decode(doc, v)
}

func scanPolicy(r scanner) (model.ScalingPolicy, error) {
	var p model.ScalingPolicy
	k, name, rev, err := scanNamed(r, &p)
	p.PolicyKey, p.Revision = model.PolicyKey{TargetKey: k, Name: name}, rev
	return p, err
}

// GetPolicy returns one policy.
func (s *Store) GetPolicy(ctx context.Context, k model.PolicyKey) (model.ScalingPolicy, error) {
	p, err := scanPolicy(s.queryRow(ctx, s.r, "SELECT "+namedCols+" FROM policies WHERE "+keyWhere+" AND name = ?", keyArgs(k.TargetKey, k.Name)...))
	if errors.Is(err, sql.ErrNoRows) {
		return model.ScalingPolicy{}, fmt.Errorf("%s: %w", policyString(k), store.ErrNotFound)
	}
	if err != nil {
		return model.ScalingPolicy{}, fmt.Errorf("get %s: %w", policyString(k), err)
	}
	return p, nil
}

// ListPolicies lists policies in creation order.
func (s *Store) ListPolicies(ctx context.Context, f store.PolicyFilter) ([]model.ScalingPolicy, string, error) {
	w := targetWhere(f.Account, f.Namespace, f.Dimension)
	w.eq("resource_id", f.ResourceID)
	w.in("name", f.Names)
	return seqPage(ctx, s, cursor.Policies, namedCols, "policies", w, f.Page, scanPolicy)
}

// DeletePolicy removes a policy and the alarms it manages.
func (s *Store) DeletePolicy(ctx context.Context, k model.PolicyKey) error {
	what := "delete " + policyString(k)
	return s.write(ctx, func(tx *sql.Tx) error {
		args := keyArgs(k.TargetKey, k.Name)
		if _, err := s.exec(ctx, tx, "DELETE FROM alarms WHERE account = ? AND managed_by <> '' AND managed_by IN (SELECT arn FROM policies WHERE "+keyWhere+" AND name = ?)",
			append([]any{k.Account}, args...)...); err != nil {
			return fmt.Errorf("%s: managed alarms: %w", what, err)
		}
		n, err := s.exec(ctx, tx, "DELETE FROM policies WHERE "+keyWhere+" AND name = ?", args...)
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if n == 0 {
			return fmt.Errorf("%s: %w", what, store.ErrNotFound)
		}
		return nil
	})
}

// ---- scheduled actions ----

func scheduleString(k model.ScheduledActionKey) string {
	return fmt.Sprintf("scheduled action %q of target %s", k.Name, targetString(k.TargetKey))
}

// PutScheduledAction creates or compare-and-swap updates a scheduled action; the target
// must exist.
func (s *Store) PutScheduledAction(ctx context.Context, a model.ScheduledAction) (model.ScheduledAction, error) {
	rev := a.Revision
	a.Revision = 0
	doc, err := encode(a)
	if err != nil {
		return model.ScheduledAction{}, err
	}
	what := scheduleString(a.ScheduledActionKey)
	err = s.write(ctx, func(tx *sql.Tx) error {
		if err := s.requireTarget(ctx, tx, a.TargetKey, what); err != nil {
			return err
		}
		return s.cas(ctx, tx, casWrite{
			table: "schedules", what: what,
			where: keyWhere + " AND name = ?", whereArg: keyArgs(a.TargetKey, a.Name), rev: rev,
			cols: []string{"account", "namespace", "resource_id", "dimension", "name", "doc"},
			vals: keyArgs(a.TargetKey, a.Name, doc),
			set:  []string{"doc"}, setVals: []any{doc},
		})
	})
	if err != nil {
		return model.ScheduledAction{}, err
	}
	a.Revision = rev + 1
	return a, nil
}

func scanSchedule(r scanner) (model.ScheduledAction, error) {
	var a model.ScheduledAction
	k, name, rev, err := scanNamed(r, &a)
	a.ScheduledActionKey, a.Revision = model.ScheduledActionKey{TargetKey: k, Name: name}, rev
	return a, err
}

// GetScheduledAction returns one scheduled action.
func (s *Store) GetScheduledAction(ctx context.Context, k model.ScheduledActionKey) (model.ScheduledAction, error) {
	a, err := scanSchedule(s.queryRow(ctx, s.r, "SELECT "+namedCols+" FROM schedules WHERE "+keyWhere+" AND name = ?", keyArgs(k.TargetKey, k.Name)...))
	if errors.Is(err, sql.ErrNoRows) {
		return model.ScheduledAction{}, fmt.Errorf("%s: %w", scheduleString(k), store.ErrNotFound)
	}
	if err != nil {
		return model.ScheduledAction{}, fmt.Errorf("get %s: %w", scheduleString(k), err)
	}
	return a, nil
}

// ListScheduledActions lists scheduled actions in creation order.
func (s *Store) ListScheduledActions(ctx context.Context, f store.ScheduleFilter) ([]model.ScheduledAction, string, error) {
	w := targetWhere(f.Account, f.Namespace, f.Dimension)
	w.eq("resource_id", f.ResourceID)
	w.in("name", f.Names)
	return seqPage(ctx, s, cursor.Schedules, namedCols, "schedules", w, f.Page, scanSchedule)
}

// DeleteScheduledAction removes a scheduled action.
func (s *Store) DeleteScheduledAction(ctx context.Context, k model.ScheduledActionKey) error {
	what := "delete " + scheduleString(k)
	return s.write(ctx, func(tx *sql.Tx) error {
		n, err := s.exec(ctx, tx, "DELETE FROM schedules WHERE "+keyWhere+" AND name = ?", keyArgs(k.TargetKey, k.Name)...)
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if n == 0 {
			return fmt.Errorf("%s: %w", what, store.ErrNotFound)
		}
		return nil
	})
}

// ---- activities ----

// PutActivity inserts or replaces an activity by ActivityID.
func (s *Store) PutActivity(ctx context.Context, a model.ScalingActivity) error {
	if a.ActivityID == "" {
		return fmt.Errorf("put activity: empty ActivityID")
	}
	doc, err := encode(a)
	if err != nil {
		return err
	}
	notScaled := 0
	if a.NotScaled() {
		notScaled = 1
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, `INSERT INTO activities (activity_id, account, namespace, resource_id, dimension, start_ms, not_scaled, doc)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (activity_id) DO UPDATE SET account = excluded.account, namespace = excluded.namespace,
	resource_id = excluded.resource_id, dimension = excluded.dimension, start_ms = excluded.start_ms,
	not_scaled = excluded.not_scaled, doc = excluded.doc`,
			append([]any{a.ActivityID}, keyArgs(a.TargetKey, a.StartTime.UnixMilli(), notScaled, doc)...)...)
		if err != nil {
			return fmt.Errorf("put activity %q: %w", a.ActivityID, err)
		}
		return nil
	})
}

const activityCols = "activity_id, account, start_ms, doc"

func scanActivity(r scanner) (model.ScalingActivity, int64, error) {
	var a model.ScalingActivity
	var id, account, doc string
	var ms int64
	if err := r.Scan(&id, &account, &ms, &doc); err != nil {
		return a, 0, err
	}
	if err := decode(doc, &a); err != nil {
		return a, 0, err
	}
	a.ActivityID, a.Account = id, account
	return a, ms, nil
}

// GetActivity returns one activity of account.
func (s *Store) GetActivity(ctx context.Context, account, id string) (model.ScalingActivity, error) {
	a, _, err := scanActivity(s.queryRow(ctx, s.r, "SELECT "+activityCols+" FROM activities WHERE activity_id = ? AND account = ?", id, account))
	if errors.Is(err, sql.ErrNoRows) {
		return model.ScalingActivity{}, fmt.Errorf("activity %q of account %q: %w", id, account, store.ErrNotFound)
	}
	if err != nil {
		return model.ScalingActivity{}, fmt.Errorf("get activity %q: %w", id, err)
	}
	return a, nil
}

// ListActivities lists activities newest first: StartTime (to the millisecond), then
// ActivityID, descending.
func (s *Store) ListActivities(ctx context.Context, f store.ActivityFilter) ([]model.ScalingActivity, string, error) {
	pos, ok, err := cursor.Decode(f.After, cursor.Activities)
	if err != nil {
		return nil, "", err
	}
	w := targetWhere(f.Account, f.Namespace, f.Dimension)
	w.eq("resource_id", f.ResourceID)
	if !f.IncludeNotScaled {
		w.add("not_scaled = 0")
	}
	if !f.Since.IsZero() {
		w.add("start_ms >= ?", f.Since.UnixMilli())
	}
	if ok {
		w.add("(start_ms, activity_id) < (?, ?)", pos.Time, pos.Key)
	}
	q := "SELECT " + activityCols + " FROM activities" + w.sql() + " ORDER BY start_ms DESC, activity_id DESC" + limitClause(w, f.Limit)
	rows, err := s.query(ctx, s.r, q, w.args...)
	if err != nil {
		return nil, "", fmt.Errorf("list activities: %w", err)
	}
	defer rows.Close()
	var items []model.ScalingActivity
	var times []int64
	for rows.Next() {
		a, ms, err := scanActivity(rows)
		if err != nil {
			return nil, "", fmt.Errorf("list activities: %w", err)
		}
		items = append(items, a)
		times = append(times, ms)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list activities: %w", err)
	}
	if f.Limit > 0 && len(items) > f.Limit {
		last := items[f.Limit-1]
		return items[:f.Limit], cursor.Encode(cursor.Pos{Kind: cursor.Activities, Time: times[f.Limit-1], Key: last.ActivityID}), nil
	}
	return items, "", nil
}

// PruneActivities deletes activities that started before t (to the millisecond).
func (s *Store) PruneActivities(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = s.exec(ctx, tx, "DELETE FROM activities WHERE start_ms < ?", before.UnixMilli())
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("prune activities: %w", err)
	}
	return int(n), nil
}

// ---- alarms ----

func alarmString(account, name string) string {
	return fmt.Sprintf("alarm %q of account %q", name, account)
}

// PutAlarm creates or replaces an alarm (Revision 0) or compare-and-swap updates it.
func (s *Store) PutAlarm(ctx context.Context, a model.MetricAlarm) (model.MetricAlarm, error) {
	var out model.MetricAlarm
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = s.putAlarm(ctx, tx, a)
		return err
	})
	if err != nil {
		return model.MetricAlarm{}, err
	}
	return out, nil
}

// putAlarm is PutAlarm inside tx.
func (s *Store) putAlarm(ctx context.Context, tx *sql.Tx, a model.MetricAlarm) (model.MetricAlarm, error) {
	rev := a.Revision
	a.Revision = 0
	doc, err := encode(a)
	if err != nil {
		return model.MetricAlarm{}, err
	}
	what := alarmString(a.Account, a.AlarmName)
	var newRev int64
	if rev == 0 {
		err := s.queryRow(ctx, tx, `INSERT INTO alarms (account, name, managed_by, revision, doc) VALUES (?, ?, ?, 1, ?)
ON CONFLICT (account, name) DO UPDATE SET managed_by = excluded.managed_by, doc = excluded.doc, revision = alarms.revision + 1
RETURNING revision`, a.Account, a.AlarmName, a.ManagedBy, doc).Scan(&newRev)
		if err != nil {
			return model.MetricAlarm{}, fmt.Errorf("put %s: %w", what, err)
		}
	} else {
		if err := s.cas(ctx, tx, casWrite{
			table: "alarms", what: what,
			where: "account = ? AND name = ?", whereArg: []any{a.Account, a.AlarmName}, rev: rev,
			set: []string{"managed_by", "doc"}, setVals: []any{a.ManagedBy, doc},
		}); err != nil {
			return model.MetricAlarm{}, err
		}
		newRev = rev + 1
	}
	if _, err := s.exec(ctx, tx, "DELETE FROM alarm_actions WHERE account = ? AND name = ?", a.Account, a.AlarmName); err != nil {
		return model.MetricAlarm{}, fmt.Errorf("put %s: actions: %w", what, err)
	}
	for _, act := range a.AlarmActions {
		if _, err := s.exec(ctx, tx, "INSERT INTO alarm_actions (account, name, action_arn) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
			a.Account, a.AlarmName, act); err != nil {
			return model.MetricAlarm{}, fmt.Errorf("put %s: actions: %w", what, err)
		}
	}
	a.Revision = newRev
	return a, nil
}

// PutPolicyAlarms writes a policy and the complete set of alarms it manages in one
// transaction (see store.Policies).
func (s *Store) PutPolicyAlarms(ctx context.Context, p model.ScalingPolicy, alarms []model.MetricAlarm) (model.ScalingPolicy, error) {
	rev := p.Revision
	p.Revision = 0
	doc, err := encode(p)
	if err != nil {
		return model.ScalingPolicy{}, err
	}
	what := policyString(p.PolicyKey)
	err = s.write(ctx, func(tx *sql.Tx) error {
		if err := s.putPolicy(ctx, tx, p, rev, doc); err != nil {
			return err
		}
		names := make([]any, 0, len(alarms)+2)
		names = append(names, p.Account, p.ARN)
		for _, a := range alarms {
			old, err := scanAlarm(s.queryRow(ctx, tx, "SELECT "+alarmCols+" FROM alarms WHERE account = ? AND name = ?", a.Account, a.AlarmName))
			switch {
			case err == nil:
				a.StateValue, a.StateReason, a.StateReasonData, a.StateUpdatedAt = old.StateValue, old.StateReason, old.StateReasonData, old.StateUpdatedAt
			case errors.Is(err, sql.ErrNoRows):
			default:
				return fmt.Errorf("%s: reading %s: %w", what, alarmString(a.Account, a.AlarmName), err)
			}
			a.Revision = 0
			if _, err := s.putAlarm(ctx, tx, a); err != nil {
				return fmt.Errorf("%s: %w", what, err)
			}
			names = append(names, a.AlarmName)
		}
		stale := "DELETE FROM alarms WHERE account = ? AND managed_by = ?"
		if len(alarms) > 0 {
			stale += " AND name NOT IN (" + placeholders(len(alarms)) + ")"
		}
		if _, err := s.exec(ctx, tx, stale, names...); err != nil {
			return fmt.Errorf("%s: stale managed alarms: %w", what, err)
		}
		return nil
	})
	if err != nil {
		return model.ScalingPolicy{}, err
	}
	p.Revision = rev + 1
	return p, nil
}

const alarmCols = "account, name, revision, doc"

func scanAlarm(r scanner) (model.MetricAlarm, error) {
	var a model.MetricAlarm
	var account, name, doc string
	var rev int64
	if err := r.Scan(&account, &name, &rev, &doc); err != nil {
		return a, err
	}
	if err := decode(doc, &a); err != nil {
		return a, err
	}
	a.Account, a.AlarmName, a.Revision = account, name, rev
	return a, nil
}

// GetAlarm returns one alarm.
func (s *Store) GetAlarm(ctx context.Context, account, name string) (model.MetricAlarm, error) {
	a, err := scanAlarm(s.queryRow(ctx, s.r, "SELECT "+alarmCols+" FROM alarms WHERE account = ? AND name = ?", account, name))
	if errors.Is(err, sql.ErrNoRows) {
		return model.MetricAlarm{}, fmt.Errorf("%s: %w", alarmString(account, name), store.ErrNotFound)
	}
	if err != nil {
		return model.MetricAlarm{}, fmt.Errorf("get %s: %w", alarmString(account, name), err)
	}
	return a, nil
}

// ListAlarms lists alarms by name, then account.
func (s *Store) ListAlarms(ctx context.Context, f store.AlarmFilter) ([]model.MetricAlarm, string, error) {
	pos, ok, err := cursor.Decode(f.After, cursor.Alarms)
	if err != nil {
		return nil, "", err
	}
	w := &where{}
	w.eq("account", f.Account)
	w.in("name", f.Names)
	if f.NamePrefix != "" {
		w.add("substr(name, 1, ?) = ?", utf8.RuneCountInString(f.NamePrefix), f.NamePrefix)
	}
	w.eq("managed_by", f.ManagedBy)
	if f.ActionARN != "" {
		w.add("EXISTS (SELECT 1 FROM alarm_actions x WHERE x.account = alarms.account AND x.name = alarms.name AND x.action_arn = ?)", f.ActionARN)
	}
	if ok {
		w.add("(name, account) > (?, ?)", pos.Key, pos.Key2)
	}
	q := "SELECT " + alarmCols + " FROM alarms" + w.sql() + " ORDER BY name, account" + limitClause(w, f.Limit)
	rows, err := s.query(ctx, s.r, q, w.args...)
	if err != nil {
		return nil, "", fmt.Errorf("list alarms: %w", err)
	}
	defer rows.Close()
	var items []model.MetricAlarm
	for rows.Next() {
		a, err := scanAlarm(rows)
		if err != nil {
			return nil, "", fmt.Errorf("list alarms: %w", err)
		}
		items = append(items, a)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list alarms: %w", err)
	}
	if f.Limit > 0 && len(items) > f.Limit {
		last := items[f.Limit-1]
		return items[:f.Limit], cursor.Encode(cursor.Pos{Kind: cursor.Alarms, Key: last.AlarmName, Key2: last.Account}), nil
	}
	return items, "", nil
}

// DeleteAlarm removes an alarm.
func (s *Store) DeleteAlarm(ctx context.Context, account, name string) error {
	what := "delete " + alarmString(account, name)
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := s.exec(ctx, tx, "DELETE FROM alarm_actions WHERE account = ? AND name = ?", account, name); err != nil {
			return fmt.Errorf("%s: actions: %w", what, err)
		}
		n, err := s.exec(ctx, tx, "DELETE FROM alarms WHERE account = ? AND name = ?", account, name)
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if n == 0 {
			return fmt.Errorf("%s: %w", what, store.ErrNotFound)
		}
		return nil
	})
}

// ---- target state ----

// GetTargetState returns the control-loop state of a target.
func (s *Store) GetTargetState(ctx context.Context, k model.TargetKey) (model.TargetState, error) {
	var st model.TargetState
	var rev int64
	var doc string
	err := s.queryRow(ctx, s.r, "SELECT revision, doc FROM target_states WHERE "+keyWhere, keyArgs(k)...).Scan(&rev, &doc)
	if errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("state of target %s: %w", targetString(k), store.ErrNotFound)
	}
	if err == nil {
		err = decode(doc, &st)
	}
	if err != nil {
		return model.TargetState{}, fmt.Errorf("get state of target %s: %w", targetString(k), err)
	}
	st.TargetKey, st.Revision = k, rev
	return st, nil
}

// PutTargetState creates or compare-and-swap updates the state of an existing target.
func (s *Store) PutTargetState(ctx context.Context, st model.TargetState) (model.TargetState, error) {
	doc, err := encode(st)
	if err != nil {
		return model.TargetState{}, err
	}
	what := "state of target " + targetString(st.TargetKey)
	err = s.write(ctx, func(tx *sql.Tx) error {
		if err := s.requireTarget(ctx, tx, st.TargetKey, what); err != nil {
			return err
		}
		return s.cas(ctx, tx, casWrite{
			table: "target_states", what: what,
			where: keyWhere, whereArg: keyArgs(st.TargetKey), rev: st.Revision,
			cols: []string{"account", "namespace", "resource_id", "dimension", "doc"},
			vals: keyArgs(st.TargetKey, doc),
			set:  []string{"doc"}, setVals: []any{doc},
		})
	})
	if err != nil {
		return model.TargetState{}, err
	}
	st.Revision++
	return st, nil
}
