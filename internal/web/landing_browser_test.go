package web

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// TestBrowserLandingPagesFit: every role's landing page (with its
// dashboard and charts) has no horizontal overflow at 390 px (a phone) nor
// at 1366 px (a laptop): document scrollWidth <= innerWidth. With
// EKINERJA_SCREENSHOTS=dir (make screenshots) it writes each page at both
// widths to dir/<role>-<width>.png.
func TestBrowserLandingPagesFit(t *testing.T) {
	th := newTPPHarness(t)
	h := th.harness
	th.compute(h.as(auth.RoleAdminOPD)) // a claim: the charts have data
	shots := os.Getenv("EKINERJA_SCREENSHOTS")
	for _, role := range []auth.Role{auth.RolePegawai, auth.RoleAtasan, auth.RoleAdminOPD, auth.RoleVerifikator, auth.RoleSuperadmin} {
		t.Run(string(role), func(t *testing.T) {
			ctx := newBrowser(t)
			browserLogin(t, ctx, h.ts.URL, role)
			for _, w := range []int64{390, 1366} {
				step(t, ctx, chromedp.EmulateViewport(w, 900), chromedp.Navigate(h.ts.URL+"/"), chromedp.WaitVisible("#home-heading"))
				sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
				over, err := chromedp.Run(sctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth - window.innerWidth`))
				if err != nil {
					cancel()
					t.Fatalf("evaluate: %v", err)
				}
				if over > 0 {
					wide, _ := chromedp.Run(sctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className).join(', ')`))
					t.Errorf("%d px: the page is %d px wider than the window (%s)", w, over, wide)
				}
				if shots != "" {
					png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
					if err != nil {
						cancel()
						t.Fatalf("screenshot: %v", err)
					}
					if err := os.WriteFile(filepath.Join(shots, string(role)+"-"+itoa(w)+".png"), png, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				cancel()
			}
		})
	}
}
