package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
)

type siasnWebPerson struct {
	ID       int64  `gorm:"column:id"`
	NIP      string `gorm:"column:nip"`
	Nama     string `gorm:"column:nama"`
	Status   string `gorm:"column:status_asn"`
	Golongan string `gorm:"column:golongan"`
	Jabatan  string `gorm:"column:jabatan"`
}

// siasnWebFixture gives DINKES two units with a position of the same name
// in each, and returns DINKES's active employees by id.
func siasnWebFixture(t *testing.T, h *harness) []siasnWebPerson {
	t.Helper()
	dinkes := h.count(`SELECT id FROM opd WHERE kode = 'DINKES'`)
	for _, q := range []string{
		`INSERT INTO unit_kerja (opd_id, kode, nama) VALUES (?, 'DINKES-YANKES', 'Bidang Pelayanan Kesehatan'), (?, 'DINKES-KESMAS', 'Bidang Kesehatan Masyarakat')`,
		`INSERT INTO jabatan (opd_id, kode, nama, jenis, kelas, unit_kerja_id) VALUES
  (?, 'DINKES-PK1', 'Pranata Komputer Ahli Pertama', 'fungsional', 8, (SELECT id FROM unit_kerja WHERE kode = 'DINKES-YANKES')),
  (?, 'DINKES-PK2', 'Pranata Komputer Ahli Pertama', 'fungsional', 8, (SELECT id FROM unit_kerja WHERE kode = 'DINKES-KESMAS'))`,
	} {
		if err := h.db.Exec(q, dinkes, dinkes).Error; err != nil {
			t.Fatal(err)
		}
	}
	var ps []siasnWebPerson
	if err := h.db.Raw(`SELECT p.id, p.nip, p.nama, p.status_asn, p.golongan, coalesce(j.nama, '') AS jabatan FROM pegawai p
LEFT JOIN riwayat_jabatan rj ON rj.pegawai_id = p.id AND rj.jenis = 'definitif' AND rj.selesai IS NULL
LEFT JOIN jabatan j ON j.id = rj.jabatan_id WHERE p.opd_id = ? AND p.keadaan = 'aktif' ORDER BY p.id`, dinkes).Scan(&ps).Error; err != nil || len(ps) < 6 {
		t.Fatalf("dinkes people: %d %v", len(ps), err)
	}
	return ps
}

// siasnNameParts splits a stored name as SIASN keeps it: name and degrees.
func siasnNameParts(n string) (string, string) {
	if i := strings.Index(n, ", "); i > 0 {
		return n[:i], n[i+2:]
	}
	return n, ""
}

// siasnOtherAdmin signs in a new admin_opd of the OPD with kode.
func siasnOtherAdmin(t *testing.T, h *harness, kode string) *client {
	t.Helper()
	const password = "AdminLain!2026x"
	hash, err := auth.NewHasher(fastArgon2, 1).Hash(context.Background(), password)
	if err != nil {
		t.Fatal(err)
	}
	var nip string
	if err := h.db.Raw(`WITH p AS (SELECT pg.id, pg.nip, pg.opd_id FROM pegawai pg JOIN opd o ON o.id = pg.opd_id
    WHERE o.kode = ? AND NOT EXISTS (SELECT 1 FROM users u WHERE u.pegawai_id = pg.id) ORDER BY pg.id LIMIT 1),
u AS (INSERT INTO users (pegawai_id, nip, password_hash) SELECT id, nip, ? FROM p RETURNING id, nip),
r AS (INSERT INTO user_roles (user_id, role, opd_id) SELECT u.id, 'admin_opd', p.opd_id FROM u, p)
SELECT nip FROM u`, kode, hash).Scan(&nip).Error; err != nil || nip == "" {
		t.Fatalf("other admin: %v", err)
	}
	c := h.client()
	if res := c.postForm("/masuk", url.Values{"nip": {nip}, "password": {password}}); res.status != http.StatusSeeOther {
		t.Fatalf("login other admin: %d %s", res.status, res.body)
	}
	return c
}

var siasnBatchRe = regexp.MustCompile(`^/impor/siasn/([0-9]+)$`)

