package scaling

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/scaled-dev/scaled/internal/model"
)

func utc(y int, mo time.Month, d, h, mi int) time.Time {
	return time.Date(y, mo, d, h, mi, 0, 0, time.UTC)
}

// fires lists the first n fire times after after.
func fires(t *testing.T, expr, tz string, after time.Time, n int) []time.Time {
	t.Helper()
	s, err := ParseSchedule(expr, tz)
	if err != nil {
		t.Fatalf("ParseSchedule(%q, %q): %v", expr, tz, err)
	}
	var out []time.Time
	for len(out) < n {
		next, ok := s.Next(after)
		if !ok {
			break
		}
		out = append(out, next.UTC())
		after = next
	}
	return out
}

func TestScheduleNext(t *testing.T) {
	fri := utc(2026, 11, 27, 8, 0) // a Friday
	tests := []struct {
		name  string
		expr  string
		tz    string
		after time.Time
		n     int
		want  []time.Time
	}{
		// Examples of the scheduled scaling guide.
		{"10:00 daily", "cron(0 10 * * ? *)", "", fri, 2, []time.Time{utc(2026, 11, 27, 10, 0), utc(2026, 11, 28, 10, 0)}},
		{"TV-08 12:15 daily", "cron(15 12 * * ? *)", "", fri, 1, []time.Time{utc(2026, 11, 27, 12, 15)}},
		{"18:00 Monday to Friday", "cron(0 18 ? * MON-FRI *)", "", fri, 2, []time.Time{utc(2026, 11, 27, 18, 0), utc(2026, 11, 30, 18, 0)}},
		{"08:00 on the first of the month", "cron(0 8 1 * ? *)", "", fri, 2, []time.Time{utc(2026, 12, 1, 8, 0), utc(2027, 1, 1, 8, 0)}},
		{"every 15 minutes", "cron(0/15 * * * ? *)", "", fri, 3, []time.Time{utc(2026, 11, 27, 8, 15), utc(2026, 11, 27, 8, 30), utc(2026, 11, 27, 8, 45)}},
		{"every 10 minutes on weekdays", "cron(0/10 * ? * MON-FRI *)", "", utc(2026, 11, 27, 23, 45), 2, []time.Time{utc(2026, 11, 27, 23, 50), utc(2026, 11, 30, 0, 0)}},
		{"every 5 minutes 8-17 on weekdays", "cron(0/5 8-17 ? * MON-FRI *)", "", utc(2026, 11, 27, 17, 56), 2, []time.Time{utc(2026, 11, 30, 8, 0), utc(2026, 11, 30, 8, 5)}},
		{"day-of-week numbers start at 1=SUN, so 2 is Monday", "cron(30 6 ? * 2 *)", "", fri, 1, []time.Time{utc(2026, 11, 30, 6, 30)}},
		{"3 is Tuesday", "cron(30 6 ? * 3 *)", "", fri, 1, []time.Time{utc(2026, 12, 1, 6, 30)}},
		{"seven fields with seconds", "cron(0 0 10 * * ? *)", "", fri, 1, []time.Time{utc(2026, 11, 27, 10, 0)}},
		{"lists", "cron(5,35 * * * ? *)", "", fri, 2, []time.Time{utc(2026, 11, 27, 8, 5), utc(2026, 11, 27, 8, 35)}},
		{"range with increment", "cron(10-30/10 9 * * ? *)", "", fri, 3, []time.Time{utc(2026, 11, 27, 9, 10), utc(2026, 11, 27, 9, 20), utc(2026, 11, 27, 9, 30)}},
		{"wrapping weekday range", "cron(0 12 ? * FRI-MON *)", "", utc(2026, 11, 27, 13, 0), 3, []time.Time{utc(2026, 11, 28, 12, 0), utc(2026, 11, 29, 12, 0), utc(2026, 11, 30, 12, 0)}},
		{"month names", "cron(0 0 1 JAN,JUL ? *)", "", fri, 2, []time.Time{utc(2027, 1, 1, 0, 0), utc(2027, 7, 1, 0, 0)}},
		{"lower-case names", "cron(0 0 ? dec sun *)", "", fri, 1, []time.Time{utc(2026, 12, 6, 0, 0)}},
		// L, W and #.
		{"last day of February", "cron(0 12 L * ? *)", "", utc(2026, 2, 1, 0, 0), 2, []time.Time{utc(2026, 2, 28, 12, 0), utc(2026, 3, 31, 12, 0)}},
		{"last day of February in a leap year", "cron(0 12 L 2 ? *)", "", utc(2027, 3, 1, 0, 0), 1, []time.Time{utc(2028, 2, 29, 12, 0)}},
		{"29 February only in leap years", "cron(0 0 29 2 ? *)", "", utc(2026, 1, 1, 0, 0), 2, []time.Time{utc(2028, 2, 29, 0, 0), utc(2032, 2, 29, 0, 0)}},
		{"last weekday when the 31st is a Sunday", "cron(0 12 LW * ? *)", "", utc(2026, 5, 1, 0, 0), 1, []time.Time{utc(2026, 5, 29, 12, 0)}},
		{"1W when the 1st is a Saturday stays in the month", "cron(0 12 1W * ? *)", "", utc(2026, 7, 31, 13, 0), 1, []time.Time{utc(2026, 8, 3, 12, 0)}},
		{"15W on a Sunday is the Monday", "cron(0 12 15W * ? *)", "", utc(2026, 11, 1, 0, 0), 1, []time.Time{utc(2026, 11, 16, 12, 0)}},
		{"third Friday", "cron(0 12 ? * 6#3 *)", "", utc(2026, 11, 1, 0, 0), 2, []time.Time{utc(2026, 11, 20, 12, 0), utc(2026, 12, 18, 12, 0)}},
		{"last Monday", "cron(0 12 ? * 2L *)", "", utc(2026, 11, 1, 0, 0), 1, []time.Time{utc(2026, 11, 30, 12, 0)}},
		{"L in day-of-week is Saturday", "cron(0 12 ? * L *)", "", fri, 1, []time.Time{utc(2026, 11, 28, 12, 0)}},
		{"a single year", "cron(0 0 1 1 ? 2030)", "", fri, 2, []time.Time{utc(2030, 1, 1, 0, 0)}},
		{"the last year", "cron(0 0 1 1 ? 2199)", "", utc(2199, 1, 1, 0, 0), 1, nil},
		{"never (30 February)", "cron(0 0 30 2 ? *)", "", fri, 1, nil},
		// Time zones and daylight saving time.
		{"New York: spring-forward skips 02:30", "cron(30 2 * * ? *)", "America/New_York", utc(2026, 3, 7, 12, 0), 2,
			[]time.Time{utc(2026, 3, 9, 6, 30), utc(2026, 3, 10, 6, 30)}},
		{"New York: every 30 minutes across spring-forward", "cron(0/30 * * * ? *)", "America/New_York", utc(2026, 3, 8, 6, 0), 3,
			[]time.Time{utc(2026, 3, 8, 6, 30), utc(2026, 3, 8, 7, 0), utc(2026, 3, 8, 7, 30)}},
		{"New York: repeated 01:30 fires once", "cron(30 1 * * ? *)", "America/New_York", utc(2026, 10, 31, 12, 0), 2,
			[]time.Time{utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)}},
		{"New York: every 30 minutes across fall-back", "cron(0/30 * * * ? *)", "America/New_York", utc(2026, 11, 1, 5, 15), 3,
			[]time.Time{utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 7, 0), utc(2026, 11, 1, 7, 30)}},
		{"Berlin: spring-forward skips 02:30", "cron(30 2 * * ? *)", "Europe/Berlin", utc(2026, 3, 28, 12, 0), 1,
			[]time.Time{utc(2026, 3, 30, 0, 30)}},
		{"Berlin: repeated 02:30 fires once", "cron(30 2 * * ? *)", "Europe/Berlin", utc(2026, 10, 24, 12, 0), 2,
			[]time.Time{utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)}},
		{"Berlin: 10:00 local before and after the change", "cron(0 10 * * ? *)", "Europe/Berlin", utc(2026, 3, 28, 12, 0), 2,
			[]time.Time{utc(2026, 3, 29, 8, 0), utc(2026, 3, 30, 8, 0)}},
		// at() and rate().
		{"TV-29 one digit hour in New York", "at(2020-12-08T9:36:00)", "America/New_York", utc(2020, 1, 1, 0, 0), 2,
			[]time.Time{utc(2020, 12, 8, 14, 36)}},
		{"TV-09 at", "at(2019-05-20T18:35:00)", "", utc(2019, 5, 20, 18, 34), 1, []time.Time{utc(2019, 5, 20, 18, 35)}},
		{"at in the past", "at(2019-05-20T18:35:00)", "", fri, 1, nil},
		{"at in a skipped hour uses the earlier offset", "at(2026-03-08T02:30:00)", "America/New_York", utc(2026, 1, 1, 0, 0), 1,
			[]time.Time{utc(2026, 3, 8, 7, 30)}},
		{"at in a repeated hour is the first occurrence", "at(2026-11-01T01:30:00)", "America/New_York", utc(2026, 1, 1, 0, 0), 1,
			[]time.Time{utc(2026, 11, 1, 5, 30)}},
		{"rate without anchor runs on multiples since the epoch", "rate(5 minutes)", "", utc(2026, 11, 27, 8, 1), 2,
			[]time.Time{utc(2026, 11, 27, 8, 5), utc(2026, 11, 27, 8, 10)}},
		{"rate of a day ignores the time zone", "rate(1 day)", "Europe/Berlin", fri, 1, []time.Time{utc(2026, 11, 28, 0, 0)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := fires(t, tc.expr, tc.tz, tc.after, tc.n)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("fire times (-want +got):\n%s", diff)
			}
		})
	}
}

