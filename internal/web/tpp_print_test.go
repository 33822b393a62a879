package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
)

// pdfPages runs poppler's pdftotext on a PDF (in content-stream order, so
// a table cell's lines come out together) and returns the text of each
// page with its whitespace collapsed to single spaces.
func pdfPages(t *testing.T, pdf []byte) []string {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.80q", pdf)
	}
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatal("pdftotext tidak ditemukan: apt-get install poppler-utils")
	}
	in := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-raw", "-enc", "UTF-8", in, "-").Output() // #nosec G204 -- a test runs the fixed tool on its own temp file
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := strings.Split(strings.TrimRight(string(out), "\f\n"), "\f")
	for i, p := range pages {
		pages[i] = strings.Join(strings.Fields(p), " ")
	}
	return pages
}

// pdfPageSize is pdfinfo's "Page size" of the PDF's first page in points.
func pdfPageSize(t *testing.T, pdf []byte) (w, h float64) {
	t.Helper()
	in := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdfinfo", in).Output() // #nosec G204 -- a test runs the fixed tool on its own temp file
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	m := regexp.MustCompile(`Page size:\s+([\d.]+) x ([\d.]+) pts`).FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("pdfinfo: %s", out)
	}
	w, _ = strconv.ParseFloat(m[1], 64)
	h, _ = strconv.ParseFloat(m[2], 64)
	return w, h
}

// nominatifFixture is a paid DINKES claim of October 2026 with one
// employee held out because her data cannot be computed and one without a
// bank account (held: not in the bank file).
type nominatifFixture struct {
	id                int64
	heldNIP, heldNama string // uncomputable
	noBankNIP         string
}

// pdfRow is an employee's row as the test expects it from the database.
type pdfRow struct {
	NIP  string `gorm:"column:nip"`
	Nama string `gorm:"column:nama"`
	Net  int64  `gorm:"column:net"`
}

func newNominatifFixture(th *tppHarness) nominatifFixture {
	t := th.t
	t.Helper()
	if err := th.db.Exec(`UPDATE pegawai SET bank_nama = 'Bank Bengkulu', bank_rekening = '00' || id::text || '12345', bank_atas_nama = nama`).Error; err != nil {
		t.Fatal(err)
	}
	var fx nominatifFixture
	var ids []struct {
		ID   int64  `gorm:"column:id"`
		NIP  string `gorm:"column:nip"`
		Nama string `gorm:"column:nama"`
	}
	if err := th.db.Raw(`SELECT p.id, p.nip, p.nama FROM pegawai p JOIN riwayat_jabatan rj ON rj.pegawai_id = p.id AND rj.selesai IS NULL
JOIN jabatan j ON j.id = rj.jabatan_id WHERE j.opd_id = ? AND p.id <> ? AND j.atasan_jabatan_id IS NOT NULL AND j.nama NOT ILIKE 'Bendahara%'
ORDER BY p.id LIMIT 2`, th.dinkes, th.pegawaiID).Scan(&ids).Error; err != nil || len(ids) != 2 {
		t.Fatalf("fixture employees: %v %d", err, len(ids))
	}
	fx.heldNIP, fx.heldNama, fx.noBankNIP = ids[0].NIP, ids[0].Nama, ids[1].NIP
	if err := th.db.Exec(`UPDATE pegawai SET golongan = 'IX/z' WHERE id = ?`, ids[0].ID).Error; err != nil {
		t.Fatal(err)
	}
	if err := th.db.Exec(`UPDATE pegawai SET bank_nama = '', bank_rekening = '', bank_atas_nama = '' WHERE id = ?`, ids[1].ID).Error; err != nil {
		t.Fatal(err)
	}
	admin, verif := th.as(auth.RoleAdminOPD), th.as(auth.RoleVerifikator)
	fx.id = th.compute(admin)
	th.approveAndPay(admin, verif, fx.id, "00321/SP2D/X/2026")
	return fx
}

// rows are the claim's employees, from the database.
func (fx nominatifFixture) rows(th *tppHarness) []pdfRow {
	var rows []pdfRow
	if err := th.db.Raw(`SELECT nip, nama, net FROM tpp_claim_pegawai WHERE claim_id = ? ORDER BY nip`, fx.id).Scan(&rows).Error; err != nil || len(rows) < 5 {
		th.t.Fatalf("claim rows: %v %d", err, len(rows))
	}
	return rows
}

