package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// formOn returns the values a form posting to action renders on page, as
// seen by c: a well-formed body, so a refusal cannot be a validation error.
func (h *harness) formOn(c *client, page, action string) url.Values {
	h.t.Helper()
	res := c.get(page)
	_, forms := parsePage(page2(page, res))
	for _, f := range forms {
		if f.action == action {
			v := url.Values{}
			for _, fl := range f.fields {
				if fl.name != "csrf_token" && fl.name != "" {
					v.Add(fl.name, fl.value)
				}
			}
			return v
		}
	}
	h.t.Fatalf("no form to %s on %s (status %d)", action, page, res.status)
	return nil
}

func page2(path string, res response) page {
	return page{path: path, status: res.status, header: res.header, body: res.body}
}

// idorID returns the one id a setup query finds, failing when none.
func (h *harness) idorID(q string, args ...any) int64 {
	h.t.Helper()
	var id int64
	if err := h.db.Raw(q, args...).Scan(&id).Error; err != nil || id == 0 {
		h.t.Fatalf("IDOR setup %q: id %d, %v", q, id, err)
	}
	return id
}

// areaIDORCases are the cross-OPD and cross-employee requests of the org,
// kinerja and tpp areas. The demo admin_opd, pegawai and atasan are in
// DINKES (the pegawai is the atasan's direct subordinate); the victims are
// a BKPSDM employee, position, OPD and claim, and the atasan's own records.
func areaIDORCases(h *harness) []idorCase {
	h.t.Helper()
	bkpsdm := h.idorID(`SELECT id FROM opd WHERE kode = 'BKPSDM'`)
	dinkes := h.idorID(`SELECT id FROM opd WHERE kode = 'DINKES'`)
	ownPegawai := h.idorID(`SELECT id FROM pegawai WHERE nip = ?`, login(h.t, auth.RolePegawai).NIP)
	atasanPegawai := h.idorID(`SELECT id FROM pegawai WHERE nip = ?`, login(h.t, auth.RoleAtasan).NIP)
	// A BKPSDM employee with no demo login, and the head who rates them.
	victim := h.idorID(`SELECT p.id FROM pegawai p WHERE p.opd_id = ? AND NOT EXISTS (SELECT 1 FROM users u WHERE u.pegawai_id = p.id) ORDER BY p.id DESC LIMIT 1`, bkpsdm)
	victimHead := h.idorID(`SELECT id FROM pegawai WHERE opd_id = ? AND id <> ? ORDER BY id LIMIT 1`, bkpsdm, victim)
	victimJabatan := h.idorID(`SELECT id FROM jabatan WHERE opd_id = ? ORDER BY id DESC LIMIT 1`, bkpsdm)
	dinkesPegawai := h.idorID(`SELECT id FROM pegawai WHERE opd_id = ? AND id <> ? ORDER BY id DESC LIMIT 1`, dinkes, ownPegawai)
	dinkesJabatan := h.idorID(`SELECT id FROM jabatan WHERE opd_id = ? ORDER BY id DESC LIMIT 1`, dinkes)

	// The victim's kinerja: a submitted SKP with one RHK, a submitted
	// activity and a submitted monthly rating.
	year := h.idorID(`SELECT extract(year FROM now())::int`)
	skpX := h.idorID(`INSERT INTO skp (pegawai_id, tahun, penilai_id, status, submitted_at) VALUES (?, ?, ?, 'submitted', now()) RETURNING id`, victim, year, victimHead)
	rhkX := h.idorID(`INSERT INTO rhk (skp_id, uraian) VALUES (?, 'RHK pegawai BKPSDM') RETURNING id`, skpX)
	aktX := h.idorID(`INSERT INTO aktivitas (pegawai_id, rhk_id, tanggal, uraian, output_jumlah, output_satuan, menit, status, submitted_at)
VALUES (?, ?, current_date, 'Aktivitas pegawai BKPSDM', 1, 'dokumen', 60, 'submitted', now()) RETURNING id`, victim, rhkX)
	penX := h.idorID(`INSERT INTO penilaian_bulanan (pegawai_id, tahun, bulan, status, ringkasan, penilai_id, submitted_at)
VALUES (?, ?, extract(month FROM now())::int, 'submitted', 'Ringkasan pegawai BKPSDM', ?, now()) RETURNING id`, victim, year, victimHead)
	// The atasan's own SKP and an activity of theirs: not the pegawai's.
	skpAtasan := h.idorID(`SELECT id FROM skp WHERE pegawai_id = ?`, atasanPegawai)
	rhkAtasan := h.idorID(`SELECT id FROM rhk WHERE skp_id = ? ORDER BY id LIMIT 1`, skpAtasan)
	aktAtasan := h.idorID(`INSERT INTO aktivitas (pegawai_id, rhk_id, tanggal, uraian, output_jumlah, output_satuan, menit, status)
VALUES (?, ?, current_date, 'Aktivitas atasan', 1, 'dokumen', 60, 'draft') RETURNING id`, atasanPegawai, rhkAtasan)

	// Claims: BKPSDM's computed by the verifikator, DINKES's by its admin.
	claimFor := func(c *client, opd int64) int64 {
		res := c.postForm("/tpp/klaim/hitung", url.Values{"opd_id": {itoa(opd)}, "bulan": {"2026-10"}})
		m := claimPath.FindStringSubmatch(res.header.Get("Location"))
		if res.status != http.StatusSeeOther || m == nil {
			h.t.Fatalf("IDOR setup: compute claim of OPD %d: %d %s", opd, res.status, res.header.Get("Location"))
		}
		id, _ := strconv.ParseInt(m[1], 10, 64)
		return id
	}
	admin := h.as(auth.RoleAdminOPD)
	claimX := claimFor(h.as(auth.RoleVerifikator), bkpsdm)
	claimOwn := claimFor(admin, dinkes)

	// Well-formed bodies taken from the admin's own OPD's forms.
	pegawaiForm := h.formOn(admin, "/pegawai/"+itoa(dinkesPegawai)+"/ubah", "/pegawai/"+itoa(dinkesPegawai))
	jabatanForm := h.formOn(admin, "/jabatan/"+itoa(dinkesJabatan)+"/ubah", "/jabatan/"+itoa(dinkesJabatan))
	assignForm := url.Values{"jabatan_id": {itoa(dinkesJabatan)}, "jenis": {"plt"}, "mulai": {"2026-11-02"}, "selesai": {"2027-01-29"}, "nomor_sk": {"800/1/2026"}}
	aktForm := url.Values{"tanggal": {time2026()}, "rhk_id": {itoa(rhkX)}, "uraian": {"Diubah lewat IDOR"}, "output_jumlah": {"2"},
		"output_satuan": {"dokumen"}, "menit": {"30"}}

	sid := itoa
	return []idorCase{
		// org: an admin_opd of DINKES and BKPSDM's employee, position and OPD.
		{"admin_opd reads another OPD's employee", auth.RoleAdminOPD, http.MethodGet, "/pegawai/" + sid(victim), nil},
		{"admin_opd opens another OPD's employee form", auth.RoleAdminOPD, http.MethodGet, "/pegawai/" + sid(victim) + "/ubah", nil},
		{"admin_opd updates another OPD's employee", auth.RoleAdminOPD, http.MethodPost, "/pegawai/" + sid(victim), pegawaiForm},
		{"admin_opd assigns another OPD's employee", auth.RoleAdminOPD, http.MethodPost, "/pegawai/" + sid(victim) + "/penugasan", assignForm},
		{"admin_opd reads another OPD's employee by API", auth.RoleAdminOPD, http.MethodGet, "/api/v1/pegawai/" + sid(victim), nil},
		{"admin_opd opens another OPD's position form", auth.RoleAdminOPD, http.MethodGet, "/jabatan/" + sid(victimJabatan) + "/ubah", nil},
		{"admin_opd updates another OPD's position", auth.RoleAdminOPD, http.MethodPost, "/jabatan/" + sid(victimJabatan), jabatanForm},
		{"admin_opd reads another OPD", auth.RoleAdminOPD, http.MethodGet, "/opd/" + sid(bkpsdm), nil},
		{"admin_opd adds a unit to another OPD", auth.RoleAdminOPD, http.MethodPost, "/opd/" + sid(bkpsdm) + "/unit", url.Values{"kode": {"X-IDOR"}, "nama": {"Unit sisipan"}}},

		// kinerja: the pegawai and another employee's records (their own
		// atasan's, a BKPSDM employee's); the atasan and a non-subordinate's.
		{"pegawai reads another's activity", auth.RolePegawai, http.MethodGet, "/kinerja/aktivitas/" + sid(aktX), nil},
		{"pegawai reads the atasan's activity", auth.RolePegawai, http.MethodGet, "/kinerja/aktivitas/" + sid(aktAtasan), nil},
		{"pegawai edits another's activity", auth.RolePegawai, http.MethodPost, "/kinerja/aktivitas/" + sid(aktX), aktForm},
		{"pegawai edits the atasan's activity", auth.RolePegawai, http.MethodPost, "/kinerja/aktivitas/" + sid(aktAtasan), url.Values{"tanggal": {time2026()},
			"rhk_id": {sid(rhkAtasan)}, "uraian": {"Diubah lewat IDOR"}, "output_jumlah": {"2"}, "output_satuan": {"dokumen"}, "menit": {"30"}}},
		{"pegawai downloads another's evidence", auth.RolePegawai, http.MethodGet, "/kinerja/aktivitas/" + sid(aktX) + "/bukti", nil},
		{"pegawai reads the atasan's SKP", auth.RolePegawai, http.MethodGet, "/kinerja/skp/" + sid(skpAtasan), nil},
		{"pegawai reads another OPD's SKP", auth.RolePegawai, http.MethodGet, "/kinerja/skp/" + sid(skpX), nil},
		{"pegawai adds an RHK to another's SKP", auth.RolePegawai, http.MethodPost, "/kinerja/skp/" + sid(skpX) + "/rhk", url.Values{"uraian": {"RHK sisipan"}}},
		{"pegawai adds an indicator to another's SKP", auth.RolePegawai, http.MethodPost, "/kinerja/skp/" + sid(skpX) + "/indikator",
			url.Values{"rhk_id": {sid(rhkX)}, "aspek": {"kuantitas"}, "uraian": {"Indikator sisipan"}, "target": {"5"}, "satuan": {"dokumen"}}},
		{"pegawai reads another's rating", auth.RolePegawai, http.MethodGet, "/kinerja/penilaian/" + sid(penX), nil},
		{"pegawai reads another's rating by API", auth.RolePegawai, http.MethodGet, "/api/v1/penilaian/" + sid(penX), nil},
		{"atasan reads a non-subordinate's activity", auth.RoleAtasan, http.MethodGet, "/kinerja/aktivitas/" + sid(aktX), nil},
		{"atasan reads a non-subordinate's SKP", auth.RoleAtasan, http.MethodGet, "/kinerja/skp/" + sid(skpX), nil},
		{"atasan agrees a non-subordinate's SKP", auth.RoleAtasan, http.MethodPost, "/kinerja/skp/" + sid(skpX) + "/setujui", url.Values{"catatan": {"Setuju"}}},
		{"atasan returns a non-subordinate's SKP", auth.RoleAtasan, http.MethodPost, "/kinerja/skp/" + sid(skpX) + "/kembalikan", url.Values{"catatan": {"Perbaiki"}}},
		{"atasan rates a non-subordinate", auth.RoleAtasan, http.MethodPost, "/kinerja/penilaian/" + sid(penX) + "/nilai",
			url.Values{"hasil_kerja": {"di_atas"}, "perilaku_kerja": {"di_atas"}, "umpan_balik": {"Bagus"}}},
		{"atasan reads a non-subordinate's rating", auth.RoleAtasan, http.MethodGet, "/kinerja/penilaian/" + sid(penX), nil},

		// tpp: an admin_opd of DINKES and BKPSDM's claim; an employee and a
		// claim that is not theirs.
		{"admin_opd reads another OPD's claim", auth.RoleAdminOPD, http.MethodGet, "/tpp/klaim/" + sid(claimX), nil},
		{"admin_opd recomputes another OPD's claim", auth.RoleAdminOPD, http.MethodPost, "/tpp/klaim/" + sid(claimX) + "/hitung-ulang", url.Values{}},
		{"admin_opd submits another OPD's claim", auth.RoleAdminOPD, http.MethodPost, "/tpp/klaim/" + sid(claimX) + "/ajukan", url.Values{}},
		{"admin_opd reads a slip in another OPD's claim", auth.RoleAdminOPD, http.MethodGet, "/tpp/klaim/" + sid(claimX) + "/pegawai/" + sid(victim), nil},
		{"admin_opd reads another OPD's employee through own claim", auth.RoleAdminOPD, http.MethodGet, "/tpp/klaim/" + sid(claimOwn) + "/pegawai/" + sid(victim), nil},
		{"admin_opd reads another OPD's nominative list", auth.RoleAdminOPD, http.MethodGet, "/tpp/klaim/" + sid(claimX) + "/nominatif", nil},
		{"admin_opd downloads another OPD's nominative list", auth.RoleAdminOPD, http.MethodGet, "/tpp/klaim/" + sid(claimX) + "/nominatif.xlsx", nil},
		{"admin_opd downloads another OPD's nominative list as PDF", auth.RoleAdminOPD, http.MethodGet, "/tpp/klaim/" + sid(claimX) + "/nominatif.pdf", nil},
		{"admin_opd downloads a slip PDF in another OPD's claim", auth.RoleAdminOPD, http.MethodGet, "/tpp/klaim/" + sid(claimX) + "/pegawai/" + sid(victim) + "/slip.pdf", nil},
		{"admin_opd downloads another OPD's employee's slip PDF through own claim", auth.RoleAdminOPD, http.MethodGet, "/tpp/klaim/" + sid(claimOwn) + "/pegawai/" + sid(victim) + "/slip.pdf", nil},
		{"admin_opd reads another OPD's claim by API", auth.RoleAdminOPD, http.MethodGet, "/api/v1/tpp/klaim/" + sid(claimX), nil},
		{"pegawai reads a slip of a claim not theirs", auth.RolePegawai, http.MethodGet, "/tpp/slip/" + sid(claimX), nil},
		{"pegawai downloads a slip PDF of a claim not theirs", auth.RolePegawai, http.MethodGet, "/tpp/slip/" + sid(claimX) + "/slip.pdf", nil},
		{"pegawai reads a slip of a claim not theirs by API", auth.RolePegawai, http.MethodGet, "/api/v1/tpp/slip/" + sid(claimX), nil},
	}
}

