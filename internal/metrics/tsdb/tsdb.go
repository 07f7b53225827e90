package tsdb

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/metrics/sketch"
	"github.com/scaled-dev/scaled/internal/model"
)

// Defaults of Options.
const (
	DefaultRetention               = 24 * time.Hour
	DefaultResolution              = time.Minute
	DefaultHighResolution          = time.Second
	DefaultHighResolutionRetention = 3 * time.Hour
	DefaultMaxSeries               = 100_000
	DefaultSnapshotInterval        = time.Minute
)

// Errors.
var (
	// ErrTooManySeries is returned by Put when storing a datum would exceed Options.MaxSeries.
	ErrTooManySeries = errors.New("tsdb: series limit reached")
	// ErrUnsupportedStatistic is returned by Query for a statistic name that is neither
	// a standard statistic nor a valid extended statistic (see
	// metrics.ParseExtendedStatistic). It wraps metrics.ErrInvalidStatistic.
	ErrUnsupportedStatistic = errors.New("tsdb: unsupported statistic")
	// ErrInvalidQuery is returned by Query for a malformed query (period, time range).
	ErrInvalidQuery = errors.New("tsdb: invalid query")
)

// Options configures a DB. Zero values take the defaults above.
type Options struct {
	Clock clock.Clock
	// Retention is how long standard-resolution buckets are kept (default 24 h).
	Retention time.Duration
	// Resolution is the width of standard buckets (default 60 s); it must be a whole
	// number of seconds.
	Resolution time.Duration
	// HighResolution is the width of high-resolution buckets (default 1 s).
	HighResolution time.Duration
	// HighResolutionRetention is how long high-resolution buckets are kept (default 3 h).
	HighResolutionRetention time.Duration
	// MaxSeries bounds the number of series (default 100 000).
	MaxSeries int
	// Path, if set, is the snapshot file: Open restores from it, Tick and Close write it.
	Path string
	// SnapshotInterval is how often Run calls Tick (default 1 min).
	SnapshotInterval time.Duration
	Logger           *slog.Logger
}

const nshards = 64

// DB is the store. It is safe for concurrent use.
type DB struct {
	opts    Options
	clk     clock.Clock
	log     *slog.Logger
	stdRes  int64 // seconds
	hiRes   int64
	stdKeep int64
	hiKeep  int64
	seed    maphash.Seed
	shards  [nshards]shard
	nseries atomic.Int64
	snapMu  sync.Mutex // serialises snapshot file writes
}

type shard struct {
	mu sync.RWMutex
	m  map[string]*series
}

type bucket struct {
	t                  int64 // bucket start, Unix seconds
	n, sum, minv, maxv float64
	// dist is the distribution of the bucket's data when pct is pctSketch, else nil.
	dist *sketch.Sketch
	pct  pctState
}

// pctState says what a bucket knows about the distribution of its data.
type pctState uint8

const (
	// pctNone: some data came without a distribution (a statistic set with several
	// different values); percentiles are unavailable.
	pctNone pctState = iota
	// pctPoint: every datum had a distribution and all values equal minv (= maxv), so
	// the distribution is n times minv and needs no sketch.
	pctPoint
	// pctSketch: dist holds the distribution of all the data.
	pctSketch
)

// obs is data added to a bucket: a statistic set and what is known of its distribution.
// dist is read, never retained.
type obs struct {
	n, sum, minv, maxv float64
	pct                pctState
	dist               *sketch.Sketch
}

// obsOf describes a datum the CloudWatch way: a datum with a distribution, or a single
// value (SampleCount 1 or Min == Max), can answer percentiles; other statistic sets cannot.
func obsOf(d *metrics.Datum) obs {
	o := obs{n: d.SampleCount, sum: d.Sum, minv: d.Min, maxv: d.Max}
	switch {
	case d.Dist != nil && d.Dist.Count() > 0:
		o.pct, o.dist = pctSketch, d.Dist
	case d.Min == d.Max:
		o.pct = pctPoint
	case d.SampleCount == 1:
		o.pct, o.dist = pctSketch, sketch.New()
		o.dist.Add(min(max(d.Sum, d.Min), d.Max), 1)
	}
	return o
}

func (b *bucket) obs() obs {
	return obs{n: b.n, sum: b.sum, minv: b.minv, maxv: b.maxv, pct: b.pct, dist: b.dist}
}

