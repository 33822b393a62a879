package web

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/org"
)

// bkpsdmPegawai is an employee of BKPSDM, outside the DINKES admin's scope.
func (h *harness) bkpsdmPegawai() (int64, string) {
	var row struct {
		ID   int64  `gorm:"column:id"`
		Nama string `gorm:"column:nama"`
	}
	h.db.Raw(`SELECT p.id, p.nama FROM pegawai p JOIN opd o ON o.id = p.opd_id WHERE o.kode = 'BKPSDM' ORDER BY p.id DESC LIMIT 1`).Scan(&row)
	return row.ID, row.Nama
}

func TestOrgCrossOPDIsHidden(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.as(auth.RoleAdminOPD) // admin_opd of DINKES
	id, nama := h.bkpsdmPegawai()
	sid := itoa(id)
	var bkpsdm int64
	h.db.Raw(`SELECT id FROM opd WHERE kode = 'BKPSDM'`).Scan(&bkpsdm)
	var bkJab int64
	h.db.Raw(`SELECT id FROM jabatan WHERE kode = 'BKPSDM-05'`).Scan(&bkJab)
	cases := []struct {
		name string
		res  func() response
	}{
		{"detail", func() response { return admin.get("/pegawai/" + sid) }},
		{"edit form", func() response { return admin.get("/pegawai/" + sid + "/ubah") }},
		{"update", func() response {
			return admin.postForm("/pegawai/"+sid, url.Values{"nip": {"198503152010011001"}, "nama": {"Diganti"}, "status_asn": {"PNS"}, "golongan": {"III/a"}})
		}},
		{"assign", func() response {
			return admin.postForm("/pegawai/"+sid+"/penugasan", url.Values{"jabatan_id": {"1"}, "jenis": {"definitif"}, "mulai": {"2026-01-01"}})
		}},
		{"jabatan edit", func() response { return admin.get("/jabatan/" + itoa(bkJab) + "/ubah") }},
		{"opd tree", func() response { return admin.get("/opd/" + itoa(bkpsdm)) }},
		{"api detail", func() response { return admin.get("/api/v1/pegawai/" + sid) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.res()
			if res.status != http.StatusNotFound && res.status != http.StatusForbidden {
				t.Fatalf("status %d", res.status)
			}
			if strings.Contains(res.body, nama) {
				t.Fatal("response shows the other OPD's employee")
			}
		})
	}
	if n := h.count(`SELECT count(*) FROM pegawai WHERE nama = 'Diganti'`); n != 0 {
		t.Fatal("cross-OPD update changed data")
	}
	// The list and the API list only show DINKES.
	res := admin.get("/pegawai?q=" + url.QueryEscape(strings.Fields(nama)[0]))
	if strings.Contains(res.body, nama) {
		t.Fatal("list shows another OPD's employee")
	}
	res = admin.get("/api/v1/pegawai")
	var body struct {
		Data  []org.PegawaiRow `json:"data"`
		Total int64            `json:"total"`
	}
	if err := json.Unmarshal([]byte(res.body), &body); err != nil || body.Total != 21 {
		t.Fatalf("api list: %v total=%d", err, body.Total)
	}
	for _, r := range body.Data {
		if r.OPDKode != "DINKES" {
			t.Fatalf("api leaks %+v", r)
		}
	}
	// The verifikator reads everything, changes nothing.
	v := h.as(auth.RoleVerifikator)
	if res := v.get("/pegawai/" + sid); res.status != http.StatusOK || !strings.Contains(res.body, nama) {
		t.Fatalf("verifikator detail: %d", res.status)
	}
	if res := v.postForm("/pegawai/"+sid, url.Values{"nama": {"X"}}); res.status != http.StatusForbidden {
		t.Fatalf("verifikator update: %d", res.status)
	}
}