// siasnUpload posts an export and returns the preview's path.
func siasnUpload(t *testing.T, c *client, name string, data []byte) string {
	t.Helper()
	res := c.postFile("/impor/siasn", name, data, nil)
	loc := res.header.Get("Location")
	if res.status != http.StatusSeeOther || !siasnBatchRe.MatchString(loc) {
		t.Fatalf("upload %s: %d %q %s", name, res.status, loc, res.body)
	}
	return loc
}

// TestSIASNImportThroughRoutes: an admin OPD uploads a real-shaped SIASN
// .xlsx (title row, SIASN column names, degrees in their own columns, an
// NIP Excel made a number), sees the difference, accepts only some rows and
// fields, and the database changes exactly those, with one audit row per
// change; a second apply changes nothing; another OPD's admin can neither
// see nor apply the batch; a CSV export's batch submitted several times at
// once is applied once.
func TestSIASNImportThroughRoutes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ps := siasnWebFixture(t, h)
	admin := h.as(auth.RoleAdminOPD)
	status := func(s string) string { // as STATUS_CPNS_PNS writes it
		switch s {
		case "PNS":
			return "P"
		case "CPNS":
			return "C"
		}
		return s
	}
	row := func(p siasnWebPerson, gol, jab, unit string) []any {
		nama, gelar := siasnNameParts(p.Nama)
		return []any{"id-" + p.NIP, p.NIP, "-", nama, "", gelar, gol, status(p.Status), jab, unit}
	}
	const newNIP = "199505052020121003"
	changed := row(ps[1], "IV/d", ps[1].Jabatan, "")
	changed[3] = changed[3].(string) + " Wijaya"
	x := workbook(t, [][]any{
		{"DATA PEGAWAI DINAS KESEHATAN (SIASN)"},
		{"PNS_ID", "NIP_BARU", "NIP_LAMA", "NAMA", "GELAR_DEPAN", "GELAR_BELAKANG", "GOL_AKHIR_NAMA", "STATUS_CPNS_PNS", "JABATAN_NAMA", "UNOR_NAMA"},
		row(ps[0], ps[0].Golongan, ps[0].Jabatan, ""),
		changed,
		row(ps[2], ps[2].Golongan, "Pranata Komputer Ahli Pertama", "Bidang Kesehatan Masyarakat"),
		row(ps[3], ps[3].Golongan, "Jabatan Tak Dikenal", ""),
		{"x", newNIP, "-", "Rina Wulandari", "dr.", "", "III/b", "P", "Pranata Komputer Ahli Pertama", "Bidang Pelayanan Kesehatan"},
		{"y", float64(198109012010011001), "-", "Angka Excel", "", "", "III/a", "P", "", ""},
		{"z", "12345", "-", "NIP Pendek", "", "", "III/a", "P", "", ""},
	})
	batch := siasnUpload(t, admin, "siasn.xlsx", x)
	res := admin.get(batch)
	if res.status != http.StatusOK {
		t.Fatalf("preview: %d %s", res.status, res.body)
	}
	for _, want := range []string{
		`value="` + newNIP + `:baru"`, `value="` + ps[1].NIP + `:golongan"`, `value="` + ps[1].NIP + `:nama"`, `value="` + ps[2].NIP + `:jabatan"`,
		`value="` + ps[6].NIP + `:pindah"`, "Bidang Kesehatan Masyarakat", "dr. Rina Wulandari",
		"Excel mengubah NIP 18 digit menjadi angka", "NIP harus 18 digit", "Jabatan &#34;Jabatan Tak Dikenal&#34; tidak ditemukan",
		`<span id="jumlah-tetap">2 tetap</span>`, "NIP_BARU → NIP", "GOL_AKHIR_NAMA → golongan", "csrf_token",
	} {
		if !strings.Contains(res.body, want) {
			t.Errorf("preview lacks %q", want)
		}
	}
	if strings.Contains(res.body, `value="`+ps[0].NIP+`:`) {
		t.Error("an unchanged employee is offered a change")
	}

	// Another OPD's admin: not found, nothing changed.
	other := siasnOtherAdmin(t, h, "BKPSDM")
	audits := h.count(`SELECT count(*) FROM audit_log WHERE action LIKE 'org.siasn%'`)
	if r := other.get(batch); r.status != http.StatusNotFound {
		t.Errorf("other OPD sees the batch: %d", r.status)
	}
	if r := other.postForm(batch+"/terapkan", url.Values{"terima": {newNIP + ":baru"}}); r.status != http.StatusNotFound {
		t.Errorf("other OPD applies the batch: %d", r.status)
	}
	if n := h.count(`SELECT count(*) FROM pegawai WHERE nip = ?`, newNIP); n != 0 {
		t.Fatal("other OPD's apply created the employee")
	}
	if n := h.count(`SELECT count(*) FROM audit_log WHERE action LIKE 'org.siasn%'`); n != audits {
		t.Errorf("other OPD's refused apply wrote %d SIASN audit rows", n-audits)
	}
	// The superadmin reaches every OPD's batch.
	if r := h.as(auth.RoleSuperadmin).get(batch); r.status != http.StatusOK {
		t.Errorf("superadmin: %d", r.status)
	}

	// Accept the new employee, the golongan (not the name) and the position.
	accept := url.Values{"terima": {newNIP + ":baru", ps[1].NIP + ":golongan", ps[2].NIP + ":jabatan"}}
	res = admin.postForm(batch+"/terapkan", accept)
	if res.status != http.StatusOK || !strings.Contains(res.body, "1 pegawai baru, 1 kolom diubah, 1 jabatan baru, 0 ditandai tidak aktif") {
		t.Fatalf("apply: %d %s", res.status, res.body)
	}
	var p1 siasnWebPerson
	h.db.Raw(`SELECT nama, golongan FROM pegawai WHERE id = ?`, ps[1].ID).Scan(&p1)
	if p1.Nama != ps[1].Nama || p1.Golongan != "IV/d" {
		t.Errorf("employee 1: %+v (want name %q kept, golongan IV/d)", p1, ps[1].Nama)
	}
	if n := h.count(`SELECT count(*) FROM riwayat_jabatan rj JOIN jabatan j ON j.id = rj.jabatan_id WHERE rj.pegawai_id = ? AND rj.selesai IS NULL AND j.kode = 'DINKES-PK2'`, ps[2].ID); n != 1 {
		t.Errorf("employee 2 position: %d", n)
	}
	if n := h.count(`SELECT count(*) FROM pegawai p JOIN riwayat_jabatan rj ON rj.pegawai_id = p.id JOIN jabatan j ON j.id = rj.jabatan_id
WHERE p.nip = ? AND p.nama = 'dr. Rina Wulandari' AND p.golongan = 'III/b' AND p.status_asn = 'PNS' AND j.kode = 'DINKES-PK1'`, newNIP); n != 1 {
		t.Errorf("new employee: %d", n)
	}
	if n := h.count(`SELECT count(*) FROM pegawai WHERE opd_id = (SELECT id FROM opd WHERE kode = 'DINKES') AND keadaan <> 'aktif'`); n != 0 {
		t.Errorf("missing employees changed without being accepted: %d", n)
	}
	for action, want := range map[string]int64{"org.siasn_tambah": 1, "org.siasn_ubah": 1, "org.siasn_jabatan": 1, "org.siasn_nonaktif": 0} {
		if n := h.count(`SELECT count(*) FROM audit_log WHERE action = ?`, action); n != want {
			t.Errorf("audit %s: %d, want %d", action, n, want)
		}
	}
	if n := h.count(`SELECT count(*) FROM audit_log WHERE action = 'org.siasn_ubah' AND object_id = ? AND detail::jsonb->>'kolom' = 'golongan'
AND detail::jsonb->>'sebelum' = ? AND detail::jsonb->>'sesudah' = 'IV/d'`, itoa(ps[1].ID), ps[1].Golongan); n != 1 {
		t.Errorf("golongan audit row before/after: %d", n)
	}
	// The preview now marks them applied; the same submit again changes nothing.
	if r := admin.get(batch); strings.Count(r.body, "sudah diterapkan") < 3 || strings.Contains(r.body, `value="`+newNIP+`:baru"`) {
		t.Errorf("preview after apply does not mark the applied changes")
	}
	audits = h.count(`SELECT count(*) FROM audit_log WHERE action LIKE 'org.siasn%'`)
	pegawai := h.count(`SELECT count(*) FROM pegawai`)
	if r := admin.postForm(batch+"/terapkan", accept); r.status != http.StatusConflict || !strings.Contains(r.body, "sudah diterapkan sebelumnya") {
		t.Errorf("second apply: %d", r.status)
	}
	if h.count(`SELECT count(*) FROM audit_log WHERE action LIKE 'org.siasn%'`) != audits || h.count(`SELECT count(*) FROM pegawai`) != pegawai {
		t.Error("second apply changed something")
	}
	// A key the preview never offered: 422, nothing changed.
	if r := admin.postForm(batch+"/terapkan", url.Values{"terima": {ps[0].NIP + ":nama"}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("forged key: %d", r.status)
	}

	// A CSV export (';', lower-case headers, Windows-1252 é), applied
	// by several submits racing each other: once.
	csv := "nip;nama;golongan;kedudukan hukum\r\n" + ps[3].NIP + ";Andr\xe9 Sitompul;" + ps[3].Golongan + ";Aktif\r\n"
	batch = siasnUpload(t, admin, "siasn.csv", []byte(csv))
	if r := admin.get(batch); !strings.Contains(r.body, "André Sitompul") || !strings.Contains(r.body, `value="`+ps[3].NIP+`:nama"`) {
		t.Fatalf("csv preview: %d", r.status)
	}
	form := url.Values{"terima": {ps[3].NIP + ":nama"}, "csrf_token": {admin.csrf()}}
	audits = h.count(`SELECT count(*) FROM audit_log WHERE action = 'org.siasn_ubah'`)
	const n = 6
	codes := make([]int, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, h.ts.URL+batch+"/terapkan", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			<-start
			r, err := admin.http.Do(req)
			if err != nil {
				t.Errorf("concurrent apply: %v", err)
				return
			}
			r.Body.Close()
			codes[i] = r.StatusCode
		}(i)
	}
	close(start)
	wg.Wait()
	ok, again := 0, 0
	for _, c := range codes {
		switch c {
		case http.StatusOK:
			ok++
		case http.StatusConflict:
			again++
		}
	}
	if ok != 1 || again != n-1 {
		t.Errorf("concurrent applies: %v (want one 200, the rest 409)", codes)
	}
	if got := h.count(`SELECT count(*) FROM audit_log WHERE action = 'org.siasn_ubah'`); got != audits+1 {
		t.Errorf("concurrent applies wrote %d audit rows, want 1", got-audits)
	}
	var nama string
	h.db.Raw(`SELECT nama FROM pegawai WHERE id = ?`, ps[3].ID).Scan(&nama)
	if nama != "André Sitompul" {
		t.Errorf("csv name: %q", nama)
	}

	// Bad uploads: no file, a file without the SIASN columns; the superadmin must choose an OPD.
	if r := admin.postFile("/impor/siasn", "x.csv", []byte("a;b\n1;2\n"), nil); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Baris judul tidak dikenali") {
		t.Errorf("no SIASN header: %d", r.status)
	}
	super := h.as(auth.RoleSuperadmin)
	if r := super.postFile("/impor/siasn", "siasn.csv", []byte(csv), nil); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Pilih OPD") {
		t.Errorf("superadmin without OPD: %d", r.status)
	}
	// The superadmin imports for a chosen OPD: BKPSDM's employees are all
	// missing from this DINKES file, and ps[3] (DINKES) is refused there.
	bkpsdm := h.count(`SELECT id FROM opd WHERE kode = 'BKPSDM'`)
	r := super.postFile("/impor/siasn", "siasn.csv", []byte(csv), url.Values{"opd_id": {itoa(bkpsdm)}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("superadmin upload: %d %s", r.status, r.body)
	}
	r = super.get(r.header.Get("Location"))
	if !strings.Contains(r.body, "NIP ini terdaftar di OPD lain") || !strings.Contains(r.body, "Badan Kepegawaian") ||
		strings.Contains(r.body, `value="`+ps[3].NIP+`:`) {
		t.Errorf("superadmin preview for BKPSDM: %d", r.status)
	}
}
