package attendance

import (
	"fmt"
)

// Status is the judged status of one employee on one date; the value is a
// stable code fit for storage.
type Status string

// Day statuses. A present day (StatusHadir) may also carry one TL band and one
// PSW band (Day.Late, Day.Early); it is on time when it carries neither.
const (
	// StatusLibur marks a day off in the schedule (weekend, no shift rostered).
	StatusLibur Status = "libur"
	// StatusHariLibur marks a scheduled work day closed by a holiday or cuti bersama.
	StatusHariLibur Status = "hari_libur"
	// StatusHadir marks presence: at least one fingerprint time.
	StatusHadir Status = "hadir"
	// StatusTK marks tanpa keterangan: no time at all, no excuse, no attestation.
	StatusTK Status = "tk"
	// StatusTanpaRekam marks presence attested by a correction with neither time
	// recorded (the demo's "missing both records").
	StatusTanpaRekam Status = "tanpa_rekam"
	// StatusCuti marks approved leave; Day.Excuse says which kind.
	StatusCuti Status = "cuti"
	// StatusDinasLuar marks official duty away from the office (DL).
	StatusDinasLuar Status = "dinas_luar"
)

// Label returns the Bahasa Indonesia label shown to people.
func (s Status) Label() string {
	switch s {
	case StatusLibur:
		return "Libur"
	case StatusHariLibur:
		return "Hari libur"
	case StatusHadir:
		return "Hadir"
	case StatusTK:
		return "Tanpa keterangan (TK)"
	case StatusTanpaRekam:
		return "Tidak rekam masuk dan pulang"
	case StatusCuti:
		return "Cuti"
	case StatusDinasLuar:
		return "Dinas luar"
	}
	return string(s)
}

// Excuse is an approved reason for not working a whole day: a kind of leave
// (PP 11/2017) or dinas luar. Only approved excuses reach JudgeDay; sickness
// without the required letter is no excuse and the day is judged on its
// records. The zero value means no excuse.
type Excuse string

// Excuse kinds. How much TPP each keeps is the rule set's business (SPEC §4.4);
// this package only counts the days. The codes match tpp.LeaveKind's.
const (
	// NoExcuse is no excuse: the day is judged on its records.
	NoExcuse Excuse = ""
	// CutiTahunan is annual leave.
	CutiTahunan Excuse = "tahunan"
	// CutiBesar is long-service leave.
	CutiBesar Excuse = "besar"
	// CutiSakit is sick leave (with the doctor's letter the rules require).
	CutiSakit Excuse = "sakit"
	// CutiMelahirkan is maternity leave for a first or second child.
	CutiMelahirkan Excuse = "melahirkan"
	// CutiMelahirkanAnakKetiga is maternity leave for a third or later child,
	// which the demo rules pay differently.
	CutiMelahirkanAnakKetiga Excuse = "melahirkan_anak_ketiga"
	// CutiAlasanPenting is leave for an important reason (family death, disaster).
	CutiAlasanPenting Excuse = "alasan_penting"
	// CutiLuarTanggungan is cuti di luar tanggungan negara (unpaid leave).
	CutiLuarTanggungan Excuse = "luar_tanggungan_negara"
	// DinasLuar is official duty away from the office (DL), with a surat tugas.
	DinasLuar Excuse = "dinas_luar"
)

// Valid reports whether e is NoExcuse or a known kind.
func (e Excuse) Valid() bool {
	switch e {
	case NoExcuse, CutiTahunan, CutiBesar, CutiSakit, CutiMelahirkan, CutiMelahirkanAnakKetiga,
		CutiAlasanPenting, CutiLuarTanggungan, DinasLuar:
		return true
	}
	return false
}

// IsLeave reports whether e is a kind of cuti (not DL, not NoExcuse).
func (e Excuse) IsLeave() bool { return e != NoExcuse && e != DinasLuar && e.Valid() }

// Record is one employee's fingerprint record for one date. A time marked
// missing (HasIn, HasOut false) is ignored; the zero Record has no times.
//
// Times are wall-clock from midnight of the date. For a shift that crosses
// midnight either form works: a raw reading such as 07:05 (JudgeDay places it
// on the next day when it is nearer the shift's end than its start), or an
// explicit next-day value of 24:00 or more.
type Record struct {
	In, Out       Clock
	HasIn, HasOut bool
}

// Correction is an admin's audited fix of one day's record: a time set by hand
// (forgotten finger, broken machine) or, with Present, an attestation that the
// employee was at work although no time is known.
type Correction struct {
	In, Out       Clock
	SetIn, SetOut bool
	// Present turns a day with no time at all from TK into StatusTanpaRekam.
	Present bool
	Reason  string
}

// DayInput is everything JudgeDay needs for one employee and one date.
type DayInput struct {
	Date       Date
	Schedule   *Schedule
	Holidays   HolidayCalendar
	Record     Record
	Excuse     Excuse
	Correction *Correction
}

// Day is the judgement of one employee's date.
type Day struct {
	Date   Date
	Status Status
	Plan   Plan
	Excuse Excuse
	// Record is the record as judged: correction applied and next-day times
	// moved past 24:00.
	Record    Record
	Corrected bool
	// Late and Early are the TL and PSW bands of a StatusHadir day.
	Late, Early Band
	// LateMinutes and EarlyMinutes are whole minutes; 0 when the time is missing.
	LateMinutes, EarlyMinutes int
	// NoIn and NoOut report a band 4 caused by a missing time, not by minutes.
	NoIn, NoOut bool
}

