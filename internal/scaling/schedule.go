package scaling

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"time"

	// Embedded zone data, so schedules in IANA zones work on hosts without tzdata.
	_ "time/tzdata"
)

type scheduleKind int

const (
	kindAt scheduleKind = iota + 1
	kindRate
	kindCron
)

// Year range of cron expressions.
const (
	minCronYear = 1970
	maxCronYear = 2199
)

// Schedule is a parsed scheduled-action expression: at(...), rate(...) or cron(...).
// The zero value never fires.
type Schedule struct {
	kind   scheduleKind
	expr   string
	loc    *time.Location
	at     time.Time     // at()
	every  time.Duration // rate()
	anchor time.Time     // rate(): first run
	cron   *cronSpec
}

// ParseSchedule parses a schedule expression (AWS-SPEC §7.1) in an IANA time zone (empty
// means UTC):
//   - at(yyyy-mm-ddThh:mm:ss): one time, local to the zone; the hour may have one digit.
//   - rate(N unit): unit minute|hour|day when N is 1, minutes|hours|days otherwise.
//   - cron(minutes hours day-of-month month day-of-week year), optionally with a leading
//     seconds field (validated, then ignored: resolution is one minute). Fields accept *, lists
//     (a,b), ranges (a-b), increments (a/n, */n, a-b/n), JAN-DEC and SUN-SAT (1=SUN..7=SAT);
//     exactly one of day-of-month and day-of-week must be ?; day-of-month accepts L, nW and
//     LW; day-of-week accepts L (Saturday), nL (last weekday n of the month) and n#k (k-th
//     weekday n of the month); years are 1970-2199.
//
// Local times are resolved in the zone: a wall time that a daylight-saving transition skips
// does not fire for cron(); an at() time in a skipped hour fires at the instant the wall time
// denotes with the offset in effect before the transition (02:30 during a spring-forward to
// 03:00 fires at 03:30 new time). A wall time that occurs twice fires once, at its first
// occurrence. The error names the problem; the API returns it in a ValidationException.
func ParseSchedule(expr, timezone string) (Schedule, error) {
	loc := time.UTC
	if timezone != "" && timezone != "UTC" {
		if timezone == "Local" {
			return Schedule{}, fmt.Errorf("invalid timezone %q: use an IANA time zone name such as America/New_York", timezone)
		}
		l, err := time.LoadLocation(timezone)
		if err != nil {
			return Schedule{}, fmt.Errorf("invalid timezone %q: not a known IANA time zone", timezone)
		}
		loc = l
	}
	s := Schedule{expr: expr, loc: loc}
	fail := func(format string, args ...any) (Schedule, error) {
		return Schedule{}, fmt.Errorf("invalid schedule expression %q: %s", expr, fmt.Sprintf(format, args...))
	}
	inner, fn, ok := splitCall(expr)
	if !ok {
		return fail("must be at(yyyy-mm-ddThh:mm:ss), rate(value unit) or cron(fields)")
	}
	switch fn {
	case "at":
		t, err := parseAt(inner, loc)
		if err != nil {
			return fail("%v", err)
		}
		s.kind, s.at = kindAt, t
	case "rate":
		d, err := parseRate(inner)
		if err != nil {
			return fail("%v", err)
		}
		s.kind, s.every = kindRate, d
	case "cron":
		c, err := parseCron(inner)
		if err != nil {
			return fail("%v", err)
		}
		s.kind, s.cron = kindCron, c
	default:
		return fail("must be at(yyyy-mm-ddThh:mm:ss), rate(value unit) or cron(fields)")
	}
	return s, nil
}

func splitCall(expr string) (inner, fn string, ok bool) {
	open := strings.IndexByte(expr, '(')
	if open <= 0 || !strings.HasSuffix(expr, ")") {
		return "", "", false
	}
	return expr[open+1 : len(expr)-1], expr[:open], true
}

// String returns the expression as given.
func (s Schedule) String() string { return s.expr }

// IsRate reports whether s is a recurring rate() schedule.
func (s Schedule) IsRate() bool { return s.kind == kindRate }

// IsAt reports whether s is a one-time at() schedule.
func (s Schedule) IsAt() bool { return s.kind == kindAt }

// IsCron reports whether s is a cron() schedule.
func (s Schedule) IsCron() bool { return s.kind == kindCron }

// Location is the schedule's time zone.
func (s Schedule) Location() *time.Location {
	if s.loc == nil {
		return time.UTC
	}
	return s.loc
}

