// Package components holds small rendering helpers shared by pages.
package components

import (
	"context"
	"strconv"
	"time"
)

var bulan = [...]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}

// Date formats a date as "26 November 2026".
func Date(t time.Time) string {
	return strconv.Itoa(t.Day()) + " " + bulan[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// jakarta is the display zone when the request carries none (tests, the CLI).
var jakarta = func() *time.Location {
	l, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		return time.FixedZone("WIB", 7*3600)
	}
	return l
}()

type locationKey struct{}

// WithLocation returns ctx carrying the regency's display zone (EKINERJA_TZ);
// the web server sets it on every page it renders.
func WithLocation(ctx context.Context, loc *time.Location) context.Context {
	if loc == nil {
		return ctx
	}
	return context.WithValue(ctx, locationKey{}, loc)
}

// Location returns the display zone carried by ctx, or Asia/Jakarta.
func Location(ctx context.Context) *time.Location {
	if l, ok := ctx.Value(locationKey{}).(*time.Location); ok {
		return l
	}
	return jakarta
}

// ZoneLabel names the zone of t as Indonesians write it: WIB (UTC+7), WITA
// (UTC+8) or WIT (UTC+9); any other zone by its abbreviation.
func ZoneLabel(t time.Time) string {
	name, off := t.Zone()
	switch off {
	case 7 * 3600:
		return "WIB"
	case 8 * 3600:
		return "WITA"
	case 9 * 3600:
		return "WIT"
	}
	return name
}

// DateTime formats a time as "26 November 2026 14:05 WITA" in the
// regency's zone carried by ctx.
func DateTime(ctx context.Context, t time.Time) string {
	t = t.In(Location(ctx))
	return Date(t) + " " + t.Format("15:04") + " " + ZoneLabel(t)
}

// Month formats a month as "November 2026".
func Month(t time.Time) string { return bulan[t.Month()-1] + " " + strconv.Itoa(t.Year()) }
