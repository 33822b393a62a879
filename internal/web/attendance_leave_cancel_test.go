package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
)

func TestAttendanceLeaveCancel(t *testing.T) {
	t.Parallel()
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
