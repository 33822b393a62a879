package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/kinerja"
)

// browserPDF fetches the PDF the page's #unduh-pdf link serves, in the
// browser's own session, and returns its text (pdfText).
func browserPDF(t *testing.T, ctx context.Context) string {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	type got struct {
		Type string `json:"type"`
		Body string `json:"body"`
	}
	g, err := chromedp.Run(sctx, chromedp.Evaluate[got](`fetch(document.querySelector('#unduh-pdf').href).then(async r => {
  const b = new Uint8Array(await r.arrayBuffer()); let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return {type: r.headers.get('Content-Type'), body: s};
})`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("fetch PDF: %v", err)
	}
	if g.Type != "application/pdf" {
		t.Fatalf("PDF link serves %q", g.Type)
	}
	return pdfText(t, g.Body)
}

// TestBrowserKinerjaEvaluationJourney is issue 13's done-when in a real
// browser: the atasan rates a month on the seven BerAKHLAK values with
// feedback, the superadmin records the unit's predikat "Baik", the atasan
// builds the quarter's evaluation, sees the distribution warning (every
// rated employee "Baik"), confirms anyway, and prints the SKP and the
// evaluation to PDF, whose text has every section and signature block.
func TestBrowserKinerjaEvaluationJourney(t *testing.T) {
	h := newHarness(t)
	d := h.demoKinerja()
	ctx := newBrowser(t)
	base := h.ts.URL
	logout := func() { step(t, ctx, chromedp.Submit("form.logout"), chromedp.WaitVisible("#nip")) }
	now := time.Now().In(h.cfg.Location)
	periode := fmt.Sprintf("%d-tw%d", now.Year(), (int(now.Month())-1)/3+1)
	opd := h.count(`SELECT opd_id FROM pegawai WHERE id = ?`, d.pegawai)

	// 1. The pegawai submits this month.
	browserLogin(t, ctx, base, auth.RolePegawai)
	step(t, ctx, chromedp.Navigate(base+"/kinerja/penilaian"), chromedp.WaitVisible("#ringkasan"))
	var rhk []int64
	h.db.Raw(`SELECT id FROM rhk WHERE skp_id = ? ORDER BY id`, d.skp).Scan(&rhk)
	for _, r := range rhk {
		step(t, ctx, chromedp.SendKeys(fmt.Sprintf("#realisasi_%d", r), "Tercapai sesuai rencana"))
	}
	step(t, ctx, chromedp.SendKeys("#ringkasan", "Bulan ini sesuai rencana."), chromedp.Click("#ajukan-bulan"), chromedp.WaitVisible(".flash"))
	pid := h.count(`SELECT id FROM penilaian_bulanan WHERE pegawai_id = ? AND tahun = ? AND bulan = ? AND status = 'submitted'`, d.pegawai, now.Year(), int(now.Month()))
	if pid == 0 {
		t.Fatal("month not submitted")
	}
	logout()

	// 2. The atasan rates it on the seven values, each with feedback.
	browserLogin(t, ctx, base, auth.RoleAtasan)
	step(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/kinerja/penilaian/%d", base, pid)), chromedp.WaitVisible("#berakhlak-form"),
		chromedp.SetValue("#hasil_kerja", "sesuai"))
	rateBerakhlak(t, ctx, "sesuai")
	step(t, ctx, chromedp.Click("#nilai"), chromedp.WaitVisible("#predikat"), chromedp.WaitVisible("#berakhlak"))
	if got := text(t, ctx, "#predikat"); got != "Baik" {
		t.Fatalf("predikat %q", got)
	}
	if got := text(t, ctx, "#berakhlak-"+string(kinerja.Kolaboratif)); !strings.Contains(got, "Umpan balik Kolaboratif.") {
		t.Fatalf("core value row %q", got)
	}
	logout()

	// 3. The superadmin records the unit's predikat "Baik" for the quarter.
	browserLogin(t, ctx, base, auth.RoleSuperadmin)
	step(t, ctx, chromedp.Navigate(base+"/kinerja/distribusi?periode="+periode), chromedp.WaitVisible("#predikat-organisasi-form"),
		chromedp.SetValue("#opd_id", itoa(opd)), chromedp.SetValue("#predikat_org", "baik"),
		chromedp.Click("#simpan-predikat-organisasi"), chromedp.WaitVisible(".flash"))
	logout()

	// 4. The atasan opens the quarter's evaluation from the subordinates
	// page, sees the warning, and confirms anyway.
	browserLogin(t, ctx, base, auth.RoleAtasan)
	link := fmt.Sprintf(`a.evaluasi-link[href="/kinerja/evaluasi?pegawai_id=%d&periode=%s"]`, d.pegawai, periode)
	warn := fmt.Sprintf("#peringatan-distribusi-%d", opd)
	step(t, ctx, chromedp.Navigate(base+"/kinerja/bawahan"), chromedp.WaitVisible(link), chromedp.Click(link),
		chromedp.WaitVisible(warn), chromedp.WaitVisible(fmt.Sprintf("#distribusi-%d svg", opd)))
	if got := text(t, ctx, warn); !strings.Contains(got, "paling banyak 70% pegawai berpredikat Baik") || !strings.Contains(got, "Butuh Perbaikan") {
		t.Fatalf("warning %q", got)
	}
	if got := text(t, ctx, "#usulan"); !strings.HasPrefix(got, "Baik") {
		t.Fatalf("proposal %q", got)
	}
	step(t, ctx, chromedp.Click("#konfirmasi"), chromedp.WaitVisible(".flash"), chromedp.WaitVisible("#predikat-periode"))
	if got := text(t, ctx, ".flash"); !strings.Contains(got, "pola distribusi") {
		t.Fatalf("flash %q", got)
	}
	if h.count(`SELECT count(*) FROM evaluasi_kinerja WHERE pegawai_id = ? AND predikat = 'baik' AND pola_dilanggar`, d.pegawai) != 1 {
		t.Fatal("evaluation not stored with its warning")
	}

	// 5. The evaluation and the SKP, printed and as PDF.
	var pegNama string
	h.db.Raw(`SELECT nama FROM pegawai WHERE id = ?`, d.pegawai).Scan(&pegNama)
	check := func(what string, want []string) {
		t.Helper()
		pdf := browserPDF(t, ctx)
		page := text(t, ctx, "#dokumen")
		for _, w := range append(append(want, signatureBlocks...), pegNama) {
			if !strings.Contains(pdf, w) {
				t.Errorf("%s PDF lacks %q", what, w)
			}
			if !strings.Contains(page, w) {
				t.Errorf("%s page lacks %q", what, w)
			}
		}
	}
	step(t, ctx, chromedp.Click("#cetak-evaluasi"), chromedp.WaitVisible("#dokumen"))
	check("evaluation", evalSections)
	step(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/kinerja/skp/%d", base, d.skp)), chromedp.WaitVisible("#cetak-skp"),
		chromedp.Click("#cetak-skp"), chromedp.WaitVisible("#dokumen"))
	check("SKP", skpSections)
}