// OnTime reports whether d is a present day without any TL or PSW band.
func (d Day) OnTime() bool {
	return d.Status == StatusHadir && d.Late == BandNone && d.Early == BandNone
}

// Codes returns the deduction codes of d for display, e.g. ["TL2", "PSW4"].
func (d Day) Codes() []string {
	var codes []string
	if d.Late != BandNone {
		codes = append(codes, "TL"+d.Late.String())
	}
	if d.Early != BandNone {
		codes = append(codes, "PSW"+d.Early.String())
	}
	return codes
}

// JudgeDay derives one employee's status on one date.
//
// Order of precedence:
//  1. not a work day in the plan: StatusLibur, or StatusHariLibur when a
//     holiday closed a scheduled day; records and excuses are ignored, so leave
//     is never spent on a holiday;
//  2. an excuse: StatusCuti or StatusDinasLuar, whatever the records say;
//  3. no time at all: StatusTK, or StatusTanpaRekam when a correction attests
//     presence;
//  4. otherwise StatusHadir, with a TL band from the time in and a PSW band
//     from the time out; a missing time in is TL4 and a missing time out PSW4.
//
// TK versus missing both records: a fingerprint file cannot tell "absent" from
// "present but never touched the machine": both are a day with no time. The
// demo rules deduct the same 3% for either (and 3% is exactly TL4 + PSW4), but
// the two differ in law: TK days are "tidak masuk kerja tanpa alasan yang sah",
// counted up for disciplinary sanctions under PP 94/2021, and must not be
// pinned on someone who was demonstrably at work. So a day with no time and no
// excuse is TK by default, and becomes StatusTanpaRekam only through an
// explicit, audited Correction with Present set. Such a day is counted once,
// as missing both, never as TK too and never as TL4 plus PSW4.
//
// Minutes are whole minutes of the difference in seconds, rounded down: in at
// 07:30:59 for a 07:30 start is on time, 07:31:00 is one minute late. Exports
// with HH:MM only are read as HH:MM:00.
func JudgeDay(in DayInput, b Bands) (Day, error) {
	if err := b.Validate(); err != nil {
		return Day{}, err
	}
	if !in.Date.Valid() {
		return Day{}, fmt.Errorf("%w: date %s", ErrInvalid, in.Date)
	}
	if in.Schedule == nil {
		return Day{}, fmt.Errorf("%w: %s: no schedule", ErrInvalid, in.Date)
	}
	if !in.Excuse.Valid() {
		return Day{}, fmt.Errorf("%w: %s: unknown excuse %q", ErrInvalid, in.Date, in.Excuse)
	}

	rec := in.Record
	day := Day{Date: in.Date, Excuse: in.Excuse}
	present := false
	if c := in.Correction; c != nil {
		if c.SetIn {
			rec.In, rec.HasIn = c.In, true
		}
		if c.SetOut {
			rec.Out, rec.HasOut = c.Out, true
		}
		present = c.Present
		day.Corrected = c.SetIn || c.SetOut || c.Present
	}
	if !rec.HasIn {
		rec.In = 0
	}
	if !rec.HasOut {
		rec.Out = 0
	}
	for _, c := range [2]Clock{rec.In, rec.Out} {
		if c < 0 || c >= 2*clockDay {
			return Day{}, fmt.Errorf("%w: %s: time %d seconds out of range", ErrInvalid, in.Date, c)
		}
	}

	plan := in.Schedule.Plan(in.Date, in.Holidays)
	if err := plan.Window.Validate(); err != nil {
		return Day{}, fmt.Errorf("%s: %w", in.Date, err)
	}
	day.Plan = plan
	w := plan.Window
	if plan.Work && w.CrossesMidnight() {
		// A raw reading belongs to whichever side of the off-duty gap it is
		// nearer: for 21:00-07:00 the gap is 07:00..21:00, so readings before
		// 14:00 are the next morning.
		pivot := (w.End - clockDay + w.Start) / 2
		if rec.HasIn && rec.In < pivot {
			rec.In += clockDay
		}
		if rec.HasOut && rec.Out < pivot {
			rec.Out += clockDay
		}
	}
	day.Record = rec

	switch {
	case !plan.Work && !w.IsZero():
		day.Status = StatusHariLibur
		return day, nil
	case !plan.Work:
		day.Status = StatusLibur
		return day, nil
	}
	if rec.HasIn && rec.HasOut && rec.Out < rec.In {
		return Day{}, fmt.Errorf("%w: %s: time out %s before time in %s", ErrInvalid, in.Date, rec.Out, rec.In)
	}
	switch {
	case in.Excuse == DinasLuar:
		day.Status = StatusDinasLuar
		return day, nil
	case in.Excuse != NoExcuse:
		day.Status = StatusCuti
		return day, nil
	case !rec.HasIn && !rec.HasOut && present:
		day.Status = StatusTanpaRekam
		return day, nil
	case !rec.HasIn && !rec.HasOut:
		day.Status = StatusTK
		return day, nil
	}

	day.Status = StatusHadir
	if rec.HasIn {
		day.LateMinutes = wholeMinutes(rec.In - w.Start)
		day.Late = b.LateBand(day.LateMinutes)
	} else {
		day.NoIn, day.Late = true, Band4
	}
	if rec.HasOut {
		day.EarlyMinutes = wholeMinutes(w.End - rec.Out)
		day.Early = b.EarlyBand(day.EarlyMinutes)
	} else {
		day.NoOut, day.Early = true, Band4
	}
	return day, nil
}

// wholeMinutes returns the whole minutes in a positive difference, else 0.
func wholeMinutes(d Clock) int {
	if d <= 0 {
		return 0
	}
	return int(d / 60)
}
