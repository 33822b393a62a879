// Package tabular reads the tables people bring: CSV (comma, semicolon or
// tab separated; UTF-8 with or without a byte-order mark, UTF-16 with one, or
// Windows-1252), Excel .xlsx (the first sheet), and the ".xls" files the
// fingerprint machines' desktop software writes, which are most often an HTML
// table or tab-separated text under an Excel name. A real Excel 97-2003
// (BIFF) workbook is refused with a message saying how to save it.
//
// It only reads cells; what a column means is the caller's business. Cells
// are trimmed of surrounding spaces. Excel cells are read raw: a date or time
// cell arrives as its serial number ("46296.3125"), which ExcelDateTime turns
// into a wall-clock time.
package tabular

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

// Format is the kind of file a Table was read from.
type Format string

// Formats.
const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
	HTML Format = "html"
)

// Table is a read file: Rows[i] is one row of cells, Lines[i] its 1-based
// line (CSV) or row (Excel) number. Blank rows are dropped.
type Table struct {
	Format Format
	Rows   [][]string
	Lines  []int
}

// FileError refuses a whole file; Reason is Bahasa Indonesia for people.
type FileError struct{ Reason string }

// Error returns the reason.
func (e *FileError) Error() string { return e.Reason }

// Options tunes Read.
type Options struct {
	// MaxBytes refuses a larger input (0: no limit).
	MaxBytes int64
	// MaxRows refuses a file with more data rows (0: no limit).
	MaxRows int
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// Read reads all of r as a table. The format is decided by the content, not
// the name (a renamed file reads as what it is); name is only used for the
// messages.
func Read(r io.Reader, name string, opt Options) (*Table, error) {
	lim := r
	if opt.MaxBytes > 0 {
		lim = io.LimitReader(r, opt.MaxBytes+1)
	}
	data, err := io.ReadAll(lim)
	if err != nil {
		return nil, fmt.Errorf("tabular: read %s: %w", name, err)
	}
	if opt.MaxBytes > 0 && int64(len(data)) > opt.MaxBytes {
		return nil, &FileError{Reason: fmt.Sprintf("Berkas lebih besar dari %d MB. Pecah menjadi beberapa berkas.", opt.MaxBytes>>20)}
	}
	return Bytes(data, opt)
}

// Bytes reads a table from data (see Read).
func Bytes(data []byte, opt Options) (*Table, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &FileError{Reason: "Berkas kosong."}
	}
	var t *Table
	var err error
	switch {
	case bytes.HasPrefix(data, zipMagic):
		t, err = readXLSX(data)
	case bytes.HasPrefix(data, oleMagic):
		return nil, &FileError{Reason: "Berkas Excel 97-2003 (.xls) tidak dapat dibaca. Buka di Excel lalu simpan sebagai \"Buku Kerja Excel (.xlsx)\" atau \"CSV UTF-8\"."}
	default:
		text, derr := decodeText(data)
		if derr != nil {
			return nil, derr
		}
		if looksHTML(text) {
			t, err = readHTML(text)
		} else {
			t, err = readCSV(text)
		}
	}
	if err != nil {
		return nil, err
	}
	if opt.MaxRows > 0 && len(t.Rows) > opt.MaxRows+1 {
		return nil, &FileError{Reason: fmt.Sprintf("Berkas memuat lebih dari %d baris data. Pecah menjadi beberapa berkas.", opt.MaxRows)}
	}
	if len(t.Rows) == 0 {
		return nil, &FileError{Reason: "Berkas kosong."}
	}
	return t, nil
}

// decodeText turns text bytes into UTF-8: a UTF-8 BOM is dropped, UTF-16 with
// a BOM is decoded, and bytes that are not valid UTF-8 are read as
// Windows-1252 (what Excel writes for "CSV (dipisahkan koma)" on Windows).
func decodeText(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		be := data[0] == 0xFE
		data = data[2:]
		if len(data)%2 != 0 {
			return "", &FileError{Reason: "Berkas UTF-16 terpotong. Simpan ulang sebagai \"CSV UTF-8\"."}
		}
		u := make([]uint16, len(data)/2)
		for i := range u {
			if be {
				u[i] = uint16(data[2*i])<<8 | uint16(data[2*i+1])
			} else {
				u[i] = uint16(data[2*i+1])<<8 | uint16(data[2*i])
			}
		}
		return string(utf16.Decode(u)), nil
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return "", &FileError{Reason: "Berkas bukan teks, CSV atau Excel (.xlsx) yang dapat dibaca."}
	}
	if utf8.Valid(data) {
		return string(data), nil
	}
	s, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil {
		return "", &FileError{Reason: "Berkas bukan teks UTF-8 atau Windows-1252 yang sah."}
	}
	return string(s), nil
}

