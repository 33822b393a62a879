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

func TestAttendanceImportHistoryPage(t *testing.T) {
	h := newHarness(t)
	admin := h.as(auth.RoleAdminOPD)
	own := login(t, auth.RolePegawai).NIP
	if res := admin.get("/presensi/impor/riwayat"); res.status != http.StatusOK || !strings.Contains(res.body, "Belum ada impor") {
		t.Fatalf("empty history: %d", res.status)
	}
	csv := "nip;tanggal;jam_masuk;jam_pulang\n" + own + ";2026-10-01;07:30;16:00\n" + own + ";2026-10-02;07:40;16:00\n"
	if res := admin.postFile("/presensi/impor", "oktober-minggu1.csv", []byte(csv), nil); res.status != http.StatusOK {
		t.Fatalf("import: %d", res.status)
	}
	sum := ""
	h.db.Raw(`SELECT sha256 FROM impor_kehadiran`).Scan(&sum)
	dinkes := h.count(`SELECT id FROM opd WHERE kode = 'DINKES'`)
	bkpsdm := h.count(`SELECT id FROM opd WHERE kode = 'BKPSDM'`)

	tests := []struct {
		role   auth.Role
		path   string
		status int
		want   []string
	}{
		{auth.RoleAdminOPD, "/presensi/impor/riwayat", http.StatusOK, []string{"riwayat-impor", "oktober-minggu1.csv", sum, login(t, auth.RoleAdminOPD).NIP, `<td class="num">2</td>`}},
		{auth.RoleAdminOPD, "/presensi/impor/riwayat?opd=" + itoa(dinkes), http.StatusOK, []string{"oktober-minggu1.csv"}},
		{auth.RoleAdminOPD, "/presensi/impor/riwayat?opd=" + itoa(bkpsdm), http.StatusNotFound, nil},
		{auth.RoleAdminOPD, "/presensi/impor/riwayat?opd=abc", http.StatusNotFound, nil},
		{auth.RoleVerifikator, "/presensi/impor/riwayat", http.StatusOK, []string{"oktober-minggu1.csv", "Semua OPD"}},
		{auth.RoleSuperadmin, "/presensi/impor/riwayat?opd=" + itoa(dinkes), http.StatusOK, []string{"oktober-minggu1.csv"}},
		{auth.RoleSuperadmin, "/presensi/impor/riwayat?opd=" + itoa(bkpsdm), http.StatusOK, []string{"Belum ada impor"}},
		{auth.RolePegawai, "/presensi/impor/riwayat", http.StatusForbidden, nil},
	}
	for _, tc := range tests {
		t.Run(string(tc.role)+" "+tc.path, func(t *testing.T) {
			res := h.as(tc.role).get(tc.path)
			if res.status != tc.status {
				t.Fatalf("status %d, want %d", res.status, tc.status)
			}
			for _, w := range tc.want {
				if !strings.Contains(res.body, w) {
					t.Errorf("body lacks %q", w)
				}
			}
			if tc.status != http.StatusOK && strings.Contains(res.body, "oktober-minggu1.csv") {
				t.Error("refused page leaks the history")
			}
		})
	}
}

func TestAttendanceLeaveCancel(t *testing.T) {
	h := newHarness(t)
	peg, atasan := h.as(auth.RolePegawai), h.as(auth.RoleAtasan)
	request := func(mulai string) int64 {
		t.Helper()
		res := peg.postForm("/presensi/cuti", url.Values{"jenis": {"tahunan"}, "mulai": {mulai}, "selesai": {mulai}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("request: %d %s", res.status, res.body)
		}
		return h.count(`SELECT max(id) FROM cuti`)
	}
	waiting := request("2026-12-07")
	decided := request("2026-12-08")
	if res := atasan.postForm(fmt.Sprintf("/presensi/cuti/%d/putus", decided), url.Values{"keputusan": {"setujui"}}); res.status != http.StatusSeeOther {
		t.Fatalf("approve: %d", res.status)
	}
	page := peg.get("/presensi/cuti")
	if !strings.Contains(page.body, fmt.Sprintf("/presensi/cuti/%d/batal", waiting)) || strings.Contains(page.body, fmt.Sprintf("/presensi/cuti/%d/batal", decided)) {
		t.Fatal("the cancel button belongs to the waiting request only")
	}

	tests := []struct {
		name   string
		role   auth.Role
		id     int64
		status int
		audit  int64
	}{
		{"the atasan cannot cancel a subordinate's request", auth.RoleAtasan, waiting, http.StatusNotFound, 0},
		{"decided: conflict", auth.RolePegawai, decided, http.StatusConflict, 0},
		{"own waiting request", auth.RolePegawai, waiting, http.StatusSeeOther, 1},
		{"again: conflict", auth.RolePegawai, waiting, http.StatusConflict, 0},
		{"admin_opd: forbidden", auth.RoleAdminOPD, waiting, http.StatusForbidden, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := h.count(`SELECT count(*) FROM audit_log WHERE action = 'presensi.cuti_batal'`)
			res := h.as(tc.role).postForm(fmt.Sprintf("/presensi/cuti/%d/batal", tc.id), nil)
			if res.status != tc.status {
				t.Fatalf("status %d, want %d", res.status, tc.status)
			}
			if n := h.count(`SELECT count(*) FROM audit_log WHERE action = 'presensi.cuti_batal'`) - before; n != tc.audit {
				t.Errorf("audit rows %d, want %d", n, tc.audit)
			}
		})
	}
	if n := h.count(`SELECT count(*) FROM cuti WHERE id = ? AND status = 'dibatalkan'`, waiting); n != 1 {
		t.Error("request not cancelled")
	}
	if n := h.count(`SELECT count(*) FROM cuti WHERE id = ? AND status = 'disetujui'`, decided); n != 1 {
		t.Error("decided request changed")
	}
	// The atasan no longer has it to decide.
	if res := atasan.get("/presensi/cuti"); strings.Contains(res.body, fmt.Sprintf("/presensi/cuti/%d/putus", waiting)) {
		t.Error("cancelled request still waits for the atasan")
	}
}