// signatory is who holds the OPD's top post (kepala) or its Bendahara
// Pengeluaran post, from the database.
func signatory(th *tppHarness, kepala bool) (nama, nip string) {
	th.t.Helper()
	cond := `j.nama ILIKE 'Bendahara Pengeluaran%'`
	if kepala {
		cond = `j.atasan_jabatan_id IS NULL`
	}
	var r struct {
		Nama string `gorm:"column:nama"`
		NIP  string `gorm:"column:nip"`
	}
	if err := th.db.Raw(`SELECT p.nama, p.nip FROM jabatan j JOIN riwayat_jabatan rj ON rj.jabatan_id = j.id AND rj.selesai IS NULL
JOIN pegawai p ON p.id = rj.pegawai_id WHERE j.opd_id = ? AND `+cond+` ORDER BY rj.jenis = 'definitif' DESC, j.kelas DESC LIMIT 1`, th.dinkes).Scan(&r).Error; err != nil || r.NIP == "" {
		th.t.Fatalf("signatory kepala=%v: %v", kepala, err)
	}
	return r.Nama, r.NIP
}

// claimTotals are the claim's nine money totals in NominatifColumns order, from the database.
func claimTotals(th *tppHarness, id int64) []int64 {
	th.t.Helper()
	var t struct{ Base, Prod, Disc, Hukdis, Gross, Pph, Bpjs, Net, Borne int64 }
	if err := th.db.Raw(`SELECT sum(base) AS base, sum(produktivitas) AS prod, sum(disiplin) AS disc, sum(hukdis) AS hukdis, sum(gross) AS gross,
sum(CASE WHEN pph21_withheld THEN pph21 ELSE 0 END) AS pph, sum(bpjs) AS bpjs, sum(net) AS net,
sum(CASE WHEN pph21_withheld THEN 0 ELSE pph21 END) AS borne FROM tpp_claim_pegawai WHERE claim_id = ?`, id).Scan(&t).Error; err != nil {
		th.t.Fatal(err)
	}
	return []int64{t.Base, t.Prod, t.Disc, t.Hukdis, t.Gross, t.Pph, t.Bpjs, t.Net, t.Borne}
}

// checkPrintedNominatif checks the text of a printed daftar nominatif
// (server PDF or the browser's print): every column heading whole on every
// page that carries rows, each employee's net on that employee's row, the
// totals in column order after the totals label, page numbers, what the
// bank file pays, who is held and why, and both signature blocks.
func checkPrintedNominatif(t *testing.T, th *tppHarness, fx nominatifFixture, pages []string, headings []string, jumlah string) {
	t.Helper()
	all := strings.Join(pages, " ")
	if len(pages) < 2 {
		t.Fatalf("the list fits %d page; the fixture is meant to need two: %s", len(pages), all)
	}
	for i, p := range pages {
		// A page of only the notes, the held list "(NIP ...)" and the signatures has no table.
		body, _, _ := strings.Cut(p, "Mengetahui,")
		if i > 0 && !tableRowNIP.MatchString(body) {
			continue
		}
		for _, h := range headings {
			if !strings.Contains(p, h) {
				t.Fatalf("page %d lacks the heading %q: %s", i+1, h, p)
			}
		}
	}
	rows := fx.rows(th)
	for _, r := range rows {
		i := strings.Index(all, r.NIP)
		if i < 0 {
			t.Fatalf("employee %s %s missing", r.NIP, r.Nama)
		}
		row := all[i:]
		if j := strings.Index(row[len(r.NIP):], "NIP 19"); j >= 0 {
			row = row[:len(r.NIP)+j]
		}
		if !strings.Contains(row, " "+dotted(r.Net)+" ") {
			t.Fatalf("employee %s: net %s not on the row %q", r.NIP, dotted(r.Net), row)
		}
	}
	var seq []string
	for _, v := range claimTotals(th, fx.id) {
		seq = append(seq, `(?:Rp )?`+regexp.QuoteMeta(dotted(v)))
	}
	if !regexp.MustCompile(regexp.QuoteMeta(jumlah) + `( \d+ pegawai)? ` + strings.Join(seq, " ")).MatchString(all) {
		t.Fatalf("totals %q not after %q in %s", seq, jumlah, all)
	}
	for i := range pages {
		if want := fmt.Sprintf("Halaman %d dari %d", i+1, len(pages)); !strings.Contains(pages[i], want) {
			t.Fatalf("page %d lacks %q: %s", i+1, want, pages[i])
		}
	}
	_, bankTotal, _ := bankLines(t, th.as(auth.RoleVerifikator), fx.id)
	kn, kp := signatory(th, true)
	bn, bp := signatory(th, false)
	mustContain(t, all, "Dibayar melalui berkas bank", dotted(bankTotal), fx.heldNama, "golongan harus berbentuk",
		fx.noBankNIP, claim.WarnNoBank, "Mengetahui,", kn, "NIP "+kp, "Bendahara Pengeluaran", bn, "NIP "+bp)
	if strings.Contains(all, "Dibayar melalui berkas bank Rp "+dotted(claimTotals(th, fx.id)[7])) {
		t.Fatal("the bank file's total is the claim total although two employees are held")
	}
}

