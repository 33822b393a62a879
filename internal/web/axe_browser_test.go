package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/org"
)

// axeSHA256 is the checksum of testdata/axe/axe.min.js (axe-core 4.14.1
// from npm, see testdata/axe/README.md).
const axeSHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"

// axeSource reads the vendored axe-core and checks it is the reviewed file.
func axeSource(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/axe/axe.min.js")
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != axeSHA256 {
		t.Fatalf("testdata/axe/axe.min.js sha256 %x, want %s (update README.md and axeSHA256 together)", sum, axeSHA256)
	}
	return string(b)
}

// routeOf returns the pattern of the GET route among routes that serves
// path (its query dropped): the one whose segments all match, preferring
// literal segments over parameters, as Echo's router does.
func routeOf(routes []Route, path string) string {
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	segs := strings.Split(path, "/")
	best, bestScore := "", -1
	for _, r := range routes {
		if r.Method != http.MethodGet {
			continue
		}
		ps := strings.Split(r.Path, "/")
		if len(ps) != len(segs) {
			continue
		}
		score := 0
		for i := range ps {
			switch {
			case ps[i] == segs[i]:
				score++
			case strings.HasPrefix(ps[i], ":") && segs[i] != "":
			default:
				score = -1
			}
			if score < 0 {
				break
			}
		}
		if score > bestScore {
			best, bestScore = r.Path, score
		}
	}
	return best
}

// everyPage finds, for role signed in on c, one URL of every GET route that
// answers with a whole HTML page: the route table's routes with the
// sample parameters, then the same-origin links (and redirects) of the
// pages found, so a route whose sample id does not exist is reached with a
// real one from a list. It returns the URLs in route table order and the
// routes the role may call that gave no page (files, JSON, redirects
// only...).
func everyPage(t *testing.T, h *harness, c *client, role auth.Role, extra ...string) (pages []string, none []string) {
	t.Helper()
	routes := h.srv.Routes()
	queue := append([]string(nil), extra...)
	allowed := map[string]bool{}
	for _, r := range routes {
		if r.Method == http.MethodGet && routeAllows(r, role) {
			allowed[r.Path] = true
			queue = append(queue, samplePath(t, r.Path))
		}
	}
	found := map[string]string{}
	seen := map[string]bool{}
	for fetched := 0; len(queue) > 0 && fetched < 2000; {
		path := queue[0]
		queue = queue[1:]
		pattern := routeOf(routes, path)
		if seen[path] || pattern == "" || found[pattern] != "" || notPage(path) || (role != anonymous && strings.HasPrefix(path, "/masuk")) {
			continue
		}
		seen[path] = true
		fetched++
		res := c.get(path)
		if res.status == http.StatusSeeOther || res.status == http.StatusFound {
			if loc := res.header.Get("Location"); strings.HasPrefix(loc, "/") && !strings.HasPrefix(loc, "//") {
				queue = append(queue, loc)
			}
			continue
		}
		p := page{path: path, status: res.status, header: res.header, body: res.body}
		if !p.isHTML() {
			continue
		}
		if res.status == http.StatusOK && strings.HasPrefix(strings.ToLower(strings.TrimSpace(res.body)), "<!doctype html") {
			found[pattern] = path
		}
		links, _ := parsePage(p)
		queue = append(queue, links...)
	}
	for _, r := range routes {
		if r.Method != http.MethodGet || !allowed[r.Path] {
			continue
		}
		if u := found[r.Path]; u != "" {
			pages = append(pages, u)
		} else {
			none = append(none, r.Path)
		}
	}
	return pages, none
}

// notPage reports whether path is, by its name, a file or the JSON API
// (not fetched: a PDF or a workbook costs time to make and is no page).
func notPage(path string) bool {
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	for _, s := range []string{".pdf", ".xlsx", ".csv", ".png", "/pdf"} {
		if strings.HasSuffix(path, s) {
			return true
		}
	}
	return neverFollow(path) || strings.HasPrefix(path, "/api/") || path == "/healthz" || path == "/readyz"
}