// newBucket starts a bucket at t holding o; fresh supplies the sketch it may need.
func newBucket(t int64, o *obs, fresh func() *sketch.Sketch) bucket {
	b := bucket{t: t, n: o.n, sum: o.sum, minv: o.minv, maxv: o.maxv, pct: o.pct}
	if o.pct == pctSketch {
		b.dist = fresh()
		b.dist.Merge(o.dist)
	}
	return b
}

// merge adds o to b. When b needs a sketch it does not have yet, fresh supplies one.
func (b *bucket) merge(o *obs, fresh func() *sketch.Sketch) {
	switch {
	case b.pct == pctNone:
	case o.pct == pctNone:
		b.pct, b.dist = pctNone, nil
	case b.pct == pctPoint && o.pct == pctPoint && o.minv == b.minv:
	default:
		if b.pct == pctPoint {
			b.dist = fresh()
			b.dist.Add(b.minv, b.n)
			b.pct = pctSketch
		}
		if o.pct == pctPoint {
			b.dist.Add(o.minv, o.n)
		} else {
			b.dist.Merge(o.dist)
		}
	}
	b.n += o.n
	b.sum += o.sum
	if o.minv < b.minv {
		b.minv = o.minv
	}
	if o.maxv > b.maxv {
		b.maxv = o.maxv
	}
}

// extended returns the extended statistic e of the bucket's data, or false when it has no
// distribution or a negative value (CloudWatch computes no extended statistic then).
// point is a scratch sketch for buckets whose values are all equal.
func (b *bucket) extended(e *metrics.ExtendedStatistic, point *sketch.Sketch) (float64, bool) {
	if b.minv < 0 {
		return 0, false
	}
	switch b.pct {
	case pctPoint:
		point.Reset()
		point.Add(b.minv, b.n)
		return e.Compute(point)
	case pctSketch:
		v, ok := e.Compute(b.dist)
		if e.Kind == metrics.Percentile {
			v = min(max(v, b.minv), b.maxv)
		}
		return v, ok
	}
	return 0, false
}

