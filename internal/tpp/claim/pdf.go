package claim

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"

	"github.com/ekinerja/ekinerja/internal/tpp"
)

// The PDFs are drawn on the server with fpdf's core fonts (Helvetica, in
// the Windows-1252 encoding), so nothing is embedded or fetched and no
// browser is needed. Every table is drawn cell by cell, line by line, so a
// text extractor reads each heading and each amount whole.

// pdfDoc is an fpdf document with its text translated to the core fonts' encoding.
type pdfDoc struct {
	*fpdf.Fpdf
	tr func(string) string
	fs float64 // body font size, points
}

func newPDFDoc(orientation, title string) *pdfDoc {
	f := fpdf.New(orientation, "mm", "A4", "")
	f.SetMargins(10, 10, 10)
	f.SetAutoPageBreak(false, 0) // page breaks are placed by ensure, never inside a row
	f.AliasNbPages("{nb}")
	f.SetTitle(title, true)
	f.SetCreator("e-Kinerja", true)
	d := &pdfDoc{Fpdf: f, tr: f.UnicodeTranslatorFromDescriptor(""), fs: 8}
	f.SetFooterFunc(func() {
		d.SetY(-10)
		d.font("", 7)
		d.CellFormat(0, 4, d.tr(title), "", 0, "L", false, 0, "")
		d.SetX(10)
		d.CellFormat(0, 4, fmt.Sprintf("Halaman %d dari {nb}", d.PageNo()), "", 0, "R", false, 0, "")
	})
	return d
}

func (d *pdfDoc) font(style string, size float64) { d.SetFont("Helvetica", style, size) }

// Letterhead is the regency's identity heading the printed documents (the
// same name and logo layout.PrintIdentity shows on the printed pages):
// both may be empty.
type Letterhead struct {
	Nama string
	// LogoPNG is the stored logo (org.ReencodeLogo's PNG), or nil.
	LogoPNG []byte
}

