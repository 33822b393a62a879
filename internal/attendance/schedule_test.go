package attendance

import (
	"errors"
	"testing"
	"time"
)

func TestDemoSchedulesAreValid(t *testing.T) {
	t.Parallel()
	five, six := FiveDayWeek(), SixDayWeek()
	roster := Schedule{Name: "IGD"}
	for i, sh := range HospitalShifts() {
		roster.Assign(date(2026, 4, 6+i), sh)
	}
	for _, s := range []*Schedule{&five, &six, &roster} {
		if err := s.Validate(); err != nil {
			t.Errorf("%s: %v", s.Name, err)
		}
	}
	// The six-day week keeps the 37,5 hours a week its doc comment claims.
	var total Clock
	for _, w := range six.Week {
		total += w.End - w.Start
	}
	if total != NewClock(37, 30, 0) {
		t.Errorf("six-day week = %s hours, want 37:30", total)
	}
	if !HospitalShifts()[2].Window.CrossesMidnight() || five.Week[time.Friday].CrossesMidnight() {
		t.Error("CrossesMidnight wrong")
	}
}

func TestScheduleValidateRefuses(t *testing.T) {
	t.Parallel()
	season := func(name string, from, to Date) Season { return Season{Name: name, From: from, To: to} }
	tests := []struct {
		name string
		s    Schedule
	}{
		{"end before start", Schedule{Week: Week{time.Monday: {clk("16:00"), clk("07:30")}}}},
		{"longer than a day", Schedule{Week: Week{time.Monday: {clk("07:00"), clk("08:00+1")}}}},
		{"start at 24:00", Schedule{Week: Week{time.Monday: {clockDay, clockDay + 60}}}},
		{"season backwards", Schedule{Seasons: []Season{season("a", date(2026, 3, 1), date(2026, 2, 1))}}},
		{"seasons overlap", Schedule{Seasons: []Season{
			season("a", date(2026, 2, 1), date(2026, 3, 1)), season("b", date(2026, 3, 1), date(2026, 3, 9))}}},
		{"bad shift date", Schedule{Shifts: map[Date]Shift{date(2026, 2, 29): HospitalShifts()[0]}}},
		{"bad shift window", Schedule{Shifts: map[Date]Shift{date(2026, 2, 2): {Window: Window{Start: -60, End: 60}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.s.Validate(); !errors.Is(err, ErrInvalid) {
				t.Errorf("Validate = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestPlan(t *testing.T) {
	t.Parallel()
	hol := april2026Holidays(t)
	five := FiveDayWeek()
	five.Assign(date(2026, 4, 11), Shift{Code: "PK", Name: "Piket Sabtu", Window: Window{clk("08:00"), clk("12:00")}})

	p := five.Plan(date(2026, 4, 3), hol)
	if p.Work || !p.OnHoliday || p.Holiday.Name != "Wafat Yesus Kristus" || p.Window != five.Week[time.Friday] {
		t.Errorf("holiday plan = %+v", p)
	}
	p = five.Plan(date(2026, 4, 11), hol)
	if !p.Work || !p.Rostered || p.Shift.Code != "PK" || p.Window.Start != clk("08:00") {
		t.Errorf("Saturday duty plan = %+v", p)
	}
	p = five.Plan(date(2026, 4, 12), hol)
	if p.Work || !p.Window.IsZero() || p.OnHoliday {
		t.Errorf("Sunday plan = %+v", p)
	}
}

func TestNewHolidayCalendar(t *testing.T) {
	t.Parallel()
	ok := Holiday{Date: date(2026, 8, 17), Name: "Hari Kemerdekaan", Kind: LiburNasional}
	if cal, err := NewHolidayCalendar([]Holiday{ok}); err != nil || cal[ok.Date] != ok {
		t.Fatalf("NewHolidayCalendar = %v, %v", cal, err)
	}
	for _, bad := range [][]Holiday{
		{ok, {Date: ok.Date, Name: "Lain", Kind: CutiBersama}},
		{{Date: date(2026, 2, 30), Name: "x", Kind: LiburNasional}},
		{{Date: ok.Date, Name: "x", Kind: "libur_kantor"}},
		{{Date: ok.Date, Kind: LiburDaerah}},
	} {
		if _, err := NewHolidayCalendar(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("NewHolidayCalendar(%v) = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestDateAndClock(t *testing.T) {
	t.Parallel()
	if d := NewDate(2026, 4, 31); d != date(2026, 5, 1) {
		t.Errorf("NewDate(2026-04-31) = %s", d)
	}
	if d := date(2026, 2, 28).AddDays(1); d != date(2026, 3, 1) {
		t.Errorf("AddDays = %s", d)
	}
	if d := date(2028, 2, 28).AddDays(1); d != date(2028, 2, 29) {
		t.Errorf("leap AddDays = %s", d)
	}
	if got := date(2026, 4, 10).Weekday(); got != time.Friday {
		t.Errorf("Weekday = %v", got)
	}
	if d, err := ParseDate("2026-04-06"); err != nil || d != date(2026, 4, 6) || d.String() != "2026-04-06" {
		t.Errorf("ParseDate = %v, %v", d, err)
	}
	for _, s := range []string{"2026-02-29", "2026-4-6", "06/04/2026", ""} {
		if _, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) accepted", s)
		}
	}
	if !date(2026, 1, 31).Before(date(2026, 2, 1)) || !date(2027, 1, 1).After(date(2026, 12, 31)) {
		t.Error("Before/After wrong")
	}

	for s, want := range map[string]Clock{
		"07:30": NewClock(7, 30, 0), "7:30": NewClock(7, 30, 0), "07.30": NewClock(7, 30, 0),
		"16:00:05": NewClock(16, 0, 5), "16.00.05": NewClock(16, 0, 5), "00:00": 0, "23:59:59": clockDay - 1,
	} {
		if got, err := ParseClock(s); err != nil || got != want {
			t.Errorf("ParseClock(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"24:00", "7:60", "07:30:60", "07:30.00", "0730", "7", "07:3", " 07:30", "-1:00", "07:30:00:00", "１2:00"} {
		if _, err := ParseClock(s); err == nil {
			t.Errorf("ParseClock(%q) accepted", s)
		}
	}
	for c, want := range map[Clock]string{NewClock(7, 30, 0): "07:30", NewClock(7, 30, 9): "07:30:09", clk("07:00+1"): "07:00+1"} {
		if got := c.String(); got != want {
			t.Errorf("String = %q, want %q", got, want)
		}
	}

	jkt := DefaultLocation()
	mks, err := time.LoadLocation("Asia/Makassar")
	if err != nil {
		mks = time.FixedZone("WITA", 8*3600)
	}
	instant := time.Date(2026, 4, 6, 23, 30, 0, 0, time.UTC) // 06:30 WIB, 07:30 WITA on the 7th
	d := date(2026, 4, 7)
	if DateOf(instant, jkt) != d || ClockOn(d, instant, jkt) != clk("06:30") || ClockOn(d, instant, mks) != clk("07:30") {
		t.Errorf("zone conversion wrong: %s %s %s", DateOf(instant, jkt), ClockOn(d, instant, jkt), ClockOn(d, instant, mks))
	}
	if got := ClockOn(date(2026, 4, 6), instant, jkt); got != clk("06:30+1") {
		t.Errorf("ClockOn previous day = %s", got)
	}
	if at := d.At(clk("06:30"), jkt); !at.Equal(instant) {
		t.Errorf("At = %v", at)
	}
}
