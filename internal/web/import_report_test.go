package web

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/org"
)

var (
	reportLink = regexp.MustCompile(`href="(/impor/laporan/(\d+))"`)
	tableRow   = regexp.MustCompile(`<tr><td class="num">`)
)

// TestImportReportPagedAndDownloadable: a refused employee file of 130 bad
// rows shows the first 50 problems on the import page and links to the
// stored report; its pages hold 50, 50 and 30 problems in file order, its
// workbook all 130 with line numbers as numbers, and nobody else reads it.
// The daily attendance import stores its report the same way.
func TestImportReportPagedAndDownloadable(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.as(auth.RoleAdminOPD)
	var b strings.Builder
	b.WriteString(strings.Join(org.ImportColumns(org.ImportPegawai), ",") + "\r\n")
	for i := range 130 {
		// An NIP of 17 digits: one problem per row, on the nip column.
		fmt.Fprintf(&b, "19900101201501%03d,Pegawai %d,PNS,III/a,DINKES,,,aktif,tidak,,,,\r\n", i, i)
	}
	res := admin.postFile("/impor/pegawai", "banyak-salah.csv", []byte(b.String()), nil)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("refused file: status %d", res.status)
	}
	if n := strings.Count(res.body[strings.Index(res.body, `id="kesalahan"`):], "<tr><td class=\"num\">"); n != 50 {
		t.Errorf("import page shows %d problems, want the first 50", n)
	}
	if !strings.Contains(res.body, "Ditampilkan 50 dari 130 masalah") {
		t.Errorf("import page does not say how many problems there are")
	}
	m := reportLink.FindStringSubmatch(res.body)
	if m == nil {
		t.Fatalf("no link to the stored report")
	}
	url := m[1]
	if n := h.count(`SELECT count(*) FROM pegawai WHERE nama LIKE 'Pegawai %'`); n != 0 {
		t.Fatalf("a refused file changed %d employees", n)
	}

	tests := []struct {
		hal        string
		rows       int
		first, end string // the file lines of the first and last problem on the page
	}{
		{"1", 50, "2", "51"},
		{"2", 50, "52", "101"},
		{"3", 30, "102", "131"},
		{"9", 30, "102", "131"}, // past the end: the last page
		{"x", 50, "2", "51"},    // not a number: the first
	}
	for _, tt := range tests {
		t.Run("hal="+tt.hal, func(t *testing.T) {
			res := admin.get(url + "?hal=" + tt.hal)
			if res.status != http.StatusOK {
				t.Fatalf("status %d", res.status)
			}
			table := res.body[strings.Index(res.body, `id="masalah"`):]
			if n := len(tableRow.FindAllString(table, -1)); n != tt.rows {
				t.Errorf("%d problems on the page, want %d", n, tt.rows)
			}
			cells := regexp.MustCompile(`<td class="num">\s*(\d+)\s*</td>`).FindAllStringSubmatch(table, -1)
			if len(cells) == 0 || cells[0][1] != tt.first || cells[len(cells)-1][1] != tt.end {
				t.Errorf("lines %v..%v, want %s..%s", cells[0], cells[len(cells)-1], tt.first, tt.end)
			}
			if !strings.Contains(res.body, `id="jumlah-masalah">130<`) {
				t.Errorf("page does not give the total")
			}
		})
	}

	x := admin.get(url + "/laporan.xlsx")
	if x.status != http.StatusOK || x.header.Get("Content-Type") != xlsxType {
		t.Fatalf("workbook: %d %s", x.status, x.header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(strings.NewReader(x.body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	head := -1
	for i, r := range rows {
		if len(r) > 0 && r[0] == "Baris" {
			head = i
		}
	}
	if head < 0 || len(rows)-head-1 != 130 {
		t.Fatalf("workbook: header at %d, %d rows", head, len(rows)-head-1)
	}
	cell, _ := excelize.CoordinatesToCellName(1, head+2)
	if typ, _ := f.GetCellType(f.GetSheetName(0), cell); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("line number written as text")
	}
	if rows[head+1][0] != "2" || rows[head+1][1] != "nip" || rows[len(rows)-1][0] != "131" {
		t.Errorf("workbook rows: first %v last %v", rows[head+1], rows[len(rows)-1])
	}

	// Somebody else's report does not exist for them.
	for _, role := range []auth.Role{auth.RoleSuperadmin} {
		other := h.as(role)
		for _, p := range []string{url, url + "/laporan.xlsx"} {
			if res := other.get(p); res.status != http.StatusNotFound {
				t.Errorf("%s reads %s: %d", role, p, res.status)
			}
		}
	}
	for _, p := range []string{"/impor/laporan/999999", "/impor/laporan/abc"} {
		if res := admin.get(p); res.status != http.StatusNotFound && res.status != http.StatusBadRequest {
			t.Errorf("%s: %d", p, res.status)
		}
	}

	// The daily attendance import: 60 bad dates, one report of kind presensi.
	own := login(t, auth.RolePegawai).NIP
	var a strings.Builder
	a.WriteString("nip;tanggal;jam_masuk;jam_pulang\n")
	for i := range 60 {
		fmt.Fprintf(&a, "%s;2026-13-%02d;07:30;16:00\n", own, i%28+1)
	}
	res = admin.postFile("/presensi/impor", "presensi.csv", []byte(a.String()), nil)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("attendance: status %d", res.status)
	}
	if n := h.count(`SELECT count(*) FROM laporan_impor WHERE jenis = 'presensi' AND jsonb_array_length(masalah) = 60 AND NOT diterapkan`); n != 1 {
		t.Errorf("%d stored attendance reports of 60 problems", n)
	}
	if m := reportLink.FindStringSubmatch(res.body); m == nil {
		t.Errorf("attendance import page does not link its report")
	} else if r := admin.get(m[1] + "?hal=2"); r.status != http.StatusOK || !strings.Contains(r.body, "Laporan impor presensi harian") ||
		len(tableRow.FindAllString(r.body, -1)) != 10 {
		t.Errorf("attendance report page 2: %d", r.status)
	}
}