// WithAnchor returns a rate() schedule whose runs are anchor, anchor+N, anchor+2N, ...
// (the action's StartTime, or its creation time). Without an anchor rate() runs on multiples
// of N since the Unix epoch. Other kinds are returned unchanged.
func (s Schedule) WithAnchor(anchor time.Time) Schedule {
	if s.kind == kindRate {
		s.anchor = anchor
	}
	return s
}

// Next returns the first fire time strictly after after, and false when there is none.
func (s Schedule) Next(after time.Time) (time.Time, bool) {
	switch s.kind {
	case kindAt:
		if s.at.After(after) {
			return s.at, true
		}
	case kindRate:
		anchor := s.anchor
		if anchor.IsZero() {
			anchor = time.Unix(0, 0).UTC()
		}
		if after.Before(anchor) {
			return anchor, true
		}
		k := after.Sub(anchor)/s.every + 1
		return anchor.Add(k * s.every), true
	case kindCron:
		return s.cron.next(after, s.Location())
	}
	return time.Time{}, false
}

// Last returns the latest fire time t with after < t <= until, and false when there is none.
func (s Schedule) Last(after, until time.Time) (time.Time, bool) {
	if !until.After(after) {
		return time.Time{}, false
	}
	var t time.Time
	var ok bool
	switch s.kind {
	case kindAt:
		t, ok = s.at, !s.at.IsZero()
	case kindRate:
		anchor := s.anchor
		if anchor.IsZero() {
			anchor = time.Unix(0, 0).UTC()
		}
		if until.Before(anchor) {
			return time.Time{}, false
		}
		t, ok = anchor.Add(until.Sub(anchor)/s.every*s.every), true
	case kindCron:
		t, ok = s.cron.prev(until, s.Location())
	}
	if !ok || !t.After(after) || t.After(until) {
		return time.Time{}, false
	}
	return t, true
}

// parseAt parses yyyy-mm-ddThh:mm:ss (one- or two-digit hour) in loc.
func parseAt(v string, loc *time.Location) (time.Time, error) {
	bad := fmt.Errorf("at() needs a date and time as yyyy-mm-ddThh:mm:ss, got %q", v)
	date, clock, ok := strings.Cut(v, "T")
	if !ok {
		return time.Time{}, bad
	}
	dp := strings.Split(date, "-")
	cp := strings.Split(clock, ":")
	if len(dp) != 3 || len(cp) != 3 || len(dp[0]) != 4 || len(dp[1]) != 2 || len(dp[2]) != 2 ||
		len(cp[0]) < 1 || len(cp[0]) > 2 || len(cp[1]) != 2 || len(cp[2]) != 2 {
		return time.Time{}, bad
	}
	var n [6]int
	for i, p := range append(dp, cp...) {
		x, err := strconv.Atoi(p)
		if err != nil || x < 0 || strings.ContainsAny(p, "+-") {
			return time.Time{}, bad
		}
		n[i] = x
	}
	y, mo, d, h, mi, se := n[0], n[1], n[2], n[3], n[4], n[5]
	switch {
	case mo < 1 || mo > 12:
		return time.Time{}, fmt.Errorf("at() month %d is out of range 1-12", mo)
	case d < 1 || d > daysIn(y, time.Month(mo)):
		return time.Time{}, fmt.Errorf("at() day %d does not exist in %04d-%02d", d, y, mo)
	case h > 23:
		return time.Time{}, fmt.Errorf("at() hour %d is out of range 0-23", h)
	case mi > 59:
		return time.Time{}, fmt.Errorf("at() minute %d is out of range 0-59", mi)
	case se > 59:
		return time.Time{}, fmt.Errorf("at() second %d is out of range 0-59", se)
	}
	t := time.Date(y, time.Month(mo), d, h, mi, se, 0, loc)
	if t.Hour() == h && t.Minute() == mi {
		return earliestOccurrence(t, h, mi), nil
	}
	// Skipped by a transition: use the offset in effect before it.
	_, off := t.Add(-24 * time.Hour).Zone()
	return time.Date(y, time.Month(mo), d, h, mi, se, 0, time.UTC).Add(-time.Duration(off) * time.Second).In(loc), nil
}

// earliestOccurrence returns the first instant with the same local wall time as t when the
// wall time occurs twice (a fall-back transition).
func earliestOccurrence(t time.Time, h, mi int) time.Time {
	for _, back := range []time.Duration{time.Hour, 30 * time.Minute} {
		e := t.Add(-back)
		if e.Hour() == h && e.Minute() == mi && e.Day() == t.Day() {
			return e
		}
	}
	return t
}