func looksHTML(s string) bool {
	head := strings.ToLower(strings.TrimSpace(s))
	if len(head) > 2048 {
		head = head[:2048]
	}
	return strings.HasPrefix(head, "<") && (strings.Contains(head, "<table") || strings.Contains(head, "<html"))
}

// sniffDelimiter picks the separator the first line uses most: ',', ';' or tab.
func sniffDelimiter(s string) rune {
	line := s
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		line = s[:i]
	}
	best, bestN := ',', 0
	for _, d := range []rune{',', ';', '\t'} {
		if n := strings.Count(line, string(d)); n > bestN {
			best, bestN = d, n
		}
	}
	return best
}

func readCSV(s string) (*Table, error) {
	cr := csv.NewReader(strings.NewReader(s))
	cr.Comma = sniffDelimiter(s)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = false
	t := &Table{Format: CSV}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &FileError{Reason: fmt.Sprintf("Baris %d tidak dapat dibaca sebagai CSV (tanda kutip tidak seimbang?).", pe.StartLine)}
			}
			return nil, &FileError{Reason: "Berkas tidak dapat dibaca sebagai CSV."}
		}
		line, _ := cr.FieldPos(0)
		t.add(rec, line)
	}
	return t, nil
}

// add appends a row unless it is blank.
func (t *Table) add(rec []string, line int) {
	blank := true
	for i := range rec {
		rec[i] = strings.TrimSpace(rec[i])
		blank = blank && rec[i] == ""
	}
	if !blank {
		t.Rows = append(t.Rows, rec)
		t.Lines = append(t.Lines, line)
	}
}

func readXLSX(data []byte) (t *Table, err error) {
	defer func() {
		// excelize is sturdy, but a hostile archive must never be a 500.
		if r := recover(); r != nil {
			t, err = nil, &FileError{Reason: "Berkas Excel rusak atau tidak dapat dibaca."}
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 200 << 20, UnzipXMLSizeLimit: 100 << 20})
	if err != nil {
		return nil, &FileError{Reason: "Berkas Excel (.xlsx) rusak atau tidak dapat dibuka."}
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, &FileError{Reason: "Berkas Excel tidak memuat lembar kerja."}
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, &FileError{Reason: "Lembar kerja pertama tidak dapat dibaca."}
	}
	defer rows.Close()
	t = &Table{Format: XLSX}
	n := 0
	for rows.Next() {
		n++
		rec, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, &FileError{Reason: fmt.Sprintf("Baris %d lembar kerja tidak dapat dibaca.", n)}
		}
		for i, c := range rec {
			// A number of 16 digits or more in a number cell has lost its
			// last digits in floating point (an NIP or account typed into a
			// General column): write it the way Excel shows it, so the
			// caller's "read as a number" message fires, never a wrong NIP.
			if len(c) >= 16 && isDigits(c) {
				axis, _ := excelize.CoordinatesToCellName(i+1, n)
				if typ, err := f.GetCellType(sheets[0], axis); err == nil && (typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset) {
					if v, err := strconv.ParseFloat(c, 64); err == nil {
						rec[i] = strconv.FormatFloat(v, 'E', 5, 64)
					}
				}
			}
		}
		t.add(rec, n)
	}
	if err := rows.Error(); err != nil {
		return nil, &FileError{Reason: "Lembar kerja pertama tidak dapat dibaca."}
	}
	return t, nil
}

func readHTML(s string) (*Table, error) {
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(s))
	if err != nil {
		return nil, &FileError{Reason: "Berkas HTML tidak dapat dibaca."}
	}
	table := doc.Find("table").First()
	if table.Length() == 0 {
		return nil, &FileError{Reason: "Berkas tidak memuat tabel."}
	}
	t := &Table{Format: HTML}
	table.Find("tr").Each(func(i int, tr *goquery.Selection) {
		var rec []string
		tr.Find("td, th").Each(func(_ int, td *goquery.Selection) {
			rec = append(rec, strings.Join(strings.Fields(td.Text()), " "))
		})
		t.add(rec, i+1)
	})
	return t, nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// HeaderName normalises a header cell for matching: lower case, letters and
// digits only ("Jam Masuk", "jam_masuk" and "JAM-MASUK" are all "jammasuk").
func HeaderName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Cell returns row[i], or "" when the row is short or i is negative.
func Cell(row []string, i int) string {
	if i < 0 || i >= len(row) {
		return ""
	}
	return row[i]
}

