package tabular

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

func xlsxSeed(t testing.TB) []byte {
	f := excelize.NewFile()
	sh := f.GetSheetName(0)
	_ = f.SetSheetRow(sh, "A1", &[]any{"nip", "tanggal", "jam_masuk"})
	_ = f.SetSheetRow(sh, "A2", &[]any{"199001012015011001", time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), 0.3125})
	_ = f.SetSheetRow(sh, "A3", &[]any{float64(199001012015011002)})
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadFormats(t *testing.T) {
	t.Parallel()
	read := func(name string) *Table {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		tb, err := Bytes(data, Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return tb
	}
	if tb := read("bom_semicolon.csv"); len(tb.Rows) != 2 || tb.Rows[0][0] != "nip" || tb.Rows[1][1] != "Siti; S.Kom." {
		t.Errorf("BOM ; csv: %q", tb.Rows)
	}
	if tb := read("windows1252.csv"); tb.Rows[1][1] != "René Sitompul" {
		t.Errorf("windows-1252: %q", tb.Rows)
	}
	if tb := read("utf16.csv"); len(tb.Rows) != 2 || tb.Rows[1][1] != "A" {
		t.Errorf("utf-16: %q", tb.Rows)
	}
	if tb := read("scanlist.html.xls"); tb.Format != HTML || tb.Rows[1][2] != "2026-10-01 07:25:13" {
		t.Errorf("html xls: %q", tb.Rows)
	}
	csvOut, lines, err := ToCSV(xlsxSeed(t), Options{}, func(h string) CellKind {
		return map[string]CellKind{"tanggal": DateCell, "jammasuk": ClockCell}[h]
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := "nip,tanggal,jam_masuk\n199001012015011001,2026-10-01,07:30:00\n1.99001E+17,,\n"; string(csvOut) != want || len(lines) != 3 {
		t.Errorf("xlsx as csv:\n%s\nwant\n%s", csvOut, want)
	}
	for _, c := range []struct {
		cell string
		want bool
	}{{"1,98109E+17", true}, {"1.98109E+17", true}, {"198109012010011001", false}, {"E+17", false}, {"abcE+1", false}} {
		if got := LooksExcelNumber(c.cell); got != c.want {
			t.Errorf("LooksExcelNumber(%q) = %v", c.cell, got)
		}
	}
	if _, err := Bytes([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0}, Options{}); err == nil || !strings.Contains(err.Error(), ".xlsx") {
		t.Errorf("BIFF .xls: %v", err)
	}
}

// FuzzTabularReader: whatever the bytes, Bytes and ToCSV return a table or a
// FileError, never panic; a table's cells are trimmed UTF-8 and ToCSV's
// output is CSV with one record per row.
func FuzzTabularReader(f *testing.F) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join("testdata", e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(xlsxSeed(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, err := Bytes(data, Options{MaxRows: 1000})
		if err != nil {
			if _, ok := err.(*FileError); !ok {
				t.Fatalf("not a FileError: %v", err)
			}
			return
		}
		if len(tb.Rows) == 0 || len(tb.Rows) != len(tb.Lines) {
			t.Fatalf("rows %d, lines %d", len(tb.Rows), len(tb.Lines))
		}
		for _, r := range tb.Rows {
			blank := true
			for _, c := range r {
				if !utf8.ValidString(c) || strings.TrimSpace(c) != c {
					t.Fatalf("cell %q", c)
				}
				blank = blank && c == ""
			}
			if blank {
				t.Fatal("blank row kept")
			}
		}
		out, lines, err := ToCSV(data, Options{MaxRows: 1000}, nil)
		if err != nil {
			t.Fatalf("ToCSV after Bytes succeeded: %v", err)
		}
		recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
		if err != nil && !strings.Contains(err.Error(), "wrong number of fields") {
			t.Fatalf("ToCSV output unreadable: %v", err)
		}
		if err == nil && len(recs) != len(lines) {
			t.Fatalf("%d records, %d lines", len(recs), len(lines))
		}
	})
}

// TestWriteXLSXCellKinds: text stays text (a formula-looking value too),
// numbers and shares are number cells, a share as its fraction.
func TestWriteXLSXCellKinds(t *testing.T) {
	t.Parallel()
	f := written(t, Sheet{Name: "Uji", Header: []string{"NIP", "Jumlah", "Persentase"},
		Rows: [][]any{{"=1+1", int64(4606000), BasisPoints(1250)}}})
	for _, c := range []struct {
		axis, raw string
		text      bool
	}{{"A2", "=1+1", true}, {"B2", "4606000", false}, {"C2", "0.125", false}} {
		typ, _ := f.GetCellType("Uji", c.axis)
		text := typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString
		v, _ := f.GetCellValue("Uji", c.axis, excelize.Options{RawCellValue: true})
		fm, _ := f.GetCellFormula("Uji", c.axis)
		if v != c.raw || text != c.text || fm != "" {
			t.Errorf("%s: %q text %v formula %q, want %q text %v", c.axis, v, text, fm, c.raw, c.text)
		}
	}
}

// TestWriteXLSXTemplateColumnsAreText: a template's columns carry the text
// number format (49) as column styles, so a NIP typed into any row, also
// past the example rows, is not turned into a number; the header keeps
// its own style.
func TestWriteXLSXTemplateColumnsAreText(t *testing.T) {
	t.Parallel()
	f := written(t, Sheet{Name: "Templat", Header: []string{"nip", "tanggal", "jam_masuk"}, Template: true,
		Rows: [][]any{{"199001012020121001", "2026-10-02", "07:30"}}, Lists: map[int][]string{2: {"07:30", "08:00"}}})
	numFmt := func(id int) int {
		st, err := f.GetStyle(id)
		if err != nil || st == nil {
			t.Fatalf("style %d: %v", id, err)
		}
		return st.NumFmt
	}
	for _, col := range []string{"A", "B", "C"} {
		id, err := f.GetColStyle("Templat", col)
		if err != nil || numFmt(id) != 49 {
			t.Errorf("column %s: style %d (%v), want the text format 49", col, id, err)
		}
	}
	if id, _ := f.GetColStyle("Templat", "D"); id != 0 {
		t.Errorf("column D past the header has style %d", id)
	}
	head, _ := f.GetCellStyle("Templat", "A1")
	if st, _ := f.GetStyle(head); st == nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("header A1 lost its bold style: %+v", st)
	}
}

// written is WriteXLSX of sheets, opened again; closed when t ends.
func written(t *testing.T, sheets ...Sheet) *excelize.File {
	t.Helper()
	b, err := WriteXLSX(sheets...)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
