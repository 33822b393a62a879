package web

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/attendance"
	"github.com/ekinerja/ekinerja/internal/auth"
)

// postFile posts a multipart form with one file field "berkas".
func (c *client) postFile(path, name string, data []byte, fields url.Values) response {
	c.h.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("csrf_token", c.csrf())
	for k, vs := range fields {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	fw, _ := w.CreateFormFile("berkas", name)
	_, _ = fw.Write(data)
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, c.h.ts.URL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
}

// ids returns the id of the first employee of an OPD and the demo login's pegawai id.
func (h *harness) pegawaiOf(kode string) int64 {
	h.t.Helper()
	return h.count(`SELECT min(p.id) FROM pegawai p JOIN opd o ON o.id = p.opd_id WHERE o.kode = ?`, kode)
}

func (h *harness) pegawaiID(role auth.Role) int64 {
	h.t.Helper()
	return h.count(`SELECT pegawai_id FROM users WHERE nip = ?`, login(h.t, role).NIP)
}

func TestAttendanceImportAndRecapPages(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.as(auth.RoleAdminOPD)
	dinkes := h.count(`SELECT id FROM opd WHERE kode = 'DINKES'`)

	// A month of demo attendance imports from the documented layout.
	var csv bytes.Buffer
	st := attendance.NewStore(h.db, h.cfg.Location)
	if err := st.DemoCSV(context.Background(), &csv, dinkes, 2026, time.October); err != nil {
		t.Fatal(err)
	}
	res := admin.postFile("/presensi/impor", "oktober.csv", csv.Bytes(), nil)
	if res.status != http.StatusOK || !strings.Contains(res.body, "Berkas diimpor") {
		t.Fatalf("import: %d %s", res.status, res.body)
	}
	if n := h.count(`SELECT count(*) FROM kehadiran`); n < 300 {
		t.Fatalf("records imported: %d", n)
	}
	// Again: nothing changes.
	res = admin.postFile("/presensi/impor", "oktober.csv", csv.Bytes(), nil)
	if !strings.Contains(res.body, "Ditambah 0, diubah 0, dihapus 0") {
		t.Errorf("reimport report: %s", res.body)
	}

	// Bad rows are refused with their line numbers; nothing is applied.
	bkpsdmNIP := ""
	h.db.Raw(`SELECT p.nip FROM pegawai p JOIN opd o ON o.id = p.opd_id WHERE o.kode = 'BKPSDM' ORDER BY p.id LIMIT 1`).Scan(&bkpsdmNIP)
	own := login(t, auth.RolePegawai).NIP
	bad := "nip;tanggal;jam_masuk;jam_pulang\n" + own + ";2026-11-02;07:30;16:00\n" + bkpsdmNIP + ";2026-11-02;07:30;16:00\n" + own + ";31/02/2026;07:30;16:00\n"
	res = admin.postFile("/presensi/impor", "salah.csv", []byte(bad), nil)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad file: %d", res.status)
	}
	for _, want := range []string{">3<", "pegawai OPD lain", ">4<", "tanggal tidak valid"} {
		if !strings.Contains(res.body, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if n := h.count(`SELECT count(*) FROM kehadiran WHERE tanggal = '2026-11-02'`); n != 0 {
		t.Errorf("refused file applied %d rows", n)
	}
	// Without a file: a form error, not a crash.
	if res := admin.postForm("/presensi/impor", nil); res.status != http.StatusUnprocessableEntity {
		t.Errorf("no file: %d", res.status)
	}

	// The recap page shows the OPD's employees; the employee page the days.
	res = admin.get("/presensi/rekap?bulan=2026-10")
	if res.status != http.StatusOK || !strings.Contains(res.body, "rekap-opd") || !strings.Contains(res.body, login(t, auth.RolePegawai).Nama) {
		t.Fatalf("recap page: %d", res.status)
	}
	pid := h.pegawaiID(auth.RolePegawai)
	res = admin.get(fmt.Sprintf("/presensi/pegawai/%d?bulan=2026-10", pid))
	if res.status != http.StatusOK || !strings.Contains(res.body, "status-harian") || !strings.Contains(res.body, "Jumat, 2 Oktober 2026") {
		t.Fatalf("employee page: %d", res.status)
	}
	// The employee sees their own page through /presensi/saya.
	peg := h.as(auth.RolePegawai)
	if res := peg.get("/presensi/saya"); res.status != http.StatusSeeOther || res.header.Get("Location") != fmt.Sprintf("/presensi/pegawai/%d", pid) {
		t.Errorf("saya: %d %s", res.status, res.header.Get("Location"))
	}
	if res := peg.get(fmt.Sprintf("/presensi/pegawai/%d?bulan=2026-10", pid)); res.status != http.StatusOK {
		t.Errorf("own page: %d", res.status)
	}
	// JSON for other systems.
	if res := admin.get("/api/v1/presensi/rekap?bulan=2026-10"); res.status != http.StatusOK || !strings.Contains(res.body, `"pegawai_id"`) {
		t.Errorf("api: %d %s", res.status, res.body)
	}

	// A correction without a reason is refused next to the field; with one it is stored and audited.
	path := fmt.Sprintf("/presensi/pegawai/%d/koreksi?bulan=2026-10", pid)
	res = admin.postForm(path, url.Values{"tanggal": {"2026-10-05"}, "jam_masuk": {"07:30"}})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Alasan koreksi wajib") {
		t.Fatalf("correction without reason: %d", res.status)
	}
	res = admin.postForm(path, url.Values{"tanggal": {"2026-10-05"}, "jam_masuk": {"07:30"}, "alasan": {"Mesin sidik jari rusak pagi hari"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("correction: %d %s", res.status, res.body)
	}
	if n := h.count(`SELECT count(*) FROM audit_log WHERE action = 'presensi.koreksi'`); n != 1 {
		t.Errorf("correction audit rows: %d", n)
	}
}

// TestAttendanceIDOR: people outside an employee's scope get 404 (never the
// data) on every attendance route that takes an ID or an OPD.
func TestAttendanceIDOR(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	other := h.pegawaiOf("BKPSDM") // not in DINKES, not a subordinate of the demo atasan
	bkpsdm := h.count(`SELECT id FROM opd WHERE kode = 'BKPSDM'`)
	// A leave request of a BKPSDM employee, filed by the verifikator's... via SQL.
	var leaveID int64
	h.db.Raw(`INSERT INTO cuti (pegawai_id, jenis, mulai, selesai, diajukan_oleh) VALUES (?, 'tahunan', '2026-10-01', '2026-10-02', (SELECT min(id) FROM users)) RETURNING id`, other).Scan(&leaveID)

	cases := []struct {
		role   auth.Role
		method string
		path   string
		form   url.Values
	}{
		{auth.RoleAdminOPD, http.MethodGet, fmt.Sprintf("/presensi/pegawai/%d", other), nil},
		{auth.RoleAdminOPD, http.MethodPost, fmt.Sprintf("/presensi/pegawai/%d/koreksi", other), url.Values{"tanggal": {"2026-10-01"}, "hadir": {"1"}, "alasan": {"mencoba IDOR"}}},
		{auth.RoleAdminOPD, http.MethodGet, fmt.Sprintf("/presensi/rekap?opd=%d", bkpsdm), nil},
		{auth.RoleAdminOPD, http.MethodGet, fmt.Sprintf("/api/v1/presensi/rekap?opd=%d", bkpsdm), nil},
		{auth.RolePegawai, http.MethodGet, fmt.Sprintf("/presensi/pegawai/%d", other), nil},
		{auth.RoleAtasan, http.MethodGet, fmt.Sprintf("/presensi/pegawai/%d", other), nil},
		{auth.RoleAtasan, http.MethodPost, fmt.Sprintf("/presensi/cuti/%d/putus", leaveID), url.Values{"keputusan": {"setujui"}}},
	}
	for _, c := range cases {
		t.Run(string(c.role)+" "+c.method+" "+c.path, func(t *testing.T) {
			cl := h.as(c.role)
			var res response
			if c.method == http.MethodGet {
				res = cl.get(c.path)
			} else {
				res = cl.postForm(c.path, c.form)
			}
			if res.status != http.StatusNotFound && res.status != http.StatusForbidden {
				t.Fatalf("status %d, want 403/404", res.status)
			}
		})
	}
	// An admin_opd cannot put another OPD's employee on a schedule.
	otherNIP := ""
	h.db.Raw(`SELECT nip FROM pegawai WHERE id = ?`, other).Scan(&otherNIP)
	res0 := h.as(auth.RoleAdminOPD).postForm("/presensi/jadwal", url.Values{"jadwal_id": {"2"}, "target": {"pegawai"}, "nip": {otherNIP}, "mulai": {"2026-10-01"}})
	if res0.status != http.StatusUnprocessableEntity || h.count(`SELECT count(*) FROM jadwal_kerja_penugasan`) != 0 {
		t.Errorf("cross-OPD schedule: %d", res0.status)
	}
	// An admin_opd leave request for another OPD's employee is refused.
	res := h.as(auth.RoleAdminOPD).postForm("/presensi/cuti", url.Values{"pegawai_id": {fmt.Sprint(other)}, "jenis": {"tahunan"}, "mulai": {"2026-10-01"}, "selesai": {"2026-10-01"}})
	if res.status != http.StatusUnprocessableEntity {
		t.Errorf("cross-OPD leave: %d", res.status)
	}
	if n := h.count(`SELECT count(*) FROM koreksi_kehadiran`); n != 0 {
		t.Errorf("cross-OPD correction stored")
	}
	if n := h.count(`SELECT count(*) FROM cuti WHERE status <> 'diajukan' OR pegawai_id = ? AND id <> ?`, other, leaveID); n != 0 {
		t.Errorf("cross-scope leave changed")
	}
}

func TestAttendanceLeaveFlow(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	peg, atasan := h.as(auth.RolePegawai), h.as(auth.RoleAtasan)
	// Bad dates: 422 next to the field.
	res := peg.postForm("/presensi/cuti", url.Values{"jenis": {"tahunan"}, "mulai": {"2026-10-05"}, "selesai": {"2026-10-01"}})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "tidak boleh sebelum") {
		t.Fatalf("bad dates: %d", res.status)
	}
	res = peg.postForm("/presensi/cuti", url.Values{"jenis": {"sakit"}, "mulai": {"2026-10-05"}, "selesai": {"2026-10-06"}, "keterangan": {"Surat dokter"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("request: %d %s", res.status, res.body)
	}
	id := h.count(`SELECT max(id) FROM cuti`)
	page := atasan.get("/presensi/cuti")
	if !strings.Contains(page.body, fmt.Sprintf("/presensi/cuti/%d/putus", id)) {
		t.Fatal("atasan does not see the request to decide")
	}
	home := atasan.get("/")
	if !strings.Contains(home.body, "Pengajuan cuti/DL bawahan") {
		t.Error("atasan home lacks the waiting leave")
	}
	// Rejecting needs a reason.
	if res := atasan.postForm(fmt.Sprintf("/presensi/cuti/%d/putus", id), url.Values{"keputusan": {"tolak"}}); res.status != http.StatusUnprocessableEntity {
		t.Errorf("reject without reason: %d", res.status)
	}
	if res := atasan.postForm(fmt.Sprintf("/presensi/cuti/%d/putus", id), url.Values{"keputusan": {"setujui"}}); res.status != http.StatusSeeOther {
		t.Fatalf("approve: %d", res.status)
	}
	if n := h.count(`SELECT count(*) FROM cuti WHERE id = ? AND status = 'disetujui'`, id); n != 1 {
		t.Fatal("not approved")
	}
	// Twice: conflict, not a second change.
	if res := atasan.postForm(fmt.Sprintf("/presensi/cuti/%d/putus", id), url.Values{"keputusan": {"tolak"}, "alasan": {"berubah pikiran"}}); res.status != http.StatusConflict {
		t.Errorf("second decision: %d", res.status)
	}
}

func TestAttendanceSanctionsAndHolidays(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ver := h.as(auth.RoleVerifikator)
	nip := login(t, auth.RolePegawai).NIP
	res := ver.postForm("/presensi/hukdis", url.Values{"nip": {nip}, "nomor_sk": {""}, "jenis": {"sedang"}, "mulai_bulan": {"2026-10"}, "lama_bulan": {"6"}})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Nomor SK wajib") {
		t.Fatalf("missing decree number: %d", res.status)
	}
	res = ver.postForm("/presensi/hukdis", url.Values{"nip": {nip}, "nomor_sk": {"800/1/2026"}, "jenis": {"sedang"}, "mulai_bulan": {"2026-10"}, "lama_bulan": {"6"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("record: %d %s", res.status, res.body)
	}
	// The recap shows the sanction in force.
	res = ver.get(fmt.Sprintf("/presensi/rekap?opd=%d&bulan=2026-11", h.count(`SELECT id FROM opd WHERE kode='DINKES'`)))
	if !strings.Contains(res.body, "sedang (bulan ke-2, SK 800/1/2026)") {
		t.Error("recap lacks the sanction in force")
	}

	sa := h.as(auth.RoleSuperadmin)
	if res := sa.get("/presensi/libur?tahun=2026"); !strings.Contains(res.body, "Hari Proklamasi Kemerdekaan RI") {
		t.Error("2026 calendar not seeded")
	}
	if res := sa.postForm("/presensi/libur", url.Values{"tanggal": {"2026-09-10"}, "nama": {""}, "jenis": {"libur_daerah"}}); res.status != http.StatusUnprocessableEntity {
		t.Errorf("holiday without name: %d", res.status)
	}
	if res := sa.postForm("/presensi/libur", url.Values{"tanggal": {"2026-09-10"}, "nama": {"Hari Jadi Kabupaten"}, "jenis": {"libur_daerah"}}); res.status != http.StatusSeeOther {
		t.Errorf("holiday: %d", res.status)
	}
	if res := sa.postForm("/presensi/libur/hapus", url.Values{"tanggal": {"2026-09-10"}}); res.status != http.StatusSeeOther {
		t.Errorf("delete holiday: %d", res.status)
	}
	// Schedules: the admin_opd assigns the six-day week to its own OPD.
	admin := h.as(auth.RoleAdminOPD)
	if res := admin.postForm("/presensi/jadwal", url.Values{"jadwal_id": {"2"}, "target": {"opd"}, "mulai": {""}}); res.status != http.StatusUnprocessableEntity {
		t.Errorf("schedule without date: %d", res.status)
	}
	if res := admin.postForm("/presensi/jadwal", url.Values{"jadwal_id": {"2"}, "target": {"opd"}, "opd_id": {"1"}, "mulai": {"2026-10-01"}}); res.status != http.StatusSeeOther {
		t.Errorf("schedule: %d %s", res.status, res.body)
	}
	if n := h.count(`SELECT count(*) FROM jadwal_kerja_penugasan a JOIN opd o ON o.id = a.opd_id WHERE o.kode = 'DINKES'`); n != 1 {
		t.Errorf("admin_opd's schedule went elsewhere (opd_id in the form must be ignored): %d", n)
	}
	if n := h.count(`SELECT count(*) FROM audit_log WHERE action LIKE 'presensi.%'`); n != 4 {
		t.Errorf("audit rows: %d, want 4", n)
	}
}
