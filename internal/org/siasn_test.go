package org_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/org"
)

// TestMapSIASNHeader: the header names SIASN exports (and the spreadsheets
// people make from them) use are all recognised, the preferred one wins
// when two mean the same, and a file without NIP or name is not a header.
func TestMapSIASNHeader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		row  []string
		ok   bool
		want map[org.SIASNField]int
	}{
		{"SIASN column names", []string{"PNS_ID", "NIP_BARU", "NIP_LAMA", "NAMA", "GELAR_DEPAN", "GELAR_BELAKANG", "GOL_AKHIR_NAMA", "STATUS_CPNS_PNS", "JABATAN_NAMA", "UNOR_NAMA"}, true,
			map[org.SIASNField]int{org.SIASNNIP: 1, org.SIASNNama: 3, org.SIASNGelarDepan: 4, org.SIASNGelarBelakang: 5, org.SIASNGolongan: 6, org.SIASNStatus: 7, org.SIASNJabatan: 8, org.SIASNUnit: 9}},
		{"spaced and cased", []string{" NIP Baru ", "Nama", "Pangkat / Golongan", "Kedudukan Hukum", "Jabatan", "Unit Kerja"}, true,
			map[org.SIASNField]int{org.SIASNNIP: 0, org.SIASNNama: 1, org.SIASNGolongan: 2, org.SIASNStatus: 3, org.SIASNJabatan: 4, org.SIASNUnit: 5}},
		{"lower case short", []string{"nip", "nama", "golongan", "status", "jabatan", "unor"}, true,
			map[org.SIASNField]int{org.SIASNNIP: 0, org.SIASNNama: 1, org.SIASNGolongan: 2, org.SIASNStatus: 3, org.SIASNJabatan: 4, org.SIASNUnit: 5}},
		{"NIP_BARU wins over NIP, codes", []string{"nip", "nip_baru", "nama", "kode_jabatan", "kode unit"}, true,
			map[org.SIASNField]int{org.SIASNNIP: 1, org.SIASNNama: 2, org.SIASNJabatanKode: 3, org.SIASNUnitKode: 4, org.SIASNGolongan: -1, org.SIASNUnit: -1}},
		{"STATUS_CPNS_PNS wins over kedudukan hukum", []string{"NIP", "NAMA", "KEDUDUKAN_HUKUM_NAMA", "STATUS_CPNS_PNS"}, true,
			map[org.SIASNField]int{org.SIASNStatus: 3}},
		{"no name", []string{"NIP_BARU", "JABATAN_NAMA"}, false, nil},
		{"no NIP", []string{"NAMA", "GOLONGAN"}, false, nil},
		{"title row", []string{"DAFTAR PEGAWAI DINAS KESEHATAN"}, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, ok := org.MapSIASNHeader(tt.row)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			for f, col := range tt.want {
				if h.Col[f] != col {
					t.Errorf("%s: column %d, want %d", f.Label(), h.Col[f], col)
				}
			}
		})
	}
}

type siasnPerson struct {
	ID       int64  `gorm:"column:id"`
	NIP      string `gorm:"column:nip"`
	Nama     string `gorm:"column:nama"`
	Status   string `gorm:"column:status_asn"`
	Golongan string `gorm:"column:golongan"`
	Jabatan  string `gorm:"column:jabatan"`
}

// siasnFixture gives DINKES two units, a position of one name in each, and
// returns the OPD id and its employees (by id).
func siasnFixture(t *testing.T, db *gorm.DB) (int64, []siasnPerson) {
	t.Helper()
	dinkes := idOf(t, db, `SELECT id FROM opd WHERE kode = 'DINKES'`)
	for _, q := range []string{
		`INSERT INTO unit_kerja (opd_id, kode, nama) VALUES (?, 'DINKES-YANKES', 'Bidang Pelayanan Kesehatan'), (?, 'DINKES-KESMAS', 'Bidang Kesehatan Masyarakat')`,
		`INSERT INTO jabatan (opd_id, kode, nama, jenis, kelas, unit_kerja_id) VALUES
  (?, 'DINKES-PK1', 'Pranata Komputer Ahli Pertama', 'fungsional', 8, (SELECT id FROM unit_kerja WHERE kode = 'DINKES-YANKES')),
  (?, 'DINKES-PK2', 'Pranata Komputer Ahli Pertama', 'fungsional', 8, (SELECT id FROM unit_kerja WHERE kode = 'DINKES-KESMAS'))`,
	} {
		if err := db.Exec(q, dinkes, dinkes).Error; err != nil {
			t.Fatal(err)
		}
	}
	var ps []siasnPerson
	if err := db.Raw(`SELECT p.id, p.nip, p.nama, p.status_asn, p.golongan, coalesce(j.nama, '') AS jabatan FROM pegawai p
LEFT JOIN riwayat_jabatan rj ON rj.pegawai_id = p.id AND rj.jenis = 'definitif' AND rj.selesai IS NULL
LEFT JOIN jabatan j ON j.id = rj.jabatan_id WHERE p.opd_id = ? AND p.keadaan = 'aktif' ORDER BY p.id`, dinkes).Scan(&ps).Error; err != nil || len(ps) < 8 {
		t.Fatalf("dinkes people: %d %v", len(ps), err)
	}
	return dinkes, ps
}

