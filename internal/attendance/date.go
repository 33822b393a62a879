package attendance

import (
	"errors"
	"fmt"
	"time"
)

// ErrInvalid marks invalid input to this package (a bad schedule, band table,
// record or date); the wrapped message says which.
var ErrInvalid = errors.New("attendance: invalid input")

// Date is a calendar date without a time of day or zone: attendance is judged
// per wall-clock day, so two regencies in different zones agree on what
// "2 March 2026" means.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate returns the date y-m-d, normalising out-of-range values the way
// time.Date does (31 April becomes 1 May).
func NewDate(y int, m time.Month, d int) Date {
	t := time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
	return Date{t.Year(), t.Month(), t.Day()}
}

// DateOf returns the wall-clock date of the instant t in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return Date{y, m, d}
}

// ParseDate parses an ISO date "YYYY-MM-DD".
func ParseDate(s string) (Date, error) {
	if d, ok := parseISODate([]byte(s)); ok {
		return d, nil
	}
	return Date{}, fmt.Errorf("%w: date %q is not a real YYYY-MM-DD date", ErrInvalid, s)
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Valid reports whether d is a real calendar date (no 30 February).
func (d Date) Valid() bool {
	return d.Month >= time.January && d.Month <= time.December &&
		d.Day >= 1 && d.Day <= daysIn(d.Year, d.Month)
}

// String formats d as "YYYY-MM-DD".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.utc().Weekday() }

// AddDays returns d moved by n days (n may be negative).
func (d Date) AddDays(n int) Date { return NewDate(d.Year, d.Month, d.Day+n) }

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int {
	switch {
	case d.Year != o.Year:
		return cmpInt(d.Year, o.Year)
	case d.Month != o.Month:
		return cmpInt(int(d.Month), int(o.Month))
	default:
		return cmpInt(d.Day, o.Day)
	}
}

// Before reports whether d is before o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is after o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// At returns the instant at wall-clock time c on d in loc; a Clock of 24:00 or
// more lands on the following day.
func (d Date) At(c Clock, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, int(c), 0, loc)
}

func (d Date) utc() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// daysBetween returns the number of days from a to b (b - a).
func daysBetween(a, b Date) int { return int(b.utc().Sub(a.utc()) / (24 * time.Hour)) }

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// DefaultLocation returns Asia/Jakarta (WIB). When the host has no time zone
// database it falls back to a fixed UTC+7 zone, which is exact because Indonesia
// keeps no daylight saving time; the binary can embed the database instead by
// importing time/tzdata in main.
func DefaultLocation() *time.Location {
	if loc, err := time.LoadLocation("Asia/Jakarta"); err == nil {
		return loc
	}
	return time.FixedZone("WIB", 7*60*60)
}

// Clock is a wall-clock time as seconds after midnight of the date it belongs
// to. Values of 24:00 and more lie on the next day; they occur only for night
// shifts, whose window and time out run past midnight.
type Clock int32

const clockDay Clock = 24 * 60 * 60

// NewClock returns the Clock h:m:s.
func NewClock(h, m, s int) Clock { return Clock(h*3600 + m*60 + s) }

// ClockOn returns the wall-clock time of instant t in loc, counted from the
// midnight that starts date d; an instant on the next day gives 24:00 or more.
func ClockOn(d Date, t time.Time, loc *time.Location) Clock {
	t = t.In(loc)
	h, m, s := t.Clock()
	return Clock(daysBetween(d, DateOf(t, loc)))*clockDay + NewClock(h, m, s)
}

// ParseClock parses "HH:MM" or "HH:MM:SS" (one-digit hours and the Indonesian
// "07.30" dot separator are accepted too) into a Clock before 24:00.
func ParseClock(s string) (Clock, error) {
	if c, ok := parseClock([]byte(s)); ok {
		return c, nil
	}
	return 0, fmt.Errorf("%w: time %q is not HH:MM or HH:MM:SS", ErrInvalid, s)
}

// String formats c as "HH:MM", or "HH:MM:SS" when it has seconds, with "+1"
// appended for a time on the next day.
func (c Clock) String() string {
	if c < 0 {
		return fmt.Sprintf("-%s", (-c).String())
	}
	days, rest := c/clockDay, c%clockDay
	h, m, s := rest/3600, rest/60%60, rest%60
	out := fmt.Sprintf("%02d:%02d", h, m)
	if s != 0 {
		out += fmt.Sprintf(":%02d", s)
	}
	if days > 0 {
		out += fmt.Sprintf("+%d", days)
	}
	return out
}

// parseClock accepts H:MM, HH:MM, H:MM:SS and HH:MM:SS with ':' or '.' (one
// separator per value) and returns a time before 24:00.
func parseClock(b []byte) (Clock, bool) {
	if len(b) < 4 || len(b) > 8 {
		return 0, false
	}
	hl := 1
	if len(b) > 2 && isDigit(b[1]) {
		hl = 2
	}
	if len(b) <= hl || (b[hl] != ':' && b[hl] != '.') {
		return 0, false
	}
	sep := b[hl]
	h, ok := atoi(b[:hl])
	if !ok || h > 23 {
		return 0, false
	}
	rest := b[hl+1:]
	if len(rest) != 2 && len(rest) != 5 {
		return 0, false
	}
	m, ok := atoi(rest[:2])
	if !ok || m > 59 {
		return 0, false
	}
	s := 0
	if len(rest) == 5 {
		if rest[2] != sep {
			return 0, false
		}
		if s, ok = atoi(rest[3:]); !ok || s > 59 {
			return 0, false
		}
	}
	return NewClock(h, m, s), true
}

// parseISODate parses YYYY-MM-DD into a real date.
func parseISODate(b []byte) (Date, bool) {
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return Date{}, false
	}
	y, ok1 := atoi(b[:4])
	m, ok2 := atoi(b[5:7])
	d, ok3 := atoi(b[8:])
	dt := Date{y, time.Month(m), d}
	return dt, ok1 && ok2 && ok3 && dt.Valid()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// atoi parses a short run of ASCII digits; it refuses signs, spaces and
// anything longer than 9 digits, so it cannot overflow.
func atoi[T string | []byte](b T) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(b); i++ {
		if !isDigit(b[i]) {
			return 0, false
		}
		n = n*10 + int(b[i]-'0')
	}
	return n, true
}