func TestScheduleLast(t *testing.T) {
	type res struct {
		At time.Time
		OK bool
	}
	rate, _ := ParseSchedule("rate(10 minutes)", "")
	rate = rate.WithAnchor(utc(2026, 11, 27, 8, 0).Add(30 * time.Second))
	cron, _ := ParseSchedule("cron(0/15 * * * ? *)", "")
	skipped, _ := ParseSchedule("cron(30 2 * * ? *)", "America/New_York")
	tests := []struct {
		name         string
		s            Schedule
		after, until time.Time
		want         res
	}{
		{"rate anchor", rate, utc(2026, 11, 27, 8, 0), utc(2026, 11, 27, 8, 1), res{utc(2026, 11, 27, 8, 0).Add(30 * time.Second), true}},
		{"rate latest of several", rate, utc(2026, 11, 27, 8, 1), utc(2026, 11, 27, 8, 45), res{utc(2026, 11, 27, 8, 40).Add(30 * time.Second), true}},
		{"rate before the anchor", rate, utc(2026, 11, 27, 7, 0), utc(2026, 11, 27, 8, 0), res{}},
		{"cron latest", cron, utc(2026, 11, 27, 8, 0), utc(2026, 11, 27, 8, 50), res{utc(2026, 11, 27, 8, 45), true}},
		{"cron until is inclusive", cron, utc(2026, 11, 27, 8, 0), utc(2026, 11, 27, 8, 45), res{utc(2026, 11, 27, 8, 45), true}},
		{"cron after is exclusive", cron, utc(2026, 11, 27, 8, 45), utc(2026, 11, 27, 8, 50), res{}},
		{"cron skipped wall time", skipped, utc(2026, 3, 8, 0, 0), utc(2026, 3, 8, 12, 0), res{}},
		{"empty window", cron, utc(2026, 11, 27, 9, 0), utc(2026, 11, 27, 9, 0), res{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			at, ok := tc.s.Last(tc.after, tc.until)
			if diff := cmp.Diff(tc.want, res{at, ok}); diff != "" {
				t.Errorf("Last (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseScheduleErrors(t *testing.T) {
	tests := []struct {
		expr, tz, want string
	}{
		{"cron(0 10 * * *)", "", `invalid schedule expression "cron(0 10 * * *)": cron() needs 6 fields (minutes hours day-of-month month day-of-week year), got 5`},
		{"cron(0 10 ? * ? *)", "", `invalid schedule expression "cron(0 10 ? * ? *)": only one of day-of-month and day-of-week can be ?`},
		{"cron(0 10 1 * MON *)", "", `invalid schedule expression "cron(0 10 1 * MON *)": one of day-of-month and day-of-week must be ? (got "1" and "MON")`},
		{"cron(60 10 * * ? *)", "", `invalid schedule expression "cron(60 10 * * ? *)": minutes value 60 is out of range 0-59`},
		{"cron(0 24 * * ? *)", "", `invalid schedule expression "cron(0 24 * * ? *)": hours value 24 is out of range 0-23`},
		{"cron(0 0 32 * ? *)", "", `invalid schedule expression "cron(0 0 32 * ? *)": day-of-month value 32 is out of range 1-31`},
		{"cron(0 0 ? FOO * *)", "", `invalid schedule expression "cron(0 0 ? FOO * *)": month value "FOO" is not valid`},
		{"cron(0 0 ? * 8 *)", "", `invalid schedule expression "cron(0 0 ? * 8 *)": day-of-week value 8 is out of range 1-7`},
		{"cron(0 0 ? * 2#6 *)", "", `invalid schedule expression "cron(0 0 ? * 2#6 *)": day-of-week "2#6": the number after # must be 1-5`},
		{"cron(0 0 * * ? 2200)", "", `invalid schedule expression "cron(0 0 * * ? 2200)": year value 2200 is out of range 1970-2199`},
		{"cron(0 0 * * ? 2030-2020)", "", `invalid schedule expression "cron(0 0 * * ? 2030-2020)": year range "2030-2020" starts after it ends`},
		{"cron(0/0 0 * * ? *)", "", `invalid schedule expression "cron(0/0 0 * * ? *)": minutes increment in "0/0" must be a positive integer`},
		{"cron(1/9223372036854775807 * * * ? *)", "", `invalid schedule expression "cron(1/9223372036854775807 * * * ? *)": minutes increment in "1/9223372036854775807" must not exceed 60`},
		{"cron(0 0 ? * 7-1/8 *)", "", `invalid schedule expression "cron(0 0 ? * 7-1/8 *)": day-of-week increment in "7-1/8" must not exceed 7`},
		{"cron(0,,5 0 * * ? *)", "", `invalid schedule expression "cron(0,,5 0 * * ? *)": minutes field "0,,5" has an empty list item`},
		{"rate(1 minutes)", "", `invalid schedule expression "rate(1 minutes)": rate() unit must be singular (minute) when the value is 1`},
		{"rate(5 minute)", "", `invalid schedule expression "rate(5 minute)": rate() unit must be plural (minutes) when the value is 5`},
		{"rate(0 minutes)", "", `invalid schedule expression "rate(0 minutes)": rate() value must be a positive integer, got "0"`},
		{"rate(5 weeks)", "", `invalid schedule expression "rate(5 weeks)": rate() unit must be minute(s), hour(s) or day(s), got "weeks"`},
		{"at(2026-02-30T10:00:00)", "", `invalid schedule expression "at(2026-02-30T10:00:00)": at() day 30 does not exist in 2026-02`},
		{"at(2026-02-03 10:00:00)", "", `invalid schedule expression "at(2026-02-03 10:00:00)": at() needs a date and time as yyyy-mm-ddThh:mm:ss, got "2026-02-03 10:00:00"`},
		{"at(2026-02-03T24:00:00)", "", `invalid schedule expression "at(2026-02-03T24:00:00)": at() hour 24 is out of range 0-23`},
		{"every 5 minutes", "", `invalid schedule expression "every 5 minutes": must be at(yyyy-mm-ddThh:mm:ss), rate(value unit) or cron(fields)`},
		{"cron(0 10 * * ? *)", "Mars/Olympus", `invalid timezone "Mars/Olympus": not a known IANA time zone`},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			_, err := ParseSchedule(tc.expr, tc.tz)
			got := fmt.Sprint(err)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDueScheduledActions(t *testing.T) {
	base := utc(2026, 11, 27, 8, 0)
	act := func(name, expr string, mod ...func(*model.ScheduledAction)) model.ScheduledAction {
		a := model.ScheduledAction{ScheduledActionKey: model.ScheduledActionKey{Name: name}, Schedule: expr,
			CreationTime: base.Add(-24 * time.Hour), ScalableTargetAction: model.ScalableTargetAction{MinCapacity: i32(1)}}
		for _, m := range mod {
			m(&a)
		}
		return a
	}
	start := func(t time.Time) func(*model.ScheduledAction) {
		return func(a *model.ScheduledAction) { a.StartTime = &t }
	}
	end := func(t time.Time) func(*model.ScheduledAction) {
		return func(a *model.ScheduledAction) { a.EndTime = &t }
	}
	created := func(t time.Time) func(*model.ScheduledAction) {
		return func(a *model.ScheduledAction) { a.CreationTime = t }
	}
	type due struct {
		Name string
		At   time.Time
		Err  bool
	}
	tests := []struct {
		name          string
		now, lastEval time.Time
		actions       []model.ScheduledAction
		lastRuns      map[string]time.Time
		want          []due
	}{
		{"at in the window", base.Add(time.Minute), base,
			[]model.ScheduledAction{act("once", "at(2026-11-27T08:00:30)")}, nil,
			[]due{{"once", base.Add(30 * time.Second), false}}},
		{"at before the window is not run again", base.Add(2 * time.Minute), base.Add(time.Minute),
			[]model.ScheduledAction{act("once", "at(2026-11-27T08:00:30)")}, nil, nil},
		{"missed runs are skipped: only the latest in the window", base.Add(50 * time.Minute), base,
			[]model.ScheduledAction{act("q", "cron(0/15 * * * ? *)")}, nil,
			[]due{{"q", base.Add(45 * time.Minute), false}}},
		{"rate runs at StartTime first", base.Add(time.Minute), base,
			[]model.ScheduledAction{act("r", "rate(10 minutes)", start(base.Add(30*time.Second)))}, nil,
			[]due{{"r", base.Add(30 * time.Second), false}}},
		{"rate then follows the recurrence", base.Add(11 * time.Minute), base.Add(time.Minute),
			[]model.ScheduledAction{act("r", "rate(10 minutes)", start(base.Add(30*time.Second)))}, nil,
			[]due{{"r", base.Add(10*time.Minute + 30*time.Second), false}}},
		{"rate without StartTime is anchored at creation", base.Add(time.Minute), base,
			[]model.ScheduledAction{act("r", "rate(1 hour)", created(base.Add(20*time.Second)))}, nil,
			[]due{{"r", base.Add(20 * time.Second), false}}},
		{"cron waits for StartTime", base.Add(50 * time.Minute), base,
			[]model.ScheduledAction{act("q", "cron(0/15 * * * ? *)", start(base.Add(46*time.Minute)))}, nil, nil},
		{"cron stops after EndTime", base.Add(50 * time.Minute), base,
			[]model.ScheduledAction{act("q", "cron(0/15 * * * ? *)", end(base.Add(40*time.Minute)))}, nil,
			[]due{{"q", base.Add(30 * time.Minute), false}}},
		{"at ignores Start and End", base.Add(time.Minute), base,
			[]model.ScheduledAction{act("once", "at(2026-11-27T08:00:30)", start(base.Add(time.Hour)), end(base.Add(-time.Hour)))}, nil,
			[]due{{"once", base.Add(30 * time.Second), false}}},
		{"an at() time before the action was created never runs", base.Add(time.Minute), time.Time{},
			[]model.ScheduledAction{act("old", "at(2026-11-27T07:00:00)", created(base))}, nil, nil},
		{"last run suppresses a repeat", base.Add(time.Minute), base.Add(-time.Hour),
			[]model.ScheduledAction{act("once", "at(2026-11-27T08:00:30)")}, map[string]time.Time{"once": base.Add(30 * time.Second)}, nil},
		{"sorted by time then name; bad schedules reported", base.Add(time.Hour), base,
			[]model.ScheduledAction{act("b", "at(2026-11-27T08:10:00)"), act("a", "at(2026-11-27T08:10:00)"), act("c", "at(2026-11-27T08:05:00)"), act("bad", "cron(nope)")}, nil,
			[]due{{"bad", time.Time{}, true}, {"c", base.Add(5 * time.Minute), false}, {"a", base.Add(10 * time.Minute), false}, {"b", base.Add(10 * time.Minute), false}}},
		{"time zone", utc(2026, 11, 27, 14, 0), utc(2026, 11, 27, 13, 0),
			[]model.ScheduledAction{act("ny", "cron(30 8 * * ? *)", func(a *model.ScheduledAction) { a.Timezone = "America/New_York" })}, nil,
			[]due{{"ny", utc(2026, 11, 27, 13, 30), false}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []due
			for _, d := range DueScheduledActions(tc.now, tc.lastEval, tc.actions, tc.lastRuns) {
				got = append(got, due{d.Action.Name, d.At, d.Err != nil})
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("DueScheduledActions (-want +got):\n%s", diff)
			}
		})
	}
}

// TV-21 and TV-08: scheduled min/max changes and the clamps that follow.
func TestApplyScheduled(t *testing.T) {
	table := func(min, max int32) model.ScalableTarget {
		return model.ScalableTarget{
			TargetKey:   model.TargetKey{Namespace: "dynamodb", ResourceID: "table/my-table", Dimension: "dynamodb:table:WriteCapacityUnits"},
			MinCapacity: min, MaxCapacity: max,
		}
	}
	action := func(name string, min, max *int32) model.ScheduledAction {
		return model.ScheduledAction{ScheduledActionKey: model.ScheduledActionKey{Name: name},
			ScalableTargetAction: model.ScalableTargetAction{MinCapacity: min, MaxCapacity: max}}
	}
	tests := []struct {
		name    string
		target  model.ScalableTarget
		action  model.ScheduledAction
		current int32
		want    ScheduledOutcome
	}{
		{"TV-21 raise min and max", table(1, 10), action("my-first-scheduled-action", i32(15), i32(20)), 5, ScheduledOutcome{
			Min: 15, Max: 20,
			Description:   "Setting min capacity to 15 and max capacity to 20",
			Cause:         "scheduled action name my-first-scheduled-action was triggered",
			StatusMessage: "Successfully set min capacity to 15 and max capacity to 20",
			Change:        true, Desired: 15, Direction: ScaleOut,
			ClampDescription: "Setting write capacity units to 15.",
			ClampCause:       "minimum capacity was set to 15",
		}},
		{"TV-21 lower min and max", table(15, 20), action("my-second-scheduled-action", i32(5), i32(10)), 15, ScheduledOutcome{
			Min: 5, Max: 10,
			Description:   "Setting min capacity to 5 and max capacity to 10",
			Cause:         "scheduled action name my-second-scheduled-action was triggered",
			StatusMessage: "Successfully set min capacity to 5 and max capacity to 10",
			Change:        true, Desired: 10, Direction: ScaleIn,
			ClampDescription: "Setting write capacity units to 10.",
			ClampCause:       "maximum capacity was set to 10",
		}},
		{"TV-08 min only", table(1, 10), action("my-recurring-action", i32(6), nil), 3, ScheduledOutcome{
			Min: 6, Max: 10,
			Description:   "Setting min capacity to 6",
			Cause:         "scheduled action name my-recurring-action was triggered",
			StatusMessage: "Successfully set min capacity to 6",
			Change:        true, Desired: 6, Direction: ScaleOut,
			ClampDescription: "Setting write capacity units to 6.",
			ClampCause:       "minimum capacity was set to 6",
		}},
		{"within the new bounds", table(1, 10), action("a", i32(2), i32(8)), 5, ScheduledOutcome{
			Min: 2, Max: 8, Desired: 5,
			Description:   "Setting min capacity to 2 and max capacity to 8",
			Cause:         "scheduled action name a was triggered",
			StatusMessage: "Successfully set min capacity to 2 and max capacity to 8",
		}},
		{"a single bound crossing the other fails", table(5, 10), action("a", i32(12), nil), 7, ScheduledOutcome{
			Min: 5, Max: 10, Failed: true,
			Description:   "Setting min capacity to 12",
			Cause:         "scheduled action name a was triggered",
			StatusMessage: "Failed to set min capacity to 12. Minimum capacity 12 cannot be greater than maximum capacity 10.",
		}},
		{"max only below the min fails", table(5, 10), action("a", nil, i32(3)), 7, ScheduledOutcome{
			Min: 5, Max: 10, Failed: true,
			Description:   "Setting max capacity to 3",
			Cause:         "scheduled action name a was triggered",
			StatusMessage: "Failed to set max capacity to 3. Minimum capacity 5 cannot be greater than maximum capacity 3.",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, ApplyScheduled(tc.target, tc.action, tc.current)); diff != "" {
				t.Errorf("ApplyScheduled (-want +got):\n%s", diff)
			}
		})
	}
}

func TestClamp(t *testing.T) {
	type res struct {
		N       int32
		Cause   string
		Changed bool
	}
	tests := []struct {
		cur, min, max int32
		want          res
	}{
		{3, 5, 10, res{5, "minimum capacity was set to 5", true}},
		{12, 5, 10, res{10, "maximum capacity was set to 10", true}},
		{7, 5, 10, res{7, "", false}},
		{0, 0, 4, res{0, "", false}},
	}
	for _, tc := range tests {
		n, c, ch := Clamp(tc.cur, tc.min, tc.max)
		if diff := cmp.Diff(tc.want, res{n, c, ch}); diff != "" {
			t.Errorf("Clamp(%d, %d, %d) (-want +got):\n%s", tc.cur, tc.min, tc.max, diff)
		}
	}
}

func FuzzParseSchedule(f *testing.F) {
	for _, s := range []string{
		"cron(0 10 * * ? *)", "cron(0/15 * * * ? *)", "cron(0 18 ? * MON-FRI *)", "cron(0 12 LW * ? *)",
		"cron(0 12 ? * 6#3 *)", "cron(0 12 ? * 2L *)", "cron(0 0 0 10 * * ? *)", "cron(0 0 1W * ? 2030-2040/2)",
		"rate(5 minutes)", "rate(1 day)", "rate(9223372036854775807 minutes)", "cron(0 0 * * ? 1971/229)", "at(2020-12-08T9:36:00)", "cron(0 12 ? * FRI-MON *)", "cron(22-2 * * * ? *)",
	} {
		f.Add(s, "")
		f.Add(s, "America/New_York")
	}
	from := utc(2026, 11, 27, 8, 0)
	f.Fuzz(func(t *testing.T, expr, tz string) {
		s, err := ParseSchedule(expr, tz)
		if err != nil {
			if errors.Unwrap(err) != nil {
				t.Fatalf("unexpected wrapped error: %v", err)
			}
			return
		}
		next, ok := s.Next(from)
		if ok && !next.After(from) {
			t.Fatalf("Next(%v) = %v, not after", from, next)
		}
		if ok {
			last, lok := s.Last(from, next)
			if !lok || !last.Equal(next) {
				t.Fatalf("Last(%v, %v) = %v, %v; want the Next time", from, next, last, lok)
			}
		}
	})
}
