package web

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// evalNumber evaluates a DevTools expression returning a number.
func evalNumber(t *testing.T, ctx context.Context, expr string) float64 {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(sctx, chromedp.Evaluate[float64](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// TestBrowserPhoneHeaderAndApproveInPlace: at 390 px the header is one
// short row (under 64 px, the navigation in a closed no-script menu); at
// 1366 px the navigation shows without opening anything. The atasan
// approves one aktivitas in place: the row is replaced by htmx, the page
// is not reloaded, and the aktivitas is approved.
func TestBrowserPhoneHeaderAndApproveInPlace(t *testing.T) {
	h := newHarness(t)
	d := h.demoKinerja()
	var id int64
	if err := h.db.Raw(`INSERT INTO aktivitas (pegawai_id, rhk_id, tanggal, uraian, output_jumlah, output_satuan, menit, status, submitted_at)
VALUES (?, ?, ?, 'Rapat evaluasi program', 1, 'kegiatan', 30, 'submitted', now()) RETURNING id`, d.pegawai, d.rhk, time.Now().In(h.cfg.Location).Format(time.DateOnly)).Scan(&id).Error; err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t)
	browserLogin(t, ctx, h.ts.URL, auth.RoleAtasan)
	step(t, ctx, chromedp.Navigate(h.ts.URL+"/kinerja/tinjau"), chromedp.WaitVisible("#tinjau-heading"))
	if hgt := evalNumber(t, ctx, `document.querySelector('header.topbar').getBoundingClientRect().height`); hgt >= 64 {
		t.Errorf("phone header is %.0f px high, want under 64", hgt)
	}
	// A marker that survives only if the page is not reloaded.
	evalNumber(t, ctx, `(window.ekinerjaNoReload = 1)`)
	row := fmt.Sprintf("#tinjau-%d", id)
	step(t, ctx,
		chromedp.Click(row+" button.setujui"),
		chromedp.WaitVisible(row+".tinjau-selesai"),
	)
	if v := evalNumber(t, ctx, `window.ekinerjaNoReload || 0`); v != 1 {
		t.Error("approving reloaded the page instead of updating the row in place")
	}
	var status string
	h.db.Raw(`SELECT status FROM aktivitas WHERE id = ?`, id).Scan(&status)
	if status != "approved" {
		t.Fatalf("aktivitas is %s after approving in place", status)
	}
	step(t, ctx, chromedp.EmulateViewport(1366, 900), chromedp.Navigate(h.ts.URL+"/kinerja/tinjau"), chromedp.WaitVisible("#tinjau-heading"))
	if w := evalNumber(t, ctx, `document.querySelector('.mainnav').getBoundingClientRect().width`); w == 0 {
		t.Error("at 1366 px the navigation is hidden in the menu")
	}
}

// TestBrowserComputeProgressAndRuleRowsInPlace: the claim page of a claim
// another app server is computing polls with htmx and shows the result in
// place when that server is done (no page reload); on the rule-set form
// "Tambah baris" and "Hapus baris" update the form in place, the typed
// values kept and nothing stored.
func TestBrowserComputeProgressAndRuleRowsInPlace(t *testing.T) {
	th := newTPPHarness(t)
	// Rule-set rows (superadmin, rule set 1 of the demo, not yet used
	// by a computation).
	var before string
	th.db.Raw(`SELECT params::text FROM tpp_rule_set WHERE id = 1`).Scan(&before)
	ctx2 := newBrowser(t)
	browserLogin(t, ctx2, th.ts.URL, auth.RoleSuperadmin)
	step(t, ctx2, chromedp.Navigate(th.ts.URL+"/tpp/aturan/1"), chromedp.WaitVisible("#form-aturan"))
	evalNumber(t, ctx2, `(window.ekinerjaNoReload = 1)`)
	step(t, ctx2,
		chromedp.SetValue(`#disiplin\.tk_per_day`, "3,5"),
		chromedp.Click(`#tambah-leave\.sick`),
		chromedp.WaitVisible(`[name="leave.sick[3].min_days"]`),
	)
	typed, err := chromedp.Run(ctx2, chromedp.Evaluate[string](`document.getElementById('disiplin.tk_per_day').value`))
	if err != nil {
		t.Fatal(err)
	}
	if typed != "3,5" {
		t.Errorf("typed value after adding a row = %q", typed)
	}
	step(t, ctx2, chromedp.Click(`#hapus-leave\.sick\[3\]`), chromedp.WaitNotPresent(`[name="leave.sick[3].min_days"]`))
	if v := evalNumber(t, ctx2, `window.ekinerjaNoReload || 0`); v != 1 {
		t.Error("a row button reloaded the page instead of updating the form in place")
	}
	if n := evalNumber(t, ctx2, `document.querySelectorAll('#form-aturan').length`); n != 1 {
		t.Errorf("%v rule-set forms after the in-place updates", n)
	}
	var after string
	th.db.Raw(`SELECT params::text FROM tpp_rule_set WHERE id = 1`).Scan(&after)
	if after != before {
		t.Error("a row button stored the rule set")
	}

	id := th.compute(th.as(auth.RoleAdminOPD))
	release := holdRunLock(t, th.harness, id)
	if err := th.db.Exec(`UPDATE tpp_claim_run SET finished_at = NULL, token = 1, started_at = now() WHERE claim_id = ?`, id).Error; err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t)
	browserLogin(t, ctx, th.ts.URL, auth.RoleVerifikator)
	step(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/tpp/klaim/%d", th.ts.URL, id)), chromedp.WaitVisible("#sedang-dihitung"))
	evalNumber(t, ctx, `(window.ekinerjaNoReload = 1)`)
	// A poll or two while it still runs: the notice stays, nothing else changes.
	time.Sleep(3500 * time.Millisecond)
	if n := evalNumber(t, ctx, `document.querySelectorAll('#sedang-dihitung').length`); n != 1 {
		t.Fatalf("notice count while computing = %v", n)
	}
	if err := th.db.Exec(`UPDATE tpp_claim_run SET finished_at = now() WHERE claim_id = ?`, id).Error; err != nil {
		t.Fatal(err)
	}
	release()
	step(t, ctx, chromedp.WaitNotPresent("#sedang-dihitung"), chromedp.WaitVisible("#claim-status"))
	if v := evalNumber(t, ctx, `window.ekinerjaNoReload || 0`); v != 1 {
		t.Error("the finished computation reloaded the page instead of updating it in place")
	}
	if n := evalNumber(t, ctx, `document.querySelectorAll('main').length`); n != 1 {
		t.Errorf("%v main elements after the in-place update", n)
	}
}
