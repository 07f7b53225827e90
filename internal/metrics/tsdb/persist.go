package tsdb

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/metrics/sketch"
	"github.com/scaled-dev/scaled/internal/model"
)

// Snapshot format (version 2), all integers unsigned varints unless noted:
//
//	magic "scaled-tsdb\x00" | version | std resolution s | hi resolution s
//	then per series: 1 | account | namespace | name | ndims | (name value)* | unit |
//	  last (signed varint) | nstd | bucket* | nhi | bucket*
//	end: 0
//
// strings are a length then the bytes; a bucket is its start (signed varint), four
// little-endian float64 (count, sum, min, max) and its distribution state (one byte:
// 0 none, 1 every value equal, 2 sketch), followed for state 2 by the length of the
// sketch encoding and the encoding (sketch.AppendBinary).
//
// Version 1 (written before percentiles were kept) has no state byte; Restore reads it,
// taking buckets whose minimum equals their maximum as state 1 and the others as 0.
const (
	snapMagic     = "scaled-tsdb\x00"
	snapVersion   = 2
	snapVersionV1 = 1
	maxSnapStr    = 1 << 16
	maxSnapSketch = 1 << 20
)

type snapWriter struct {
	w   *bufio.Writer
	buf [binary.MaxVarintLen64]byte
	enc []byte // scratch for sketch encodings
}

func (s *snapWriter) uvarint(v uint64) {
	n := binary.PutUvarint(s.buf[:], v)
	_, _ = s.w.Write(s.buf[:n])
}

func (s *snapWriter) varint(v int64) {
	n := binary.PutVarint(s.buf[:], v)
	_, _ = s.w.Write(s.buf[:n])
}

func (s *snapWriter) str(v string) {
	s.uvarint(uint64(len(v)))
	_, _ = s.w.WriteString(v)
}

func (s *snapWriter) f64(v float64) {
	binary.LittleEndian.PutUint64(s.buf[:8], math.Float64bits(v))
	_, _ = s.w.Write(s.buf[:8])
}

func (s *snapWriter) buckets(b []bucket) {
	s.uvarint(uint64(len(b)))
	for i := range b {
		s.varint(b[i].t)
		s.f64(b[i].n)
		s.f64(b[i].sum)
		s.f64(b[i].minv)
		s.f64(b[i].maxv)
		_ = s.w.WriteByte(byte(b[i].pct))
		if b[i].pct == pctSketch {
			s.enc, _ = b[i].dist.AppendBinary(s.enc[:0])
			s.uvarint(uint64(len(s.enc)))
			_, _ = s.w.Write(s.enc)
		}
	}
}

// Snapshot writes the whole store to w. Each series is copied under its own lock, so
// concurrent Puts may or may not be included.
func (db *DB) Snapshot(w io.Writer) error {
	sw := &snapWriter{w: bufio.NewWriterSize(w, 64<<10)}
	_, _ = sw.w.WriteString(snapMagic)
	sw.uvarint(snapVersion)
	sw.uvarint(uint64(db.stdRes))
	sw.uvarint(uint64(db.hiRes))
	for i := range db.shards {
		sh := &db.shards[i]
		sh.mu.RLock()
		list := make([]*series, 0, len(sh.m))
		for _, s := range sh.m {
			list = append(list, s)
		}
		sh.mu.RUnlock()
		for _, s := range list {
			s.mu.Lock()
			sw.uvarint(1)
			sw.str(s.id.Account)
			sw.str(s.id.Namespace)
			sw.str(s.id.Name)
			sw.uvarint(uint64(len(s.id.Dimensions)))
			for _, d := range s.id.Dimensions {
				sw.str(d.Name)
				sw.str(d.Value)
			}
			sw.str(s.unit)
			sw.varint(s.last)
			sw.buckets(s.std.b)
			sw.buckets(s.hi.b)
			s.mu.Unlock()
		}
	}
	sw.uvarint(0)
	if err := sw.w.Flush(); err != nil {
		return fmt.Errorf("tsdb: writing snapshot: %w", err)
	}
	return nil
}

type snapReader struct {
	r       *bufio.Reader
	err     error
	buf     [8]byte
	version uint64
	enc     []byte // scratch for sketch encodings
}

func (s *snapReader) fail(err error) {
	if s.err == nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		s.err = err
	}
}

func (s *snapReader) uvarint() uint64 {
	if s.err != nil {
		return 0
	}
	v, err := binary.ReadUvarint(s.r)
	if err != nil {
		s.fail(err)
	}
	return v
}

func (s *snapReader) varint() int64 {
	if s.err != nil {
		return 0
	}
	v, err := binary.ReadVarint(s.r)
	if err != nil {
		s.fail(err)
	}
	return v
}

