package tpp

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ekinerja/ekinerja/internal/apperr"
)

// Period is one calendar month, the unit TPP is computed and paid for.
// Its text form (JSON, forms) is "2026-11".
type Period struct {
	Year  int `json:"year"`
	Month int `json:"month"`
}

var monthNames = [...]string{
	"Januari", "Februari", "Maret", "April", "Mei", "Juni",
	"Juli", "Agustus", "September", "Oktober", "November", "Desember",
}

// IsZero reports whether p is the zero Period (used for an open-ended rule set).
func (p Period) IsZero() bool { return p == Period{} }

// Valid reports whether p names a real month between 2000 and 9999.
func (p Period) Valid() bool {
	return p.Year >= 2000 && p.Year <= 9999 && p.Month >= 1 && p.Month <= 12
}

// Days returns the number of calendar days in the month.
func (p Period) Days() int {
	// Day 0 of the next month is the last day of this one.
	return time.Date(p.Year, time.Month(p.Month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// Before reports whether p is an earlier month than q.
func (p Period) Before(q Period) bool {
	return p.Year < q.Year || (p.Year == q.Year && p.Month < q.Month)
}

// String formats p in Bahasa Indonesia, e.g. "November 2026".
func (p Period) String() string {
	if p.Month < 1 || p.Month > 12 {
		return fmt.Sprintf("%04d-%02d", p.Year, p.Month)
	}
	return monthNames[p.Month-1] + " " + strconv.Itoa(p.Year)
}

// MarshalText writes p as "YYYY-MM".
func (p Period) MarshalText() ([]byte, error) {
	if p.IsZero() {
		return []byte(""), nil
	}
	if !p.Valid() {
		return nil, errors.New("tpp: periode tidak valid")
	}
	return fmt.Appendf(nil, "%04d-%02d", p.Year, p.Month), nil
}

// UnmarshalText reads "YYYY-MM"; the empty string is the zero Period.
func (p *Period) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*p = Period{}
		return nil
	}
	v, err := ParsePeriod(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// PeriodMessage is the one message shown for a month that is not written
// "TTTT-BB" (every form, query parameter and command that takes a month).
const PeriodMessage = "Bulan harus berbentuk TTTT-BB, misalnya 2026-11."

// ParsePeriod reads a month written "YYYY-MM" (surrounding space ignored),
// the one month parser of the application. Anything else is an
// *apperr.ValidationError on field "bulan" with PeriodMessage.
func ParsePeriod(s string) (Period, error) {
	s = strings.TrimSpace(s)
	bad := apperr.Invalid("bulan", PeriodMessage)
	if len(s) != 7 || s[4] != '-' || !allDigits(s[:4]) || !allDigits(s[5:]) {
		return Period{}, bad
	}
	y, _ := strconv.Atoi(s[:4])
	m, _ := strconv.Atoi(s[5:])
	p := Period{Year: y, Month: m}
	if !p.Valid() {
		return Period{}, bad
	}
	return p, nil
}

// PeriodOf is the month t falls in (in t's own zone).
func PeriodOf(t time.Time) Period { return Period{Year: t.Year(), Month: int(t.Month())} }

// First is midnight UTC of the month's first day, the form the database's
// month columns (date) and the kinerja area use.
func (p Period) First() time.Time {
	return time.Date(p.Year, time.Month(p.Month), 1, 0, 0, 0, 0, time.UTC)
}

// Param is p as a form or query value, "2026-11" ("" for the zero Period).
func (p Period) Param() string {
	if p.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d", p.Year, p.Month)
}

// Prev is the month before p.
func (p Period) Prev() Period { return PeriodOf(p.First().AddDate(0, -1, 0)) }

// Next is the month after p.
func (p Period) Next() Period { return PeriodOf(p.First().AddDate(0, 1, 0)) }
