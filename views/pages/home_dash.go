package pages

import (
	"strconv"

	"github.com/ekinerja/ekinerja/internal/attendance"
	"github.com/ekinerja/ekinerja/internal/kinerja"
	"github.com/ekinerja/ekinerja/internal/tpp"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
)

// PegawaiDash is the employee's own month on their landing page: minutes
// against the target, the attendance calendar and the TPP estimate.
type PegawaiDash struct {
	Month   tpp.Period
	Minutes kinerja.MinutesSummary
	// Days are the month's judged days (up to yesterday); Recap sums them.
	Days  []attendance.Day
	Recap attendance.MonthlyRecap
	// NoAttendance says why there is no calendar (empty: there is one).
	NoAttendance string
	Estimate     claim.Estimate
}

// CalendarCell is one cell of the month calendar: Day 0 is padding.
type CalendarCell struct {
	Day    int
	Status attendance.Status // empty: not judged (today, the future)
	Late   bool              // present with a TL or PSW band
}

// Code is the cell's short mark.
func (c CalendarCell) Code() string {
	switch c.Status {
	case attendance.StatusHadir:
		if c.Late {
			return "T"
		}
		return "H"
	case attendance.StatusTK:
		return "TK"
	case attendance.StatusTanpaRekam:
		return "TR"
	case attendance.StatusCuti:
		return "C"
	case attendance.StatusDinasLuar:
		return "DL"
	case attendance.StatusLibur, attendance.StatusHariLibur:
		return "L"
	}
	return ""
}

// Label is the cell's full status for screen readers and tooltips.
func (c CalendarCell) Label() string {
	switch {
	case c.Status == "":
		return "belum dinilai"
	case c.Status == attendance.StatusHadir && c.Late:
		return "Hadir, terlambat atau pulang sebelum waktunya"
	}
	return c.Status.Label()
}

// Class is the cell's CSS class.
func (c CalendarCell) Class() string {
	if c.Status == "" {
		return "cal-day cal-none"
	}
	if c.Status == attendance.StatusHariLibur {
		return "cal-day cal-libur"
	}
	if c.Late {
		return "cal-day cal-telat"
	}
	return "cal-day cal-" + string(c.Status)
}

// Weeks lays the month out Monday first, one row per week.
func (d PegawaiDash) Weeks() [][]CalendarCell {
	first := d.Month.First()
	byDay := map[int]attendance.Day{}
	for _, x := range d.Days {
		byDay[x.Date.Day] = x
	}
	lead := (int(first.Weekday()) + 6) % 7 // Monday = 0
	var weeks [][]CalendarCell
	week := make([]CalendarCell, lead, 7)
	for day := 1; day <= d.Month.Days(); day++ {
		cell := CalendarCell{Day: day}
		if x, ok := byDay[day]; ok {
			cell.Status = x.Status
			cell.Late = x.Status == attendance.StatusHadir && !x.OnTime()
		}
		week = append(week, cell)
		if len(week) == 7 {
			weeks = append(weeks, week)
			week = make([]CalendarCell, 0, 7)
		}
	}
	if len(week) > 0 {
		for len(week) < 7 {
			week = append(week, CalendarCell{})
		}
		weeks = append(weeks, week)
	}
	return weeks
}

// Weekdays are the calendar's column heads, Monday first.
var Weekdays = [7][2]string{{"Sen", "Senin"}, {"Sel", "Selasa"}, {"Rab", "Rabu"}, {"Kam", "Kamis"}, {"Jum", "Jumat"}, {"Sab", "Sabtu"}, {"Min", "Minggu"}}

// CalendarDate is a cell's date for its accessible name.
func (d PegawaiDash) CalendarDate(day int) string {
	return strconv.Itoa(day) + " " + d.Month.String()
}

// MinutesText is "4.500 dari 6.750 menit disetujui (66,6%)".
func (d PegawaiDash) MinutesText() string {
	m := d.Minutes
	return tpp.FormatNumber(m.Approved) + " dari " + tpp.FormatNumber(m.Target) + " menit disetujui (" + Persen(m.ApprovedPctBP) + ")"
}

// ProgressValue is the approved minutes capped at the target (a <progress>
// value above max is clamped anyway; the text says the real number).
func (d PegawaiDash) ProgressValue() string {
	return strconv.FormatInt(min(d.Minutes.Approved, d.Minutes.Target), 10)
}
