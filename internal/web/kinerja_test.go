package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// otherAtasan creates an atasan in another agency (the head of a bidang in
// BKPSDM, who supervises nobody in DINKES) and returns a signed-in client.
func (h *harness) otherAtasan() *client {
	h.t.Helper()
	const password = "Atasan!Lain2026"
	hash, err := auth.NewHasher(fastArgon2, 1).Hash(context.Background(), password)
	if err != nil {
		h.t.Fatal(err)
	}
	var nip string
	if err := h.db.Raw(`WITH p AS (SELECT pg.id, pg.nip FROM pegawai pg JOIN riwayat_jabatan rj ON rj.pegawai_id = pg.id JOIN jabatan j ON j.id = rj.jabatan_id WHERE j.kode = 'BKPSDM-07'),
u AS (INSERT INTO users (pegawai_id, nip, password_hash) SELECT id, nip, ? FROM p RETURNING id, nip),
r AS (INSERT INTO user_roles (user_id, role) SELECT id, x FROM u, unnest(ARRAY['pegawai', 'atasan']) AS x)
SELECT nip FROM u`, hash).Scan(&nip).Error; err != nil || nip == "" {
		h.t.Fatalf("other atasan: %v", err)
	}
	c := h.client()
	if res := c.postForm("/masuk", url.Values{"nip": {nip}, "password": {password}}); res.status != http.StatusSeeOther {
		h.t.Fatalf("login other atasan: %d", res.status)
	}
	return c
}

// demoIDs are the demo pegawai's kinerja rows.
type demoIDs struct {
	pegawai, skp, rhk, indikator, approved, submitted, returned, penilaian int64
	versi                                                                  int
}

func (h *harness) demoKinerja() demoIDs {
	h.t.Helper()
	var d demoIDs
	h.db.Raw(`SELECT rj.pegawai_id FROM riwayat_jabatan rj JOIN jabatan j ON j.id = rj.jabatan_id WHERE j.kode = 'DINKES-09'`).Scan(&d.pegawai)
	h.db.Raw(`SELECT id FROM skp WHERE pegawai_id = ?`, d.pegawai).Scan(&d.skp)
	h.db.Raw(`SELECT min(id) FROM rhk WHERE skp_id = ?`, d.skp).Scan(&d.rhk)
	h.db.Raw(`SELECT min(id) FROM rhk_indikator WHERE rhk_id = ?`, d.rhk).Scan(&d.indikator)
	h.db.Raw(`SELECT min(id) FROM aktivitas WHERE pegawai_id = ? AND status = 'approved'`, d.pegawai).Scan(&d.approved)
	h.db.Raw(`SELECT min(id) FROM aktivitas WHERE pegawai_id = ? AND status = 'submitted'`, d.pegawai).Scan(&d.submitted)
	h.db.Raw(`SELECT min(id) FROM aktivitas WHERE pegawai_id = ? AND status = 'returned'`, d.pegawai).Scan(&d.returned)
	h.db.Raw(`SELECT versi FROM aktivitas WHERE id = ?`, d.submitted).Scan(&d.versi)
	h.db.Raw(`SELECT id FROM penilaian_bulanan WHERE pegawai_id = ?`, d.pegawai).Scan(&d.penilaian)
	if d.skp == 0 || d.approved == 0 || d.submitted == 0 || d.returned == 0 || d.penilaian == 0 {
		h.t.Fatalf("demo kinerja data missing: %+v", d)
	}
	return d
}

func TestKinerjaOtherOPDAtasanIsRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	d := h.demoKinerja()
	other := h.otherAtasan()
	id := func(v int64) string { return fmt.Sprint(v) }
	sub := id(d.submitted) + ":" + fmt.Sprint(d.versi)
	aktivitasForm := url.Values{"tanggal": {time.Now().Format(time.DateOnly)}, "rhk_id": {id(d.rhk)}, "uraian": {"x"}, "output_jumlah": {"1"}, "output_satuan": {"x"}, "menit": {"10"}}
	cases := []struct {
		method, path string
		form         url.Values
	}{
		{"GET", "/kinerja/aktivitas/" + id(d.approved), nil},
		{"GET", "/kinerja/aktivitas/" + id(d.approved) + "/bukti", nil},
		{"POST", "/kinerja/aktivitas/" + id(d.returned), aktivitasForm},
		{"POST", "/kinerja/aktivitas", aktivitasForm}, // someone else's RHK
		{"POST", "/kinerja/aktivitas/ajukan", url.Values{"id": {id(d.returned)}}},
		{"POST", "/kinerja/aktivitas/hapus", url.Values{"id": {id(d.returned)}}},
		{"POST", "/kinerja/tinjau/setujui", url.Values{"satu": {sub}}},
		{"POST", "/kinerja/tinjau/setujui", url.Values{"pilih": {sub}}},
		{"POST", "/kinerja/tinjau/kembalikan", url.Values{"satu": {sub}, "catatan_" + id(d.submitted): {"bukan bawahan"}}},
		{"GET", "/kinerja/skp/" + id(d.skp), nil},
		{"POST", "/kinerja/skp/" + id(d.skp) + "/rhk", url.Values{"uraian": {"x"}, "aspek": {"kuantitas"}, "indikator": {"x"}, "target": {"1"}, "satuan": {"x"}}},
		{"POST", "/kinerja/skp/" + id(d.skp) + "/indikator", url.Values{"rhk_id": {id(d.rhk)}, "aspek": {"kuantitas"}, "indikator": {"x"}, "target": {"1"}, "satuan": {"x"}}},
		{"POST", "/kinerja/skp/" + id(d.skp) + "/rhk/" + id(d.rhk), url.Values{"uraian": {"x"}}},
		{"POST", "/kinerja/skp/" + id(d.skp) + "/rhk/" + id(d.rhk) + "/hapus", url.Values{}},
		{"POST", "/kinerja/skp/" + id(d.skp) + "/indikator/" + id(d.indikator), url.Values{"aspek": {"kuantitas"}, "indikator": {"x"}, "target": {"1"}, "satuan": {"x"}}},
		{"POST", "/kinerja/skp/" + id(d.skp) + "/indikator/" + id(d.indikator) + "/hapus", url.Values{}},
		{"POST", "/kinerja/skp/ajukan", url.Values{"id": {id(d.skp)}}},
		{"POST", "/kinerja/skp/" + id(d.skp) + "/setujui", url.Values{}},
		{"POST", "/kinerja/skp/" + id(d.skp) + "/kembalikan", url.Values{"catatan": {"x"}}},
		{"GET", "/kinerja/penilaian/" + id(d.penilaian), nil},
		{"POST", "/kinerja/penilaian/" + id(d.penilaian) + "/nilai", url.Values{"hasil_kerja": {"sesuai"}, "perilaku_kerja": {"sesuai"}}},
		{"POST", "/kinerja/penilaian/" + id(d.penilaian) + "/koreksi", url.Values{"hasil_kerja": {"di_bawah"}, "perilaku_kerja": {"sesuai"}, "alasan": {"bukan bawahan saya"}}},
		{"GET", "/api/v1/penilaian/" + id(d.penilaian), nil},
		{"GET", "/api/v1/penilaian?pegawai_id=" + id(d.pegawai), nil},
		// the e-Kinerja BKN import and its report are admin_opd's and superadmin's
		{"GET", "/kinerja/predikat-bkn/1", nil},
		{"GET", "/kinerja/predikat-bkn/1/laporan.xlsx", nil},
		// deciding a reopen request is the verifikator's, never an atasan's
		{"POST", "/kinerja/buka-bulan/permintaan/1", url.Values{"keputusan": {"setujui"}, "catatan": {"x"}}},
	}
	for _, c := range cases {
		var res response
		if c.method == "GET" {
			res = other.get(c.path)
		} else {
			res = other.postForm(c.path, c.form)
		}
		if res.status != http.StatusForbidden {
			t.Errorf("%s %s as another OPD's atasan: status %d, want 403", c.method, c.path, res.status)
		}
	}
	// The JSON API create with the demo pegawai's RHK is refused too.
	body := fmt.Sprintf(`{"tanggal":%q,"rhk_id":%d,"uraian":"x","output_jumlah":1,"output_satuan":"x","menit":10}`, time.Now().Format(time.DateOnly), d.rhk)
	if res := other.postJSON("/api/v1/aktivitas", body); res.status != http.StatusForbidden {
		t.Errorf("API create with another's RHK: %d %s", res.status, res.body)
	}
	// Pages without an id show only the caller's own data: nothing of DINKES.
	var uraian string
	h.db.Raw(`SELECT uraian FROM aktivitas WHERE id = ?`, d.submitted).Scan(&uraian)
	for _, p := range []string{"/kinerja/tinjau", "/kinerja/bawahan", "/kinerja/aktivitas", "/kinerja/skp", "/kinerja/penilaian", "/api/v1/aktivitas", "/api/v1/penilaian", "/"} {
		res := other.get(p)
		if res.status != http.StatusOK || strings.Contains(res.body, uraian) || strings.Contains(res.body, login(t, auth.RolePegawai).Nama) {
			t.Errorf("%s: status %d or shows the DINKES pegawai", p, res.status)
		}
	}
	// Nothing changed.
	if n := h.count(`SELECT count(*) FROM aktivitas WHERE id = ? AND status = 'submitted'`, d.submitted); n != 1 {
		t.Fatal("the other atasan changed an aktivitas")
	}
	// Every kinerja route is covered above or by the list pages.
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.method+" "+strings.SplitN(c.path, "?", 2)[0]] = true
	}
	for _, r := range h.srv.kinerjaRoutes() {
		path := samplePath(t, r.Path)
		if strings.Contains(r.Path, ":id") {
			found := false
			for k := range covered {
				m, p, _ := strings.Cut(k, " ")
				if m == r.Method && routeMatches(r.Path, p) {
					found = true
				}
			}
			if !found {
				t.Errorf("route %s %s (%s) not covered by the other-OPD test", r.Method, r.Path, path)
			}
		}
	}
}

