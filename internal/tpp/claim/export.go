package claim

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

// Signatory is a person who signs the daftar nominatif.
type Signatory struct {
	Jabatan string `gorm:"column:jabatan" json:"jabatan"`
	Nama    string `gorm:"column:nama" json:"nama"`
	NIP     string `gorm:"column:nip" json:"nip"`
}

// Export is everything the exports of one claim are made from.
type Export struct {
	Claim     Claim
	Rows      []Row
	Kepala    Signatory
	Bendahara Signatory
}

// ExportFor loads an approved or paid claim for export; the figures of any
// other status are not final and are never exported.
func (s *Service) ExportFor(ctx context.Context, a Actor, claimID int64) (Export, error) {
	c, err := s.Get(ctx, a, claimID)
	if err != nil {
		return Export{}, err
	}
	return s.export(ctx, c)
}

func (s *Service) export(ctx context.Context, c Claim) (Export, error) {
	if !c.Status.Final() {
		return Export{}, apperr.New(apperr.ErrConflict, "Daftar nominatif dan berkas bank hanya tersedia untuk klaim yang sudah disetujui.")
	}
	rows, err := s.Rows(ctx, c.ID)
	if err != nil {
		return Export{}, err
	}
	e := Export{Claim: c, Rows: rows}
	// The signatories hold their posts on the last day of the month: the
	// head is the OPD's top position (no supervising position), the
	// treasurer the "Bendahara Pengeluaran" position.
	last := c.PeriodDate.AddDate(0, 1, -1).Format("2006-01-02")
	var sig []struct {
		Role    string `gorm:"column:role"`
		Jabatan string `gorm:"column:jabatan"`
		Nama    string `gorm:"column:nama"`
		NIP     string `gorm:"column:nip"`
	}
	err = s.db.WithContext(ctx).Raw(`
SELECT DISTINCT ON (role) role, jabatan, nama, nip FROM (
    SELECT CASE WHEN j.atasan_jabatan_id IS NULL THEN 'kepala' ELSE 'bendahara' END AS role,
           j.nama AS jabatan, p.nama, p.nip, j.kelas, (rj.jenis = 'definitif') AS definitif
    FROM jabatan j
    JOIN riwayat_jabatan rj ON rj.jabatan_id = j.id AND rj.mulai <= ?::date AND (rj.selesai IS NULL OR rj.selesai >= ?::date)
    JOIN pegawai p ON p.id = rj.pegawai_id
    WHERE j.opd_id = ? AND (j.atasan_jabatan_id IS NULL OR j.nama ILIKE 'Bendahara Pengeluaran%')
) x ORDER BY role, definitif DESC, kelas DESC`, last, last, c.OPDID).Scan(&sig).Error
	if err != nil {
		return Export{}, fmt.Errorf("signatories: %w", err)
	}
	for _, s := range sig {
		if s.Role == "kepala" {
			e.Kepala = Signatory{Jabatan: s.Jabatan, Nama: s.Nama, NIP: s.NIP}
		} else {
			e.Bendahara = Signatory{Jabatan: s.Jabatan, Nama: s.Nama, NIP: s.NIP}
		}
	}
	return e, nil
}

// Totals sums the rows of an export. PPh21 is all the tax; PPhDipotong the
// part withheld from the employees, PPhDitanggung the part the budget bears
// (ditanggung pemerintah), so Gross - PPhDipotong - BPJS = Net.
type Totals struct {
	Base, Produktivitas, Disiplin, Hukdis, Gross, PPh21, PPhDipotong, PPhDitanggung, BPJS, Net int64
}

// Totals adds up every row.
func (e Export) Totals() Totals { return SumRows(e.Rows) }

// SumRows adds up rows.
func SumRows(rows []Row) Totals {
	var t Totals
	for _, r := range rows {
		t.Base += r.Base
		t.Produktivitas += r.Produktivitas
		t.Disiplin += r.Disiplin
		t.Hukdis += r.Hukdis
		t.Gross += r.Gross
		t.PPh21 += r.PPh21
		t.PPhDipotong += r.PPhDipotong()
		t.PPhDitanggung += r.PPhDitanggung()
		t.BPJS += r.BPJS
		t.Net += r.Net
	}
	return t
}

// PPhDipotong is the PPh 21 withheld from the employee: all of it, unless
// the budget bears it.
func (r Row) PPhDipotong() int64 {
	if r.PPh21Withheld {
		return r.PPh21
	}
	return 0
}

