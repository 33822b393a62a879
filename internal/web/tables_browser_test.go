package web

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
)

// evalString evaluates a DevTools expression returning a string.
func evalString(t *testing.T, ctx context.Context, expr string) string {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(sctx, chromedp.Evaluate[string](expr))
	if err != nil {
		t.Fatalf("evaluate: %v", err)
	}
	return v
}

// visit opens url at width w and waits for ready; when that fails it says
// where the browser is and what the page says, and returns false.
func visit(t *testing.T, ctx context.Context, url string, w int64, ready string) bool {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, chromedp.EmulateViewport(w, 900), chromedp.Navigate(url), chromedp.WaitVisible(ready)); err != nil {
		lctx, lcancel := context.WithTimeout(ctx, 5*time.Second)
		defer lcancel()
		loc, _ := chromedp.Run(lctx, chromedp.Location())
		body, _ := chromedp.Run(lctx, chromedp.Evaluate[string](`document.body ? document.body.innerText.slice(0, 300) : ''`))
		t.Errorf("%s at %d px: %s not shown (%v); at %s: %q", url, w, ready, err, loc, body)
		return false
	}
	return true
}

// regionProblems is a DevTools expression listing, for every table that
// %[1]s selects, what is wrong with its scroll region: the table must sit
// in a wrapper with role=region, tabindex=0 and an aria-label that scrolls
// sideways (overflow-x auto or scroll) and takes the keyboard focus; the
// first cell of its head and body rows is sticky, and when the region does
// scroll, that first column is still at the region's left edge after
// scrolling to the far right.
const regionProblems = `(() => {
  const sel = %[1]q, out = [];
  const tables = document.querySelectorAll(sel);
  if (!tables.length) return sel + ': no table';
  for (const t of tables) {
    const w = t.closest('[role=region]');
    if (!w) { out.push(sel + ': not inside role=region'); continue; }
    if (w.getAttribute('tabindex') !== '0') out.push(sel + ': region tabindex=' + w.getAttribute('tabindex'));
    if (!(w.getAttribute('aria-label') || '').trim()) out.push(sel + ': region without aria-label');
    const ox = getComputedStyle(w).overflowX;
    if (ox !== 'auto' && ox !== 'scroll') out.push(sel + ': region overflow-x ' + ox);
    w.focus();
    if (document.activeElement !== w) out.push(sel + ': region does not take the focus');
    for (const c of t.querySelectorAll(':scope > thead > tr > :first-child, :scope > tbody > tr > :first-child')) {
      const p = getComputedStyle(c).position;
      if (p !== 'sticky') { out.push(sel + ': first column is ' + p + ', not sticky'); break; }
    }
    if (w.scrollWidth > w.clientWidth) {
      w.scrollLeft = w.scrollWidth;
      const c = t.querySelector(':scope > tbody > tr > :first-child');
      if (c && Math.abs(c.getBoundingClientRect().left - w.getBoundingClientRect().left) > 2)
        out.push(sel + ': scrolled right, the first column left the region (' + Math.round(c.getBoundingClientRect().left) + ' vs ' + Math.round(w.getBoundingClientRect().left) + ')');
      w.scrollLeft = 0;
    }
  }
  return out.join('; ');
})()`

// moneyHeadersHidden is a DevTools expression listing every money column
// heading of the daftar nominatif (%[1]s, the JSON of
// claim.NominatifColumns) that is missing or not wholly inside both the
// window and the table's scroll region without scrolling.
const moneyHeadersHidden = `(() => {
  const want = %[1]s, out = [];
  const t = document.querySelector('#nominatif'), w = t.closest('[role=region]') || document.documentElement;
  const wr = w.getBoundingClientRect(), right = Math.min(window.innerWidth, wr.right);
  const ths = Array.from(t.querySelectorAll(':scope > thead th'));
  for (const name of want) {
    const th = ths.find(e => e.textContent.trim() === name);
    if (!th) { out.push(name + ': no heading'); continue; }
    const r = th.getBoundingClientRect();
    if (r.right > right + 1 || r.left < wr.left - 1) out.push(name + ': ' + Math.round(r.left) + '-' + Math.round(r.right) + ' px, visible up to ' + Math.round(right));
  }
  return out.join('; ');
})()`

// TestBrowserWideTablesFit: the wide tables (the claim's employee rows, the
// daftar nominatif, rekap presensi, the atasan's review queue, the audit
// log) and /impor, at 390 px (a phone) and 1366 px (a laptop): the page
// never overflows sideways (document scrollWidth <= innerWidth); each table
// sits in a keyboard-focusable scroll region with a sticky first column;
// at 1366 px every money column heading of the nominatif is in view.
func TestBrowserWideTablesFit(t *testing.T) {
	t.Parallel()
	th := newTPPHarness(t)
	h := th.harness
	// A paid claim (the nominatif exists only once a claim is approved)
	// with an employee held out and one without a bank account.
	id := newNominatifFixture(th).id
	cols, err := json.Marshal(claim.NominatifColumns)
	if err != nil {
		t.Fatal(err)
	}
	type page struct {
		path, ready string
		tables      []string
		nominatif   bool
	}
	byRole := []struct {
		role  auth.Role
		pages []page
	}{
		{auth.RoleAdminOPD, []page{
			{path: fmt.Sprintf("/tpp/klaim/%d", id), ready: "#claim-rows", tables: []string{"#claim-rows"}},
			{path: fmt.Sprintf("/tpp/klaim/%d/nominatif", id), ready: "#nominatif", tables: []string{"#nominatif"}, nominatif: true},
			{path: "/presensi/rekap", ready: "#rekap-opd", tables: []string{"#rekap-opd"}},
			{path: "/impor", ready: "main h1"},
		}},
		{auth.RoleAtasan, []page{
			{path: "/kinerja/tinjau", ready: "table.tinjau-tabel", tables: []string{"table.tinjau-tabel"}},
		}},
		{auth.RoleSuperadmin, []page{
			{path: "/audit", ready: "#audit-log", tables: []string{"#audit-log"}},
			{path: "/impor", ready: "main h1"},
		}},
	}
	for _, r := range byRole {
		t.Run(string(r.role), func(t *testing.T) {
			ctx := newBrowser(t)
			browserLogin(t, ctx, h.ts.URL, r.role)
			for _, p := range r.pages {
				for _, w := range []int64{390, 1366} {
					if !visit(t, ctx, h.ts.URL+p.path, w, p.ready) {
						continue
					}
					if over := evalNumber(t, ctx, `document.documentElement.scrollWidth - window.innerWidth`); over > 0 {
						wide := evalString(t, ctx, `Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className).join(', ')`)
						t.Errorf("%s at %d px: the page is %.0f px wider than the window (%s)", p.path, w, over, wide)
					}
					for _, sel := range p.tables {
						if bad := evalString(t, ctx, fmt.Sprintf(regionProblems, sel)); bad != "" {
							t.Errorf("%s at %d px: %s", p.path, w, bad)
						}
					}
					if p.nominatif && w == 1366 {
						if bad := evalString(t, ctx, fmt.Sprintf(moneyHeadersHidden, cols)); bad != "" {
							t.Errorf("%s at 1366 px: money columns hidden: %s", p.path, bad)
						}
					}
				}
			}
		})
	}
}
