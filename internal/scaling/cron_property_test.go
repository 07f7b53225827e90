package scaling

import (
	"testing"
	"time"
)

// bruteNext walks minute by minute: the reference for cronSpec.next. A wall time that occurs
// twice counts at its first occurrence only; a skipped wall time never appears.
func bruteNext(c *cronSpec, loc *time.Location, after time.Time, limit time.Duration) (time.Time, bool) {
	start := after.Truncate(time.Minute).Add(time.Minute)
	for t := start; t.Sub(after) <= limit; t = t.Add(time.Minute) {
		if bruteMatch(c, loc, t) {
			return t, true
		}
	}
	return time.Time{}, false
}

func brutePrev(c *cronSpec, loc *time.Location, until time.Time, limit time.Duration) (time.Time, bool) {
	for t := until.Truncate(time.Minute); until.Sub(t) <= limit; t = t.Add(-time.Minute) {
		if bruteMatch(c, loc, t) {
			return t, true
		}
	}
	return time.Time{}, false
}

func bruteMatch(c *cronSpec, loc *time.Location, t time.Time) bool {
	lt := t.In(loc)
	if !has(c.minutes, lt.Minute()) || !has(c.hours, lt.Hour()) || !has(c.months, int(lt.Month())) ||
		!c.yearOK(lt.Year()) || !c.dayOK(lt.Year(), lt.Month(), lt.Day()) {
		return false
	}
	for _, back := range []time.Duration{time.Hour, 30 * time.Minute} {
		e := t.Add(-back).In(loc)
		if e.Hour() == lt.Hour() && e.Minute() == lt.Minute() && e.Day() == lt.Day() {
			return false // second occurrence of a repeated wall time
		}
	}
	return true
}

func TestCronAgainstBruteForce(t *testing.T) {
	exprs := []string{
		"cron(30 2 * * ? *)", "cron(0/30 * * * ? *)", "cron(15 1-3 * * ? *)", "cron(0 0 L * ? *)",
		"cron(45 23 ? * SUN *)", "cron(0/7 1,2 ? * 1#2 *)", "cron(59 * 1W * ? *)", "cron(0 3 ? 3,10,11 1L *)",
	}
	zones := []string{"UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe"}
	starts := []time.Time{
		utc(2026, 3, 7, 22, 17), utc(2026, 3, 8, 6, 59), utc(2026, 3, 28, 23, 0), utc(2026, 10, 24, 23, 59),
		utc(2026, 10, 31, 12, 0), utc(2026, 11, 1, 5, 29), utc(2026, 4, 4, 14, 45), utc(2028, 2, 27, 0, 0),
	}
	const limit = 40 * 24 * time.Hour
	for _, expr := range exprs {
		for _, tz := range zones {
			s, err := ParseSchedule(expr, tz)
			if err != nil {
				t.Fatalf("ParseSchedule(%q, %q): %v", expr, tz, err)
			}
			for _, start := range starts {
				want, wok := bruteNext(s.cron, s.Location(), start, limit)
				got, gok := s.Next(start)
				if wok && (!gok || !got.Equal(want)) {
					t.Errorf("%s in %s: Next(%v) = %v, %v; brute force %v", expr, tz, start, got, gok, want)
				}
				if !wok && gok && got.Sub(start) <= limit {
					t.Errorf("%s in %s: Next(%v) = %v; brute force found nothing", expr, tz, start, got)
				}
				wantP, wpok := brutePrev(s.cron, s.Location(), start, limit)
				gotP, gpok := s.cron.prev(start, s.Location())
				if wpok && (!gpok || !gotP.Equal(wantP)) {
					t.Errorf("%s in %s: prev(%v) = %v, %v; brute force %v", expr, tz, start, gotP, gpok, wantP)
				}
			}
		}
	}
}
