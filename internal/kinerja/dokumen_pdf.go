package kinerja

import (
	"io"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// WritePDF draws the document on A4 portrait with fpdf's core fonts (as the
// TPP nominatif and slip are drawn). Streams are left uncompressed, so every
// heading, cell and signature is plain text in the file (and a text
// extractor or a test reads it whole); the documents are a few pages.
func (d Dokumen) WritePDF(out io.Writer) error {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCompression(false)
	f.SetMargins(10, 10, 10)
	f.SetAutoPageBreak(false, 0)
	f.SetTitle(d.Judul, true)
	f.SetCreator("e-Kinerja", true)
	tr := f.UnicodeTranslatorFromDescriptor("")
	const lh = 4.2
	_, pageH := f.GetPageSize()
	bottom := pageH - 12
	ensure := func(h float64) {
		if f.GetY()+h > bottom {
			f.AddPage()
		}
	}
	f.AddPage()
	f.SetFont("Helvetica", "B", 12)
	f.CellFormat(0, 6, tr(d.Judul), "", 1, "C", false, 0, "")
	f.SetFont("Helvetica", "", 9)
	for _, s := range d.Subjudul {
		f.CellFormat(0, 4.6, tr(s), "", 1, "C", false, 0, "")
	}
	f.Ln(2)
	wrap := func(s string, w float64) []string {
		var out []string
		for _, para := range strings.Split(s, "\n") {
			for _, l := range f.SplitLines([]byte(tr(para)), w-2) {
				out = append(out, string(l))
			}
		}
		if len(out) == 0 {
			out = []string{""}
		}
		return out
	}
	row := func(widths []float64, cells []string, bold, fill bool) {
		if SpansRow(cells) { // a closing line (a rating) across the table
			total := 0.0
			for _, w := range widths {
				total += w
			}
			widths, cells, bold = []float64{total}, cells[:1], true
		}
		f.SetFont("Helvetica", map[bool]string{true: "B", false: ""}[bold], 8)
		lines := make([][]string, len(cells))
		n := 1
		for i, c := range cells {
			lines[i] = wrap(c, widths[i])
			n = max(n, len(lines[i]))
		}
		h := float64(n)*lh + 1.2
		ensure(h)
		x, y := f.GetX(), f.GetY()
		for i, wd := range widths {
			style := "D"
			if fill {
				f.SetFillColor(230, 230, 230)
				style = "FD"
			}
			f.Rect(x, y, wd, h, style)
			for j, l := range lines[i] {
				f.SetXY(x+1, y+0.6+float64(j)*lh)
				f.CellFormat(wd-2, lh, l, "", 0, "L", false, 0, "")
			}
			x += wd
		}
		f.SetXY(10, y+h)
	}
	for _, b := range d.Bagian {
		ensure(14)
		f.Ln(2)
		f.SetFont("Helvetica", "B", 9)
		f.CellFormat(0, 5, tr(b.Judul), "", 1, "L", false, 0, "")
		if len(b.Kolom) == 0 {
			for _, r := range b.Baris {
				row([]float64{60, 130}, r, false, false)
			}
			continue
		}
		row(b.Lebar, b.Kolom, true, true)
		for _, r := range b.Baris {
			row(b.Lebar, r, false, false)
		}
	}
	// Signature blocks: three side by side, the place and date above.
	ensure(44)
	f.Ln(6)
	f.SetFont("Helvetica", "", 9)
	f.CellFormat(0, 5, tr(d.Tempat+", "+tanggal(d.Tanggal)), "", 1, "R", false, 0, "")
	w := 190 / float64(len(d.Tanda))
	y := f.GetY()
	for i, t := range d.Tanda {
		x := 10 + float64(i)*w
		f.SetXY(x, y)
		f.SetFont("Helvetica", "B", 9)
		f.CellFormat(w, 5, tr(t.Peran), "", 0, "C", false, 0, "")
		f.SetXY(x, y+24)
		f.SetFont("Helvetica", "BU", 9)
		f.CellFormat(w, 5, tr(t.Nama), "", 0, "C", false, 0, "")
		f.SetXY(x, y+29)
		f.SetFont("Helvetica", "", 9)
		f.CellFormat(w, 5, tr("NIP. "+t.NIP), "", 0, "C", false, 0, "")
	}
	return f.Output(out)
}

// tanggal is a date as written on a signed document: "3 Desember 2026".
func tanggal(t time.Time) string {
	return strconv.Itoa(t.Day()) + " " + bulanNama[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// TanggalText is the document's date as written above the signatures.
func (d Dokumen) TanggalText() string { return tanggal(d.Tanggal) }

// SpansRow reports whether only the first of several cells has text.
func SpansRow(cells []string) bool {
	if len(cells) < 2 || cells[0] == "" {
		return false
	}
	for _, c := range cells[1:] {
		if c != "" {
			return false
		}
	}
	return true
}