// axeRun is a DevTools expression running axe-core (already evaluated in
// the page) on the whole document; it resolves to the JSON of the
// violations of impact critical or serious.
const axeRun = `axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify(r.violations
  .filter(v => v.impact === 'critical' || v.impact === 'serious')
  .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 8).map(n => ({target: n.target.join(' '), summary: (n.failureSummary || '').slice(0, 300)})), count: v.nodes.length}))))`

type axeViolation struct {
	ID, Impact, Help string
	Count            int
	Nodes            []struct{ Target, Summary string }
}

// layoutProblems is a DevTools expression listing what is wrong with the
// page's layout at the current width: the page scrolls sideways
// (scrollingElement.scrollWidth > innerWidth); an element that scrolls
// sideways (overflow-x auto or scroll, wider content) is not a keyboard
// focusable, labelled region (tabindex=0, role=region, aria-label); a
// money cell of a shown table (class num, or a figure in rupiah) is not
// shown (display none, visibility hidden, no size), or lies partly outside
// the box of an ancestor that clips it (overflow-x not visible) without
// that ancestor being such a scroll region that does scroll, or outside
// the window.
const layoutProblems = `(() => {
  const out = [];
  const desc = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\s+/).join('.') : '');
  const se = document.scrollingElement || document.documentElement;
  if (se.scrollWidth > window.innerWidth) {
    const wide = Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map(desc);
    out.push('the page is ' + (se.scrollWidth - window.innerWidth) + ' px wider than the window (' + wide.join(', ') + ')');
  }
  const isRegion = e => e.getAttribute('tabindex') === '0' && e.getAttribute('role') === 'region' && (e.getAttribute('aria-label') || '').trim() !== '';
  const scrolls = e => { const ox = getComputedStyle(e).overflowX; return (ox === 'auto' || ox === 'scroll') && e.scrollWidth > e.clientWidth + 1; };
  for (const e of document.querySelectorAll('body *')) {
    if (e.getClientRects().length && scrolls(e) && !isRegion(e)) out.push(desc(e) + ' scrolls sideways (' + e.scrollWidth + ' > ' + e.clientWidth + ' px) but is not a focusable labelled region');
  }
  const money = c => c.classList.contains('num') || /\bRp\b/.test(c.textContent);
  let bad = 0;
  for (const t of document.querySelectorAll('table')) {
    if (!t.getClientRects().length) continue; // not shown (a closed details, a print-only table)
    for (const c of t.querySelectorAll('th, td')) {
      if (c.closest('table') !== t || !money(c) || bad >= 10) continue;
      const where = desc(t) + ' cell ' + JSON.stringify(c.textContent.trim().slice(0, 30));
      const cs = getComputedStyle(c), r = c.getBoundingClientRect();
      if (!c.getClientRects().length || cs.visibility !== 'visible' || r.width < 1 || r.height < 1) { out.push(where + ' is hidden'); bad++; continue; }
      let clipped = false;
      for (let a = c.parentElement; a && a !== document.body && a !== document.documentElement; a = a.parentElement) {
        if (getComputedStyle(a).overflowX === 'visible') continue;
        const ar = a.getBoundingClientRect();
        if (r.left >= ar.left - 1 && r.right <= ar.right + 1) continue;
        clipped = true;
        if (!scrolls(a) || !isRegion(a)) { out.push(where + ' lies outside ' + desc(a) + ', which is not a scrolling focusable labelled region'); bad++; }
        break;
      }
      if (!clipped && (r.left < -1 || r.right > window.innerWidth + 1)) { out.push(where + ' lies outside the window (' + Math.round(r.left) + '-' + Math.round(r.right) + ' px)'); bad++; }
    }
  }
  return out.join('; ');
})()`

