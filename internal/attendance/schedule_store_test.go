package attendance

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
)

// weekForm is a form with the same window Monday to Friday.
func weekForm(kode, nama, start, end string) ScheduleForm {
	f := ScheduleForm{Kode: kode, Nama: nama}
	for d := time.Monday; d <= time.Friday; d++ {
		f.Start[d], f.End[d] = start, end
	}
	return f
}

func TestSaveScheduleValidation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sa := f.pr[auth.RoleSuperadmin]
	half := weekForm("X1", "Setengah", "07:30", "")
	tests := []struct {
		name  string
		form  ScheduleForm
		field string // "" means accepted
	}{
		{"five-day RSUD", weekForm("5HK-RSUD", "5 hari RSUD", "07:00", "15:30"), ""},
		{"night window ends next day", weekForm("MALAM", "Jaga malam", "21:00", "07:00"), ""},
		{"lower-case kode is upper-cased", weekForm("pagi", "Pagi", "07:00", "14:00"), ""},
		{"bad kode", weekForm("5 HK!", "Salah", "07:30", "16:00"), "kode"},
		{"kode taken", weekForm("5HK", "Lagi", "07:30", "16:00"), "kode"},
		{"no name", weekForm("X2", "  ", "07:30", "16:00"), "nama"},
		{"only a start on Monday", half, "mulai_1"},
		{"not a time", weekForm("X3", "Salah", "7.3x", "16:00"), "mulai_1"},
		{"end equals start", weekForm("X4", "Salah", "07:30", "07:30"), "mulai_1"},
		{"no work day", ScheduleForm{Kode: "X5", Nama: "Kosong"}, "mulai_1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := f.count(`SELECT count(*) FROM audit_log`)
			id, err := f.s.SaveSchedule(f.ctx, sa, "127.0.0.1", 0, tc.form)
			if tc.field == "" {
				if err != nil || id == 0 {
					t.Fatalf("refused: %v", err)
				}
				j, err := f.s.Schedule(f.ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if FormOf(j).Start[time.Monday] != tc.form.Start[time.Monday] || FormOf(j).End[time.Friday] != tc.form.End[time.Friday] {
					t.Errorf("stored %+v", FormOf(j))
				}
				if j.Week[time.Saturday] != (Window{}) || j.Week[time.Sunday] != (Window{}) {
					t.Errorf("weekend is not a day off: %+v", j.Week)
				}
				if n := f.count(`SELECT count(*) FROM audit_log WHERE action = 'presensi.jadwal_buat' AND object_id = ?`, itoa64(id)); n != 1 {
					t.Errorf("audit rows: %d", n)
				}
				return
			}
			var ve *apperr.ValidationError
			if !errors.As(err, &ve) || ve.Fields[tc.field] == "" {
				t.Fatalf("want a message on %s, got %v", tc.field, err)
			}
			if after := f.count(`SELECT count(*) FROM audit_log`); after != before {
				t.Errorf("refused form wrote %d audit rows", after-before)
			}
		})
	}
	// A night window is judged as one ending the next day.
	j, err := f.s.Schedule(f.ctx, f.count(`SELECT id FROM jadwal_kerja WHERE kode = 'MALAM'`))
	if err != nil || !j.Week[time.Monday].CrossesMidnight() {
		t.Fatalf("night schedule: %+v %v", j.Week[time.Monday], err)
	}
}

func TestEditSchedule(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sa := f.pr[auth.RoleSuperadmin]
	five := f.count(`SELECT id FROM jadwal_kerja WHERE kode = '5HK'`)
	j, err := f.s.Schedule(f.ctx, five)
	if err != nil {
		t.Fatal(err)
	}
	form := FormOf(j)
	if form.Start[time.Monday] != "07:30" || form.End[time.Friday] != "16:30" || form.Start[time.Saturday] != "" {
		t.Fatalf("seed as form: %+v", form)
	}

	// Saving the seed unchanged is a conflict, not a silent success.
	if _, err := f.s.SaveSchedule(f.ctx, sa, "", five, form); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("no-op edit: %v", err)
	}
	// Only the superadmin edits.
	for _, r := range []auth.Role{auth.RoleAdminOPD, auth.RoleVerifikator, auth.RolePegawai} {
		if _, err := f.s.SaveSchedule(f.ctx, f.pr[r], "", five, form); !errors.Is(err, apperr.ErrForbidden) {
			t.Errorf("%s: %v", r, err)
		}
	}
	if _, err := f.s.SaveSchedule(f.ctx, sa, "", 999999, form); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("missing schedule: %v", err)
	}

	// Friday ends at 16:00 and Saturday becomes a work day: October 2026
	// (five Saturdays) has 27 work days instead of 22.
	form.End[time.Friday] = "16:00"
	form.Start[time.Saturday], form.End[time.Saturday] = "08:00", "12:00"
	form.Kode = "GANTI" // ignored: the code of a stored schedule stays
	if _, err := f.s.SaveSchedule(f.ctx, sa, "10.0.0.1", five, form); err != nil {
		t.Fatal(err)
	}
	j, _ = f.s.Schedule(f.ctx, five)
	if j.Kode != "5HK" || !j.Bawaan || FormOf(j).End[time.Friday] != "16:00" || FormOf(j).Start[time.Saturday] != "08:00" {
		t.Fatalf("after edit: %+v", j)
	}
	r, err := f.s.MonthlyRecaps(f.ctx, f.opdID["DINKES"], 2026, time.October, DemoBands())
	if err != nil {
		t.Fatal(err)
	}
	if rc := r[f.pr[auth.RolePegawai].PegawaiID]; rc.WorkDays != 27 {
		t.Errorf("work days after adding Saturday: %d", rc.WorkDays)
	}
	if n := f.count(`SELECT count(*) FROM audit_log WHERE action = 'presensi.jadwal_ubah' AND object_id = ?
AND detail LIKE '%"pola_lama":[%16:30%' AND detail LIKE '%08:00-12:00%'`, itoa64(five)); n != 1 {
		t.Errorf("audit of the edit: %d", n)
	}
	// The seeds stay: both still there, 5HK still the default.
	if n := f.count(`SELECT count(*) FROM jadwal_kerja WHERE kode IN ('5HK', '6HK')`); n != 2 {
		t.Errorf("seeds: %d", n)
	}
}

func (f *fixture) count(q string, args ...any) int64 {
	f.t.Helper()
	var n int64
	if err := f.db.Raw(q, args...).Scan(&n).Error; err != nil {
		f.t.Fatal(err)
	}
	return n
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
