package attendance

import (
	"fmt"
	"time"
)

// Window is the working time on one day, from Start (arrive by) to End (leave
// no earlier than); an End after 24:00 means the window ends on the next day.
// The zero Window means no work.
type Window struct {
	Start, End Clock
}

// IsZero reports whether w is the zero Window (no work).
func (w Window) IsZero() bool { return w == Window{} }

// CrossesMidnight reports whether w ends on the day after it starts.
func (w Window) CrossesMidnight() bool { return w.End > clockDay }

// String formats w as "07:30-16:00".
func (w Window) String() string { return w.Start.String() + "-" + w.End.String() }

// Validate reports an error unless w is zero or starts before 24:00 and ends
// after its start, at most 24 hours later.
func (w Window) Validate() error {
	if w.IsZero() {
		return nil
	}
	if w.Start < 0 || w.Start >= clockDay || w.End <= w.Start || w.End > w.Start+clockDay {
		return fmt.Errorf("%w: window %d-%d seconds", ErrInvalid, w.Start, w.End)
	}
	return nil
}

// Week is a weekly pattern of windows indexed by time.Weekday (Sunday = 0);
// a zero Window is a day off.
type Week [7]Window

// Season is a weekly pattern that replaces Schedule.Week from From to To
// inclusive, such as the shorter hours the government sets for Ramadan.
type Season struct {
	Name     string
	From, To Date
	Week     Week
}

// Shift is a named working window in a roster (hospitals, puskesmas rawat
// inap); a Shift with a zero Window is a rostered day off.
type Shift struct {
	Code   string
	Name   string
	Window Window
}

// Schedule says when one employee must be at work. Precedence, per date: a
// shift assigned in Shifts; else the Season covering the date; else Week.
//
// Holidays close the office, so they turn a Week or Season work day into a day
// off; a rostered shift is kept on a holiday, because a hospital roster is
// drawn up knowing the holidays and the ward is staffed on them. A pure roster
// leaves Week zero, so a date without an assigned shift is a day off.
type Schedule struct {
	Name    string
	Week    Week
	Seasons []Season
	Shifts  map[Date]Shift
}

// FiveDayWeek returns the demo five-day schedule (SPEC §5): Monday to Thursday
// 07:30-16:00, Friday 07:30-16:30 (the longer break covers Friday prayers).
func FiveDayWeek() Schedule {
	mt := Window{NewClock(7, 30, 0), NewClock(16, 0, 0)}
	return Schedule{
		Name: "5 hari kerja",
		Week: Week{
			time.Monday: mt, time.Tuesday: mt, time.Wednesday: mt, time.Thursday: mt,
			time.Friday: {NewClock(7, 30, 0), NewClock(16, 30, 0)},
		},
	}
}

// SixDayWeek returns a six-day schedule as many Perbup keep for schools and
// kecamatan offices: Monday to Thursday 07:30-14:30, Friday 07:30-11:30,
// Saturday 07:30-13:00. That is 37,5 hours a week, the same total as the
// five-day week and the Keppres 68/1995 six-day pattern (which starts at 07:00);
// the 07:30 start matches the demo five-day week.
func SixDayWeek() Schedule {
	mt := Window{NewClock(7, 30, 0), NewClock(14, 30, 0)}
	return Schedule{
		Name: "6 hari kerja",
		Week: Week{
			time.Monday: mt, time.Tuesday: mt, time.Wednesday: mt, time.Thursday: mt,
			time.Friday:   {NewClock(7, 30, 0), NewClock(11, 30, 0)},
			time.Saturday: {NewClock(7, 30, 0), NewClock(13, 0, 0)},
		},
	}
}

// HospitalShifts returns the common three-shift pattern of an RSUD ward: Pagi
// 07:00-14:00, Siang 14:00-21:00 and Malam 21:00-07:00 (ending the next day).
func HospitalShifts() []Shift {
	return []Shift{
		{Code: "P", Name: "Pagi", Window: Window{NewClock(7, 0, 0), NewClock(14, 0, 0)}},
		{Code: "S", Name: "Siang", Window: Window{NewClock(14, 0, 0), NewClock(21, 0, 0)}},
		{Code: "M", Name: "Malam", Window: Window{NewClock(21, 0, 0), clockDay + NewClock(7, 0, 0)}},
	}
}

// Assign rosters shift sh on date d, replacing any earlier assignment.
func (s *Schedule) Assign(d Date, sh Shift) {
	if s.Shifts == nil {
		s.Shifts = make(map[Date]Shift)
	}
	s.Shifts[d] = sh
}

