// Package components holds small rendering helpers shared by pages.
package components

import (
	"strconv"
	"strings"
	"time"
)

var bulan = [...]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}

// jakarta is the default display zone; regencies in WITA/WIT set EKINERJA_TZ,
// and pages that need it pass times already converted.
var jakarta = func() *time.Location {
	l, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		return time.FixedZone("WIB", 7*3600)
	}
	return l
}()

// Date formats a date as "26 November 2026".
func Date(t time.Time) string {
	return strconv.Itoa(t.Day()) + " " + bulan[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// DateTime formats a time as "26 November 2026 14:05" in WIB.
func DateTime(t time.Time) string {
	t = t.In(jakarta)
	return Date(t) + " " + t.Format("15:04")
}

// Month formats a month as "November 2026".
func Month(t time.Time) string { return bulan[t.Month()-1] + " " + strconv.Itoa(t.Year()) }

// Rupiah formats an amount as "Rp 4.606.000" (negative: "-Rp 1.000").
func Rupiah(v int64) string {
	neg := v < 0
	u := uint64(v)
	if neg {
		u = uint64(-v)
	}
	s := strconv.FormatUint(u, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-Rp " + b.String()
	}
	return "Rp " + b.String()
}