// siasnStatus writes a status as STATUS_CPNS_PNS does.
func siasnStatus(s string) string {
	switch s {
	case "PNS":
		return "P"
	case "CPNS":
		return "C"
	}
	return s
}

func siasnLine(p siasnPerson, nama, gol, jab, unit string) string {
	return strings.Join([]string{p.NIP, nama, gol, siasnStatus(p.Status), jab, unit}, ";")
}

// TestSIASNPreviewAndPartialApply: a SIASN export against the seeded
// DINKES shows the new employee, the changed fields, the unchanged, the
// missing, the positions and units it cannot find and the refused rows;
// applying only some changes writes exactly those, one audit row each; a
// second apply changes nothing; another OPD's admin cannot see the batch.
func TestSIASNPreviewAndPartialApply(t *testing.T) {
	t.Parallel()
	db, s := seeded(t)
	ctx := context.Background()
	dinkes, ps := siasnFixture(t, db)
	admin := org.Actor{UserID: 1, NIP: "admin", Role: auth.RoleAdminOPD, OPDID: dinkes, IP: "127.0.0.1"}
	const newNIP = "199505052020121003"
	csv := "\xEF\xBB\xBFNIP_BARU;NAMA;GOL_AKHIR_NAMA;STATUS_CPNS_PNS;JABATAN_NAMA;UNOR_NAMA\r\n" + strings.Join([]string{
		siasnLine(ps[0], ps[0].Nama, ps[0].Golongan, ps[0].Jabatan, ""),                                               // 2 unchanged
		siasnLine(ps[1], ps[1].Nama+" Baru", "IV/d", ps[1].Jabatan, ""),                                               // 3 name and golongan
		siasnLine(ps[2], ps[2].Nama, ps[2].Golongan, "PRANATA KOMPUTER  AHLI PERTAMA", "Bidang Kesehatan Masyarakat"), // 4 position
		siasnLine(ps[3], ps[3].Nama, ps[3].Golongan, "Jabatan Yang Tidak Ada", ""),                                    // 5 unknown position
		siasnLine(ps[4], ps[4].Nama, ps[4].Golongan, "Pranata Komputer Ahli Pertama", "Bidang Tak Dikenal"),           // 6 unknown unit
		newNIP + ";Rina Wulandari;Penata Muda (III/a);P;Pranata Komputer Ahli Pertama;Bidang Pelayanan Kesehatan",     // 7 new
		"12345;Salah NIP;III/a;P;;",                 // 8 bad NIP
		"1,98109E+17;Angka Excel;III/a;P;;",         // 9 NIP Excel made a number
		siasnLine(ps[5], ps[5].Nama, "Z/9", "", ""), // 10 golongan unreadable: refused, not missing
	}, "\r\n") + "\r\n"
	d, err := s.SIASNPreview(ctx, admin, 0, "siasn.csv", strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	if d.ID == 0 || d.Rows != 9 || d.Unchanged != 3 {
		t.Fatalf("preview: id %d rows %d unchanged %d", d.ID, d.Rows, d.Unchanged)
	}
	if len(d.New) != 1 || d.New[0].NIP != newNIP || d.New[0].Golongan != "III/a" || d.New[0].Status != "PNS" || d.New[0].Unit != "Bidang Pelayanan Kesehatan" ||
		d.New[0].JabatanID != idOf(t, db, `SELECT id FROM jabatan WHERE kode = 'DINKES-PK1'`) {
		t.Fatalf("new: %+v", d.New)
	}
	changes := map[string]org.SIASNChange{}
	for _, e := range d.Changed {
		for _, c := range e.Changes {
			changes[c.Key] = c
		}
	}
	want := map[string][2]string{
		ps[1].NIP + ":nama":     {ps[1].Nama, ps[1].Nama + " Baru"},
		ps[1].NIP + ":golongan": {ps[1].Golongan, "IV/d"},
		ps[2].NIP + ":jabatan":  {ps[2].Jabatan, "Pranata Komputer Ahli Pertama"},
	}
	if len(changes) != len(want) {
		t.Fatalf("changes: %+v", changes)
	}
	for k, w := range want {
		if c := changes[k]; c.Old != w[0] || c.New != w[1] {
			t.Errorf("%s: %q -> %q, want %q -> %q", k, c.Old, c.New, w[0], w[1])
		}
	}
	if c := changes[ps[2].NIP+":jabatan"]; c.NewUnit != "Bidang Kesehatan Masyarakat" || c.NewID != idOf(t, db, `SELECT id FROM jabatan WHERE kode = 'DINKES-PK2'`) {
		t.Errorf("position change resolved to %+v", c)
	}
	notes := map[int]string{}
	for _, n := range d.Notes {
		notes[n.Line] += n.Reason
	}
	if !strings.Contains(notes[5], "Jabatan \"Jabatan Yang Tidak Ada\" tidak ditemukan") || !strings.Contains(notes[6], "Unit kerja \"Bidang Tak Dikenal\" tidak ditemukan") {
		t.Errorf("notes: %v", notes)
	}
	refused := map[int]string{}
	for _, r := range d.Refused {
		refused[r.Line] += r.Reason
	}
	if len(refused) != 3 || !strings.Contains(refused[8], "NIP harus 18 digit") || !strings.Contains(refused[9], "Excel mengubah NIP 18 digit menjadi angka") ||
		!strings.Contains(refused[10], "Golongan \"Z/9\" tidak dapat dibaca") {
		t.Errorf("refused: %v", refused)
	}
	if len(d.Missing) != len(ps)-6 {
		t.Errorf("missing %d, want %d", len(d.Missing), len(ps)-6)
	}
	for _, m := range d.Missing {
		for _, p := range ps[:6] {
			if m.NIP == p.NIP {
				t.Errorf("%s is in the file but listed missing", m.NIP)
			}
		}
	}
	gone := d.Missing[0]

	// Another OPD's admin does not see the batch, nor can apply it.
	other := org.Actor{UserID: 1, NIP: "lain", Role: auth.RoleAdminOPD, OPDID: idOf(t, db, `SELECT id FROM opd WHERE kode = 'BKPSDM'`)}
	if _, err := s.SIASNBatch(ctx, other, d.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("other OPD reads batch: %v", err)
	}
	if _, err := s.SIASNApply(ctx, other, d.ID, []string{newNIP + ":baru"}, time.Now()); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("other OPD applies batch: %v", err)
	}
	// A key the preview did not offer is refused, nothing changes.
	before := snapshot(t, db)
	var ve *apperr.ValidationError
	if _, err := s.SIASNApply(ctx, admin, d.ID, []string{newNIP + ":baru", ps[0].NIP + ":nama"}, time.Now()); !errors.As(err, &ve) {
		t.Errorf("forged key: %v", err)
	}
	if snapshot(t, db) != before {
		t.Fatal("a refused apply changed the database")
	}

	day := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	accept := []string{newNIP + ":baru", ps[1].NIP + ":golongan", ps[2].NIP + ":jabatan", gone.Key(org.SIASNPindah)}
	res, err := s.SIASNApply(ctx, admin, d.ID, accept, day)
	if err != nil {
		t.Fatal(err)
	}
	if res != (org.SIASNResult{Created: 1, Updated: 1, Assigned: 1, Deactivated: 1}) {
		t.Fatalf("result %+v", res)
	}
	var got struct {
		Nama     string `gorm:"column:nama"`
		Golongan string `gorm:"column:golongan"`
	}
	db.Raw(`SELECT nama, golongan FROM pegawai WHERE id = ?`, ps[1].ID).Scan(&got)
	if got.Nama != ps[1].Nama || got.Golongan != "IV/d" {
		t.Errorf("only the golongan was accepted: %+v", got)
	}
	if k := idOf(t, db, `SELECT count(*) FROM riwayat_jabatan rj JOIN jabatan j ON j.id = rj.jabatan_id
WHERE rj.pegawai_id = ? AND rj.selesai IS NULL AND j.kode = 'DINKES-PK2' AND rj.mulai = '2026-10-01'`, ps[2].ID); k != 1 {
		t.Errorf("new position: %d", k)
	}
	if k := idOf(t, db, `SELECT count(*) FROM riwayat_jabatan WHERE pegawai_id = ? AND selesai = '2026-09-30'`, ps[2].ID); k != 1 {
		t.Errorf("old position closed: %d", k)
	}
	if k := idOf(t, db, `SELECT count(*) FROM pegawai p JOIN riwayat_jabatan rj ON rj.pegawai_id = p.id JOIN jabatan j ON j.id = rj.jabatan_id
WHERE p.nip = ? AND p.nama = 'Rina Wulandari' AND p.opd_id = ? AND j.kode = 'DINKES-PK1'`, newNIP, dinkes); k != 1 {
		t.Errorf("new employee: %d", k)
	}
	if k := idOf(t, db, `SELECT count(*) FROM pegawai WHERE id = ? AND keadaan = 'pindah'`, gone.PegawaiID); k != 1 {
		t.Errorf("missing employee not marked")
	}
	for action, n := range map[string]int64{"org.siasn_tambah": 1, "org.siasn_ubah": 1, "org.siasn_jabatan": 1, "org.siasn_nonaktif": 1, "org.siasn_terapkan": 1} {
		var c int64
		db.Raw(`SELECT count(*) FROM audit_log WHERE action = ?`, action).Scan(&c)
		if c != n {
			t.Errorf("audit %s: %d rows, want %d", action, c, n)
		}
	}
	var detail string
	db.Raw(`SELECT detail::text FROM audit_log WHERE action = 'org.siasn_ubah'`).Scan(&detail)
	if !strings.Contains(detail, `"sebelum":"`+ps[1].Golongan+`"`) || !strings.Contains(detail, `"sesudah":"IV/d"`) || !strings.Contains(detail, fmt.Sprintf(`"impor_siasn":%d`, d.ID)) {
		t.Errorf("audit detail: %s", detail)
	}
	// The same accept again changes nothing.
	before = snapshot(t, db)
	res, err = s.SIASNApply(ctx, admin, d.ID, accept, day)
	if err != nil || res.Changed() != 0 || res.Again != 4 {
		t.Fatalf("second apply: %+v %v", res, err)
	}
	if snapshot(t, db) != before {
		t.Fatal("second apply changed the database")
	}
	// The name left out before may still be accepted later.
	if res, err := s.SIASNApply(ctx, admin, d.ID, []string{ps[1].NIP + ":nama"}, day); err != nil || res.Updated != 1 {
		t.Fatalf("later accept: %+v %v", res, err)
	}
	if b, err := s.SIASNBatch(ctx, admin, d.ID); err != nil || b.Status != "diterapkan" || len(b.Applied) != 5 {
		t.Fatalf("batch after apply: %v %+v", err, b.Applied)
	}
}