func TestOrgCreateEmployeeValidatesAndLists(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.as(auth.RoleAdminOPD)
	form := url.Values{"nip": {"19900101201501100"}, "nama": {""}, "status_asn": {"PNS"}, "golongan": {"III/z"}, "keadaan": {"aktif"}, "tugas_belajar": {"tidak"}}
	res := admin.postForm("/pegawai", form)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad form: status %d", res.status)
	}
	for _, id := range []string{`id="err-nip"`, `id="err-nama"`, `id="err-golongan"`} {
		if !strings.Contains(res.body, id) {
			t.Fatalf("no message %s next to its field", id)
		}
	}
	form.Set("nip", "199001012015011001")
	form.Set("nama", "Rina Marlina, S.Kep.")
	form.Set("golongan", "III/a")
	res = admin.postForm("/pegawai", form)
	if res.status != http.StatusSeeOther {
		t.Fatalf("create: %d %s", res.status, res.body)
	}
	// It lands in the admin's own OPD and is found by NIP and by name.
	if n := h.count(`SELECT count(*) FROM pegawai p JOIN opd o ON o.id = p.opd_id WHERE p.nip = '199001012015011001' AND o.kode = 'DINKES'`); n != 1 {
		t.Fatal("not created in DINKES")
	}
	for _, q := range []string{"1990010120", "marlina"} {
		if res := admin.get("/pegawai?q=" + q); !strings.Contains(res.body, "Rina Marlina, S.Kep.") {
			t.Fatalf("search %q misses the new employee", q)
		}
	}
	if n := h.count(`SELECT count(*) FROM audit_log WHERE action = 'org.pegawai_tambah'`); n != 1 {
		t.Fatal("not audited")
	}
}

func TestOrgPaginationIsStable(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.as(auth.RoleSuperadmin)
	seen := map[string]bool{}
	for page := 1; page <= 2; page++ {
		res := c.get("/api/v1/pegawai?hal=" + itoa(int64(page)))
		var body struct {
			Data []org.PegawaiRow `json:"data"`
		}
		json.Unmarshal([]byte(res.body), &body)
		for _, r := range body.Data {
			if seen[r.NIP] {
				t.Fatalf("%s on two pages", r.NIP)
			}
			seen[r.NIP] = true
		}
	}
	if len(seen) != 63 {
		t.Fatalf("saw %d employees over the pages, want 63", len(seen))
	}
}

func TestOrgImportThroughTheForm(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.as(auth.RoleAdminOPD)
	upload := func(kind, body string, skip bool) response {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("csrf_token", admin.csrf())
		if skip {
			mw.WriteField("lewati", "ya")
		}
		fw, _ := mw.CreateFormFile("berkas", "data.csv")
		fw.Write([]byte(body))
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, h.ts.URL+"/impor/"+kind, &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		return admin.do(req)
	}
	header := strings.Join(org.ImportColumns(org.ImportPegawai), ",")
	body := header + "\n" +
		"199001012015011001,Satu,PNS,III/a,DINKES,DINKES-05,2026-01-02,aktif,tidak,,,,\n" +
		"199001012015011002,Dua,PNS,III/q,DINKES,,,aktif,tidak,,,,\n" +
		"199001012015011003,@Tiga,PNS,III/a,DINKES,,,aktif,tidak,,,,\n"
	res := upload("pegawai", body, false)
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "injeksi formula") || !strings.Contains(res.body, "Golongan/ruang") {
		t.Fatalf("refused import: %d", res.status)
	}
	if n := h.count(`SELECT count(*) FROM pegawai WHERE nip LIKE '19900101201501100%'`); n != 0 {
		t.Fatal("refused file was partly applied")
	}
	res = upload("pegawai", body, true)
	if res.status != http.StatusOK || !strings.Contains(res.body, `id="impor-hasil"`) {
		t.Fatalf("skip bad rows: %d", res.status)
	}
	if n := h.count(`SELECT count(*) FROM pegawai WHERE nip LIKE '19900101201501100%'`); n != 1 {
		t.Fatalf("skip mode applied %d rows", n)
	}
	// OPD import is the superadmin's; the template downloads as CSV.
	if res := upload("opd", org.ImportTemplate(org.ImportOPD), false); res.status != http.StatusForbidden {
		t.Fatalf("admin_opd OPD import: %d", res.status)
	}
	res = admin.get("/impor/templat/pegawai")
	if res.status != http.StatusOK || !strings.HasPrefix(res.body, header) || !strings.Contains(res.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("template: %d %q", res.status, res.header)
	}
}

