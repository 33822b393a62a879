package attendance

import (
	"fmt"
	"time"
)

// MonthlyRecap is one employee's attendance month as the TPP calculation reads
// it. Every counter covers the judged days only (MonthInput.From..To).
//
// The counts never overlap: a work day is exactly one of Hadir, TK,
// MissingBoth or an Excused kind, so WorkDays = Hadir + TK + MissingBoth +
// sum(Excused). A Hadir day adds at most one to TL and at most one to PSW.
type MonthlyRecap struct {
	Year  int
	Month time.Month
	// DaysJudged is the number of calendar days judged.
	DaysJudged int
	// WorkDays counts days on which work was required: scheduled and not closed
	// by a holiday, including excused days.
	WorkDays int
	// Holidays counts scheduled work days closed by a holiday (hari libur).
	Holidays int
	// ByStatus counts days by status, including StatusLibur.
	ByStatus map[Status]int
	// Hadir counts present days; OnTime those without any TL or PSW band.
	Hadir, OnTime int
	// TL[i] and PSW[i] count days in band i+1: TL[0] is TL1, TL[3] is TL4.
	TL, PSW [4]int
	// TLNoRecord and PSWNoRecord are the part of TL[3] and PSW[3] caused by a
	// missing time in or out rather than by minutes (for the slip's reasons).
	TLNoRecord, PSWNoRecord int
	// TK counts days without any time, excuse or attestation.
	TK int
	// MissingBoth counts StatusTanpaRekam days: presence attested, neither
	// time recorded (tpp.Attendance.MissingBoth).
	MissingBoth int
	// LateMinutes and EarlyMinutes total the minutes of present days.
	LateMinutes, EarlyMinutes int
	// Excused counts excused work days by kind: each leave kind and DinasLuar.
	Excused map[Excuse]int
	// Corrected counts days judged on a corrected record.
	Corrected int
}

// Summarize adds up days judged for one employee in year-month. It refuses a
// day outside the month and a date judged twice.
func Summarize(year int, month time.Month, days []Day) (MonthlyRecap, error) {
	r := MonthlyRecap{
		Year:     year,
		Month:    month,
		ByStatus: make(map[Status]int),
		Excused:  make(map[Excuse]int),
	}
	seen := make(map[int]bool, len(days))
	for _, d := range days {
		if d.Date.Year != year || d.Date.Month != month || !d.Date.Valid() {
			return MonthlyRecap{}, fmt.Errorf("%w: day %s outside %04d-%02d", ErrInvalid, d.Date, year, int(month))
		}
		if seen[d.Date.Day] {
			return MonthlyRecap{}, fmt.Errorf("%w: day %s judged twice", ErrInvalid, d.Date)
		}
		seen[d.Date.Day] = true
		r.DaysJudged++
		r.ByStatus[d.Status]++
		if d.Corrected {
			r.Corrected++
		}
		switch d.Status {
		case StatusLibur:
			continue
		case StatusHariLibur:
			r.Holidays++
			continue
		case StatusTK:
			r.TK++
		case StatusTanpaRekam:
			r.MissingBoth++
		case StatusCuti, StatusDinasLuar:
			r.Excused[d.Excuse]++
		case StatusHadir:
			r.Hadir++
			if d.OnTime() {
				r.OnTime++
			}
			if d.Late != BandNone {
				r.TL[d.Late-1]++
			}
			if d.Early != BandNone {
				r.PSW[d.Early-1]++
			}
			if d.NoIn {
				r.TLNoRecord++
			}
			if d.NoOut {
				r.PSWNoRecord++
			}
			r.LateMinutes += d.LateMinutes
			r.EarlyMinutes += d.EarlyMinutes
		default:
			return MonthlyRecap{}, fmt.Errorf("%w: day %s has unknown status %q", ErrInvalid, d.Date, d.Status)
		}
		r.WorkDays++
	}
	return r, nil
}

// MonthInput is one employee's month of attendance data.
type MonthInput struct {
	Year     int
	Month    time.Month
	Schedule *Schedule
	Holidays HolidayCalendar
	Bands    Bands
	// From and To limit the judged days to the employee's active period within
	// the month (joined or left mid-month), and keep a running month from
	// judging days that have not happened yet (To = yesterday). Zero means the
	// first or last day of the month. Days outside are not judged, so they are
	// never TK.
	From, To Date
	// Records, Excuses and Corrections are keyed by date; each key must lie in
	// the month. Dates without a key have no record, excuse or correction.
	Records     map[Date]Record
	Excuses     map[Date]Excuse
	Corrections map[Date]Correction
}

// RecapMonth judges every active day of the month with JudgeDay and returns the
// recap with the judged days in date order.
func RecapMonth(in MonthInput) (MonthlyRecap, []Day, error) {
	first := Date{in.Year, in.Month, 1}
	if !first.Valid() {
		return MonthlyRecap{}, nil, fmt.Errorf("%w: month %04d-%02d", ErrInvalid, in.Year, int(in.Month))
	}
	last := Date{in.Year, in.Month, daysIn(in.Year, in.Month)}
	from, to := first, last
	if !in.From.IsZero() {
		from = in.From
	}
	if !in.To.IsZero() {
		to = in.To
	}
	inMonth := func(d Date) bool { return d.Valid() && !d.Before(first) && !d.After(last) }
	if !inMonth(from) || !inMonth(to) || to.Before(from) {
		return MonthlyRecap{}, nil, fmt.Errorf("%w: active period %s..%s outside %04d-%02d", ErrInvalid, from, to, in.Year, int(in.Month))
	}
	for d := range in.Records {
		if !inMonth(d) {
			return MonthlyRecap{}, nil, fmt.Errorf("%w: record dated %s outside the month", ErrInvalid, d)
		}
	}
	for d := range in.Excuses {
		if !inMonth(d) {
			return MonthlyRecap{}, nil, fmt.Errorf("%w: excuse dated %s outside the month", ErrInvalid, d)
		}
	}
	for d := range in.Corrections {
		if !inMonth(d) {
			return MonthlyRecap{}, nil, fmt.Errorf("%w: correction dated %s outside the month", ErrInvalid, d)
		}
	}

	days := make([]Day, 0, to.Day-from.Day+1)
	for d := from; !d.After(to); d = d.AddDays(1) {
		di := DayInput{
			Date:     d,
			Schedule: in.Schedule,
			Holidays: in.Holidays,
			Record:   in.Records[d],
			Excuse:   in.Excuses[d],
		}
		if c, ok := in.Corrections[d]; ok {
			di.Correction = &c
		}
		day, err := JudgeDay(di, in.Bands)
		if err != nil {
			return MonthlyRecap{}, nil, err
		}
		days = append(days, day)
	}
	r, err := Summarize(in.Year, in.Month, days)
	if err != nil {
		return MonthlyRecap{}, nil, err
	}
	return r, days, nil
}