// routeMatches reports whether a concrete path fits a route pattern.
func routeMatches(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return false
	}
	for i := range ps {
		if !strings.HasPrefix(ps[i], ":") && ps[i] != xs[i] {
			return false
		}
	}
	return true
}

func (c *client) postJSON(path, body string) response {
	req, _ := http.NewRequest(http.MethodPost, c.h.ts.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	return c.do(req)
}

// postMultipart posts a form with one file, with a valid CSRF token.
func (c *client) postMultipart(path string, form url.Values, field, name string, content []byte) response {
	c.h.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	form.Set("csrf_token", c.csrf())
	for k, vs := range form {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	fw, _ := w.CreateFormFile(field, name)
	_, _ = fw.Write(content)
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, c.h.ts.URL+path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
}

func TestKinerjaEvidenceUploadAndDownload(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	d := h.demoKinerja()
	c := h.as(auth.RolePegawai)
	form := func() url.Values {
		return url.Values{"tanggal": {time.Now().In(h.cfg.Location).Format(time.DateOnly)}, "rhk_id": {fmt.Sprint(d.rhk)}, "uraian": {"Unggah bukti"},
			"output_jumlah": {"1"}, "output_satuan": {"dokumen"}, "menit": {"15"}}
	}
	// An HTML page named .pdf is refused with a message next to the field.
	res := c.postMultipart("/kinerja/aktivitas", form(), "bukti", "laporan.pdf", []byte("<html><script>alert(1)</script></html>"))
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Berkas bukti harus PDF, JPG, atau PNG.") || !strings.Contains(res.body, `id="err-bukti"`) {
		t.Fatalf("html upload: %d", res.status)
	}
	png := append([]byte{0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}, bytes.Repeat([]byte{0}, 100)...)
	res = c.postMultipart("/kinerja/aktivitas", form(), "bukti", `../../"foto kegiatan".png`, png)
	if res.status != http.StatusSeeOther {
		t.Fatalf("png upload: %d %s", res.status, res.body)
	}
	var id int64
	h.db.Raw(`SELECT max(aktivitas_id) FROM aktivitas_bukti`).Scan(&id)
	for _, who := range []auth.Role{auth.RolePegawai, auth.RoleAtasan} {
		res = h.as(who).get(fmt.Sprintf("/kinerja/aktivitas/%d/bukti", id))
		if res.status != http.StatusOK || res.body != string(png) {
			t.Fatalf("download as %s: %d", who, res.status)
		}
		hd := res.header
		if cd := hd.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || strings.Contains(cd, "..") || !strings.Contains(cd, "foto_kegiatan.png") {
			t.Errorf("Content-Disposition = %q", cd)
		}
		if hd.Get("X-Content-Type-Options") != "nosniff" || hd.Get("Content-Security-Policy") != "default-src 'none'; sandbox" || hd.Get("Content-Type") != "image/png" {
			t.Errorf("headers: %v", hd)
		}
	}
	// Stored in the database only.
	if n := h.count(`SELECT count(*) FROM aktivitas_bukti WHERE aktivitas_id = ? AND isi = ?`, id, png); n != 1 {
		t.Fatal("evidence not stored in the database")
	}
	// Over 2 MB is refused.
	big := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("a"), 2<<20)...)
	res = c.postMultipart("/kinerja/aktivitas", form(), "bukti", "besar.pdf", big)
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "paling besar 2 MB") {
		t.Fatalf("big upload: %d", res.status)
	}
}

