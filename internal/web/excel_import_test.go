package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/org"
)

// workbook builds an .xlsx whose first sheet holds rows as given: a
// time.Time becomes an Excel date cell, a float64 a number cell.
func workbook(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	sh := f.GetSheetName(0)
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sh, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestExcelEverywhereImports: the employee and attendance imports read
// .xlsx (date and time cells included), CSV with a BOM and ';', and
// Windows-1252 text; an NIP Excel turned into a number gets a message that
// says so.
func TestExcelEverywhereImports(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.as(auth.RoleAdminOPD)
	cols := org.ImportColumns(org.ImportPegawai)
	header := make([]any, len(cols))
	for i, c := range cols {
		header[i] = c
	}
	tmt := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	x := workbook(t, [][]any{header,
		{"199001012015011001", "André Wijaya", "PNS", "III/a", "DINKES", "DINKES-05", tmt, "aktif", "tidak", "", "", "", ""},
		{},
		{float64(199001012015011002), "Dua", "PNS", "III/a", "DINKES", "", "", "aktif", "tidak", "", "", "", ""},
	})
	res := admin.postFile("/impor/pegawai", "pegawai.xlsx", x, nil)
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Excel mengubah NIP 18 digit menjadi angka") ||
		!strings.Contains(res.body, "E+17") {
		t.Fatalf("numeric NIP: %d %s", res.status, res.body)
	}
	// The report names the workbook's row 4 (row 3 is blank).
	if !strings.Contains(res.body, "<td>4</td>") && !strings.Contains(res.body, ">4<") {
		t.Errorf("row number of the workbook not reported")
	}
	res = admin.postFile("/impor/pegawai", "pegawai.xlsx", x, url.Values{"lewati": {"ya"}})
	if res.status != http.StatusOK {
		t.Fatalf("skip: %d %s", res.status, res.body)
	}
	var got struct {
		Nama string `gorm:"column:nama"`
		TMT  string `gorm:"column:tmt"`
	}
	h.db.Raw(`SELECT p.nama, coalesce((SELECT r.mulai::text FROM riwayat_jabatan r WHERE r.pegawai_id = p.id ORDER BY r.id DESC LIMIT 1), '') AS tmt
FROM pegawai p WHERE p.nip = '199001012015011001'`).Scan(&got)
	if got.Nama != "André Wijaya" || got.TMT != "2026-01-02" {
		t.Errorf("xlsx employee: %+v", got)
	}

	// CSV with a BOM and ';' (Excel "CSV UTF-8" in an Indonesian locale).
	bom := "\xEF\xBB\xBF" + strings.Join(cols, ";") + "\r\n" + "199001012015011003;Siti Nurhaliza;PNS;III/b;DINKES;;;aktif;tidak;;;;\r\n"
	if res := admin.postFile("/impor/pegawai", "bom.csv", []byte(bom), nil); res.status != http.StatusOK {
		t.Fatalf("BOM ; csv: %d %s", res.status, res.body)
	}
	// Windows-1252 (Excel's plain "CSV" on Windows): é is the byte 0xE9.
	w1252 := strings.Join(cols, ";") + "\r\n" + "199001012015011004;Ren\xe9 Sitompul;PNS;III/b;DINKES;;;aktif;tidak;;;;\r\n"
	if res := admin.postFile("/impor/pegawai", "ansi.csv", []byte(w1252), nil); res.status != http.StatusOK {
		t.Fatalf("windows-1252 csv: %d %s", res.status, res.body)
	}
	var names []string
	h.db.Raw(`SELECT nama FROM pegawai WHERE nip IN ('199001012015011003', '199001012015011004') ORDER BY nip`).Scan(&names)
	if strings.Join(names, "|") != "Siti Nurhaliza|René Sitompul" {
		t.Errorf("decoded names: %q", names)
	}

	// Attendance as .xlsx: date cell, time cell, text time.
	nip := dinkesPeople(t, h, 1)[0]
	day := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	masuk := 7.0/24 + 25.0/1440 // 07:25 as Excel stores a time
	a := workbook(t, [][]any{{"NIP", "Tanggal", "Jam Masuk", "Jam Pulang"}, {nip.nip, day, masuk, "16:05"}})
	if res := admin.postFile("/presensi/impor", "presensi.xlsx", a, nil); res.status != http.StatusOK {
		t.Fatalf("attendance xlsx: %d %s", res.status, res.body)
	}
	if got := h.record(nip.id, "2026-10-01"); got != "07:25|16:05" {
		t.Errorf("attendance xlsx record: %s", got)
	}
	a = workbook(t, [][]any{{"nip", "tanggal", "jam_masuk", "jam_pulang"}, {float64(198109012010011001), "2026-10-01", "07:30", "16:00"}})
	res = admin.postFile("/presensi/impor", "presensi.xlsx", a, nil)
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Excel mengubah NIP 18 digit menjadi angka") {
		t.Errorf("attendance numeric NIP: %d", res.status)
	}
	// A real Excel 97-2003 workbook is refused with what to do.
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...)
	res = admin.postFile("/presensi/impor", "lama.xls", ole, nil)
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "simpan sebagai") {
		t.Errorf("xls: %d", res.status)
	}
}