// dotted is an amount as the printed tables show it: "4.606.000" (the
// Rupiah formatter without "Rp ").
func dotted(n int64) string { return strings.TrimPrefix(tpp.Rupiah(n).String(), "Rp ") }

// tableRowNIP is an employee's NIP in a table row (the held list writes "(NIP ...)").
var tableRowNIP = regexp.MustCompile(`[^(]NIP \d{18}`)

// nominatifHeadings are the daftar nominatif's column headings: every money column and the rest.
func nominatifHeadings(rest ...string) []string {
	return append(append([]string{"No", "Nama / NIP", "Jabatan"}, claim.NominatifColumns...), rest...)
}

// TestTPPNominatifPDFThroughTheRoute: the server's PDF of a paid claim's
// daftar nominatif, downloaded through its route, is an A4 landscape
// attachment whose text holds every column heading whole on every page,
// each employee's net, the totals, "Halaman x dari y", the bank file's
// total, the held employees with their reasons and both signature blocks;
// an admin OPD of another OPD gets 404 and a draft claim 409.
func TestTPPNominatifPDFThroughTheRoute(t *testing.T) {
	t.Parallel()
	th := newTPPHarness(t)
	fx := newNominatifFixture(th)
	verif := th.as(auth.RoleVerifikator)
	r := verif.get(fmt.Sprintf("/tpp/klaim/%d/nominatif.pdf", fx.id))
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/pdf" ||
		r.header.Get("Content-Disposition") != `attachment; filename="tpp-DINKES-2026-10-nominatif.pdf"` {
		t.Fatalf("pdf: %d %q %q", r.status, r.header.Get("Content-Type"), r.header.Get("Content-Disposition"))
	}
	if w, h := pdfPageSize(t, []byte(r.body)); w < 841 || w > 843 || h < 594.5 || h > 596 {
		t.Fatalf("page %v x %v pt, want A4 landscape 841.89 x 595.28", w, h)
	}
	pages := pdfPages(t, []byte(r.body))
	checkPrintedNominatif(t, th, fx, pages, nominatifHeadings("Rekening / Keterangan"), "JUMLAH")
	mustContain(t, pages[0], "BULAN OKTOBER 2026", "DITANGGUHKAN", "Dibayar")
	mustContain(t, strings.Join(pages, " "), "SP2D 00321/SP2D/X/2026", "dibayar melalui klaim susulan")

	// The admin OPD reads it too; the page links to it.
	admin := th.as(auth.RoleAdminOPD)
	if r := admin.get(fmt.Sprintf("/tpp/klaim/%d/nominatif.pdf", fx.id)); r.status != http.StatusOK {
		t.Fatalf("admin OPD: %d", r.status)
	}
	mustContain(t, admin.get(fmt.Sprintf("/tpp/klaim/%d", fx.id)).body, fmt.Sprintf(`href="/tpp/klaim/%d/nominatif.pdf"`, fx.id))
	// A draft (BKPSDM's, just computed) is not exported, and an admin OPD of
	// DINKES does not learn it exists.
	bk := th.count(`SELECT id FROM opd WHERE kode = 'BKPSDM'`)
	res := verif.postForm("/tpp/klaim/hitung", map[string][]string{"opd_id": {itoa(bk)}, "bulan": {"2026-10"}})
	m := claimPath.FindStringSubmatch(res.header.Get("Location"))
	if res.status != http.StatusSeeOther || m == nil {
		t.Fatalf("compute BKPSDM: %d", res.status)
	}
	if r := verif.get(m[0] + "/nominatif.pdf"); r.status != http.StatusConflict || !strings.Contains(r.body, "sudah disetujui") {
		t.Fatalf("draft pdf: %d", r.status)
	}
	if r := admin.get(m[0] + "/nominatif.pdf"); r.status != http.StatusNotFound {
		t.Fatalf("another OPD's admin: %d", r.status)
	}
}