// TestSIASNApplyConflict: a value changed since the preview refuses the
// apply as a conflict, and nothing is applied.
func TestSIASNApplyConflict(t *testing.T) {
	t.Parallel()
	db, s := seeded(t)
	ctx := context.Background()
	dinkes, ps := siasnFixture(t, db)
	admin := org.Actor{UserID: 1, NIP: "admin", Role: auth.RoleAdminOPD, OPDID: dinkes}
	csv := "nip;nama;golongan;status\n" + strings.Join([]string{ps[0].NIP, ps[0].Nama, "IV/e", ps[0].Status}, ";") + "\n" +
		strings.Join([]string{ps[1].NIP, "Nama Lain", ps[1].Golongan, ps[1].Status}, ";") + "\n"
	d, err := s.SIASNPreview(ctx, admin, 0, "s.csv", strings.NewReader(csv))
	if err != nil || len(d.Changed) != 2 {
		t.Fatalf("preview: %v %+v", err, d.Changed)
	}
	if err := db.Exec(`UPDATE pegawai SET golongan = 'III/b' WHERE id = ?`, ps[0].ID).Error; err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, db)
	_, err = s.SIASNApply(ctx, admin, d.ID, []string{ps[1].NIP + ":nama", ps[0].NIP + ":golongan"}, time.Now())
	if !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("conflict: %v", err)
	}
	if snapshot(t, db) != before {
		t.Fatal("a conflicting apply changed the database")
	}
	// A superadmin must choose the OPD; a verifikator may not import.
	if _, err := s.SIASNPreview(ctx, org.Actor{Role: auth.RoleSuperadmin}, 0, "s.csv", strings.NewReader(csv)); err == nil {
		t.Error("superadmin without OPD accepted")
	}
	if _, err := s.SIASNPreview(ctx, org.Actor{Role: auth.RoleVerifikator}, dinkes, "s.csv", strings.NewReader(csv)); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("verifikator: %v", err)
	}
}