// tier is a sorted, sparse list of fixed-width buckets.
type tier struct {
	b []bucket
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func (t *tier) add(res, ts int64, o *obs) {
	bt := floorDiv(ts, res) * res
	l := len(t.b)
	switch {
	case l > 0 && t.b[l-1].t == bt:
		t.b[l-1].merge(o, sketch.New)
	case l == 0 || t.b[l-1].t < bt:
		t.b = append(t.b, newBucket(bt, o, sketch.New))
	default:
		i := sort.Search(l, func(i int) bool { return t.b[i].t >= bt })
		if t.b[i].t == bt {
			t.b[i].merge(o, sketch.New)
			return
		}
		t.b = slices.Insert(t.b, i, newBucket(bt, o, sketch.New))
	}
}

// prune drops buckets that end at or before cutoff.
func (t *tier) prune(res, cutoff int64) {
	if len(t.b) == 0 || t.b[0].t+res > cutoff {
		return
	}
	i := sort.Search(len(t.b), func(i int) bool { return t.b[i].t+res > cutoff })
	clear(t.b[:i]) // release the sketches of dropped buckets
	if i == len(t.b) {
		t.b = nil
		return
	}
	rest := t.b[i:]
	if cap(rest) > 2*len(rest)+16 {
		rest = slices.Clone(rest)
	}
	t.b = rest
}

type series struct {
	mu   sync.Mutex
	id   metrics.MetricID // dimensions sorted by name
	unit string
	std  tier
	hi   tier
	last int64 // time of the newest datum, Unix seconds
}

// New returns an empty DB. It does not read Options.Path; use Open for that.
func New(opts Options) *DB {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.Retention <= 0 {
		opts.Retention = DefaultRetention
	}
	if opts.Resolution < time.Second {
		opts.Resolution = DefaultResolution
	}
	if opts.HighResolution < time.Second {
		opts.HighResolution = DefaultHighResolution
	}
	if opts.HighResolutionRetention <= 0 {
		opts.HighResolutionRetention = DefaultHighResolutionRetention
	}
	if opts.MaxSeries <= 0 {
		opts.MaxSeries = DefaultMaxSeries
	}
	if opts.SnapshotInterval <= 0 {
		opts.SnapshotInterval = DefaultSnapshotInterval
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	db := &DB{
		opts:    opts,
		clk:     opts.Clock,
		log:     opts.Logger,
		stdRes:  int64(opts.Resolution / time.Second),
		hiRes:   int64(opts.HighResolution / time.Second),
		stdKeep: int64(opts.Retention / time.Second),
		hiKeep:  int64(opts.HighResolutionRetention / time.Second),
		seed:    maphash.MakeSeed(),
	}
	for i := range db.shards {
		db.shards[i].m = make(map[string]*series)
	}
	return db
}

// appendKey appends the canonical key of m (the bytes of metrics.MetricID.Key) to b
// without allocating when the dimensions are already sorted.
func appendKey(b []byte, m metrics.MetricID) []byte {
	b = append(b, m.Account...)
	b = append(b, '\x1f')
	b = append(b, m.Namespace...)
	b = append(b, '\x1f')
	b = append(b, m.Name...)
	dims := m.Dimensions
	if !slices.IsSortedFunc(dims, cmpDim) {
		dims = slices.Clone(dims)
		slices.SortStableFunc(dims, cmpDim)
	}
	for _, x := range dims {
		b = append(b, '\x1f')
		b = append(b, x.Name...)
		b = append(b, '=')
		b = append(b, x.Value...)
	}
	return b
}

func cmpDim(a, b model.MetricDimension) int { return strings.Compare(a.Name, b.Name) }

func (db *DB) shardFor(key []byte) *shard {
	return &db.shards[maphash.Bytes(db.seed, key)%nshards]
}

// lookup returns the series for key, creating it if create is set.
func (db *DB) lookup(key []byte, id metrics.MetricID, create bool) (*series, error) {
	sh := db.shardFor(key)
	sh.mu.RLock()
	s := sh.m[string(key)]
	sh.mu.RUnlock()
	if s != nil || !create {
		return s, nil
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if s = sh.m[string(key)]; s != nil {
		return s, nil
	}
	if db.nseries.Load() >= int64(db.opts.MaxSeries) {
		return nil, fmt.Errorf("%w (%d series): not storing %s/%s", ErrTooManySeries, db.opts.MaxSeries, id.Namespace, id.Name)
	}
	id.Dimensions = slices.Clone(id.Dimensions)
	slices.SortStableFunc(id.Dimensions, cmpDim)
	s = &series{id: id}
	sh.m[string(key)] = s
	db.nseries.Add(1)
	return s, nil
}

func finite(fs ...float64) bool {
	for _, f := range fs {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return false
		}
	}
	return true
}

// Put stores data. A datum without a Time is stored at the current time. Data older than
// the retention are dropped silently; a datum with a non-positive SampleCount, a
// non-finite value or Min > Max is rejected with an error (the other data are still
// stored).
func (db *DB) Put(ctx context.Context, data []metrics.Datum) error {
	now := db.clk.Now().Unix()
	stdCut, hiCut := now-db.stdKeep, now-db.hiKeep
	var errs []error
	var kbuf [256]byte
	for i := range data {
		d := &data[i]
		if !(d.SampleCount > 0) || !finite(d.SampleCount, d.Sum, d.Min, d.Max) || d.Min > d.Max {
			errs = append(errs, fmt.Errorf("tsdb: datum %d of %s/%s: invalid statistic set (SampleCount %v, Sum %v, Min %v, Max %v)",
				i, d.Metric.Namespace, d.Metric.Name, d.SampleCount, d.Sum, d.Min, d.Max))
			continue
		}
		ts := d.Time.Unix()
		if d.Time.IsZero() {
			ts = now
		}
		if ts+db.stdRes <= stdCut {
			continue
		}
		s, err := db.lookup(appendKey(kbuf[:0], d.Metric), d.Metric, true)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		o := obsOf(d)
		s.mu.Lock()
		if d.Unit != "" {
			s.unit = d.Unit
		}
		s.std.add(db.stdRes, ts, &o)
		s.std.prune(db.stdRes, stdCut)
		if d.HighResolution && ts+db.hiRes > hiCut {
			s.hi.add(db.hiRes, ts, &o)
			s.hi.prune(db.hiRes, hiCut)
		}
		if ts > s.last {
			s.last = ts
		}
		s.mu.Unlock()
	}
	return errors.Join(errs...)
}

// statFunc computes a statistic from an aggregated bucket; false means the period has no
// value for it.
type statFunc func(b *bucket) (float64, bool)

// statistic returns the function computing a statistic and whether it needs the
// buckets' distributions.
func statistic(name string) (statFunc, bool, error) {
	switch name {
	case metrics.StatAverage:
		return func(b *bucket) (float64, bool) { return b.sum / b.n, true }, false, nil
	case metrics.StatSum:
		return func(b *bucket) (float64, bool) { return b.sum, true }, false, nil
	case metrics.StatMinimum:
		return func(b *bucket) (float64, bool) { return b.minv, true }, false, nil
	case metrics.StatMaximum:
		return func(b *bucket) (float64, bool) { return b.maxv, true }, false, nil
	case metrics.StatSampleCount:
		return func(b *bucket) (float64, bool) { return b.n, true }, false, nil
	}
	e, err := metrics.ParseExtendedStatistic(name)
	if err != nil {
		return nil, false, fmt.Errorf("%w: %w; the built-in store computes Average, Sum, Minimum, Maximum, SampleCount and the extended statistics", ErrUnsupportedStatistic, err)
	}
	point := sketch.New()
	return func(b *bucket) (float64, bool) { return b.extended(&e, point) }, true, nil
}

// Query implements metrics.Source.
func (db *DB) Query(ctx context.Context, q metrics.Query) ([]metrics.Sample, error) {
	if q.Period < time.Second || q.Period%time.Second != 0 {
		return nil, fmt.Errorf("%w: period %v must be a positive whole number of seconds", ErrInvalidQuery, q.Period)
	}
	if !q.End.After(q.Start) {
		return nil, fmt.Errorf("%w: end %v is not after start %v", ErrInvalidQuery, q.End, q.Start)
	}
	stat, wantDist, err := statistic(q.Statistic)
	if err != nil {
		return nil, err
	}
	var kbuf [256]byte
	s, _ := db.lookup(appendKey(kbuf[:0], q.Metric), q.Metric, false)
	if s == nil {
		return nil, metrics.ErrNoData
	}
	p := int64(q.Period / time.Second)
	start := floorDiv(q.Start.Unix(), p) * p
	end := q.End.Unix()
	if q.End.Nanosecond() != 0 {
		end++
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if q.Unit != "" && s.unit != "" && q.Unit != s.unit {
		return nil, metrics.ErrNoData
	}
	tr := &s.std
	if (p < db.stdRes || p%db.stdRes != 0) && len(s.hi.b) > 0 {
		tr = &s.hi
	}
	b := tr.b
	i := sort.Search(len(b), func(i int) bool { return b[i].t >= start })
	out := make([]metrics.Sample, 0, min(int64(len(b)-i), (end-start)/p+1))
	// Extended-statistic queries merge the buckets' sketches into one scratch sketch per
	// query; the standard statistics ignore the distributions.
	var scratch *sketch.Sketch
	fresh := func() *sketch.Sketch {
		if scratch == nil {
			scratch = sketch.New()
		} else {
			scratch.Reset()
		}
		return scratch
	}
	var acc bucket
	have := false
	emit := func() {
		if v, ok := stat(&acc); ok {
			out = append(out, metrics.Sample{Time: time.Unix(acc.t, 0).UTC(), Value: v})
		}
	}
	for ; i < len(b) && b[i].t < end; i++ {
		pt := floorDiv(b[i].t, p) * p
		if have && pt != acc.t {
			emit()
			have = false
		}
		o := b[i].obs()
		if !wantDist {
			o.pct, o.dist = pctNone, nil
		}
		if !have {
			acc = newBucket(pt, &o, fresh)
			have = true
			continue
		}
		acc.merge(&o, fresh)
	}
	if have {
		emit()
	}
	if len(out) == 0 {
		return nil, metrics.ErrNoData
	}
	return out, nil
}

// Unit returns the unit of the newest datum of a series that carried one, or "".
func (db *DB) Unit(id metrics.MetricID) string {
	var kbuf [256]byte
	s, _ := db.lookup(appendKey(kbuf[:0], id), id, false)
	if s == nil {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.unit
}

// SeriesInfo describes one stored series.
type SeriesInfo struct {
	Metric metrics.MetricID
	Unit   string
	// Last is the time of the newest datum.
	Last time.Time
}

// Series lists the series of account ("" for every account) that received data at or
// after activeSince (zero for all), sorted by namespace, name and dimensions.
func (db *DB) Series(ctx context.Context, account string, activeSince time.Time) ([]SeriesInfo, error) {
	var out []SeriesInfo
	since := int64(math.MinInt64)
	if !activeSince.IsZero() {
		since = activeSince.Unix()
	}
	for i := range db.shards {
		sh := &db.shards[i]
		sh.mu.RLock()
		for _, s := range sh.m {
			if account != "" && s.id.Account != account {
				continue
			}
			s.mu.Lock()
			if s.last >= since && (len(s.std.b) > 0 || len(s.hi.b) > 0) {
				id := s.id
				id.Dimensions = slices.Clone(id.Dimensions)
				out = append(out, SeriesInfo{Metric: id, Unit: s.unit, Last: time.Unix(s.last, 0).UTC()})
			}
			s.mu.Unlock()
		}
		sh.mu.RUnlock()
	}
	sort.Slice(out, func(i, j int) bool { return seriesLess(out[i].Metric, out[j].Metric) })
	return out, nil
}

func seriesLess(a, b metrics.MetricID) bool {
	if a.Account != b.Account {
		return a.Account < b.Account
	}
	if a.Namespace != b.Namespace {
		return a.Namespace < b.Namespace
	}
	if a.Name != b.Name {
		return a.Name < b.Name
	}
	return dimString(a.Dimensions) < dimString(b.Dimensions)
}

func dimString(d []model.MetricDimension) string {
	var b strings.Builder
	for _, x := range d {
		b.WriteString(x.Name)
		b.WriteByte('=')
		b.WriteString(x.Value)
		b.WriteByte(0)
	}
	return b.String()
}

// Stats counts what the store holds.
type Stats struct {
	Series  int
	Buckets int
	// Sketches counts the buckets holding a distribution sketch and SketchBins their
	// bins (8 bytes each).
	Sketches   int
	SketchBins int
}

// Stats returns the current counts.
func (db *DB) Stats() Stats {
	var st Stats
	for i := range db.shards {
		sh := &db.shards[i]
		sh.mu.RLock()
		for _, s := range sh.m {
			s.mu.Lock()
			st.Buckets += len(s.std.b) + len(s.hi.b)
			for _, t := range [...]*tier{&s.std, &s.hi} {
				for i := range t.b {
					if d := t.b[i].dist; d != nil {
						st.Sketches++
						st.SketchBins += d.Bins()
					}
				}
			}
			s.mu.Unlock()
		}
		st.Series += len(sh.m)
		sh.mu.RUnlock()
	}
	return st
}

// Prune drops expired buckets and the series left without data.
func (db *DB) Prune() {
	now := db.clk.Now().Unix()
	stdCut, hiCut := now-db.stdKeep, now-db.hiKeep
	for i := range db.shards {
		sh := &db.shards[i]
		sh.mu.Lock()
		for k, s := range sh.m {
			s.mu.Lock()
			s.std.prune(db.stdRes, stdCut)
			s.hi.prune(db.hiRes, hiCut)
			empty := len(s.std.b) == 0 && len(s.hi.b) == 0
			s.mu.Unlock()
			if empty {
				delete(sh.m, k)
				db.nseries.Add(-1)
			}
		}
		sh.mu.Unlock()
	}
}

// Tick prunes expired data and, when Options.Path is set, writes the snapshot file.
func (db *DB) Tick(ctx context.Context) error {
	db.Prune()
	if db.opts.Path == "" {
		return nil
	}
	return db.SaveFile(db.opts.Path)
}

// Run calls Tick every Options.SnapshotInterval until ctx ends. Tick errors are logged.
func (db *DB) Run(ctx context.Context) error {
	clock.Every(ctx, db.clk, db.opts.SnapshotInterval, func(ctx context.Context) {
		if err := db.Tick(ctx); err != nil {
			db.log.Error("tsdb maintenance failed", "err", err)
		}
	})
	return nil
}

// Close writes the final snapshot when Options.Path is set.
func (db *DB) Close() error {
	if db.opts.Path == "" {
		return nil
	}
	db.Prune()
	return db.SaveFile(db.opts.Path)
}

// String describes the configuration, for logs.
func (db *DB) String() string {
	return "tsdb(resolution " + strconv.FormatInt(db.stdRes, 10) + "s for " + db.opts.Retention.String() +
		", high resolution " + strconv.FormatInt(db.hiRes, 10) + "s for " + db.opts.HighResolutionRetention.String() + ")"
}