func (s *snapReader) str() string {
	n := s.uvarint()
	if s.err != nil {
		return ""
	}
	if n > maxSnapStr {
		s.fail(fmt.Errorf("string of %d bytes exceeds the limit", n))
		return ""
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(s.r, b); err != nil {
		s.fail(err)
		return ""
	}
	return string(b)
}

func (s *snapReader) f64() float64 {
	if s.err != nil {
		return 0
	}
	if _, err := io.ReadFull(s.r, s.buf[:]); err != nil {
		s.fail(err)
		return 0
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(s.buf[:]))
}

func (s *snapReader) buckets() []bucket {
	n := s.uvarint()
	if s.err != nil || n == 0 {
		return nil
	}
	if n > 1<<24 {
		s.fail(fmt.Errorf("%d buckets in one series exceeds the limit", n))
		return nil
	}
	out := make([]bucket, 0, min(n, 4096))
	for range n {
		b := bucket{t: s.varint(), n: s.f64(), sum: s.f64(), minv: s.f64(), maxv: s.f64()}
		if s.version == snapVersionV1 {
			if b.minv == b.maxv {
				b.pct = pctPoint
			}
		} else {
			b.pct, b.dist = s.dist()
		}
		if s.err != nil {
			return nil
		}
		out = append(out, b)
	}
	return out
}

// dist reads a bucket's distribution state and sketch.
func (s *snapReader) dist() (pctState, *sketch.Sketch) {
	if s.err != nil {
		return pctNone, nil
	}
	st, err := s.r.ReadByte()
	if err != nil {
		s.fail(err)
		return pctNone, nil
	}
	switch pctState(st) {
	case pctNone, pctPoint:
		return pctState(st), nil
	case pctSketch:
	default:
		s.fail(fmt.Errorf("unknown distribution state %d", st))
		return pctNone, nil
	}
	n := s.uvarint()
	if s.err != nil {
		return pctNone, nil
	}
	if n > maxSnapSketch {
		s.fail(fmt.Errorf("sketch of %d bytes exceeds the limit", n))
		return pctNone, nil
	}
	s.enc = slices.Grow(s.enc[:0], int(n))[:n]
	if _, err := io.ReadFull(s.r, s.enc); err != nil {
		s.fail(err)
		return pctNone, nil
	}
	d, used, err := sketch.Decode(s.enc)
	if err == nil && used != len(s.enc) {
		err = fmt.Errorf("%d bytes after the sketch", len(s.enc)-used)
	}
	if err != nil {
		s.fail(err)
		return pctNone, nil
	}
	return pctSketch, d
}

// Restore reads a snapshot written by Snapshot and merges it into the store. Buckets are
// re-bucketed to this store's resolutions, and data beyond the retention are dropped.
func (db *DB) Restore(r io.Reader) error {
	sr := &snapReader{r: bufio.NewReaderSize(r, 64<<10)}
	magic := make([]byte, len(snapMagic))
	if _, err := io.ReadFull(sr.r, magic); err != nil || string(magic) != snapMagic {
		return errors.New("tsdb: restoring snapshot: not a tsdb snapshot")
	}
	sr.version = sr.uvarint()
	if sr.err == nil && sr.version != snapVersion && sr.version != snapVersionV1 {
		return fmt.Errorf("tsdb: restoring snapshot: unsupported version %d", sr.version)
	}
	sr.uvarint() // resolutions are informational: buckets are re-added below
	sr.uvarint()
	var errs []error
	for sr.err == nil {
		if sr.uvarint() != 1 || sr.err != nil {
			break
		}
		id := metrics.MetricID{Account: sr.str(), Namespace: sr.str(), Name: sr.str()}
		nd := sr.uvarint()
		if nd > 1024 {
			sr.fail(fmt.Errorf("%d dimensions exceeds the limit", nd))
			break
		}
		for range nd {
			id.Dimensions = append(id.Dimensions, model.MetricDimension{Name: sr.str(), Value: sr.str()})
		}
		unit := sr.str()
		last := sr.varint()
		std := sr.buckets()
		hi := sr.buckets()
		if sr.err != nil {
			break
		}
		if err := db.restoreSeries(id, unit, last, std, hi); err != nil {
			errs = append(errs, err)
		}
	}
	if sr.err != nil {
		return fmt.Errorf("tsdb: restoring snapshot: %w", sr.err)
	}
	return errors.Join(errs...)
}

func (db *DB) restoreSeries(id metrics.MetricID, unit string, last int64, std, hi []bucket) error {
	now := db.clk.Now().Unix()
	stdCut, hiCut := now-db.stdKeep, now-db.hiKeep
	s, err := db.lookup(appendKey(nil, id), id, true)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if unit != "" {
		s.unit = unit
	}
	for i := range std {
		if std[i].t+db.stdRes > stdCut {
			o := std[i].obs()
			s.std.add(db.stdRes, std[i].t, &o)
		}
	}
	for i := range hi {
		if hi[i].t+db.hiRes > hiCut {
			o := hi[i].obs()
			s.hi.add(db.hiRes, hi[i].t, &o)
		}
	}
	if last > s.last {
		s.last = last
	}
	return nil
}

// SaveFile writes a snapshot to path atomically (a temporary file in the same directory,
// synced, then renamed over path).
func (db *DB) SaveFile(path string) error {
	db.snapMu.Lock()
	defer db.snapMu.Unlock()
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("tsdb: saving snapshot: %w", err)
	}
	tmp := f.Name()
	err = db.Snapshot(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("tsdb: saving snapshot to %s: %w", path, err)
	}
	return nil
}

// Open returns a DB restored from Options.Path when that file exists.
func Open(opts Options) (*DB, error) {
	db := New(opts)
	if opts.Path == "" {
		return db, nil
	}
	f, err := os.Open(opts.Path)
	if errors.Is(err, os.ErrNotExist) {
		return db, nil
	}
	if err != nil {
		return nil, fmt.Errorf("tsdb: opening snapshot: %w", err)
	}
	defer f.Close()
	if err := db.Restore(f); err != nil {
		return nil, fmt.Errorf("tsdb: %s: %w", opts.Path, err)
	}
	return db, nil
}