// TestBrowserEveryPageAxe visits every page of every role (the demo
// accounts, the head of an OPD: an atasan whose position has no superior,
// and a visitor not signed in: the login pages) at 390 px and 1366 px. In each it evaluates axe-core through the
// DevTools protocol (the app's CSP and markup untouched) and fails on every
// violation of impact critical or serious, and checks the layout: no
// sideways page overflow, every sideways scrolling box a focusable labelled
// region, and no money cell hidden or clipped outside such a region.
// "Every page" is one URL of every GET route the role may call that
// renders a whole HTML page, found from the route table and the links of
// the pages (see everyPage), over the TPP harness with a paid claim (so
// the claim, nominatif and slip pages have rows).
func TestBrowserEveryPageAxe(t *testing.T) {
	t.Parallel()
	src := axeSource(t)
	th := newTPPHarness(t)
	h := th.harness
	newNominatifFixture(th)
	// Records whose pages the paid claim does not show: claims at each
	// step before payment (the confirmation pages of "ajukan",
	// "verifikasi", "setujui", "bayar"), a THR decision, an attendance
	// machine, a unit (its edit page), a stored import report.
	admin, verif := th.as(auth.RoleAdminOPD), th.as(auth.RoleVerifikator)
	claimAt := func(month string, steps ...string) int64 {
		id := th.computeMonth(admin, month)
		for _, s := range steps {
			c := verif
			if s == "ajukan" {
				c = admin
			}
			th.ackStep(c, id, s, nil)
		}
		return id
	}
	draft := claimAt("2026-09")
	submitted := claimAt("2026-08", "ajukan")
	verified := claimAt("2026-07", "ajukan", "verifikasi")
	approved := claimAt("2026-06", "ajukan", "verifikasi", "setujui")
	khusus := th.recordKhusus(th.as(auth.RoleSuperadmin), khususForm("thr", "2026-10", "100", false, "pns"))
	mesin := registerMachine(t, h, admin, "AXE-0001", "Mesin lobi")
	if r := admin.postForm(fmt.Sprintf("/opd/%d/unit", th.dinkes), url.Values{"kode": {"AXE-U1"}, "nama": {"Subbagian Uji Aksesibilitas"}}); r.status != http.StatusSeeOther {
		t.Fatalf("create unit: %d %s", r.status, r.body)
	}
	bad := strings.Join(org.ImportColumns(org.ImportPegawai), ",") + "\r\n" + "1990010120150100,Pegawai Salah,PNS,III/a,DINKES,,,aktif,tidak,,,,\r\n"
	report := reportLink.FindStringSubmatch(admin.postFile("/impor/pegawai", "salah.csv", []byte(bad), nil).body)
	if report == nil {
		t.Fatal("no stored import report")
	}
	opd := fmt.Sprintf("/opd/%d", th.dinkes)
	extra := map[string][]string{
		string(auth.RoleAdminOPD):    {fmt.Sprintf("/tpp/klaim/%d/ajukan", draft), fmt.Sprintf("/presensi/mesin/%d", mesin), opd, report[1]},
		string(auth.RoleVerifikator): {fmt.Sprintf("/tpp/klaim/%d/verifikasi", submitted), fmt.Sprintf("/tpp/klaim/%d/setujui", verified), fmt.Sprintf("/tpp/klaim/%d/bayar", approved)},
		string(auth.RoleSuperadmin):  {fmt.Sprintf("/tpp/khusus/%d", khusus), fmt.Sprintf("/presensi/mesin/%d", mesin), opd},
	}
	kepalaNIP, kepalaPassword := h.accountOfHolder("DINKES-01")

	type account struct {
		name      string
		role      auth.Role
		nip, pass string
	}
	accounts := []account{{name: string(anonymous), role: anonymous}}
	for _, r := range signedIn {
		l := login(t, r)
		accounts = append(accounts, account{string(r), r, l.NIP, l.Password})
	}
	accounts = append(accounts, account{"kepala_opd", auth.RoleAtasan, kepalaNIP, kepalaPassword})

	for _, a := range accounts {
		t.Run(a.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			c := h.client()
			if a.role != anonymous {
				if res := c.postForm("/masuk", url.Values{"nip": {a.nip}, "password": {a.pass}}); res.status != http.StatusSeeOther {
					t.Fatalf("login: %d", res.status)
				}
			}
			pages, none := everyPage(t, h, c, a.role, extra[a.name]...)
			if len(pages) == 0 {
				t.Fatal("no page found")
			}
			ctx := newBrowser(t)
			if a.role != anonymous {
				step(t, ctx,
					chromedp.Navigate(h.ts.URL+"/masuk"),
					chromedp.WaitVisible("#nip"),
					chromedp.SendKeys("#nip", a.nip),
					chromedp.SendKeys("#password", a.pass),
					chromedp.Click("#masuk"),
					chromedp.WaitVisible("#home-heading"),
				)
			}
			crawled := time.Since(start)
			var spent [4]time.Duration
			for _, p := range pages {
				checkPage(t, ctx, src, h.ts.URL, p, &spent)
			}
			t.Logf("%s: %d pages checked at 390 and 1366 px in %s (finding them %s; loading %s, axe injected %s, run %s, layout %s); GET routes without a page of their own: %d (%s)",
				a.name, len(pages), time.Since(start).Round(time.Millisecond), crawled.Round(time.Millisecond),
				spent[0].Round(time.Millisecond), spent[1].Round(time.Millisecond), spent[2].Round(time.Millisecond), spent[3].Round(time.Millisecond), len(none), strings.Join(none, " "))
		})
	}
}