// Letterhead reads the regency's name and logo for the PDFs.
func (s *Service) Letterhead(ctx context.Context) (Letterhead, error) {
	var row struct {
		Nama string `gorm:"column:nama"`
		Logo []byte `gorm:"column:logo_png"`
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT nama, logo_png FROM identitas WHERE id = 1`).Scan(&row).Error; err != nil {
		return Letterhead{}, fmt.Errorf("letterhead: %w", err)
	}
	return Letterhead{Nama: strings.TrimSpace(row.Nama), LogoPNG: row.Logo}, nil
}

// logoSide is the printed logo's height, mm.
const logoSide = 14.0

// flatLogo redraws the logo on white as an opaque 8-bit image: fpdf reads
// neither 16-bit PNGs nor every alpha layout, and a logo the PDF cannot
// take is left out (nil) rather than failing the document.
func flatLogo(b []byte) []byte {
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return nil
	}
	r := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Draw(out, out.Bounds(), &image.Uniform{C: color.White}, image.Point{}, draw.Src)
	draw.Draw(out, out.Bounds(), img, r.Min, draw.Over)
	var buf bytes.Buffer
	if err := png.Encode(&buf, out); err != nil {
		return nil
	}
	return buf.Bytes()
}

// letterhead draws the regency's logo (left) and name (centred, upper
// case) at the top of the first page, and leaves the cursor below both.
func (d *pdfDoc) letterhead(lh Letterhead) {
	top := d.GetY()
	bottom := top
	if logo := flatLogo(lh.LogoPNG); logo != nil {
		opt := fpdf.ImageOptions{ImageType: "PNG", ReadDpi: false}
		d.RegisterImageOptionsReader("logo", opt, bytes.NewReader(logo))
		d.ImageOptions("logo", 10, top, 0, logoSide, false, opt, 0, "")
		bottom = top + logoSide + 1
	}
	if lh.Nama != "" {
		d.font("B", 11)
		d.CellFormat(0, 5.5, d.tr(strings.ToUpper(lh.Nama)), "", 1, "C", false, 0, "")
	}
	if d.GetY() < bottom {
		d.SetY(bottom)
	}
}

// lh is the line height of the current body font size, mm.
func (d *pdfDoc) lh() float64 { return d.fs * 0.3528 * 1.22 }

// width is the printed width of s in the current font, mm.
func (d *pdfDoc) width(s string) float64 { return d.GetStringWidth(d.tr(s)) }

// wrap splits s into the lines that fit a cell w wide (word boundaries;
// a single word wider than the cell is cut).
func (d *pdfDoc) wrap(s string, w float64) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		if strings.TrimSpace(para) == "" {
			continue
		}
		for _, l := range d.SplitLines([]byte(d.tr(para)), w) {
			out = append(out, string(l))
		}
	}
	if len(out) == 0 {
		out = []string{""}
	}
	return out
}

// bottom is the lowest y the body may reach on a page, mm.
func (d *pdfDoc) bottom() float64 {
	_, h := d.GetPageSize()
	return h - 14
}

// ensure starts a new page when h mm do not fit on this one; it reports
// whether it did.
func (d *pdfDoc) ensure(h float64) bool {
	if d.GetY()+h <= d.bottom() {
		return false
	}
	d.AddPage()
	return true
}

// pdfCol is one column of a drawn table.
type pdfCol struct {
	head  string
	w     float64
	align string // "L" or "R"
}

// cell is one table cell: its lines, already in the PDF encoding, and its style.
type cell struct {
	lines []string
	bold  bool
}

// row draws one table row at the current y: every cell as tall as the
// tallest, framed, then moves below it.
func (d *pdfDoc) row(cols []pdfCol, cells []cell, fill bool) {
	lh := d.lh()
	n := 1
	for _, c := range cells {
		n = max(n, len(c.lines))
	}
	h := float64(n)*lh + 1.2
	x0, y := d.GetX(), d.GetY()
	x := x0
	for i, col := range cols {
		style := "D"
		if fill {
			style = "FD"
		}
		d.Rect(x, y, col.w, h, style)
		st := ""
		if cells[i].bold {
			st = "B"
		}
		d.font(st, d.fs)
		for j, l := range cells[i].lines {
			d.SetXY(x, y+0.6+float64(j)*lh)
			d.CellFormat(col.w, lh, l, "", 0, col.align, false, 0, "")
		}
		x += col.w
	}
	d.SetXY(x0, y+h)
}

// rowHeight is how tall row would draw cells, mm.
func (d *pdfDoc) rowHeight(cells []cell) float64 {
	n := 1
	for _, c := range cells {
		n = max(n, len(c.lines))
	}
	return float64(n)*d.lh() + 1.2
}

// amount is a money cell's text: "4.606.000" (the Rupiah formatter without "Rp ").
func amount(v int64) string { return strings.Replace(tpp.Rupiah(v).String(), "Rp ", "", 1) }

// nominatifLayout chooses the body font size and the column widths of the
// daftar nominatif on a landscape A4 page: each money column as wide as its
// widest amount and the longest word of its heading (headings wrap on word
// boundaries only), the text columns share the rest. The font shrinks until
// it fits.
func (d *pdfDoc) nominatifLayout(e Export) []pdfCol {
	pw, _ := d.GetPageSize()
	left, _, right, _ := d.GetMargins()
	avail := pw - left - right
	totals := e.Totals().money()
	var cols []pdfCol
	for fs := 8.0; fs >= 5; fs -= 0.5 {
		d.fs = fs
		pad := 2*d.GetCellMargin() + 0.8
		longestWord := func(h string) float64 {
			d.font("B", fs)
			var w float64
			for _, word := range strings.Fields(h) {
				w = max(w, d.width(word))
			}
			return w
		}
		cols = []pdfCol{{head: "No", align: "R"}, {head: "Nama / NIP", align: "L"}, {head: "Jabatan", align: "L"}, {head: "Gol. / Status", align: "L"}}
		d.font("", fs)
		cols[0].w = max(longestWord("No"), d.width(strconv.Itoa(len(e.Rows)))) + pad
		gol := longestWord("Status")
		d.font("", fs)
		for _, r := range e.Rows {
			gol = max(gol, d.width(r.Golongan), d.width(r.StatusASN))
		}
		cols[3].w = gol + pad
		used := cols[0].w + cols[3].w
		for j, h := range NominatifColumns {
			w := longestWord(h)
			d.font("B", fs)
			w = max(w, d.width(amount(totals[j])))
			d.font("", fs)
			for _, r := range e.Rows {
				w = max(w, d.width(amount(r.money()[j])))
			}
			cols = append(cols, pdfCol{head: h, w: w + pad, align: "R"})
			used += w + pad
		}
		cols = append(cols, pdfCol{head: "Rekening / Keterangan", align: "L"})
		rest := avail - used
		nip := d.width("199999999999999999") + pad
		cols[1].w, cols[2].w, cols[len(cols)-1].w = rest*0.38, rest*0.32, rest*0.30
		if cols[1].w >= nip && cols[len(cols)-1].w >= nip*0.8 {
			break
		}
	}
	return cols
}

// WriteNominatifPDF writes the daftar nominatif as a PDF on landscape A4:
// the regency's letterhead (kop), the title, one row per employee with
// every money column, the column
// headings repeated on every page, "Halaman x dari y" on every page, the
// totals row, what the bank file pays, who is held out (ditangguhkan) and
// why, and the signature blocks of the Kepala OPD and the Bendahara
// Pengeluaran.
func WriteNominatifPDF(w io.Writer, e Export, kop Letterhead) error {
	c := e.Claim
	d := newPDFDoc("L", "Daftar Nominatif TPP "+c.OPDKode+" "+e.Title())
	cols := d.nominatifLayout(e)
	head := make([]cell, len(cols))
	inTable := false
	d.SetHeaderFunc(func() {
		if d.PageNo() == 1 {
			return
		}
		d.font("B", 8)
		d.CellFormat(0, 4.5, d.tr("Daftar Nominatif TPP "+c.OPDNama+", "+e.Title()+" (lanjutan)"), "", 1, "L", false, 0, "")
		d.Ln(1)
		if inTable {
			d.SetFillColor(230, 235, 242)
			d.row(cols, head, true)
		}
	})
	d.AddPage()
	d.letterhead(kop)
	d.font("B", 11)
	d.CellFormat(0, 5.5, d.tr("DAFTAR NOMINATIF PEMBAYARAN TAMBAHAN PENGHASILAN PEGAWAI (TPP)"), "", 1, "C", false, 0, "")
	d.CellFormat(0, 5.5, d.tr(strings.ToUpper(c.OPDNama)), "", 1, "C", false, 0, "")
	d.CellFormat(0, 5.5, d.tr(strings.ToUpper(e.Title())), "", 1, "C", false, 0, "")
	d.font("", 7.5)
	d.CellFormat(0, 4.5, d.tr(fmt.Sprintf("%s versi %d; status %s; digest masukan %s", c.RuleSetName, c.RuleSetVersion, c.Status.Label(), c.InputsDigest)), "", 1, "C", false, 0, "")
	d.Ln(2)

	d.font("B", d.fs)
	for i, col := range cols {
		head[i] = cell{lines: d.wrap(col.head, col.w), bold: true}
	}
	d.SetFillColor(230, 235, 242)
	d.ensure(d.rowHeight(head) * 2)
	d.row(cols, head, true)
	inTable = true
	d.font("", d.fs)
	tot := make([]cell, 0, len(cols))
	tot = append(tot, cell{lines: []string{""}}, cell{lines: []string{"JUMLAH"}, bold: true}, cell{lines: []string{d.tr(fmt.Sprintf("%d pegawai", len(e.Rows)))}, bold: true}, cell{lines: []string{""}})
	for _, v := range e.Totals().money() {
		tot = append(tot, cell{lines: []string{amount(v)}, bold: true})
	}
	tot = append(tot, cell{lines: []string{""}})
	for i, r := range e.Rows {
		cells := make([]cell, 0, len(cols))
		d.font("", d.fs)
		cells = append(cells, cell{lines: []string{strconv.Itoa(i + 1)}})
		cells = append(cells, cell{lines: append(d.wrap(r.Nama, cols[1].w), d.tr("NIP "+r.NIP))})
		cells = append(cells, cell{lines: d.wrap(fmt.Sprintf("%s (kelas %d)", r.Jabatan, r.Kelas), cols[2].w)})
		cells = append(cells, cell{lines: []string{d.tr(r.Golongan), d.tr(r.StatusASN)}})
		for _, v := range r.money() {
			cells = append(cells, cell{lines: []string{amount(v)}})
		}
		last := strings.TrimSpace(r.BankNama + " " + r.BankRekening)
		if h := r.Held(); h != "" {
			last += "\nDITANGGUHKAN: " + h + "; dibayar melalui klaim susulan"
		} else {
			last += "\n" + r.PayState(c)
		}
		cells = append(cells, cell{lines: d.wrap(last, cols[len(cols)-1].w)})
		h := d.rowHeight(cells)
		if i == len(e.Rows)-1 { // the totals never stand alone on a page
			h += d.rowHeight(tot)
		}
		d.ensure(h)
		d.row(cols, cells, false)
	}
	d.ensure(d.rowHeight(tot))
	d.SetFillColor(242, 244, 247)
	d.row(cols, tot, true)
	inTable = false

	// What the bank file pays, and who waits.
	d.Ln(2)
	held := e.Held()
	lh := d.lh() + 0.4
	d.ensure(lh * 3)
	d.font("B", d.fs+0.5)
	note := "Dibayar melalui berkas bank: " + tpp.Rupiah(e.Payable()).String() + fmt.Sprintf(" (%d pegawai)", len(e.Rows)-len(held))
	if c.SP2DNumber != "" && c.PaidDate != nil {
		note += "; SP2D " + c.SP2DNumber + " tanggal " + c.PaidDate.Format("02-01-2006")
	}
	d.CellFormat(0, lh, d.tr(note), "", 1, "L", false, 0, "")
	d.font("", d.fs)
	d.CellFormat(0, lh, d.tr("TPP Kotor - PPh 21 Dipotong - BPJS Kesehatan = TPP Bersih; PPh 21 Ditanggung Pemerintah dibayar anggaran di luar TPP Bersih."), "", 1, "L", false, 0, "")
	if len(held) > 0 {
		d.ensure(lh * 2)
		d.font("B", d.fs+0.5)
		d.CellFormat(0, lh, d.tr(fmt.Sprintf("DITANGGUHKAN: %d pegawai, tidak ada di berkas bank; dibayar melalui klaim susulan", len(held))), "", 1, "L", false, 0, "")
		d.font("", d.fs)
		pw, _ := d.GetPageSize()
		for _, r := range held {
			for _, l := range d.wrap(fmt.Sprintf("- %s (NIP %s): %s", r.Nama, r.NIP, r.Held()), pw-20) {
				d.ensure(lh)
				d.CellFormat(0, lh, l, "", 1, "L", false, 0, "")
			}
		}
	}

	d.signatures(e, c.OPDNama)
	return d.Output(w)
}

// signatures draws the two signature blocks side by side, kept together.
func (d *pdfDoc) signatures(e Export, opd string) {
	lh := 4.5
	d.Ln(4)
	d.ensure(lh*8 + 4)
	pw, _ := d.GetPageSize()
	half := (pw - 20) / 2
	y := d.GetY()
	block := func(x float64, lines []string, s Signatory) {
		d.font("", 9)
		yy := y
		for _, l := range lines {
			d.SetXY(x, yy)
			d.CellFormat(half, lh, d.tr(l), "", 0, "C", false, 0, "")
			yy += lh
		}
		yy += lh * 3.5
		d.SetXY(x, yy)
		d.font("BU", 9)
		d.CellFormat(half, lh, d.tr(firstNonEmpty(s.Nama, "(....................................)")), "", 0, "C", false, 0, "")
		d.font("", 9)
		d.SetXY(x, yy+lh)
		d.CellFormat(half, lh, d.tr("NIP "+firstNonEmpty(s.NIP, "....................................")), "", 0, "C", false, 0, "")
	}
	block(10, []string{"Mengetahui,", firstNonEmpty(e.Kepala.Jabatan, "Kepala OPD")}, e.Kepala)
	block(10+half, []string{opd, "Bendahara Pengeluaran"}, e.Bendahara)
	d.SetXY(10, y+lh*8)
}

// slipAmount is a slip line's amount as the slip page shows it: deductions
// with a minus, information lines in brackets.
func slipAmount(l tpp.Line) string {
	switch l.Kind {
	case tpp.KindDeduct:
		return "- " + tpp.Rupiah(l.Amount).String()
	case tpp.KindInfo:
		return "(" + tpp.Rupiah(l.Amount).String() + ")"
	}
	return tpp.Rupiah(l.Amount).String()
}

// WriteSlipPDF writes one employee's TPP slip as a PDF (portrait A4) under
// the regency's letterhead (kop): who,
// which claim and its status, whether it is paid, and every line of the
// computation with its reason, as the slip page shows them.
func WriteSlipPDF(w io.Writer, s Slip, kop Letterhead) error {
	c, r := s.Claim, s.Row
	d := newPDFDoc("P", "Rincian TPP "+c.Period().String()+" "+r.NIP)
	d.fs = 8.5
	d.AddPage()
	d.letterhead(kop)
	d.font("B", 12)
	d.CellFormat(0, 6, d.tr("RINCIAN TAMBAHAN PENGHASILAN PEGAWAI (TPP)"), "", 1, "C", false, 0, "")
	d.CellFormat(0, 6, d.tr(strings.ToUpper(c.Kind()+" bulan "+c.Period().String())), "", 1, "C", false, 0, "")
	d.Ln(3)

	status := c.Status.Label()
	if r.Held() != "" {
		status = "Ditangguhkan"
	}
	facts := [][2]string{
		{"Nama", r.Nama},
		{"NIP", r.NIP},
		{"Jabatan", fmt.Sprintf("%s (kelas %d)", r.Jabatan, r.Kelas)},
		{"Status / golongan", strings.TrimSpace(r.StatusASN + " " + r.Golongan)},
		{"OPD", c.OPDNama},
		{"Klaim", c.Kind()},
		{"Status klaim", status},
		{"Pembayaran", r.PayState(c)},
		{"Aturan", fmt.Sprintf("%s versi %d", c.RuleSetName, c.RuleSetVersion)},
		{"Rekening", strings.TrimSpace(r.BankNama + " " + r.BankRekening)},
	}
	pw, _ := d.GetPageSize()
	full := pw - 20
	lh := d.lh() + 0.5
	for _, f := range facts {
		d.font("", 9)
		lines := d.wrap(f[1], full-40)
		d.ensure(float64(len(lines)) * lh)
		d.SetTextColor(90, 100, 115)
		d.CellFormat(40, lh, d.tr(f[0]), "", 0, "L", false, 0, "")
		d.SetTextColor(0, 0, 0)
		for i, l := range lines {
			if i > 0 {
				d.SetX(50)
			}
			d.CellFormat(full-40, lh, l, "", 1, "L", false, 0, "")
		}
	}
	d.Ln(2)
	var notes []string
	if !c.Status.Final() {
		notes = append(notes, "Angka ini belum final: klaim OPD belum disetujui.")
	}
	if h := r.Held(); h != "" {
		notes = append(notes, "TPP bulan ini ditangguhkan: "+h+". TPP ini dibayar melalui klaim susulan setelah diperbaiki.")
	}
	notes = append(notes, r.WarningList()...)
	d.font("", 8.5)
	for _, n := range notes {
		for _, l := range d.wrap(n, full) {
			d.ensure(lh)
			d.SetTextColor(140, 70, 0)
			d.CellFormat(full, lh, l, "", 1, "L", false, 0, "")
		}
	}
	d.SetTextColor(0, 0, 0)
	d.Ln(2)

	cols := []pdfCol{{head: "Uraian", w: 52, align: "L"}, {head: "Alasan", w: full - 52 - 32, align: "L"}, {head: "Jumlah", w: 32, align: "R"}}
	d.font("B", d.fs)
	head := []cell{{lines: []string{"Uraian"}, bold: true}, {lines: []string{"Alasan"}, bold: true}, {lines: []string{"Jumlah"}, bold: true}}
	inTable := true
	d.SetHeaderFunc(func() {
		if inTable {
			d.SetFillColor(230, 235, 242)
			d.row(cols, head, true)
		}
	})
	d.SetFillColor(230, 235, 242)
	d.row(cols, head, true)
	for _, l := range s.Lines {
		d.font("", d.fs)
		bold := l.Kind == tpp.KindTotal
		cells := []cell{{lines: d.wrap(l.Label, cols[0].w), bold: bold}, {lines: d.wrap(l.Reason, cols[1].w)}, {lines: []string{d.tr(slipAmount(l))}, bold: bold}}
		d.ensure(d.rowHeight(cells))
		d.row(cols, cells, false)
	}
	inTable = false
	gross, net := SlipTotals(s.Lines)
	d.Ln(3)
	d.ensure(lh * 2)
	d.font("B", 9.5)
	d.CellFormat(full, lh+1, d.tr("TPP kotor "+tpp.Rupiah(gross).String()+"; TPP bersih "+tpp.Rupiah(net).String()), "", 1, "L", false, 0, "")
	return d.Output(w)
}