// TestSIASNDiffPage: a long difference is cut into pages of SIASNPerPage
// lines across its lists in order, every line on exactly one page.
func TestSIASNDiffPage(t *testing.T) {
	t.Parallel()
	var d org.SIASNDiff
	for i := 0; i < 130; i++ {
		d.New = append(d.New, org.SIASNEntry{Line: i})
	}
	for i := 0; i < 50; i++ {
		d.Changed = append(d.Changed, org.SIASNEntry{Line: 1000 + i})
		d.Missing = append(d.Missing, org.SIASNMissing{NIP: fmt.Sprint(i)})
	}
	d.Refused = []org.RowError{{Line: 7}}
	tests := []struct {
		page, want, new, changed, missing, refused int
	}{
		{0, 1, 100, 0, 0, 0},
		{1, 1, 100, 0, 0, 0},
		{2, 2, 30, 50, 20, 0},
		{3, 3, 0, 0, 30, 1},
		{99, 3, 0, 0, 30, 1},
	}
	for _, tt := range tests {
		p := d.Page(tt.page)
		if p.Pages != 3 || p.Page != tt.want || len(p.New) != tt.new || len(p.Changed) != tt.changed || len(p.Missing) != tt.missing || len(p.Refused) != tt.refused {
			t.Errorf("page %d: got page %d/%d new %d changed %d missing %d refused %d", tt.page, p.Page, p.Pages, len(p.New), len(p.Changed), len(p.Missing), len(p.Refused))
		}
	}
	if p := d.Page(2); p.New[0].Line != 100 || p.Missing[0].NIP != "0" {
		t.Errorf("page 2 starts at %d / %s", p.New[0].Line, p.Missing[0].NIP)
	}
	if p := (org.SIASNDiff{}).Page(1); p.Pages != 1 || p.Page != 1 {
		t.Errorf("empty: %+v", p)
	}
}

