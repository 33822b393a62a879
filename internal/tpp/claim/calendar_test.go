package claim

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestCalendarWorkingDays(t *testing.T) {
	t.Parallel()
	five := "|07:30-16:00|07:30-16:00|07:30-16:00|07:30-16:00|07:30-16:30|"
	six := "|07:30-14:30|07:30-14:30|07:30-14:30|07:30-14:30|07:30-11:30|07:30-13:00"
	for _, tc := range []struct {
		name, pola, holidays, from, to string
		want                           int
	}{
		{"Agustus 2026 Senin-Jumat tanpa libur", five, "", "2026-08-01", "2026-08-31", 21},
		{"Agustus 2026 dengan 17 dan 25 Agustus", five, "2026-08-17,2026-08-25", "2026-08-01", "2026-08-31", 19},
		{"Agustus 2026 enam hari kerja", six, "2026-08-17,2026-08-25", "2026-08-01", "2026-08-31", 24},
		{"libur di hari Minggu tidak mengurangi", five, "2026-05-31", "2026-05-25", "2026-05-31", 5},
		{"tanpa jadwal bawaan: Senin-Jumat", "", "", "2026-11-01", "2026-11-30", 21},
		{"satu hari libur", five, "2026-08-17", "2026-08-17", "2026-08-17", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := newCalendar(tc.pola, tc.holidays).workingDays(day(tc.from), day(tc.to)); got != tc.want {
				t.Fatalf("workingDays = %d, want %d", got, tc.want)
			}
		})
	}
}

// TestPltWorkingDaysUseHolidayCalendar: August 2026 has 21 weekdays but two
// national holidays (17 and 25 August, seeded in hari_libur), so a Plt the
// whole month served 19 working days, under the demo minimum of 20: no
// Plt addition. A plain Monday-Friday count would have paid it.
func TestPltWorkingDaysUseHolidayCalendar(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	// The demo rule set (from 2026-01) covers August.
	aug := tpp.Period{Year: 2026, Month: 8}
	a := f.mkPegawai(f.opd, "Plt Agustus", "PNS", "III/c", "888")
	f.assign(a, f.mkJabatan(f.opd, "Analis", 9), "definitif", "2020-01-01", nil)
	f.assign(a, f.mkJabatan(f.opd, "Kepala Bidang", 12), "plt", "2026-08-01", "2026-08-31")
	s := NewService(f.db, fakeKinerja{a: {Predikat: "baik"}}, &fakeAttendance{recaps: map[int64]AttendanceRecap{a: {}}})
	v := f.actor(auth.RoleVerifikator, 0)
	c, err := s.Compute(ctx, v, f.opd, aug)
	if err != nil {
		t.Fatal(err)
	}
	sl, err := s.Slip(ctx, v, c.ID, a)
	if err != nil {
		t.Fatal(err)
	}
	if sl.Input.Plt == nil || sl.Input.Plt.WorkingDays != 19 {
		t.Fatalf("plt = %+v, want 19 working days", sl.Input.Plt)
	}
	l, ok := lineCode(sl.Lines, tpp.CodePlt)
	if !ok || l.Amount != 0 || !strings.Contains(l.Reason, "19 hari kerja") {
		t.Fatalf("plt line = %+v", l)
	}

	// The superadmin removes 25 August from the calendar: 20 days, paid.
	f.exec(`DELETE FROM hari_libur WHERE tanggal = '2026-08-25'`)
	if c, err = s.Compute(ctx, v, f.opd, aug); err != nil {
		t.Fatal(err)
	}
	if sl, err = s.Slip(ctx, v, c.ID, a); err != nil {
		t.Fatal(err)
	}
	if l, ok = lineCode(sl.Lines, tpp.CodePlt); !ok || sl.Input.Plt.WorkingDays != 20 || l.Amount <= 0 {
		t.Fatalf("after removing a holiday: plt %+v line %+v", sl.Input.Plt, l)
	}
}
