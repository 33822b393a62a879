package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// scheduleValues is a schedule form working Monday to Friday start-end.
func scheduleValues(kode, nama, start, end string) url.Values {
	v := url.Values{"kode": {kode}, "nama": {nama}}
	for d := 1; d <= 5; d++ {
		v.Set(fmt.Sprintf("mulai_%d", d), start)
		v.Set(fmt.Sprintf("selesai_%d", d), end)
	}
	return v
}

func TestAttendanceScheduleEditing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	sa := h.as(auth.RoleSuperadmin)
	five := h.count(`SELECT id FROM jadwal_kerja WHERE kode = '5HK'`)
	edit := fmt.Sprintf("/presensi/jadwal/%d/ubah", five)

	if res := sa.get("/presensi/jadwal"); !strings.Contains(res.body, `href="/presensi/jadwal/baru"`) || !strings.Contains(res.body, edit) {
		t.Fatalf("schedule page lacks the create and edit links: %d", res.status)
	}
	if res := h.as(auth.RoleAdminOPD).get("/presensi/jadwal"); strings.Contains(res.body, edit) {
		t.Error("admin_opd is offered the edit link")
	}
	if res := sa.get(edit); res.status != http.StatusOK || !strings.Contains(res.body, `value="16:30"`) {
		t.Fatalf("edit form: %d", res.status)
	}
	if res := sa.get("/presensi/jadwal/999999/ubah"); res.status != http.StatusNotFound {
		t.Errorf("missing schedule: %d", res.status)
	}

	fridayShort := scheduleValues("", "5 hari kerja", "07:30", "16:00")
	tests := []struct {
		name   string
		path   string
		form   url.Values
		status int
		want   string // in the body (422/409) or the stored pattern (303)
	}{
		{"new schedule", "/presensi/jadwal/baru", scheduleValues("RSUD-P", "Pagi RSUD", "07:00", "14:00"), http.StatusSeeOther, "07:00-14:00"},
		{"taken code", "/presensi/jadwal/baru", scheduleValues("5HK", "Lagi", "07:00", "14:00"), http.StatusUnprocessableEntity, "sudah dipakai"},
		{"half a day", "/presensi/jadwal/baru", url.Values{"kode": {"X"}, "nama": {"X"}, "mulai_1": {"07:00"}}, http.StatusUnprocessableEntity, "kosongkan keduanya"},
		{"no work day", "/presensi/jadwal/baru", url.Values{"kode": {"X"}, "nama": {"X"}}, http.StatusUnprocessableEntity, "paling sedikit satu hari kerja"},
		{"edit the seed", edit, fridayShort, http.StatusSeeOther, "07:30-16:00"},
		{"same edit again", edit, fridayShort, http.StatusConflict, "Tidak ada perubahan"},
		{"edit with a bad time", edit, scheduleValues("", "5 hari kerja", "25:00", "16:00"), http.StatusUnprocessableEntity, "HH:MM"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := h.count(`SELECT count(*) FROM audit_log`)
			res := sa.postForm(tc.path, tc.form)
			if res.status != tc.status {
				t.Fatalf("status %d, want %d: %s", res.status, tc.status, res.body)
			}
			audited := h.count(`SELECT count(*) FROM audit_log`) - before
			if tc.status == http.StatusSeeOther {
				if audited != 1 {
					t.Errorf("audit rows: %d", audited)
				}
				if n := h.count(`SELECT count(*) FROM jadwal_kerja WHERE ? = ANY(pola)`, tc.want); n == 0 {
					t.Errorf("pattern %s not stored", tc.want)
				}
				return
			}
			if audited != 0 {
				t.Errorf("refused form wrote %d audit rows", audited)
			}
			if !strings.Contains(res.body, tc.want) {
				t.Errorf("body lacks %q", tc.want)
			}
		})
	}
	// The edit kept the code and the default flag; the seeds are both there.
	if n := h.count(`SELECT count(*) FROM jadwal_kerja WHERE kode = '5HK' AND bawaan AND pola[6] = '07:30-16:00'`); n != 1 {
		t.Error("5HK after the edit")
	}
	if n := h.count(`SELECT count(*) FROM jadwal_kerja WHERE kode IN ('5HK', '6HK')`); n != 2 {
		t.Error("a seed is gone")
	}
	// The new schedule can be assigned at once.
	rsud := h.count(`SELECT id FROM jadwal_kerja WHERE kode = 'RSUD-P'`)
	if res := h.as(auth.RoleAdminOPD).postForm("/presensi/jadwal", url.Values{"jadwal_id": {itoa(rsud)}, "target": {"opd"}, "mulai": {"2026-10-01"}}); res.status != http.StatusSeeOther {
		t.Errorf("assign the new schedule: %d", res.status)
	}
}