// PPhDitanggung is the PPh 21 the budget bears (ditanggung pemerintah): it is
// paid on top of the TPP and never taken from the net.
func (r Row) PPhDitanggung() int64 {
	if r.PPh21Withheld {
		return 0
	}
	return r.PPh21
}

// FileBase is the stem of the export files, e.g. "tpp-DINKES-2026-11".
// A supplementary claim's files say so: "tpp-DINKES-2026-11-susulan-1".
func (e Export) FileBase() string {
	b := "tpp-" + e.Claim.OPDKode + "-" + periodText(e.Claim.Period())
	if e.Claim.Special() {
		b = fmt.Sprintf("tpp-%s-%s-%d", e.Claim.Jenis, e.Claim.OPDKode, e.Claim.PeriodDate.Year())
	}
	if e.Claim.Susulan > 0 {
		b += fmt.Sprintf("-susulan-%d", e.Claim.Susulan)
	}
	return b
}

// SlipFileBase is the stem of an employee's slip file, e.g.
// "tpp-slip-198109262006062030-2026-11" (a supplementary claim's adds "-susulan-1").
func SlipFileBase(s Slip) string {
	b := "tpp-slip-" + s.Row.NIP + "-" + periodText(s.Claim.Period())
	if s.Claim.Susulan > 0 {
		b += fmt.Sprintf("-susulan-%d", s.Claim.Susulan)
	}
	return b
}

// Title is the claim's title on the exports: "Bulan November 2026", or for
// a supplementary claim "Klaim susulan ke-1, bulan November 2026", so its
// list, spreadsheet, PDF and bank file are never taken for the monthly one.
func (e Export) Title() string {
	if e.Claim.Special() {
		t := strings.ToUpper(e.Claim.Kind()) + " (bulan dasar " + e.Claim.Period().String() + ")"
		return t
	}
	if e.Claim.Susulan > 0 {
		return fmt.Sprintf("Klaim susulan ke-%d, bulan %s", e.Claim.Susulan, e.Claim.Period().String())
	}
	return "Bulan " + e.Claim.Period().String()
}

// Held are the rows the claim holds out (ditangguhkan): they are not in the
// bank file and wait for a supplementary claim.
func (e Export) Held() []Row {
	var out []Row
	for _, r := range e.Rows {
		if r.Held() != "" {
			out = append(out, r)
		}
	}
	return out
}

// Payable is the total the claim pays: the bank file's total.
func (e Export) Payable() int64 {
	var t int64
	for _, r := range e.Rows {
		if r.Settled {
			t += r.Net
		}
	}
	return t
}

// NominatifColumns are the money columns of the daftar nominatif, in order.
// On every row TPP Kotor - PPh 21 Dipotong - BPJS Kesehatan = TPP Bersih; the
// tax the budget bears is the last column, apart, as it is not deducted.
var NominatifColumns = []string{"TPP Dasar", "Produktivitas", "Disiplin", "Hukuman Disiplin", "TPP Kotor", "PPh 21 Dipotong",
	"BPJS Kesehatan", "TPP Bersih", "PPh 21 Ditanggung Pemerintah"}

func (r Row) money() []int64 {
	return []int64{r.Base, r.Produktivitas, r.Disiplin, r.Hukdis, r.Gross, r.PPhDipotong(), r.BPJS, r.Net, r.PPhDitanggung()}
}

func (t Totals) money() []int64 {
	return []int64{t.Base, t.Produktivitas, t.Disiplin, t.Hukdis, t.Gross, t.PPhDipotong, t.BPJS, t.Net, t.PPhDitanggung}
}

// moneyCols is how many money columns the spreadsheet has, from column 8.
var moneyCols = len(NominatifColumns)

// NominatifHeaderRow is the spreadsheet row of the column headings; data starts below it.
const NominatifHeaderRow = 6

