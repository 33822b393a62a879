package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
)

func TestAttendanceImportHistoryPage(t *testing.T) {
	t.Parallel()
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