// TestTPPNominatifXLSXPrintsAndRecalculates: the .xlsx of the daftar
// nominatif prints landscape A4, fit to one page wide, with the heading row
// repeated on every page; money cells are numbers, NIP and account cells
// text; every JUMLAH cell is a SUM formula over its column whose value,
// computed by the spreadsheet engine and cached in the file, is the claim's
// total, and which follows an edited amount.
func TestTPPNominatifXLSXPrintsAndRecalculates(t *testing.T) {
	t.Parallel()
	th := newTPPHarness(t)
	fx := newNominatifFixture(th)
	x := th.as(auth.RoleVerifikator).get(fmt.Sprintf("/tpp/klaim/%d/nominatif.xlsx", fx.id))
	if x.status != http.StatusOK {
		t.Fatalf("xlsx %d", x.status)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
	if err != nil {
		t.Fatal(err)
	}
	const sheet = "Daftar Nominatif"
	pl, err := f.GetPageLayout(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if pl.Orientation == nil || *pl.Orientation != "landscape" || pl.Size == nil || *pl.Size != 9 ||
		pl.FitToWidth == nil || *pl.FitToWidth != 1 || pl.FitToHeight == nil || *pl.FitToHeight != 0 {
		t.Fatalf("page layout %+v", pl)
	}
	props, err := f.GetSheetProps(sheet)
	if err != nil || props.FitToPage == nil || !*props.FitToPage {
		t.Fatalf("fit to page: %v %v", props.FitToPage, err)
	}
	titles := ""
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Titles" && dn.Scope == sheet {
			titles = dn.RefersTo
		}
	}
	if want := fmt.Sprintf("'%s'!$%d:$%d", sheet, claim.NominatifHeaderRow, claim.NominatifHeaderRow); titles != want {
		t.Fatalf("print titles %q, want %q", titles, want)
	}
	hf, err := f.GetHeaderFooter(sheet)
	if err != nil || !strings.Contains(hf.OddFooter, "&P") || !strings.Contains(hf.OddFooter, "&N") {
		t.Fatalf("footer %+v %v", hf, err)
	}

	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	head := rows[claim.NominatifHeaderRow-1]
	col := map[string]int{}
	for i, h := range head {
		col[h] = i + 1
	}
	cellName := func(c, r int) string {
		n, err := excelize.CoordinatesToCellName(c, r)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	first, totalRow := claim.NominatifHeaderRow+1, 0
	for i, r := range rows {
		if len(r) > 2 && r[2] == "JUMLAH" {
			totalRow = i + 1
		}
	}
	if totalRow == 0 {
		t.Fatal("no JUMLAH row")
	}
	// NIP and account numbers are text cells; money cells numbers.
	nipType, err := f.GetCellType(sheet, cellName(col["NIP"], first))
	if err != nil || nipType != excelize.CellTypeSharedString {
		t.Fatalf("NIP cell type %v %v", nipType, err)
	}
	accType, err := f.GetCellType(sheet, cellName(col["Nomor Rekening"], first))
	if err != nil || accType != excelize.CellTypeSharedString {
		t.Fatalf("account cell type %v %v", accType, err)
	}
	totals := claimTotals(th, fx.id)
	for j, h := range claim.NominatifColumns {
		c := col[h]
		if c == 0 {
			t.Fatalf("no column %q", h)
		}
		if ty, _ := f.GetCellType(sheet, cellName(c, first)); ty != excelize.CellTypeUnset && ty != excelize.CellTypeNumber {
			t.Fatalf("%s: money cell type %v", h, ty)
		}
		cell := cellName(c, totalRow)
		formula, err := f.GetCellFormula(sheet, cell)
		if want := "SUM(" + cellName(c, first) + ":" + cellName(c, totalRow-1) + ")"; err != nil || formula != want {
			t.Fatalf("%s JUMLAH formula %q, want %q (%v)", h, formula, want, err)
		}
		cached, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		if err != nil || cached != strconv.FormatInt(totals[j], 10) {
			t.Fatalf("%s JUMLAH cached %q, claim %d", h, cached, totals[j])
		}
		calc, err := f.CalcCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		if err != nil || calc != strconv.FormatInt(totals[j], 10) {
			t.Fatalf("%s JUMLAH computed %q, claim %d (%v)", h, calc, totals[j], err)
		}
	}
	// The spreadsheet recalculates: an edited amount changes JUMLAH.
	net := cellName(col["TPP Bersih"], first)
	v, err := f.GetCellValue(sheet, net, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	old, _ := strconv.ParseInt(v, 10, 64)
	if err := f.SetCellInt(sheet, net, old+1000); err != nil {
		t.Fatal(err)
	}
	calc, err := f.CalcCellValue(sheet, cellName(col["TPP Bersih"], totalRow), excelize.Options{RawCellValue: true})
	if err != nil || calc != strconv.FormatInt(totals[7]+1000, 10) {
		t.Fatalf("after editing a net: JUMLAH %q, want %d (%v)", calc, totals[7]+1000, err)
	}
}

// TestTPPSlipPDFThroughTheRoute: the slip PDF through both routes (the
// employee's own, and the claim readers') explains every line of the slip
// as the slip page does: label, reason and amount of each line, the
// employee, the claim and whether it is paid; a held employee's slip PDF
// says she is held and why; nobody gets someone else's.
func TestTPPSlipPDFThroughTheRoute(t *testing.T) {
	t.Parallel()
	th := newTPPHarness(t)
	fx := newNominatifFixture(th)
	peg := th.as(auth.RolePegawai)
	nip := login(t, auth.RolePegawai).NIP
	r := peg.get(fmt.Sprintf("/tpp/slip/%d/slip.pdf", fx.id))
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/pdf" ||
		r.header.Get("Content-Disposition") != `attachment; filename="tpp-slip-`+nip+`-2026-10.pdf"` {
		t.Fatalf("own slip pdf: %d %q", r.status, r.header.Get("Content-Disposition"))
	}
	pages := pdfPages(t, []byte(r.body))
	text := strings.Join(pages, " ")
	var lines []struct {
		Kind, Label, Reason string
		Amount              int64
	}
	if err := th.db.Raw(`SELECT kind, label, reason, amount FROM tpp_claim_line WHERE claim_id = ? AND pegawai_id = ? ORDER BY seq`, fx.id, th.pegawaiID).Scan(&lines).Error; err != nil || len(lines) < 5 {
		t.Fatalf("slip lines: %v %d", err, len(lines))
	}
	at := 0
	for _, l := range lines {
		amount := "Rp " + dotted(l.Amount)
		switch l.Kind {
		case "kurang":
			amount = "- " + amount
		case "info":
			amount = "(" + amount + ")"
		}
		want := strings.Join(strings.Fields(l.Label+" "+l.Reason+" "+amount), " ")
		i := strings.Index(text[at:], want)
		if i < 0 {
			t.Fatalf("slip PDF lacks the line %q (in order) in %s", want, text)
		}
		at += i + len(want)
	}
	// The worked example: net Rp 4.606.000, paid.
	mustContain(t, text, "RINCIAN TAMBAHAN PENGHASILAN PEGAWAI", "KLAIM BULANAN BULAN OKTOBER 2026", nip, login(t, auth.RolePegawai).Nama,
		"Pembayaran Dibayar", "TPP bersih Rp 4.606.000", "Halaman 1 dari "+strconv.Itoa(len(pages)))
	// The slip page links to it.
	mustContain(t, peg.get(fmt.Sprintf("/tpp/slip/%d", fx.id)).body, fmt.Sprintf(`href="/tpp/slip/%d/slip.pdf"`, fx.id))

	// The held employee's slip, through the claim readers' route.
	heldID := th.count(`SELECT id FROM pegawai WHERE nip = ?`, fx.heldNIP)
	admin := th.as(auth.RoleAdminOPD)
	hr := admin.get(fmt.Sprintf("/tpp/klaim/%d/pegawai/%d/slip.pdf", fx.id, heldID))
	if hr.status != http.StatusOK {
		t.Fatalf("held slip pdf %d (%s): %d %.300s", heldID, fx.heldNIP, hr.status, hr.body)
	}
	ht := strings.Join(pdfPages(t, []byte(hr.body)), " ")
	mustContain(t, ht, fx.heldNama, "Status klaim Ditangguhkan", "ditangguhkan: ", "golongan harus berbentuk", "dibayar melalui klaim susulan")
	mustContain(t, admin.get(fmt.Sprintf("/tpp/klaim/%d/pegawai/%d", fx.id, heldID)).body, fmt.Sprintf(`href="/tpp/klaim/%d/pegawai/%d/slip.pdf"`, fx.id, heldID))
	// The pegawai cannot take the claim readers' route, even for herself.
	if r := peg.get(fmt.Sprintf("/tpp/klaim/%d/pegawai/%d/slip.pdf", fx.id, heldID)); r.status != http.StatusForbidden && r.status != http.StatusNotFound {
		t.Fatalf("pegawai on the readers' slip route: %d", r.status)
	}
}

// TestBrowserPrintNominatifLandscapeEveryColumn prints the daftar
// nominatif page from headless chromium as a person does (the page's own
// print stylesheet, paper from its @page rule) and reads the PDF back: A4
// landscape, every money column heading whole on every page (the headings
// repeat), each employee's net on that employee's row, the totals, page
// numbers, the bank file's total, the held employees and both signature
// blocks. A slip page prints on A4 portrait.
func TestBrowserPrintNominatifLandscapeEveryColumn(t *testing.T) {
	t.Parallel()
	th := newTPPHarness(t)
	fx := newNominatifFixture(th)
	ctx := newBrowser(t)
	browserLogin(t, ctx, th.ts.URL, auth.RoleVerifikator)
	step(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/tpp/klaim/%d/nominatif", th.ts.URL, fx.id)), chromedp.WaitVisible("#nominatif"))
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	pdf, err := chromedp.Run(sctx, chromedp.PrintToPDF(chromedp.PDFLandscape(), chromedp.PDFPaper(chromedp.PaperA4),
		func(p *cdppage.PrintToPDFParams) { p.PreferCSSPageSize = ptrTo(true) }))
	if err != nil {
		t.Fatal(err)
	}
	if w, h := pdfPageSize(t, pdf); w < 841 || w > 843 || h < 594.5 || h > 596 {
		t.Fatalf("printed page %v x %v pt, want A4 landscape 841.89 x 595.28", w, h)
	}
	pages := pdfPages(t, pdf)
	checkPrintedNominatif(t, th, fx, pages, nominatifHeadings("Rekening"), "Jumlah")
	// Nothing of the screen's chrome is printed.
	if all := strings.Join(pages, " "); strings.Contains(all, "Keluar") || strings.Contains(all, "Unduh PDF") {
		t.Fatalf("the printout carries the page's navigation: %s", all)
	}

	// One employee's slip prints upright (its own @page), with its net.
	step(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/tpp/klaim/%d/pegawai/%d", th.ts.URL, fx.id, th.pegawaiID)), chromedp.WaitVisible("#slip-lines"))
	slip, err := chromedp.Run(sctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4),
		func(p *cdppage.PrintToPDFParams) { p.PreferCSSPageSize = ptrTo(true) }))
	if err != nil {
		t.Fatal(err)
	}
	if w, h := pdfPageSize(t, slip); w > h || w < 594.5 || w > 596 {
		t.Fatalf("printed slip %v x %v pt, want A4 portrait", w, h)
	}
	mustContain(t, strings.Join(pdfPages(t, slip), " "), login(t, auth.RolePegawai).NIP, "Rp 4.606.000")
}

func ptrTo[T any](v T) *T { return &v }