// WriteXLSX writes the daftar nominatif as an Excel workbook: one sheet with
// a title, one row per employee, a totals row, and the signature block of the
// Kepala OPD and the Bendahara Pengeluaran. NIP and account numbers are text
// cells, so leading zeros survive.
func WriteXLSX(w io.Writer, e Export) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Daftar Nominatif"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	money, _ := f.NewStyle(&excelize.Style{NumFmt: 3}) // #,##0
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	boldMoney, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 3})
	text, _ := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": text

	c := e.Claim
	set := func(col, row int, v any) {
		cell, _ := excelize.CoordinatesToCellName(col, row)
		switch x := v.(type) {
		case string:
			_ = f.SetCellStr(sheet, cell, x)
		default:
			_ = f.SetCellValue(sheet, cell, x)
		}
	}
	style := func(col1, row1, col2, row2, st int) {
		a, _ := excelize.CoordinatesToCellName(col1, row1)
		b, _ := excelize.CoordinatesToCellName(col2, row2)
		_ = f.SetCellStyle(sheet, a, b, st)
	}
	if c.Susulan > 0 {
		set(1, 1, fmt.Sprintf("DAFTAR NOMINATIF KLAIM SUSULAN KE-%d TAMBAHAN PENGHASILAN PEGAWAI (TPP)", c.Susulan))
	} else {
		set(1, 1, "DAFTAR NOMINATIF PEMBAYARAN TAMBAHAN PENGHASILAN PEGAWAI (TPP)")
	}
	set(1, 2, c.OPDNama)
	set(1, 3, e.Title())
	set(1, 4, fmt.Sprintf("%s versi %d; status %s; digest masukan %s", c.RuleSetName, c.RuleSetVersion, c.Status.Label(), c.InputsDigest))
	style(1, 1, 1, 2, bold)
	head := append([]string{"No", "NIP", "Nama", "Jabatan", "Kelas", "Status", "Golongan"}, NominatifColumns...)
	head = append(head, "Bank", "Nomor Rekening", "Pembayaran")
	for i, h := range head {
		set(i+1, NominatifHeaderRow, h)
	}
	style(1, NominatifHeaderRow, len(head), NominatifHeaderRow, bold)
	row := NominatifHeaderRow
	for i, r := range e.Rows {
		row++
		set(1, row, i+1)
		set(2, row, r.NIP)
		set(3, row, r.Nama)
		set(4, row, r.Jabatan)
		set(5, row, r.Kelas)
		set(6, row, r.StatusASN)
		set(7, row, r.Golongan)
		for j, v := range r.money() {
			set(8+j, row, v)
		}
		set(8+moneyCols, row, r.BankNama)
		set(9+moneyCols, row, r.BankRekening)
		if h := r.Held(); h != "" {
			set(10+moneyCols, row, "Ditangguhkan: "+h)
		} else {
			set(10+moneyCols, row, r.PayState(c))
		}
	}
	if row > NominatifHeaderRow {
		style(8, NominatifHeaderRow+1, 7+moneyCols, row, money)
		style(2, NominatifHeaderRow+1, 2, row, text)
		style(9+moneyCols, NominatifHeaderRow+1, 9+moneyCols, row, text)
	}
	row++
	// The totals are formulas a spreadsheet recalculates (an edited amount
	// changes its JUMLAH), each with the claim's total as its cached value
	// for readers that do not calculate.
	set(3, row, "JUMLAH")
	for j, v := range e.Totals().money() {
		set(8+j, row, v)
		if row > NominatifHeaderRow+1 {
			cell, _ := excelize.CoordinatesToCellName(8+j, row)
			first, _ := excelize.CoordinatesToCellName(8+j, NominatifHeaderRow+1)
			last, _ := excelize.CoordinatesToCellName(8+j, row-1)
			if err := f.SetCellFormula(sheet, cell, "SUM("+first+":"+last+")"); err != nil {
				return err
			}
		}
	}
	style(1, row, 7+moneyCols, row, boldMoney)
	totalsRow := row
	row++
	set(3, row, "Dibayar melalui berkas bank: "+tpp.Rupiah(e.Payable()).String())
	style(3, row, 3, row, bold)
	if held := e.Held(); len(held) > 0 {
		row++
		set(3, row, fmt.Sprintf("DITANGGUHKAN: %d pegawai, dibayar melalui klaim susulan", len(held)))
		style(3, row, 3, row, bold)
	}

	row += 3
	set(3, row, "Mengetahui,")
	set(12, row, c.OPDNama)
	row++
	set(3, row, firstNonEmpty(e.Kepala.Jabatan, "Kepala OPD"))
	set(12, row, "Bendahara Pengeluaran")
	row += 4
	set(3, row, firstNonEmpty(e.Kepala.Nama, "(....................................)"))
	set(12, row, firstNonEmpty(e.Bendahara.Nama, "(....................................)"))
	style(3, row, 12, row, bold)
	row++
	set(3, row, "NIP "+e.Kepala.NIP)
	set(12, row, "NIP "+e.Bendahara.NIP)

	_ = f.SetColWidth(sheet, "B", "B", 21)
	_ = f.SetColWidth(sheet, "C", "D", 32)
	_ = f.SetColWidth(sheet, "H", "P", 15)
	_ = f.SetColWidth(sheet, "R", "R", 20)
	if err := xlsxPageSetup(f, sheet, len(head), totalsRow); err != nil {
		return err
	}
	return f.Write(w)
}