// checkPage opens base+path (at 390 px), evaluates axe-core in it, and
// at 390 px and then 1366 px (the same document, the viewport changed by
// emulation: the app's script does not depend on the width) runs axe and
// the layout checks.
func checkPage(t *testing.T, ctx context.Context, src, base, path string, spent *[4]time.Duration) {
	t.Helper()
	lap := time.Now()
	took := func(i int) { now := time.Now(); spent[i] += now.Sub(lap); lap = now }
	sctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, chromedp.EmulateViewport(390, 900), chromedp.Navigate(base+path)); err != nil {
		t.Errorf("%s: %v", path, err)
		return
	}
	loc, err := chromedp.Run(sctx, chromedp.Evaluate[string](`location.pathname + location.search`))
	if err != nil {
		t.Errorf("%s: %v", path, err)
		return
	}
	if want := strings.SplitN(path, "#", 2)[0]; loc != want {
		t.Errorf("%s: the browser is at %s", path, loc)
		return
	}
	took(0)
	if _, err := chromedp.Run(sctx, chromedp.Evaluate[bool](src+"\n;typeof axe === 'object'")); err != nil {
		t.Errorf("%s: inject axe: %v", path, err)
		return
	}
	took(1)
	for _, w := range []int64{390, 1366} {
		if err := chromedp.Do(sctx, chromedp.EmulateViewport(w, 900)); err != nil {
			t.Errorf("%s at %d px: %v", path, w, err)
			return
		}
		js, err := chromedp.Run(sctx, chromedp.Evaluate[string](axeRun, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Errorf("%s at %d px: axe: %v", path, w, err)
			return
		}
		var vs []axeViolation
		if err := json.Unmarshal([]byte(js), &vs); err != nil {
			t.Errorf("%s at %d px: axe result: %v: %.200s", path, w, err, js)
			return
		}
		took(2)
		for _, v := range vs {
			var targets []string
			for _, n := range v.Nodes {
				targets = append(targets, n.Target)
			}
			summary := ""
			if len(v.Nodes) > 0 {
				summary = strings.Join(strings.Fields(v.Nodes[0].Summary), " ")
			}
			t.Errorf("%s at %d px: axe %s (%s) on %d element(s): %s [%s] %s", base+path, w, v.ID, v.Impact, v.Count, v.Help, strings.Join(targets, " | "), summary)
		}
		bad, err := chromedp.Run(sctx, chromedp.Evaluate[string](layoutProblems))
		if err != nil {
			t.Errorf("%s at %d px: layout: %v", path, w, err)
			return
		}
		if bad != "" {
			t.Errorf("%s at %d px: %s", base+path, w, bad)
		}
		took(3)
	}
}
