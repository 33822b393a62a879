package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// TestBrowserTPPMonthDraftToPaid takes the demo regency's October 2026 claim
// of DINKES from nothing to paid through the real pages: the admin OPD
// computes and submits it, the verifikator verifies, approves and pays it;
// then its .xlsx and bank CSV are downloaded, read back and added up.
func TestBrowserTPPMonthDraftToPaid(t *testing.T) {
	th := newTPPHarness(t)
	base := th.ts.URL

	admin := newBrowser(t)
	browserLogin(t, admin, base, auth.RoleAdminOPD)
	step(t, admin,
		chromedp.Navigate(base+"/tpp/klaim?bulan=2026-10"),
		chromedp.WaitVisible(`button[data-hitung="DINKES"]`),
		chromedp.Click(`button[data-hitung="DINKES"]`),
		chromedp.WaitVisible("#claim-status"),
	)
	if got := text(t, admin, "#claim-status"); !strings.Contains(got, "Draf") {
		t.Fatalf("status after compute = %q", got)
	}
	if got := text(t, admin, "#claim-net"); got != "Rp "+groupRupiah(th.count(`SELECT total_net FROM tpp_claim`)) {
		t.Fatalf("net shown %q", got)
	}
	sctx, cancel := context.WithTimeout(admin, 10*time.Second)
	claimURL, err := chromedp.Run(sctx, chromedp.Location())
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	claimURL = strings.SplitN(claimURL, "?", 2)[0]
	step(t, admin, chromedp.Click("#btn-ajukan"), chromedp.WaitVisible(`#claim-status [data-status="submitted"]`))

	verif := newBrowser(t)
	browserLogin(t, verif, base, auth.RoleVerifikator)
	step(t, verif,
		chromedp.Navigate(claimURL),
		chromedp.WaitVisible("#btn-verifikasi"),
		chromedp.Click("#btn-verifikasi"),
		chromedp.WaitVisible("#btn-setujui"),
		chromedp.Click("#btn-setujui"),
		chromedp.WaitVisible("#btn-bayar"),
		chromedp.SendKeys("#sp2d", "00777/SP2D/X/2026"),
		chromedp.Click("#btn-bayar"),
		chromedp.WaitVisible("#paid"),
	)
	if got := text(t, verif, "#claim-status"); !strings.Contains(got, "Dibayar") {
		t.Fatalf("status = %q", got)
	}
	if got := text(t, verif, "#paid"); !strings.Contains(got, "00777/SP2D/X/2026") {
		t.Fatalf("paid = %q", got)
	}
	id := th.count(`SELECT id FROM tpp_claim WHERE status = 'paid'`)
	if id == 0 {
		t.Fatal("no paid claim")
	}
	// The links the page shows are the downloads; fetch them as the verifikator.
	step(t, verif, chromedp.WaitVisible("#link-xlsx"), chromedp.WaitVisible("#link-bank"))
	c := th.as(auth.RoleVerifikator)
	if r := c.get("/tpp/klaim/" + itoa(id) + "/nominatif"); r.status != http.StatusOK || !strings.Contains(r.body, "Bendahara Pengeluaran") {
		t.Fatalf("printable nominatif: %d", r.status)
	}
	checkDownloads(t, th, c, id)
}

// groupRupiah formats n with dots, as the pages do.
func groupRupiah(n int64) string {
	s := itoa(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return b.String()
}