// xlsxPageSetup makes the sheet print the way the finance office files it:
// landscape A4, every column on one page width (as many pages down as it
// takes), the column headings repeated at the top of every page, page
// numbers in the footer; and the workbook recalculates its formulas when opened.
func xlsxPageSetup(f *excelize.File, sheet string, cols, totalsRow int) error {
	a4, landscape, one, tall := 9, "landscape", 1, 0
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &tall}); err != nil {
		return err
	}
	fit := true
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	narrow := 0.4
	if err := f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{Left: &narrow, Right: &narrow, Top: &narrow, Bottom: &narrow}); err != nil {
		return err
	}
	if err := f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{OddFooter: "&LDaftar Nominatif TPP&RHalaman &P dari &N"}); err != nil {
		return err
	}
	quoted := "'" + strings.ReplaceAll(sheet, "'", "''") + "'"
	lastCol, _ := excelize.ColumnNumberToName(cols)
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: sheet,
		RefersTo: fmt.Sprintf("%s!$%d:$%d", quoted, NominatifHeaderRow, NominatifHeaderRow)}); err != nil {
		return err
	}
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Area", Scope: sheet,
		RefersTo: fmt.Sprintf("%s!$A$1:$%s$%d", quoted, lastCol, totalsRow+12)}); err != nil {
		return err
	}
	full := true
	return f.SetCalcProps(&excelize.CalcPropsOptions{FullCalcOnLoad: &full})
}

func firstNonEmpty(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return b
}

// BankDescription is the transfer description of one employee.
func BankDescription(c Claim, nip string) string {
	d := "TPP " + c.Period().String() + " " + c.OPDKode + " "
	if c.Special() {
		d = fmt.Sprintf("TPP %s %d %s ", strings.ToUpper(c.Jenis), c.PeriodDate.Year(), c.OPDKode)
	}
	if c.Susulan > 0 {
		d += fmt.Sprintf("susulan-%d ", c.Susulan)
	}
	return d + nip
}

// WriteBankCSV writes the bank transfer file: a header, one line per employee
// the claim pays (tpp_bayar_pegawai: computed, with an account) with a
// positive net (account number, name on the account, net amount,
// description), then a totals line. Whoever is held out is not in it. Every field is quoted, so the
// account number stays text with its leading zeros.
func WriteBankCSV(w io.Writer, e Export) error {
	var b bytes.Buffer
	line := func(fields ...string) {
		for i, f := range fields {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('"')
			b.WriteString(strings.ReplaceAll(NeutraliseFormula(f), `"`, `""`))
			b.WriteByte('"')
		}
		b.WriteString("\r\n")
	}
	line("nomor_rekening", "nama_rekening", "jumlah", "keterangan")
	var n, sum int64
	for _, r := range e.Rows {
		if !r.Settled || r.BankRekening == "" || r.Net <= 0 {
			continue
		}
		name := firstNonEmpty(r.BankAtasNama, r.Nama)
		line(r.BankRekening, name, strconv.FormatInt(r.Net, 10), BankDescription(e.Claim, r.NIP))
		n++
		sum += r.Net
	}
	// The totals line names the claim: "Klaim bulanan TPP November 2026 DINKES"
	// or "Klaim susulan ke-1 TPP November 2026 DINKES susulan-1".
	line("TOTAL", strconv.FormatInt(n, 10)+" rekening", strconv.FormatInt(sum, 10), e.Claim.Kind()+" "+strings.TrimSpace(BankDescription(e.Claim, "")))
	_, err := w.Write(b.Bytes())
	return err
}

// SlipTotals is the slip's summary for printing, from its lines.
func SlipTotals(lines []tpp.Line) (gross, net int64) {
	for _, l := range lines {
		switch l.Code {
		case tpp.CodeGross:
			gross = l.Amount
		case tpp.CodeNet:
			net = l.Amount
		}
	}
	return gross, net
}

// formulaLead are the characters that make a spreadsheet run a cell as a
// formula (the same set org refuses on input: = + - @ TAB CR).
const formulaLead = "=+-@\t\r"

// NeutraliseFormula makes a cell that a spreadsheet would run as a formula
// plain text, with the OWASP-recommended leading apostrophe: data stored
// before the input rule, or that came another way, never runs in the
// finance office's Excel.
func NeutraliseFormula(s string) string {
	if t := strings.TrimLeft(s, " "); t != "" && strings.IndexByte(formulaLead, t[0]) >= 0 {
		return "'" + s
	}
	return s
}