// Validate reports an error for an invalid window, season or shift date, or
// for seasons that overlap (which one applies would be ambiguous).
func (s *Schedule) Validate() error {
	for wd, w := range s.Week {
		if err := w.Validate(); err != nil {
			return fmt.Errorf("schedule %q, %s: %w", s.Name, time.Weekday(wd), err)
		}
	}
	for i, se := range s.Seasons {
		if !se.From.Valid() || !se.To.Valid() || se.To.Before(se.From) {
			return fmt.Errorf("%w: schedule %q, season %q: dates %s..%s", ErrInvalid, s.Name, se.Name, se.From, se.To)
		}
		for wd, w := range se.Week {
			if err := w.Validate(); err != nil {
				return fmt.Errorf("schedule %q, season %q, %s: %w", s.Name, se.Name, time.Weekday(wd), err)
			}
		}
		for _, o := range s.Seasons[:i] {
			if !se.To.Before(o.From) && !o.To.Before(se.From) {
				return fmt.Errorf("%w: schedule %q: seasons %q and %q overlap", ErrInvalid, s.Name, o.Name, se.Name)
			}
		}
	}
	for d, sh := range s.Shifts {
		if !d.Valid() {
			return fmt.Errorf("%w: schedule %q: shift on invalid date %s", ErrInvalid, s.Name, d)
		}
		if err := sh.Window.Validate(); err != nil {
			return fmt.Errorf("schedule %q, shift %q on %s: %w", s.Name, sh.Code, d, err)
		}
	}
	return nil
}

// Plan is what a Schedule and the holiday calendar require on one date.
type Plan struct {
	Date Date
	// Work reports whether the employee must be at work (attendance is judged).
	Work bool
	// Window is the scheduled window; on a holiday that closed the office it is
	// the window that would have applied, so a holiday on a work day can be told
	// from one on a weekend.
	Window Window
	// Rostered reports whether Window comes from a Shift assigned to Date.
	Rostered bool
	Shift    Shift
	// OnHoliday reports whether Date is in the holiday calendar (Holiday set),
	// whether or not that made it a day off.
	OnHoliday bool
	Holiday   Holiday
}

// Plan returns what the schedule and holidays require on d.
func (s *Schedule) Plan(d Date, holidays HolidayCalendar) Plan {
	p := Plan{Date: d}
	p.Holiday, p.OnHoliday = holidays[d]
	if sh, ok := s.Shifts[d]; ok {
		p.Rostered, p.Shift, p.Window = true, sh, sh.Window
		p.Work = !sh.Window.IsZero()
		return p
	}
	week := &s.Week
	for i := range s.Seasons {
		if se := &s.Seasons[i]; !d.Before(se.From) && !d.After(se.To) {
			week = &se.Week
			break
		}
	}
	p.Window = week[d.Weekday()]
	p.Work = !p.Window.IsZero() && !p.OnHoliday
	return p
}

// HolidayKind is the kind of a day off in the calendar.
type HolidayKind string

// Holiday kinds. All of them close the office and deduct nothing (SPEC §4.4);
// the kind is kept for the calendar page and reports.
const (
	// LiburNasional is a national public holiday.
	LiburNasional HolidayKind = "libur_nasional"
	// CutiBersama is a collective leave day set by the central government.
	CutiBersama HolidayKind = "cuti_bersama"
	// LiburDaerah is a day off declared by the regency itself.
	LiburDaerah HolidayKind = "libur_daerah"
)

// Holiday is one date in the holiday calendar.
type Holiday struct {
	Date Date
	Name string
	Kind HolidayKind
}

// HolidayCalendar maps a date to its holiday; a nil calendar has no holidays.
type HolidayCalendar map[Date]Holiday

// NewHolidayCalendar builds a calendar, refusing invalid dates, unknown kinds,
// empty names and two holidays on one date.
func NewHolidayCalendar(holidays []Holiday) (HolidayCalendar, error) {
	cal := make(HolidayCalendar, len(holidays))
	for _, h := range holidays {
		switch {
		case !h.Date.Valid():
			return nil, fmt.Errorf("%w: holiday %q on invalid date %s", ErrInvalid, h.Name, h.Date)
		case h.Kind != LiburNasional && h.Kind != CutiBersama && h.Kind != LiburDaerah:
			return nil, fmt.Errorf("%w: holiday %q has unknown kind %q", ErrInvalid, h.Name, h.Kind)
		case h.Name == "":
			return nil, fmt.Errorf("%w: holiday on %s has no name", ErrInvalid, h.Date)
		}
		if o, dup := cal[h.Date]; dup {
			return nil, fmt.Errorf("%w: %s has two holidays, %q and %q", ErrInvalid, h.Date, o.Name, h.Name)
		}
		cal[h.Date] = h
	}
	return cal, nil
}