// TestAssignToAnotherOPDsPositionIsRefused: an admin_opd assigning their
// own employee to another OPD's position (an id in the body, not the path)
// gets the form back with a message at the position field (422, the app's
// answer to a choice not offered) and nothing changes.
func TestAssignToAnotherOPDsPositionIsRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dinkes := h.idorID(`SELECT id FROM opd WHERE kode = 'DINKES'`)
	bkpsdm := h.idorID(`SELECT id FROM opd WHERE kode = 'BKPSDM'`)
	own := h.idorID(`SELECT id FROM pegawai WHERE opd_id = ? ORDER BY id DESC LIMIT 1`, dinkes)
	foreign := h.idorID(`SELECT id FROM jabatan WHERE opd_id = ? ORDER BY id DESC LIMIT 1`, bkpsdm)
	c := h.as(auth.RoleAdminOPD)
	before := h.dbFingerprint(nil)
	for _, jenis := range []string{"definitif", "plt"} {
		res := c.postForm("/pegawai/"+itoa(own)+"/penugasan", url.Values{"jabatan_id": {itoa(foreign)}, "jenis": {jenis},
			"mulai": {"2026-11-02"}, "selesai": {"2027-01-29"}, "nomor_sk": {"800/2/2026"}})
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="err-jabatan_id"`) {
			t.Errorf("%s to another OPD's position: %d", jenis, res.status)
		}
	}
	after := h.dbFingerprint(nil)
	for tb, sum := range before {
		if after[tb] != sum {
			t.Errorf("table %s changed", tb)
		}
	}
}

// time2026 is a working day inside the open period for activity forms.
func time2026() string { return "2026-11-02" }

// TestIDORBodiesWorkOnOwnRecords is the control of the IDOR cases: the
// same bodies sent to the actor's own records are accepted (303, or 409 for
// a no-op), so the refusals above come from the scope check, not from a
// malformed request.
func TestIDORBodiesWorkOnOwnRecords(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dinkes := h.idorID(`SELECT id FROM opd WHERE kode = 'DINKES'`)
	ownPegawai := h.idorID(`SELECT id FROM pegawai WHERE nip = ?`, login(t, auth.RolePegawai).NIP)
	dinkesPegawai := h.idorID(`SELECT id FROM pegawai WHERE opd_id = ? AND id <> ? ORDER BY id DESC LIMIT 1`, dinkes, ownPegawai)
	dinkesJabatan := h.idorID(`SELECT id FROM jabatan WHERE opd_id = ? ORDER BY id DESC LIMIT 1`, dinkes)
	admin := h.as(auth.RoleAdminOPD)
	ok := func(what string, res response) {
		if res.status != http.StatusSeeOther && res.status != http.StatusConflict {
			t.Errorf("%s on an own record: %d", what, res.status)
		}
	}
	pegPath := "/pegawai/" + itoa(dinkesPegawai)
	ok("employee update", admin.postForm(pegPath, h.formOn(admin, pegPath+"/ubah", pegPath)))
	jabPath := "/jabatan/" + itoa(dinkesJabatan)
	ok("position update", admin.postForm(jabPath, h.formOn(admin, jabPath+"/ubah", jabPath)))
	ok("assignment", admin.postForm(pegPath+"/penugasan", url.Values{"jabatan_id": {itoa(dinkesJabatan)}, "jenis": {"plt"},
		"mulai": {"2026-11-02"}, "selesai": {"2027-01-29"}, "nomor_sk": {"800/1/2026"}}))
	ok("unit", admin.postForm("/opd/"+itoa(dinkes)+"/unit", url.Values{"kode": {"X-IDOR"}, "nama": {"Unit sisipan"}}))
}
