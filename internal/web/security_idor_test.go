package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// dbFingerprint hashes every business table (not the append-only or
// per-request bookkeeping ones), so a test can prove "nothing changed".
// except removes rows of the given table -> "column = value" (the actor's
// own rows, which a legitimate form may change).
func (h *harness) dbFingerprint(except map[string]string) map[string]string {
	h.t.Helper()
	var tables []string
	h.db.Raw(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
AND table_name NOT IN ('audit_log', 'sessions', 'login_throttle', 'refresh_tokens', 'login_challenges', 'goose_db_version') ORDER BY 1`).Scan(&tables)
	// One statement for all tables (one round trip, not one per table).
	// Table names come from information_schema, conditions from the test itself.
	parts := make([]string, 0, len(tables))
	names := make([]any, 0, len(tables))
	for _, tb := range tables {
		where := "true"
		if cond, ok := except[tb]; ok {
			where = "NOT (" + cond + ")"
		}
		names = append(names, tb)
		parts = append(parts, `SELECT ?::text AS tb, coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS sum FROM `+pgIdent(tb)+` t WHERE `+where)
	}
	var sums []struct {
		Tb  string `gorm:"column:tb"`
		Sum string `gorm:"column:sum"`
	}
	if err := h.db.Raw(strings.Join(parts, "\nUNION ALL\n"), names...).Scan(&sums).Error; err != nil {
		h.t.Fatalf("fingerprint: %v", err)
	}
	if len(sums) != len(tables) {
		h.t.Fatalf("fingerprint: %d sums for %d tables", len(sums), len(tables))
	}
	out := make(map[string]string, len(sums))
	for _, s := range sums {
		out[s.Tb] = s.Sum
	}
	return out
}

func pgIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// idorCase is one request that must be refused and change nothing: an
// employee reaching another's record, an OPD admin reaching another OPD's.
// Each area adds its cases to idorCases (below) for the routes that take an ID.
type idorCase struct {
	name   string
	role   auth.Role
	method string
	path   string
	form   url.Values
}

// checkIDOR runs cases and asserts each is refused (403 or 404) and leaves
// every business table as it was.
func checkIDOR(t *testing.T, h *harness, cases []idorCase) {
	t.Helper()
	clients := map[auth.Role]*client{}
	for _, tc := range cases {
		c := clients[tc.role]
		if c == nil {
			c = h.as(tc.role)
			clients[tc.role] = c
		}
		before := h.dbFingerprint(nil)
		var res response
		if tc.method == http.MethodGet {
			res = c.get(tc.path)
		} else {
			res = c.postForm(tc.path, tc.form)
		}
		if res.status != http.StatusForbidden && res.status != http.StatusNotFound {
			t.Errorf("%s: %s %s as %s: status %d, want 403 or 404", tc.name, tc.method, tc.path, tc.role, res.status)
		}
		after := h.dbFingerprint(nil)
		for tb, sum := range before {
			if after[tb] != sum {
				t.Errorf("%s: table %s changed", tc.name, tb)
			}
		}
	}
}

// idorCases returns the cross-employee and cross-OPD requests of every area.
func idorCases(h *harness) []idorCase {
	var bkpsdm int64
	h.db.Raw(`SELECT id FROM opd WHERE kode = 'BKPSDM'`).Scan(&bkpsdm)
	other := login(h.t, auth.RoleSuperadmin).NIP
	cases := []idorCase{
		// security: an admin_opd of DINKES cannot make itself admin of BKPSDM.
		{"admin_opd to another OPD", auth.RoleAdminOPD, http.MethodPost, "/peran", url.Values{"peran": {"admin_opd:" + itoa(bkpsdm)}}},
		{"pegawai to superadmin", auth.RolePegawai, http.MethodPost, "/peran", url.Values{"peran": {"superadmin"}}},
		{"pegawai reads another's audit trail", auth.RolePegawai, http.MethodGet, "/audit?nip=" + other, nil},
		// org, kinerja, attendance and tpp: add "/pegawai/<other OPD's id>" and the like here.
	}
	// attendance (second round): schedules are the superadmin's alone.
	five := h.count(`SELECT id FROM jadwal_kerja WHERE kode = '5HK'`)
	cases = append(cases,
		idorCase{"admin_opd edits a schedule", auth.RoleAdminOPD, http.MethodPost, "/presensi/jadwal/" + itoa(five) + "/ubah",
			url.Values{"nama": {"Diubah"}, "mulai_1": {"08:00"}, "selesai_1": {"12:00"}}},
		idorCase{"verifikator reads a schedule's edit form", auth.RoleVerifikator, http.MethodGet, "/presensi/jadwal/" + itoa(five) + "/ubah", nil},
		idorCase{"admin_opd reads another OPD's import history", auth.RoleAdminOPD, http.MethodGet, "/presensi/impor/riwayat?opd=" + itoa(bkpsdm), nil},
	)
	// attendance: a pegawai cannot cancel another employee's leave request.
	var leaveID int64
	h.db.Raw(`INSERT INTO cuti (pegawai_id, jenis, mulai, selesai, diajukan_oleh)
SELECT p.id, 'tahunan', '2026-12-14', '2026-12-14', u.id FROM pegawai p JOIN opd o ON o.id = p.opd_id, users u
WHERE o.kode = 'BKPSDM' AND u.nip = ? ORDER BY p.id LIMIT 1 RETURNING id`, other).Scan(&leaveID)
	if leaveID == 0 {
		h.t.Fatal("no leave request for the IDOR case")
	}
	cases = append(cases,
		idorCase{"pegawai cancels another's leave", auth.RolePegawai, http.MethodPost, "/presensi/cuti/" + itoa(leaveID) + "/batal", nil},
		idorCase{"atasan cancels another's leave", auth.RoleAtasan, http.MethodPost, "/presensi/cuti/" + itoa(leaveID) + "/batal", nil})
	cases = append(cases, kinerjaRound2IDOR(h)...)
	cases = append(cases, areaIDORCases(h)...)
	return append(cases, orgRound2IDOR(h)...)
}

// orgRound2IDOR: the demo admin_opd (DINKES) reaches for BKPSDM's
// assignments and units.
func orgRound2IDOR(h *harness) []idorCase {
	peg, _ := h.bkpsdmPegawai()
	var jab, riwayat int64
	h.db.Raw(`SELECT j.id FROM jabatan j JOIN opd o ON o.id = j.opd_id WHERE o.kode = 'BKPSDM' ORDER BY j.id LIMIT 1`).Scan(&jab)
	h.db.Raw(`INSERT INTO riwayat_jabatan (pegawai_id, jabatan_id, jenis, mulai, selesai) VALUES (?, ?, 'plt', current_date - 30, current_date + 30) RETURNING id`,
		peg, jab).Scan(&riwayat)
	end := url.Values{"berakhir": {time.Now().Format(time.DateOnly)}}
	var unit int64
	h.db.Raw(`SELECT u.id FROM unit_kerja u JOIN opd o ON o.id = u.opd_id WHERE o.kode = 'BKPSDM' ORDER BY u.id LIMIT 1`).Scan(&unit)
	if unit == 0 {
		h.db.Raw(`INSERT INTO unit_kerja (opd_id, kode, nama) SELECT id, 'IDOR-BKPSDM', 'Bidang Uji' FROM opd WHERE kode = 'BKPSDM' RETURNING id`).Scan(&unit)
	}
	return []idorCase{
		{"admin_opd ends another OPD's Plt", auth.RoleAdminOPD, http.MethodPost, "/pegawai/" + itoa(peg) + "/penugasan/" + itoa(riwayat) + "/akhiri", end},
		{"admin_opd opens another OPD's unit form", auth.RoleAdminOPD, http.MethodGet, "/unit/" + itoa(unit) + "/ubah", nil},
		{"admin_opd renames another OPD's unit", auth.RoleAdminOPD, http.MethodPost, "/unit/" + itoa(unit), url.Values{"kode": {"DIAMBIL"}, "nama": {"Diambil"}}},
	}
}

// kinerjaRound2IDOR: the demo pegawai reaches for their atasan's plan
// through the RHK and indicator edit and delete routes.
func kinerjaRound2IDOR(h *harness) []idorCase {
	var x struct {
		SKP int64 `gorm:"column:skp"`
		RHK int64 `gorm:"column:rhk"`
		Ind int64 `gorm:"column:ind"`
	}
	h.db.Raw(`SELECT k.id AS skp, r.id AS rhk, i.id AS ind FROM skp k JOIN rhk r ON r.skp_id = k.id JOIN rhk_indikator i ON i.rhk_id = r.id
JOIN users u ON u.pegawai_id = k.pegawai_id WHERE u.nip = ? ORDER BY r.id, i.id LIMIT 1`, login(h.t, auth.RoleAtasan).NIP).Scan(&x)
	if x.Ind == 0 {
		h.t.Fatal("no plan of the demo atasan")
	}
	// Make it editable, so only the owner check stands in the way.
	h.db.Exec(`UPDATE skp SET status = 'draft' WHERE id = ?`, x.SKP)
	skp, rhk, ind := "/kinerja/skp/"+itoa(x.SKP), "/rhk/"+itoa(x.RHK), "/indikator/"+itoa(x.Ind)
	indForm := url.Values{"aspek": {"waktu"}, "indikator": {"diubah"}, "target": {"3"}, "satuan": {"bulan"}}
	return []idorCase{
		{"pegawai edits the atasan's RHK", auth.RolePegawai, http.MethodPost, skp + rhk, url.Values{"uraian": {"diubah"}}},
		{"pegawai deletes the atasan's RHK", auth.RolePegawai, http.MethodPost, skp + rhk + "/hapus", nil},
		{"pegawai edits the atasan's indicator", auth.RolePegawai, http.MethodPost, skp + ind, indForm},
		{"pegawai deletes the atasan's indicator", auth.RolePegawai, http.MethodPost, skp + ind + "/hapus", nil},
		{"RHK under the pegawai's own plan id", auth.RolePegawai, http.MethodPost, "/kinerja/skp/1" + rhk + "/hapus", nil},
	}
}

func TestIDORAcrossEmployeesAndOPDs(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	checkIDOR(t, h, idorCases(h))
}
