package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

// TestBrowserTPPMonthDraftToPaid takes the demo regency's October 2026 claim
// of DINKES from nothing to paid through the real pages: the admin OPD
// computes and submits it, the verifikator verifies, approves and pays it;
// then its .xlsx and bank CSV are downloaded, read back and added up.
func TestBrowserTPPMonthDraftToPaid(t *testing.T) {
	t.Parallel()
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
	if got := text(t, admin, "#claim-net"); got != tpp.Rupiah(th.count(`SELECT total_net FROM tpp_claim`)).String() {
		t.Fatalf("net shown %q", got)
	}
	sctx, cancel := context.WithTimeout(admin, 10*time.Second)
	claimURL, err := chromedp.Run(sctx, chromedp.Location())
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	claimURL = strings.SplitN(claimURL, "?", 2)[0]
	step(t, admin, confirmStep("ajukan"), chromedp.WaitVisible(`#claim-status [data-status="submitted"]`))

	verif := newBrowser(t)
	browserLogin(t, verif, base, auth.RoleVerifikator)
	step(t, verif,
		chromedp.Navigate(claimURL),
		chromedp.WaitVisible("#btn-verifikasi"),
		confirmStep("verifikasi"),
		chromedp.WaitVisible("#btn-setujui"),
		confirmStep("setujui"),
		chromedp.WaitVisible("#btn-bayar"),
		chromedp.Click("#btn-bayar"),
		chromedp.WaitVisible("#sp2d"),
		chromedp.SendKeys("#sp2d", "00777/SP2D/X/2026"),
		chromedp.Click("#setuju"),
		chromedp.Click("#btn-konfirmasi"),
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

// TestBrowserTPPReturnResubmitReopen walks the claim's loops through the
// pages: the verifikator returns it with a note, the admin OPD reads the
// note, recomputes and submits again; the verifikator verifies and
// approves, then reopens it with a reason, and the claim is a draft the
// admin OPD can recompute. Every step leaves its audit row.
func TestBrowserTPPReturnResubmitReopen(t *testing.T) {
	t.Parallel()
	th := newTPPHarness(t)
	base := th.ts.URL
	const note = "Data cuti sakit dr. Sari belum dilampirkan; lengkapi lalu hitung ulang."
	const reason = "SK kenaikan kelas jabatan berlaku surut sejak Oktober 2026."

	admin := newBrowser(t)
	browserLogin(t, admin, base, auth.RoleAdminOPD)
	step(t, admin,
		chromedp.Navigate(base+"/tpp/klaim?bulan=2026-10"),
		chromedp.WaitVisible(`button[data-hitung="DINKES"]`),
		chromedp.Click(`button[data-hitung="DINKES"]`),
		chromedp.WaitVisible("#btn-ajukan"),
		confirmStep("ajukan"),
		chromedp.WaitVisible(`#claim-status [data-status="submitted"]`),
	)
	claimURL := location(t, admin)

	verif := newBrowser(t)
	browserLogin(t, verif, base, auth.RoleVerifikator)
	step(t, verif,
		chromedp.Navigate(claimURL),
		chromedp.WaitVisible("#catatan"),
		chromedp.SendKeys("#catatan", note),
		chromedp.Click("#btn-kembalikan"),
		chromedp.WaitVisible(`#claim-status [data-status="returned"]`),
	)

	// The admin OPD sees the note, recomputes (still returned) and submits again.
	step(t, admin, chromedp.Navigate(claimURL), chromedp.WaitVisible("#return-note"))
	if got := text(t, admin, "#return-note"); got != note {
		t.Fatalf("note shown %q", got)
	}
	step(t, admin,
		chromedp.Click("#btn-hitung-ulang"),
		chromedp.WaitVisible(`#claim-status [data-status="returned"]`),
		chromedp.WaitVisible("#btn-ajukan"),
	)
	if got := text(t, admin, ".flash"); !strings.Contains(got, "telah dihitung") {
		t.Fatalf("flash after recompute %q", got)
	}
	step(t, admin, confirmStep("ajukan"), chromedp.WaitVisible(`#claim-status [data-status="submitted"]`))

	// Verify, approve, then reopen with a reason.
	step(t, verif,
		chromedp.Navigate(claimURL),
		chromedp.WaitVisible("#btn-verifikasi"),
		confirmStep("verifikasi"),
		chromedp.WaitVisible("#btn-setujui"),
		confirmStep("setujui"),
		chromedp.WaitVisible(`#claim-status [data-status="approved"]`),
		chromedp.WaitVisible("#alasan"),
		chromedp.SendKeys("#alasan", reason),
		chromedp.Click("#btn-buka"),
		chromedp.WaitVisible(`#claim-status [data-status="draft"]`),
	)
	if got := text(t, verif, "#reopen-reason"); got != reason {
		t.Fatalf("reopen reason shown %q", got)
	}

	// Back to a recomputable draft for the admin OPD, through the page.
	step(t, admin,
		chromedp.Navigate(claimURL),
		chromedp.WaitVisible("#btn-hitung-ulang"),
		chromedp.WaitVisible("#btn-ajukan"),
		chromedp.Click("#btn-hitung-ulang"),
		// The page already said "draft" before the click: wait for the
		// recompute's own flash, which only the page after it shows.
		chromedp.WaitVisible(".flash"),
		chromedp.WaitVisible(`#claim-status [data-status="draft"]`),
	)
	if got := text(t, admin, ".flash"); !strings.Contains(got, "telah dihitung") {
		t.Fatalf("flash after the last recompute %q", got)
	}
	if got := text(t, admin, "#reopen-reason"); got != reason {
		t.Fatalf("admin sees reopen reason %q", got)
	}
	id := th.count(`SELECT id FROM tpp_claim`)
	for action, want := range map[string]int64{"tpp.hitung": 3, "tpp.ajukan": 2, "tpp.kembalikan": 1, "tpp.verifikasi": 1,
		"tpp.setujui": 1, "tpp.buka_kembali": 1, "tpp.hitung_mulai": 3} {
		if n := th.count(`SELECT count(*) FROM audit_log WHERE action = ? AND object_id = ?`, action, itoa(id)); n != want {
			t.Errorf("%s audit rows = %d, want %d", action, n, want)
		}
	}
	if th.count(`SELECT count(*) FROM audit_log WHERE action = 'tpp.buka_kembali' AND detail::jsonb->>'alasan' = ?`, reason) != 1 {
		t.Error("reopen reason not in the audit row")
	}
}

// location is the browser's current URL without the query (flash keys).
func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	u, err := chromedp.Run(sctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return strings.SplitN(u, "?", 2)[0]
}

// confirmStep takes a money step through its confirmation page: the
// button on the claim page, the acknowledgement box, the confirm button.
func confirmStep(action string) chromedp.Action[chromedp.Void] {
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Click("#btn-" + action),
		chromedp.WaitVisible("#setuju"),
		chromedp.Click("#setuju"),
		chromedp.Click("#btn-konfirmasi"),
	}
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		var v chromedp.Void
		for _, s := range steps {
			if _, err := s(ctx, t); err != nil {
				return v, err
			}
		}
		return v, nil
	}
}
