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