func parseRate(v string) (time.Duration, error) {
	num, unit, ok := strings.Cut(v, " ")
	if !ok || strings.Contains(unit, " ") {
		return 0, fmt.Errorf("rate() needs a value and a unit, such as rate(5 minutes), got %q", v)
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 1 || strings.HasPrefix(num, "+") {
		return 0, fmt.Errorf("rate() value must be a positive integer, got %q", num)
	}
	var d time.Duration
	singular := strings.TrimSuffix(unit, "s")
	switch singular {
	case "minute":
		d = time.Minute
	case "hour":
		d = time.Hour
	case "day":
		d = 24 * time.Hour
	default:
		return 0, fmt.Errorf("rate() unit must be minute(s), hour(s) or day(s), got %q", unit)
	}
	if n == 1 && unit != singular {
		return 0, fmt.Errorf("rate() unit must be singular (%s) when the value is 1", singular)
	}
	if n != 1 && unit == singular {
		return 0, fmt.Errorf("rate() unit must be plural (%ss) when the value is %d", singular, n)
	}
	if n > int64((1<<63-1)/d) {
		return 0, fmt.Errorf("rate() value %d is too large", n)
	}
	return time.Duration(n) * d, nil
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// cronSpec is a parsed cron expression.
type cronSpec struct {
	minutes uint64 // bits 0-59
	hours   uint64 // bits 0-23
	months  uint64 // bits 1-12
	years   [4]uint64

	domAny   bool   // day-of-month is ?
	dom      uint64 // bits 1-31
	domLast  bool   // L
	domLastW bool   // LW
	domW     uint64 // nW: bits 1-31

	dow     uint64   // bits 1-7 (1 = Sunday)
	dowLast uint64   // nL: bits 1-7
	dowNth  [8]uint8 // n#k: bit k-1 of dowNth[n]
}

var monthNames = map[string]int{"JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12}
var dayNames = map[string]int{"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}

type cronField struct {
	name   string
	lo, hi int
	names  map[string]int
	cyclic bool
}

var (
	fSeconds = cronField{name: "seconds", lo: 0, hi: 59, cyclic: true}
	fMinutes = cronField{name: "minutes", lo: 0, hi: 59, cyclic: true}
	fHours   = cronField{name: "hours", lo: 0, hi: 23, cyclic: true}
	fDom     = cronField{name: "day-of-month", lo: 1, hi: 31}
	fMonth   = cronField{name: "month", lo: 1, hi: 12, names: monthNames, cyclic: true}
	fDow     = cronField{name: "day-of-week", lo: 1, hi: 7, names: dayNames, cyclic: true}
	fYear    = cronField{name: "year", lo: minCronYear, hi: maxCronYear}
)

func parseCron(v string) (*cronSpec, error) {
	fields := strings.Fields(v)
	switch len(fields) {
	case 6:
	case 7:
		var sink [4]uint64
		if err := parseSet(fields[0], fSeconds, sink[:]); err != nil {
			return nil, err
		}
		fields = fields[1:]
	default:
		return nil, fmt.Errorf("cron() needs 6 fields (minutes hours day-of-month month day-of-week year), got %d", len(fields))
	}
	c := &cronSpec{}
	var buf [4]uint64
	if err := parseSet(fields[0], fMinutes, buf[:1]); err != nil {
		return nil, err
	}
	c.minutes = buf[0]
	buf = [4]uint64{}
	if err := parseSet(fields[1], fHours, buf[:1]); err != nil {
		return nil, err
	}
	c.hours = buf[0]
	buf = [4]uint64{}
	if err := parseSet(fields[3], fMonth, buf[:1]); err != nil {
		return nil, err
	}
	c.months = buf[0]
	if err := parseSet(fields[5], fYear, c.years[:]); err != nil {
		return nil, err
	}
	dom, dow := fields[2], fields[4]
	switch {
	case dom == "?" && dow == "?":
		return nil, fmt.Errorf("only one of day-of-month and day-of-week can be ?")
	case dom != "?" && dow != "?":
		return nil, fmt.Errorf("one of day-of-month and day-of-week must be ? (got %q and %q)", dom, dow)
	case dom == "?":
		c.domAny = true
		if err := c.parseDow(dow); err != nil {
			return nil, err
		}
	default:
		if err := c.parseDom(dom); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (c *cronSpec) parseDom(v string) error {
	for _, item := range strings.Split(v, ",") {
		switch {
		case item == "L":
			c.domLast = true
		case item == "LW":
			c.domLastW = true
		case strings.HasSuffix(item, "W"):
			n, err := atoiRange(strings.TrimSuffix(item, "W"), fDom)
			if err != nil {
				return err
			}
			c.domW |= 1 << uint(n)
		default:
			var b [1]uint64
			if err := parseSet(item, fDom, b[:]); err != nil {
				return err
			}
			c.dom |= b[0]
		}
	}
	return nil
}

func (c *cronSpec) parseDow(v string) error {
	for _, item := range strings.Split(v, ",") {
		switch {
		case item == "L": // last day of the week: Saturday
			c.dow |= 1 << 7
		case strings.Contains(item, "#"):
			d, k, _ := strings.Cut(item, "#")
			n, err := atoiRange(d, fDow)
			if err != nil {
				return err
			}
			kk, err := strconv.Atoi(k)
			if err != nil || kk < 1 || kk > 5 {
				return fmt.Errorf("day-of-week %q: the number after # must be 1-5", item)
			}
			c.dowNth[n] |= 1 << uint(kk-1)
		case len(item) > 1 && strings.HasSuffix(item, "L"):
			n, err := atoiRange(strings.TrimSuffix(item, "L"), fDow)
			if err != nil {
				return err
			}
			c.dowLast |= 1 << uint(n)
		default:
			var b [1]uint64
			if err := parseSet(item, fDow, b[:]); err != nil {
				return err
			}
			c.dow |= b[0]
		}
	}
	return nil
}

// atoiRange parses a single value (number or name) of a field.
func atoiRange(s string, f cronField) (int, error) {
	if f.names != nil {
		if n, ok := f.names[strings.ToUpper(s)]; ok {
			return n, nil
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || strings.ContainsAny(s, "+-") {
		return 0, fmt.Errorf("%s value %q is not valid", f.name, s)
	}
	if n < f.lo || n > f.hi {
		return 0, fmt.Errorf("%s value %d is out of range %d-%d", f.name, n, f.lo, f.hi)
	}
	return n, nil
}

// parseSet parses a comma list of *, values, ranges and increments into a bitset (bit v-off
// where off is 0 except for years, whose bits count from 1970).
func parseSet(v string, f cronField, set []uint64) error {
	if v == "" {
		return fmt.Errorf("%s field is empty", f.name)
	}
	off := 0
	if f.lo >= minCronYear {
		off = minCronYear
	}
	add := func(n int) { i := n - off; set[i/64] |= 1 << uint(i%64) }
	for _, item := range strings.Split(v, ",") {
		if item == "" {
			return fmt.Errorf("%s field %q has an empty list item", f.name, v)
		}
		rng, stepStr, hasStep := strings.Cut(item, "/")
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepStr)
			if err != nil || n < 1 || strings.ContainsAny(stepStr, "+-") {
				return fmt.Errorf("%s increment in %q must be a positive integer", f.name, item)
			}
			if span := f.hi - f.lo + 1; n > span {
				return fmt.Errorf("%s increment in %q must not exceed %d", f.name, item, span)
			}
			step = n
		}
		var lo, hi int
		switch {
		case rng == "*":
			lo, hi = f.lo, f.hi
		case strings.Contains(rng, "-"):
			a, b, _ := strings.Cut(rng, "-")
			var err error
			if lo, err = atoiRange(a, f); err != nil {
				return err
			}
			if hi, err = atoiRange(b, f); err != nil {
				return err
			}
			if lo > hi && !f.cyclic {
				return fmt.Errorf("%s range %q starts after it ends", f.name, rng)
			}
		default:
			n, err := atoiRange(rng, f)
			if err != nil {
				return err
			}
			lo, hi = n, n
			if hasStep {
				hi = f.hi
			}
		}
		if lo <= hi {
			for n := lo; n <= hi; n += step {
				add(n)
			}
			continue
		}
		// Wrapping range of a cyclic field, e.g. FRI-MON or 22-2.
		span := (f.hi - lo + 1) + (hi - f.lo + 1)
		for k := 0; k < span; k += step {
			n := lo + k
			if n > f.hi {
				n -= f.hi - f.lo + 1
			}
			add(n)
		}
	}
	return nil
}

func has(set uint64, n int) bool { return set&(1<<uint(n)) != 0 }

func (c *cronSpec) yearOK(y int) bool {
	if y < minCronYear || y > maxCronYear {
		return false
	}
	i := y - minCronYear
	return c.years[i/64]&(1<<uint(i%64)) != 0
}

// dayOK reports whether the calendar day matches the day-of-month or day-of-week field.
func (c *cronSpec) dayOK(y int, m time.Month, d int) bool {
	last := daysIn(y, m)
	if !c.domAny {
		if has(c.dom, d) || (c.domLast && d == last) {
			return true
		}
		if c.domLastW && d == nearestWeekday(y, m, last, last) {
			return true
		}
		if c.domW != 0 {
			for n := 1; n <= 31; n++ {
				if has(c.domW, n) && n <= last && d == nearestWeekday(y, m, n, last) {
					return true
				}
			}
		}
		return false
	}
	wd := int(time.Date(y, m, d, 12, 0, 0, 0, time.UTC).Weekday()) + 1 // 1 = Sunday
	if has(c.dow, wd) {
		return true
	}
	if has(c.dowLast, wd) && d+7 > last {
		return true
	}
	if k := c.dowNth[wd]; k != 0 && k&(1<<uint((d-1)/7)) != 0 {
		return true
	}
	return false
}

// nearestWeekday is the weekday (Mon-Fri) nearest to day n of the month, without leaving it.
func nearestWeekday(y int, m time.Month, n, last int) int {
	switch time.Date(y, m, n, 12, 0, 0, 0, time.UTC).Weekday() {
	case time.Saturday:
		if n == 1 {
			return 3
		}
		return n - 1
	case time.Sunday:
		if n == last {
			return n - 2
		}
		return n + 1
	}
	return n
}

// wallTime resolves a local wall time; ok is false when a transition skips it. A repeated
// wall time resolves to its first occurrence.
func wallTime(y int, m time.Month, d, h, mi int, loc *time.Location) (time.Time, bool) {
	t := time.Date(y, m, d, h, mi, 0, 0, loc)
	if t.Hour() != h || t.Minute() != mi || t.Day() != d {
		return time.Time{}, false
	}
	return earliestOccurrence(t, h, mi), true
}

// next finds the first fire time strictly after after.
func (c *cronSpec) next(after time.Time, loc *time.Location) (time.Time, bool) {
	lt := after.In(loc)
	y, m, d := lt.Date()
	date := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	first := date
	// On the first day, wall times more than two hours before after's wall time cannot be
	// after it, whatever the daylight-saving shift.
	skipBefore := lt.Hour()*60 + lt.Minute() - 120
	for {
		y, m, d = date.Date()
		if y > maxCronYear {
			return time.Time{}, false
		}
		if !c.yearOK(y) {
			date = time.Date(y+1, 1, 1, 0, 0, 0, 0, time.UTC)
			if y < minCronYear {
				date = time.Date(minCronYear, 1, 1, 0, 0, 0, 0, time.UTC)
			}
			continue
		}
		if !has(c.months, int(m)) {
			date = time.Date(y, m+1, 1, 0, 0, 0, 0, time.UTC)
			continue
		}
		if c.dayOK(y, m, d) {
			for hs := c.hours; hs != 0; hs &= hs - 1 {
				h := bits.TrailingZeros64(hs)
				for ms := c.minutes; ms != 0; ms &= ms - 1 {
					mi := bits.TrailingZeros64(ms)
					if date.Equal(first) && h*60+mi < skipBefore {
						continue
					}
					t, ok := wallTime(y, m, d, h, mi, loc)
					if ok && t.After(after) {
						return t, true
					}
				}
			}
		}
		date = date.AddDate(0, 0, 1)
	}
}

// prev finds the latest fire time at or before until.
func (c *cronSpec) prev(until time.Time, loc *time.Location) (time.Time, bool) {
	lt := until.In(loc)
	y, m, d := lt.Date()
	date := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	for {
		y, m, d = date.Date()
		if y < minCronYear {
			return time.Time{}, false
		}
		if !c.yearOK(y) {
			date = time.Date(y, 1, 0, 0, 0, 0, 0, time.UTC) // Dec 31 of the year before
			if y > maxCronYear {
				date = time.Date(maxCronYear, 12, 31, 0, 0, 0, 0, time.UTC)
			}
			continue
		}
		if !has(c.months, int(m)) {
			date = time.Date(y, m, 0, 0, 0, 0, 0, time.UTC) // last day of the month before
			continue
		}
		if c.dayOK(y, m, d) {
			for hs := c.hours; hs != 0; {
				h := 63 - bits.LeadingZeros64(hs)
				hs &^= 1 << uint(h)
				for ms := c.minutes; ms != 0; {
					mi := 63 - bits.LeadingZeros64(ms)
					ms &^= 1 << uint(mi)
					t, ok := wallTime(y, m, d, h, mi, loc)
					if ok && !t.After(until) {
						return t, true
					}
				}
			}
		}
		date = date.AddDate(0, 0, -1)
	}
}
