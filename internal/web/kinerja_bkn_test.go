package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tabular"
)

var bknReportRe = regexp.MustCompile(`href="/kinerja/predikat-bkn/([0-9]+)/laporan.xlsx"`)

// TestBKNPredikatImportThroughRoutes: the admin OPD downloads the .xlsx
// template, fills it with excelize (DINKES staff plus 60 NIPs that are not
// DINKES's), imports it, and reads the report paged and as .xlsx; a file
// with an unreadable row is refused with 422 and changes nothing; another
// OPD's admin can neither read the report nor import for DINKES; the
// superadmin must choose the OPD.
func TestBKNPredikatImportThroughRoutes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.as(auth.RoleAdminOPD)
	var staff []struct {
		NIP  string `gorm:"column:nip"`
		Nama string `gorm:"column:nama"`
	}
	if err := h.db.Raw(`SELECT p.nip, p.nama FROM pegawai p JOIN opd o ON o.id = p.opd_id WHERE o.kode = 'DINKES' AND p.keadaan = 'aktif' ORDER BY p.nip`).
		Scan(&staff).Error; err != nil || len(staff) < 3 {
		t.Fatalf("staff %d %v", len(staff), err)
	}

	page := admin.get("/kinerja/predikat-bkn?bulan=2026-11")
	if page.status != http.StatusOK {
		t.Fatalf("page %d", page.status)
	}
	mustContain(t, page.body, "penilaian atasan di aplikasi ini", `id="bkn-unggah"`, `templat.xlsx?bulan=2026-11`)

	tpl := admin.get("/kinerja/predikat-bkn/templat.xlsx?bulan=2026-11")
	if tpl.status != http.StatusOK || tpl.header.Get("Content-Type") != xlsxType {
		t.Fatalf("template %d %s", tpl.status, tpl.header.Get("Content-Type"))
	}
	x, err := excelize.OpenReader(strings.NewReader(tpl.body))
	if err != nil {
		t.Fatal(err)
	}
	sh := x.GetSheetName(0)
	head, _ := x.GetRows(sh)
	if len(head) < 3 || head[1][0] != "NIP" || head[1][3] != "PREDIKAT" {
		t.Fatalf("template rows %q", head)
	}
	dv, err := x.GetDataValidations(sh)
	if err != nil || len(dv) == 0 {
		t.Fatalf("template has no drop-downs: %v", err)
	}
	preds := []string{"Sangat Baik", "Baik", "Butuh Perbaikan"}
	fill := func(r int, vals ...string) {
		for i, v := range vals {
			cell, _ := excelize.CoordinatesToCellName(i+1, r)
			if err := x.SetCellStr(sh, cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i, p := range staff[:3] { // row 3 overwrites the example
		fill(3+i, p.NIP, p.Nama, "2026-11", preds[i], "Sesuai ekspektasi", "Sesuai ekspektasi")
	}
	for i := range 60 {
		fill(6+i, fmt.Sprintf("199912312020121%03d", i), "Bukan Pegawai", "2026-11", "Baik", "", "")
	}
	var filled bytes.Buffer
	if _, err := x.WriteTo(&filled); err != nil {
		t.Fatal(err)
	}

	// Another OPD's admin cannot import for DINKES by naming it.
	dinkes := h.count(`SELECT id FROM opd WHERE kode = 'DINKES'`)
	other := siasnOtherAdmin(t, h, "BKPSDM")
	if res := other.postFile("/kinerja/predikat-bkn", "p.xlsx", filled.Bytes(), url.Values{"bulan": {"2026-11"}, "opd_id": {fmt.Sprint(dinkes)}}); res.status != http.StatusForbidden {
		t.Fatalf("other OPD's admin importing for DINKES: %d", res.status)
	}
	// The superadmin must choose the OPD.
	super := h.as(auth.RoleSuperadmin)
	if res := super.postFile("/kinerja/predikat-bkn", "p.xlsx", filled.Bytes(), url.Values{"bulan": {"2026-11"}}); res.status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.body, "Pilih OPD") {
		t.Fatalf("superadmin without OPD: %d", res.status)
	}
	// A bad month and a missing file are messages on the form.
	if res := admin.postFile("/kinerja/predikat-bkn", "p.xlsx", filled.Bytes(), url.Values{"bulan": {"November"}}); res.status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.body, "TTTT-BB") {
		t.Fatalf("bad month: %d", res.status)
	}
	if n := h.count(`SELECT count(*) FROM predikat_bkn_impor`); n != 0 {
		t.Fatalf("%d imports stored by refused requests", n)
	}

	// An unreadable row refuses the whole file.
	bad := workbook(t, [][]any{{"NIP", "PREDIKAT"}, {staff[0].NIP, "Baik"}, {staff[1].NIP, "Luar Biasa"}})
	res := admin.postFile("/kinerja/predikat-bkn", "salah.xlsx", bad, url.Values{"bulan": {"2026-11"}})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad file: %d", res.status)
	}
	mustContain(t, res.body, "ditolak; tidak ada predikat yang diubah", "Luar Biasa", "tidak dikenal")
	if n := h.count(`SELECT count(*) FROM predikat_bkn`); n != 0 {
		t.Fatalf("refused file stored %d predikat", n)
	}

	res = admin.postFile("/kinerja/predikat-bkn", "predikat-nov.xlsx", filled.Bytes(), url.Values{"bulan": {"2026-11"}})
	if res.status != http.StatusOK {
		t.Fatalf("import: %d %s", res.status, res.body)
	}
	mustContain(t, res.body, `<span id="jumlah-diterapkan">3 predikat`, `id="jumlah-tidak_dikenal">60<`, "Dinas Kesehatan")
	m := bknReportRe.FindStringSubmatch(res.body)
	if m == nil {
		t.Fatal("no report link")
	}
	id := m[1]
	if n := h.count(`SELECT count(*) FROM predikat_bkn b JOIN pegawai p ON p.id = b.pegawai_id WHERE p.nip IN (?, ?, ?)`, staff[0].NIP, staff[1].NIP, staff[2].NIP); n != 3 {
		t.Fatalf("%d predikat stored, want 3", n)
	}
	if n := h.count(`SELECT count(*) FROM audit_log WHERE action = 'kinerja.predikat_bkn'`); n != 3 {
		t.Fatalf("%d audit rows, want 3", n)
	}

	p2 := admin.get("/kinerja/predikat-bkn/" + id + "?daftar=tidak_dikenal&hal=2")
	if p2.status != http.StatusOK || strings.Count(p2.body, `class="nip"`) != 10 {
		t.Fatalf("page 2: %d, %d rows", p2.status, strings.Count(p2.body, `class="nip"`))
	}
	mustContain(t, p2.body, "Halaman 2 dari 2", "199912312020121059")
	if p := admin.get("/kinerja/predikat-bkn/" + id + "?daftar=diterapkan"); !strings.Contains(p.body, staff[0].NIP) {
		t.Fatalf("applied list without %s", staff[0].NIP)
	}
	rep := admin.get("/kinerja/predikat-bkn/" + id + "/laporan.xlsx")
	if rep.status != http.StatusOK {
		t.Fatalf("report xlsx %d", rep.status)
	}
	tb, err := tabular.Bytes([]byte(rep.body), tabular.Options{})
	if err != nil || len(tb.Rows) != 1+3 { // the first sheet: the applied predikat
		t.Fatalf("report xlsx first sheet: %v %d rows", err, len(tb.Rows))
	}
	if g := other.get("/kinerja/predikat-bkn/" + id); g.status != http.StatusNotFound {
		t.Fatalf("another OPD's admin read the report: %d", g.status)
	}
	if g := super.get("/kinerja/predikat-bkn/" + id); g.status != http.StatusOK {
		t.Fatalf("superadmin report: %d", g.status)
	}
	// The same file again changes nothing (and says so).
	res = admin.postFile("/kinerja/predikat-bkn", "predikat-nov.xlsx", filled.Bytes(), url.Values{"bulan": {"2026-11"}})
	mustContain(t, res.body, `<span id="jumlah-diterapkan">0 predikat`, `<span id="jumlah-tetap">3 tetap`)
	if n := h.count(`SELECT count(*) FROM audit_log WHERE action = 'kinerja.predikat_bkn'`); n != 3 {
		t.Fatalf("re-import audited: %d rows", n)
	}
	if l := admin.get("/kinerja/predikat-bkn"); !strings.Contains(l.body, "predikat-nov.xlsx") || !strings.Contains(l.body, "ditolak") {
		t.Fatal("latest imports not listed")
	}
}