// TestImportTemplatesXLSX downloads each import page's .xlsx template,
// checks its drop-downs, fills it in with excelize as a person would in
// Excel, and imports it.
func TestImportTemplatesXLSX(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.as(auth.RoleAdminOPD)
	res := admin.get("/impor")
	if !strings.Contains(res.body, `href="/impor/templat/pegawai.xlsx"`) {
		t.Fatalf("import page offers no .xlsx template")
	}
	res = admin.get("/impor/templat/pegawai.xlsx")
	if res.status != http.StatusOK || !strings.Contains(res.header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("template: %d %s", res.status, res.header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(strings.NewReader(res.body))
	if err != nil {
		t.Fatal(err)
	}
	sh := f.GetSheetName(0)
	rows, _ := f.GetRows(sh)
	if len(rows) != 2 || strings.Join(rows[0], ",") != strings.Join(org.ImportColumns(org.ImportPegawai), ",") || rows[1][0] != "198503152010011001" {
		t.Fatalf("template rows: %q", rows)
	}
	dvs, err := f.GetDataValidations(sh)
	if err != nil {
		t.Fatal(err)
	}
	lists := map[string]string{}
	for _, dv := range dvs {
		lists[strings.SplitN(dv.Sqref, ":", 2)[0]] = dv.Formula1
	}
	// status_asn is column C, keadaan H, tugas_belajar I.
	if !strings.Contains(lists["C2"], "PPPK") || !strings.Contains(lists["H2"], "pensiun") || !strings.Contains(lists["I2"], "tidak") || !strings.Contains(lists["D2"], "IV/e") {
		t.Errorf("drop-downs: %v", lists)
	}
	// Fill it: replace the example by a DINKES employee, typed into the
	// text-formatted NIP cell.
	row := []any{"199202022020122001", "Rina Marlina", "CPNS", "III/a", "DINKES", "", "", "aktif", "tidak", "", "", "", ""}
	if err := f.SetSheetRow(sh, "A2", &row); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	res = admin.postFile("/impor/pegawai", "templat-pegawai.xlsx", b.Bytes(), nil)
	if res.status != http.StatusOK || h.count(`SELECT count(*) FROM pegawai WHERE nip = '199202022020122001' AND status_asn = 'CPNS'`) != 1 {
		t.Fatalf("filled template: %d", res.status)
	}

	// The attendance import page's template, filled and imported.
	if !strings.Contains(admin.get("/presensi/impor").body, `href="/presensi/impor/templat.xlsx"`) {
		t.Fatal("attendance import page offers no template")
	}
	res = admin.get("/presensi/impor/templat.xlsx")
	if f, err = excelize.OpenReader(strings.NewReader(res.body)); err != nil {
		t.Fatal(err)
	}
	sh = f.GetSheetName(0)
	who := dinkesPeople(t, h, 1)[0]
	row = []any{who.nip, "2026-10-02", "07:35", "16:31"}
	if err := f.SetSheetRow(sh, "A2", &row); err != nil {
		t.Fatal(err)
	}
	b.Reset()
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	if res := admin.postFile("/presensi/impor", "templat-presensi.xlsx", b.Bytes(), nil); res.status != http.StatusOK {
		t.Fatalf("attendance template import: %d", res.status)
	}
	if got := h.record(who.id, "2026-10-02"); got != "07:35|16:31" {
		t.Errorf("record from template: %s", got)
	}
}

// TestRecapXLSX: the recap page's download holds the same recap, NIP as
// text and counts as numbers; another OPD's recap is refused.
func TestRecapXLSX(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.as(auth.RoleAdminOPD)
	who := dinkesPeople(t, h, 1)[0]
	csv := "nip,tanggal,jam_masuk,jam_pulang\n" + who.nip + ",2026-10-01,07:45,16:00\n" + who.nip + ",2026-10-02,07:20,\n"
	if res := admin.postFile("/presensi/impor", "p.csv", []byte(csv), nil); res.status != http.StatusOK {
		t.Fatalf("import: %d", res.status)
	}
	page := admin.get("/presensi/rekap?bulan=2026-10")
	if !strings.Contains(page.body, `id="unduh-rekap"`) {
		t.Fatal("recap page offers no download")
	}
	res := admin.get("/presensi/rekap.xlsx?bulan=2026-10")
	if res.status != http.StatusOK || !strings.Contains(res.header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("download: %d", res.status)
	}
	f, err := excelize.OpenReader(strings.NewReader(res.body))
	if err != nil {
		t.Fatal(err)
	}
	sh := f.GetSheetName(0)
	rows, _ := f.GetRows(sh)
	var found []string
	for i, r := range rows {
		if len(r) > 0 && r[0] == who.nip {
			found = r
			axis, _ := excelize.CoordinatesToCellName(1, i+1)
			if typ, _ := f.GetCellType(sh, axis); typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset {
				t.Errorf("NIP is not a text cell: %v", typ)
			}
			tl1, _ := excelize.CoordinatesToCellName(7, i+1)
			if typ, _ := f.GetCellType(sh, tl1); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
				t.Errorf("TL1 is not a number cell: %v", typ)
			}
		}
	}
	// Thursday 1 October 07:45 is TL1; Friday 2 October has no time out (PSW4).
	if len(found) < 14 || found[6] != "1" || found[13] != "1" {
		t.Errorf("employee row: %q", found)
	}
	bkpsdm := h.count(`SELECT id FROM opd WHERE kode = 'BKPSDM'`)
	if res := admin.get(fmt.Sprintf("/presensi/rekap.xlsx?bulan=2026-10&opd=%d", bkpsdm)); res.status != http.StatusForbidden && res.status != http.StatusNotFound {
		t.Errorf("other OPD's recap: %d", res.status)
	}
}