func TestKinerjaFormRulesShowMessages(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	d := h.demoKinerja()
	c := h.as(auth.RolePegawai)
	today := time.Now().In(h.cfg.Location)
	base := func(tanggal string, menit string) url.Values {
		return url.Values{"tanggal": {tanggal}, "rhk_id": {fmt.Sprint(d.rhk)}, "uraian": {"Rapat"}, "output_jumlah": {"1"}, "output_satuan": {"notulen"}, "menit": {menit}}
	}
	cases := []struct {
		name string
		form url.Values
		want string
	}{
		{"future", base(today.AddDate(0, 0, 1).Format(time.DateOnly), "30"), "tidak boleh di masa depan"},
		{"over 24 hours", base(today.Format(time.DateOnly), "441"), "melebihi batas 1.440 menit"},
		{"closed month", base(today.AddDate(0, -3, 0).Format(time.DateOnly), "30"), "sudah ditutup"},
		{"no date", base("", "30"), "Isi tanggal"},
	}
	if res := c.postForm("/kinerja/aktivitas", base(today.Format(time.DateOnly), "1000")); res.status != http.StatusSeeOther {
		t.Fatalf("1000 minutes: %d", res.status)
	}
	for _, tc := range cases {
		res := c.postForm("/kinerja/aktivitas", tc.form)
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, tc.want) {
			t.Errorf("%s: status %d, message %q not shown", tc.name, res.status, tc.want)
		}
	}
}

func TestKinerjaAPI(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	d := h.demoKinerja()
	l := login(t, auth.RolePegawai)
	anon := h.client()
	res := anon.postJSON("/api/v1/auth/token", fmt.Sprintf(`{"nip":%q,"password":%q}`, l.NIP, l.Password))
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal([]byte(res.body), &tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token: %d %s", res.status, res.body)
	}
	call := func(method, path, body string) response {
		req, _ := http.NewRequest(method, h.ts.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		req.Header.Set("Content-Type", "application/json")
		return anon.do(req)
	}
	today := time.Now().In(h.cfg.Location).Format(time.DateOnly)
	body := func(tanggal string, menit int) string {
		return fmt.Sprintf(`{"tanggal":%q,"rhk_id":%d,"uraian":"Dari aplikasi","output_jumlah":2,"output_satuan":"dokumen","menit":%d,"ajukan":true}`, tanggal, d.rhk, menit)
	}
	res = call("POST", "/api/v1/aktivitas", body(today, 30))
	if res.status != http.StatusCreated || !strings.Contains(res.body, `"status":"submitted"`) {
		t.Fatalf("create: %d %s", res.status, res.body)
	}
	for name, tc := range map[string]struct {
		body, field, want string
	}{
		"future":   {body(time.Now().In(h.cfg.Location).AddDate(0, 0, 2).Format(time.DateOnly), 30), "tanggal", "masa depan"},
		"24 hours": {body(today, 1411), "menit", "1.440 menit"},
		"closed":   {body(time.Now().AddDate(0, -3, 0).Format(time.DateOnly), 30), "tanggal", "sudah ditutup"},
	} {
		res := call("POST", "/api/v1/aktivitas", tc.body)
		var e struct {
			Error problem `json:"error"`
		}
		_ = json.Unmarshal([]byte(res.body), &e)
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(e.Error.Fields[tc.field], tc.want) {
			t.Errorf("%s: %d %s", name, res.status, res.body)
		}
	}
	res = call("GET", "/api/v1/aktivitas", "")
	if res.status != http.StatusOK || !strings.Contains(res.body, "Dari aplikasi") {
		t.Fatalf("list: %d %s", res.status, res.body)
	}
	last := time.Now().AddDate(0, -1, 0)
	res = call("GET", fmt.Sprintf("/api/v1/penilaian?tahun=%d", last.Year()), "")
	if res.status != http.StatusOK || !strings.Contains(res.body, `"predikat":"baik"`) {
		t.Fatalf("ratings: %d %s", res.status, res.body)
	}
	res = call("GET", fmt.Sprintf("/api/v1/penilaian/%d", d.penilaian), "")
	if res.status != http.StatusOK || !strings.Contains(res.body, `"predikat_label":"Baik"`) {
		t.Fatalf("rating: %d %s", res.status, res.body)
	}
}

func TestKinerjaHomePages(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	res := h.as(auth.RolePegawai).get("/")
	if !strings.Contains(res.body, " dikembalikan atasan, perlu diperbaiki") || !strings.Contains(res.body, "dari 6.750 menit") {
		t.Fatalf("pegawai home lacks kinerja: %s", res.body)
	}
	res = h.as(auth.RoleAtasan).get("/")
	if !strings.Contains(res.body, "menunggu tinjauan") || !strings.Contains(res.body, login(t, auth.RolePegawai).Nama) {
		t.Fatalf("atasan home lacks the queue counts")
	}
}
