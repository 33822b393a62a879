package attendance

import (
	"testing"
	"time"
)

// clk parses "HH:MM[:SS]" or panics; "+1" suffix means the next day.
func clk(s string) Clock {
	next := Clock(0)
	if len(s) > 2 && s[len(s)-2:] == "+1" {
		s, next = s[:len(s)-2], clockDay
	}
	c, err := ParseClock(s)
	if err != nil {
		panic(err)
	}
	return c + next
}

// rec builds a Record; an empty string is a missing time.
func rec(in, out string) Record {
	var r Record
	if in != "" {
		r.In, r.HasIn = clk(in), true
	}
	if out != "" {
		r.Out, r.HasOut = clk(out), true
	}
	return r
}

func date(y int, m time.Month, d int) Date { return Date{y, m, d} }

// april2026Holidays is a test fixture in the shape of the official calendar.
func april2026Holidays(t testing.TB) HolidayCalendar {
	t.Helper()
	cal, err := NewHolidayCalendar([]Holiday{
		{Date: date(2026, 4, 3), Name: "Wafat Yesus Kristus", Kind: LiburNasional},
		{Date: date(2026, 4, 5), Name: "Hari Paskah", Kind: LiburNasional},
	})
	if err != nil {
		t.Fatal(err)
	}
	return cal
}