// BenchmarkSIASN5000: a 5,000-employee SIASN export (all new, each with a
// position found by name) is previewed and then applied whole.
func BenchmarkSIASN5000(b *testing.B) {
	n := 5000
	if testing.Short() { // make test runs every benchmark once, small, so none rots
		n = 300
	}
	var sb strings.Builder
	sb.WriteString("NIP_BARU;NAMA;GOL_AKHIR_NAMA;STATUS_CPNS_PNS;JABATAN_NAMA;UNOR_NAMA\n")
	for i := 0; i < n; i++ {
		lahir := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i)
		fmt.Fprintf(&sb, "%s%s1%03d;Pegawai %d;III/b;P;Sekretaris;\n", lahir.Format("20060102"), lahir.AddDate(25, 0, 0).Format("200601"), i%1000, i)
	}
	body := sb.String()
	for b.Loop() {
		b.StopTimer()
		db, s := seeded(b)
		var dinkes int64
		db.Raw(`SELECT id FROM opd WHERE kode = 'DINKES'`).Scan(&dinkes)
		admin := org.Actor{UserID: 1, Role: auth.RoleAdminOPD, OPDID: dinkes}
		b.StartTimer()
		start := time.Now()
		d, err := s.SIASNPreview(context.Background(), admin, 0, "b.csv", strings.NewReader(body))
		if err != nil || len(d.New) != n || d.New[0].JabatanID == 0 {
			b.Fatalf("preview: %d new, %v", len(d.New), err)
		}
		preview := time.Since(start)
		keys := make([]string, len(d.New))
		for i, e := range d.New {
			keys[i] = e.Key()
		}
		res, err := s.SIASNApply(context.Background(), admin, d.ID, keys, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC))
		if err != nil || res.Created != n {
			b.Fatalf("apply: %+v %v", res, err)
		}
		fmt.Printf("SIASN %d pegawai: pratinjau %v, terapkan %v\n", n, preview.Round(time.Millisecond), (time.Since(start) - preview).Round(time.Millisecond))
	}
}