func TestOrgUserAdministration(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	super := h.as(auth.RoleSuperadmin)
	victim := h.as(auth.RolePegawai)
	pg := login(t, auth.RolePegawai)
	var uid int64
	h.db.Raw(`SELECT id FROM users WHERE nip = ?`, pg.NIP).Scan(&uid)
	var dinkes int64
	h.db.Raw(`SELECT id FROM opd WHERE kode = 'DINKES'`).Scan(&dinkes)

	// Grant admin_opd needs an OPD.
	if res := super.postForm("/pengguna/"+itoa(uid)+"/peran", url.Values{"role": {"admin_opd"}}); res.status != http.StatusUnprocessableEntity {
		t.Fatalf("admin_opd without OPD: %d", res.status)
	}
	if res := super.postForm("/pengguna/"+itoa(uid)+"/peran", url.Values{"role": {"admin_opd"}, "opd_id": {itoa(dinkes)}}); res.status != http.StatusSeeOther {
		t.Fatalf("grant: %d", res.status)
	}
	var rid int64
	h.db.Raw(`SELECT id FROM user_roles WHERE user_id = ? AND role = 'admin_opd'`, uid).Scan(&rid)
	if res := super.postForm("/pengguna/"+itoa(uid)+"/cabut", url.Values{"role_id": {itoa(rid)}}); res.status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", res.status)
	}
	// The role changes ended the person's session (TestRoleChangeOrDisableRevokesTokens).
	if res := victim.get("/"); res.status != http.StatusSeeOther {
		t.Fatalf("victim after role changes: %d", res.status)
	}
	// Disabling ends the person's session at once.
	victim = h.as(auth.RolePegawai)
	if res := victim.get("/"); res.status != http.StatusOK {
		t.Fatalf("victim before: %d", res.status)
	}
	if res := super.postForm("/pengguna/"+itoa(uid)+"/nonaktif", nil); res.status != http.StatusSeeOther {
		t.Fatalf("disable: %d", res.status)
	}
	if res := victim.get("/"); res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/masuk") {
		t.Fatalf("disabled user still in: %d", res.status)
	}
	super.postForm("/pengguna/"+itoa(uid)+"/aktif", nil)
	// Reset shows a temporary password once and forces a change.
	res := super.postForm("/pengguna/"+itoa(uid)+"/reset-sandi", nil)
	if res.status != http.StatusOK || !strings.Contains(res.body, `id="sandi-sementara"`) {
		t.Fatalf("reset: %d", res.status)
	}
	if n := h.count(`SELECT count(*) FROM users WHERE id = ? AND must_change_password`, uid); n != 1 {
		t.Fatal("must_change_password not set")
	}
	// The superadmin cannot lock themselves out.
	var self int64
	h.db.Raw(`SELECT id FROM users WHERE nip = ?`, login(t, auth.RoleSuperadmin).NIP).Scan(&self)
	if res := super.postForm("/pengguna/"+itoa(self)+"/nonaktif", nil); res.status != http.StatusUnprocessableEntity {
		t.Fatalf("self-disable: %d", res.status)
	}
	for _, action := range []string{"org.peran_beri", "org.peran_cabut", "org.akun_nonaktifkan", "org.akun_aktifkan", "org.sandi_reset"} {
		if n := h.count(`SELECT count(*) FROM audit_log WHERE action = ? AND object_id = ?`, action, itoa(uid)); n != 1 {
			t.Errorf("audit %s: %d rows", action, n)
		}
	}
}

func TestOrgTreeAndNav(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.as(auth.RoleAdminOPD)
	var dinkes int64
	h.db.Raw(`SELECT id FROM opd WHERE kode = 'DINKES'`).Scan(&dinkes)
	res := admin.get("/opd/" + itoa(dinkes))
	if res.status != http.StatusOK || !strings.Contains(res.body, `id="pohon"`) || !strings.Contains(res.body, "Kepala Dinas Kesehatan") {
		t.Fatalf("tree: %d", res.status)
	}
	home := admin.get("/")
	for _, want := range []string{`href="/pegawai"`, `href="/jabatan"`, "Jabatan tanpa pemangku"} {
		if !strings.Contains(home.body, want) {
			t.Errorf("home lacks %s", want)
		}
	}
	if res := h.as(auth.RoleSuperadmin).get("/"); !strings.Contains(res.body, `href="/pengguna"`) {
		t.Error("superadmin nav lacks Pengguna")
	}
}