// LooksExcelNumber reports whether s is a number Excel wrote in scientific
// notation ("1,98109E+17", "1.98109E+17"): an NIP or account number that lost
// its last digits when the column was not text.
func LooksExcelNumber(s string) bool {
	u := strings.ToUpper(strings.TrimSpace(s))
	i := strings.Index(u, "E+")
	if i <= 0 {
		return false
	}
	mant := strings.Replace(u[:i], ",", ".", 1)
	if _, err := strconv.ParseFloat(mant, 64); err != nil {
		return false
	}
	_, err := strconv.Atoi(u[i+2:])
	return err == nil
}

// NumberAsTextMessage is the message for an NIP (or account) Excel turned
// into a number; it quotes the form Excel shows, so people recognise it.
func NumberAsTextMessage(what, cell string) string {
	return fmt.Sprintf("%s terbaca sebagai angka %q: Excel mengubah %s 18 digit menjadi angka dan digit terakhirnya hilang. Format kolom %s sebagai Teks, ketik ulang, lalu simpan.", what, cell, what, what)
}

// excelEpoch is day 0 of Excel's 1900 date system (with its 1900 leap-year bug
// accounted for: serial 60 is the nonexistent 29 February 1900).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// ExcelSerial parses a raw Excel cell holding a date, time or date-time
// serial ("46296", "0.3125", "46296.3125") into days since the epoch and the
// seconds of the day, rounded to the nearest second.
func ExcelSerial(s string) (days int, secs int, ok bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || v < 0 || v >= 2958466 || math.IsNaN(v) {
		return 0, 0, false
	}
	total := int64(math.Round(v * 86400))
	return int(total / 86400), int(total % 86400), true
}

// ExcelDateTime returns the wall-clock time of a raw Excel serial, in UTC.
func ExcelDateTime(s string) (time.Time, bool) {
	d, sec, ok := ExcelSerial(s)
	if !ok {
		return time.Time{}, false
	}
	return excelEpoch.AddDate(0, 0, d).Add(time.Duration(sec) * time.Second), true
}

// CellKind says how to write a raw Excel cell of a column as text.
type CellKind int

// Cell kinds for ToCSV.
const (
	// Text is written as read.
	Text CellKind = iota
	// DateCell turns an Excel date serial into YYYY-MM-DD.
	DateCell
	// ClockCell turns an Excel time (a fraction of a day) into HH:MM:SS.
	ClockCell
)

// NeedsConversion reports whether data is something other than UTF-8 text
// (an Excel workbook, an HTML ".xls", UTF-16 or Windows-1252 text), which the
// streaming CSV parsers cannot read as it is.
func NeedsConversion(data []byte) bool {
	if bytes.HasPrefix(data, zipMagic) || bytes.HasPrefix(data, oleMagic) ||
		bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return true
	}
	text := bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	return !utf8.Valid(text) || looksHTML(string(text[:min(len(text), 2048)]))
}

// ToCSV reads data as a table and writes it back as UTF-8, comma-separated
// CSV (RFC 4180 quoting), so one parser reads CSV and Excel alike. The first
// row is the header; kind (given the header cell's HeaderName) says which
// columns hold Excel dates or times, converted only when the cell is a
// serial number. Blank rows are dropped, so line numbers in the CSV are not
// the workbook's: lines maps a CSV line (1-based) to the source row.
func ToCSV(data []byte, opt Options, kind func(header string) CellKind) (out []byte, lines []int, err error) {
	t, err := Bytes(data, opt)
	if err != nil {
		return nil, nil, err
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	kinds := make([]CellKind, len(t.Rows[0]))
	for i, h := range t.Rows[0] {
		if kind != nil {
			kinds[i] = kind(HeaderName(h))
		}
	}
	lines = make([]int, 0, len(t.Rows))
	for r, row := range t.Rows {
		// A workbook leaves empty trailing cells out: pad to the header.
		rec := make([]string, max(len(row), len(kinds)))
		for i, c := range row {
			rec[i] = c
			if r == 0 || i >= len(kinds) || t.Format != XLSX {
				continue
			}
			switch kinds[i] {
			case DateCell:
				if d, sec, ok := ExcelSerial(c); ok && sec == 0 && d > 0 {
					rec[i] = excelEpoch.AddDate(0, 0, d).Format("2006-01-02")
				}
			case ClockCell:
				if d, sec, ok := ExcelSerial(c); ok && d == 0 && strings.Contains(c, ".") {
					rec[i] = fmt.Sprintf("%02d:%02d:%02d", sec/3600, sec/60%60, sec%60)
				}
			}
		}
		if err := w.Write(rec); err != nil {
			return nil, nil, fmt.Errorf("tabular: write csv: %w", err)
		}
		lines = append(lines, t.Lines[r])
	}
	w.Flush()
	return b.Bytes(), lines, w.Error()
}
