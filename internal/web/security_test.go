package web

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/net/html"

	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/config"
	"github.com/ekinerja/ekinerja/static"
)

// clientsByRole signs in one client per role (and an anonymous one).
func clientsByRole(h *harness) map[auth.Role]*client {
	cs := map[auth.Role]*client{anonymous: h.client()}
	for _, r := range signedIn {
		cs[r] = h.as(r)
	}
	return cs
}

// checkHeaders asserts the headers every response must carry.
func checkHeaders(t *testing.T, where string, hd http.Header, wantHSTS bool) {
	t.Helper()
	csp := hd.Get("Content-Security-Policy")
	if csp != ContentSecurityPolicy && csp != "default-src 'none'; sandbox" {
		t.Errorf("%s: CSP %q", where, csp)
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("%s: CSP allows unsafe code: %q", where, csp)
	}
	for k, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
		"Referrer-Policy":        "same-origin",
	} {
		if got := hd.Get(k); got != want {
			t.Errorf("%s: %s = %q, want %q", where, k, got, want)
		}
	}
	if !strings.Contains(hd.Get("Permissions-Policy"), "camera=()") {
		t.Errorf("%s: Permissions-Policy %q", where, hd.Get("Permissions-Policy"))
	}
	if got := hd.Get("Strict-Transport-Security") != ""; got != wantHSTS {
		t.Errorf("%s: HSTS present = %v, want %v", where, got, wantHSTS)
	}
}

// TestCSPIsExact pins the policy string of the issue (ASVS 3.4.3).
func TestCSPIsExact(t *testing.T) {
	const want = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
	if ContentSecurityPolicy != want {
		t.Fatalf("CSP = %q", ContentSecurityPolicy)
	}
}

// TestSecurityHeadersOnEveryResponse walks every page each role reaches,
// plus error responses, and checks the headers (dev: no HSTS).
func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	h := newHarness(t)
	for role, c := range clientsByRole(h) {
		for _, p := range crawl(t, h, c, role, 200) {
			checkHeaders(t, string(role)+" GET "+p.path, p.header, false)
		}
	}
	anon := h.client()
	for _, path := range []string{"/tidak-ada", "/static/tidak-ada.css", "/api/v1/tidak-ada"} {
		checkHeaders(t, "GET "+path, anon.get(path).header, false)
	}
	req, _ := http.NewRequest(http.MethodPut, h.ts.URL+"/masuk", nil)
	checkHeaders(t, "PUT /masuk", anon.do(req).header, false)
}

// TestProductionCookiesAreHostSecure: outside dev mode every cookie is
// __Host- prefixed, Secure, HttpOnly, SameSite=Strict, Path=/, no Domain;
// and HSTS is sent.
func TestProductionCookiesAreHostSecure(t *testing.T) {
	h := newHarnessEnv(t, map[string]string{"EKINERJA_ENV": "production", "EKINERJA_SECRET": strings.Repeat("r", 40)})
	c := h.client()
	first := c.get("/masuk")
	checkHeaders(t, "production GET /masuk", first.header, true)
	l := login(t, auth.RolePegawai)
	res := c.postForm("/masuk", url.Values{"nip": {l.NIP}, "password": {l.Password}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("login: %d", res.status)
	}
	cookies := append((&http.Response{Header: first.header}).Cookies(), (&http.Response{Header: res.header}).Cookies()...)
	names := map[string]bool{}
	for _, ck := range cookies {
		names[ck.Name] = true
		if !strings.HasPrefix(ck.Name, "__Host-") || !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/" || ck.Domain != "" {
			t.Errorf("cookie %s: %+v", ck.Name, ck)
		}
	}
	for _, want := range []string{"__Host-ekinerja_csrf", "__Host-ekinerja_sesi", "__Host-ekinerja_refresh"} {
		if !names[want] {
			t.Errorf("cookie %s not set (got %v)", want, names)
		}
	}
}

var (
	inlineHandler = regexp.MustCompile(`(?i)^on[a-z]+$`)
	assetTags     = map[string]string{"script": "src", "link": "href", "img": "src", "iframe": "src", "source": "src",
		"video": "src", "audio": "src", "embed": "src", "object": "data", "form": "action", "input": "formaction", "button": "formaction"}
)

// checkPageMarkup finds inline script or style, event handlers,
// javascript: URLs and off-origin assets in one page.
func checkPageMarkup(t reporter, where, body string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(body))
	inScript := false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return
		}
		tok := z.Token()
		switch tt {
		case html.TextToken:
			if inScript && strings.TrimSpace(tok.Data) != "" {
				t.Errorf("%s: inline script %q", where, tok.Data)
			}
		case html.EndTagToken:
			if tok.Data == "script" {
				inScript = false
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			if tok.Data == "style" {
				t.Errorf("%s: <style> element", where)
			}
			if tok.Data == "script" && tt == html.StartTagToken {
				inScript = true
			}
			hasSrc := false
			for _, a := range tok.Attr {
				v := strings.ToLower(strings.TrimSpace(a.Val))
				switch {
				case a.Key == "style":
					t.Errorf("%s: style attribute on <%s>", where, tok.Data)
				case inlineHandler.MatchString(a.Key):
					t.Errorf("%s: event handler %s on <%s>", where, a.Key, tok.Data)
				case strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:"):
					t.Errorf("%s: script URL in %s of <%s>: %q", where, a.Key, tok.Data, a.Val)
				}
				if want, ok := assetTags[tok.Data]; ok && a.Key == want {
					hasSrc = hasSrc || a.Key == "src"
					sameOrigin := strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "//") && !strings.HasPrefix(v, "/\\")
					dataImg := tok.Data == "img" && strings.HasPrefix(v, "data:image/")
					if !sameOrigin && !dataImg {
						t.Errorf("%s: off-origin or relative asset in <%s %s=%q>", where, tok.Data, a.Key, a.Val)
					}
				}
			}
			if tok.Data == "script" && !hasSrc {
				t.Errorf("%s: <script> without src", where)
			}
		}
	}
}

// TestPagesHaveNoInlineCodeOrOffOriginAssets runs the markup check over
// every page every role reaches.
func TestPagesHaveNoInlineCodeOrOffOriginAssets(t *testing.T) {
	h := newHarness(t)
	n := 0
	for role, c := range clientsByRole(h) {
		for _, p := range crawl(t, h, c, role, 200) {
			if p.isHTML() {
				n++
				checkPageMarkup(t, string(role)+" "+p.path, p.body)
			}
		}
	}
	if n < 10 {
		t.Fatalf("only %d pages checked", n)
	}
	// The checker itself catches what it must.
	for _, bad := range []string{`<script>alert(1)</script>`, `<p style="color:red">x</p>`, `<img src=x onerror=alert(1)>`,
		`<a href="javascript:alert(1)">x</a>`, `<script src="https://cdn.example/x.js"></script>`, `<link rel=stylesheet href="//evil.example/a.css">`} {
		ft := &fakeT{}
		checkPageMarkup(ft, "probe", bad)
		if !ft.failed {
			t.Errorf("checker missed %s", bad)
		}
	}
}

// reporter is the part of *testing.T the markup check uses.
type reporter interface {
	Helper()
	Errorf(string, ...any)
}

// fakeT records whether a check failed (to test the checker itself).
type fakeT struct{ failed bool }

func (f *fakeT) Helper()               {}
func (f *fakeT) Errorf(string, ...any) { f.failed = true }

// xssPayloads are the classic reflected and stored XSS probes.
var xssPayloads = []string{`<script>alert("xss-ek")</script>`, `"><img src=x onerror=alert(1)>`, `javascript:alert(1)`}

// unescaped reports a payload that came back as markup.
func unescaped(body string) string {
	for _, raw := range []string{`<script>alert("xss-ek")`, `<img src=x onerror=alert(1)>`} {
		if strings.Contains(body, raw) {
			return raw
		}
	}
	z := html.NewTokenizer(strings.NewReader(body))
	for {
		if z.Next() == html.ErrorToken {
			return ""
		}
		for _, a := range z.Token().Attr {
			if (a.Key == "href" || a.Key == "src" || a.Key == "action" || a.Key == "formaction") &&
				strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") {
				return a.Key + "=" + a.Val
			}
		}
	}
}

// TestXSSPayloadsAreEscaped posts every payload into every free-text field
// of every form each role sees (and into GET forms' query parameters), then
// checks the response, the page it redirects to, and afterwards every page
// again (stored XSS). A successful POST must also have written an audit row.
func TestXSSPayloadsAreEscaped(t *testing.T) {
	h := newHarness(t)
	forms := 0
	for _, role := range everyone {
		c := h.client()
		if role != anonymous {
			c = h.as(role)
		}
		for _, f := range formsOf(crawl(t, h, c, role, 200)) {
			if sessionEnding(f) || (role != anonymous && f.action == "/masuk") {
				continue
			}
			forms++
			for _, payload := range xssPayloads {
				before := h.count(`SELECT count(*) FROM audit_log`)
				res := c.submit(f, f.fill(payload))
				where := string(role) + " " + f.method + " " + f.action
				if res.status >= 500 {
					t.Errorf("%s: status %d", where, res.status)
				}
				if raw := unescaped(res.body); raw != "" {
					t.Errorf("%s: payload came back unescaped: %s", where, raw)
				}
				if res.status == http.StatusSeeOther && f.method == http.MethodPost {
					if h.count(`SELECT count(*) FROM audit_log`) == before {
						t.Errorf("%s: state-changing POST succeeded without an audit row", where)
					}
					if loc := res.header.Get("Location"); strings.HasPrefix(loc, "/") {
						if raw := unescaped(c.get(loc).body); raw != "" {
							t.Errorf("%s -> %s: payload unescaped: %s", where, loc, raw)
						}
					}
				}
			}
		}
		for _, p := range crawl(t, h, c, role, 200) {
			if raw := unescaped(p.body); raw != "" {
				t.Errorf("%s %s: stored payload unescaped: %s", role, p.path, raw)
			}
		}
	}
	if forms < 4 {
		t.Fatalf("only %d forms exercised", forms)
	}
}

// sqlPayloads are injection probes for filter and search parameters.
var sqlPayloads = []string{`'`, `' OR '1'='1`, `1; SELECT pg_sleep(10)--`, `1) UNION SELECT NULL--`, `\`, `%' --`, `1' AND 1=CAST((SELECT version()) AS int)--`, "\x00"}

// sqlPayloadsShort are the probes for parameters a page does not use itself.
var sqlPayloadsShort = []string{`' OR '1'='1`, `1; SELECT pg_sleep(10)--`, "\x00"}

// sqlLeak matches database error text that must never reach a response.
var sqlLeak = regexp.MustCompile(`(?i)SQLSTATE|syntax error|pq: |pgx|gorm|unterminated quoted|invalid input syntax|PostgreSQL|relation "`)

// numericSegment is an id in a path.
var numericSegment = regexp.MustCompile(`/[0-9]+`)

// queryParamRead finds the query parameters handlers read.
var queryParamRead = regexp.MustCompile(`QueryParam\("([a-zA-Z_]+)"\)`)

// handlerQueryParams lists every query parameter name a handler of this
// package reads (from the source, so a new filter is probed without
// touching this test).
func handlerQueryParams(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var names []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range queryParamRead.FindAllStringSubmatch(string(b), -1) {
			if !seen[m[1]] {
				seen[m[1]] = true
				names = append(names, m[1])
			}
		}
	}
	sort.Strings(names)
	if len(names) < 5 {
		t.Fatalf("found only %d query parameters in the handlers: the scan is broken", len(names))
	}
	return names
}

// TestSQLInjectionInQueryParameters sends every payload in every query
// parameter each page links or submits, and in every parameter any handler
// reads, for each route pattern the roles reach, and in every path
// parameter: no 5xx, no SQL error text, no slow query. Probes run on four
// workers; each route pattern (ids collapsed) and parameter is probed once,
// by the widest role that reaches it.
func TestSQLInjectionInQueryParameters(t *testing.T) {
	h := newHarness(t)
	common := handlerQueryParams(t)
	type probe struct {
		role auth.Role
		c    *client
		url  string
	}
	var probes []probe
	done := map[string]bool{}
	clients := clientsByRole(h)
	for _, role := range []auth.Role{auth.RoleSuperadmin, auth.RoleVerifikator, auth.RoleAdminOPD, auth.RoleAtasan, auth.RolePegawai, anonymous} {
		c := clients[role]
		pages := crawl(t, h, c, role, 200)
		// path -> parameter name -> whether the page itself uses it (a link
		// or GET form: every payload) or only some handler reads it (the
		// three payloads that find string-built SQL, time-based injection
		// and unfiltered bytes).
		targets := map[string]map[string]bool{}
		add := func(path string, used bool, names ...string) {
			if targets[path] == nil {
				targets[path] = map[string]bool{}
			}
			for _, n := range names {
				targets[path][n] = targets[path][n] || used
			}
		}
		for _, p := range pages {
			u, _ := url.Parse(p.path)
			add(u.Path, false, common...)
			for k := range u.Query() {
				add(u.Path, true, k)
			}
		}
		for _, f := range formsOf(pages) {
			if f.method == http.MethodGet {
				for _, fl := range f.fields {
					add(f.action, true, fl.name)
				}
			}
		}
		for path, names := range targets {
			if neverFollow(path) {
				continue
			}
			pattern := numericSegment.ReplaceAllString(path, "/#")
			for name, used := range names {
				if done[pattern+"?"+name] {
					continue
				}
				done[pattern+"?"+name] = true
				payloads := sqlPayloads
				if !used {
					payloads = sqlPayloadsShort
				}
				for _, payload := range payloads {
					probes = append(probes, probe{role, c, path + "?" + url.Values{name: {payload}}.Encode()})
				}
			}
		}
		for _, r := range h.srv.Routes() {
			if r.Method != http.MethodGet || !strings.Contains(r.Path, ":") || !routeAllows(r, role) || done[r.Path] {
				continue
			}
			done[r.Path] = true
			for _, payload := range sqlPayloads {
				probes = append(probes, probe{role, c, paramRe.ReplaceAllString(r.Path, url.PathEscape(payload))})
			}
		}
	}
	work := make(chan probe)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				start := time.Now()
				res := p.c.get(p.url)
				if res.status >= 500 || sqlLeak.MatchString(res.body) {
					t.Errorf("%s GET %s: status %d, body leaks: %v", p.role, p.url, res.status, sqlLeak.FindString(res.body))
				}
				// The payload sleeps 10 s: a slow machine (8 s) is not an injection.
				if d := time.Since(start); d > 8*time.Second {
					t.Errorf("%s GET %s took %v (injected sleep?)", p.role, p.url, d)
				}
			}
		}()
	}
	for _, p := range probes {
		work <- p
	}
	close(work)
	wg.Wait()
	t.Logf("%d probes", len(probes))
}

// dbFingerprint hashes every business table (not the append-only or
// per-request bookkeeping ones), so a test can prove "nothing changed".
// except removes rows of the given table -> "column = value" (the actor's
// own rows, which a legitimate form may change).
func (h *harness) dbFingerprint(except map[string]string) map[string]string {
	h.t.Helper()
	var tables []string
	h.db.Raw(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
AND table_name NOT IN ('audit_log', 'sessions', 'login_throttle', 'refresh_tokens', 'login_challenges', 'goose_db_version') ORDER BY 1`).Scan(&tables)
	out := map[string]string{}
	for _, tb := range tables {
		where := "true"
		if cond, ok := except[tb]; ok {
			where = "NOT (" + cond + ")"
		}
		var sum string
		// Table names come from information_schema, conditions from the test itself.
		h.db.Raw(`SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM ` + pgIdent(tb) + ` t WHERE ` + where).Scan(&sum)
		out[tb] = sum
	}
	return out
}

func pgIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// idorCase is one request that must be refused and change nothing: an
// employee reaching another's record, an OPD admin reaching another OPD's.
// Each area adds its cases to idorCases (below) for the routes that take an ID.
type idorCase struct {
	name   string
	role   auth.Role
	method string
	path   string
	form   url.Values
}

// checkIDOR runs cases and asserts each is refused (403 or 404) and leaves
// every business table as it was.
func checkIDOR(t *testing.T, h *harness, cases []idorCase) {
	t.Helper()
	clients := map[auth.Role]*client{}
	for _, tc := range cases {
		c := clients[tc.role]
		if c == nil {
			c = h.as(tc.role)
			clients[tc.role] = c
		}
		before := h.dbFingerprint(nil)
		var res response
		if tc.method == http.MethodGet {
			res = c.get(tc.path)
		} else {
			res = c.postForm(tc.path, tc.form)
		}
		if res.status != http.StatusForbidden && res.status != http.StatusNotFound {
			t.Errorf("%s: %s %s as %s: status %d, want 403 or 404", tc.name, tc.method, tc.path, tc.role, res.status)
		}
		after := h.dbFingerprint(nil)
		for tb, sum := range before {
			if after[tb] != sum {
				t.Errorf("%s: table %s changed", tc.name, tb)
			}
		}
	}
}

// idorCases returns the cross-employee and cross-OPD requests of every area.
func idorCases(h *harness) []idorCase {
	var bkpsdm int64
	h.db.Raw(`SELECT id FROM opd WHERE kode = 'BKPSDM'`).Scan(&bkpsdm)
	other := login(h.t, auth.RoleSuperadmin).NIP
	cases := []idorCase{
		// security: an admin_opd of DINKES cannot make itself admin of BKPSDM.
		{"admin_opd to another OPD", auth.RoleAdminOPD, http.MethodPost, "/peran", url.Values{"peran": {"admin_opd:" + itoa(bkpsdm)}}},
		{"pegawai to superadmin", auth.RolePegawai, http.MethodPost, "/peran", url.Values{"peran": {"superadmin"}}},
		{"pegawai reads another's audit trail", auth.RolePegawai, http.MethodGet, "/audit?nip=" + other, nil},
		// org, kinerja, attendance and tpp: add "/pegawai/<other OPD's id>" and the like here.
	}
	// attendance (second round): schedules are the superadmin's alone.
	five := h.count(`SELECT id FROM jadwal_kerja WHERE kode = '5HK'`)
	cases = append(cases,
		idorCase{"admin_opd edits a schedule", auth.RoleAdminOPD, http.MethodPost, "/presensi/jadwal/" + itoa(five) + "/ubah",
			url.Values{"nama": {"Diubah"}, "mulai_1": {"08:00"}, "selesai_1": {"12:00"}}},
		idorCase{"verifikator reads a schedule's edit form", auth.RoleVerifikator, http.MethodGet, "/presensi/jadwal/" + itoa(five) + "/ubah", nil},
		idorCase{"admin_opd reads another OPD's import history", auth.RoleAdminOPD, http.MethodGet, "/presensi/impor/riwayat?opd=" + itoa(bkpsdm), nil},
	)
	// attendance: a pegawai cannot cancel another employee's leave request.
	var leaveID int64
	h.db.Raw(`INSERT INTO cuti (pegawai_id, jenis, mulai, selesai, diajukan_oleh)
SELECT p.id, 'tahunan', '2026-12-14', '2026-12-14', u.id FROM pegawai p JOIN opd o ON o.id = p.opd_id, users u
WHERE o.kode = 'BKPSDM' AND u.nip = ? ORDER BY p.id LIMIT 1 RETURNING id`, other).Scan(&leaveID)
	if leaveID == 0 {
		h.t.Fatal("no leave request for the IDOR case")
	}
	cases = append(cases,
		idorCase{"pegawai cancels another's leave", auth.RolePegawai, http.MethodPost, "/presensi/cuti/" + itoa(leaveID) + "/batal", nil},
		idorCase{"atasan cancels another's leave", auth.RoleAtasan, http.MethodPost, "/presensi/cuti/" + itoa(leaveID) + "/batal", nil})
	cases = append(cases, kinerjaRound2IDOR(h)...)
	cases = append(cases, areaIDORCases(h)...)
	return append(cases, orgRound2IDOR(h)...)
}

// orgRound2IDOR: the demo admin_opd (DINKES) reaches for BKPSDM's
// assignments and units.
func orgRound2IDOR(h *harness) []idorCase {
	peg, _ := h.bkpsdmPegawai()
	var jab, riwayat int64
	h.db.Raw(`SELECT j.id FROM jabatan j JOIN opd o ON o.id = j.opd_id WHERE o.kode = 'BKPSDM' ORDER BY j.id LIMIT 1`).Scan(&jab)
	h.db.Raw(`INSERT INTO riwayat_jabatan (pegawai_id, jabatan_id, jenis, mulai, selesai) VALUES (?, ?, 'plt', current_date - 30, current_date + 30) RETURNING id`,
		peg, jab).Scan(&riwayat)
	end := url.Values{"berakhir": {time.Now().Format(time.DateOnly)}}
	var unit int64
	h.db.Raw(`SELECT u.id FROM unit_kerja u JOIN opd o ON o.id = u.opd_id WHERE o.kode = 'BKPSDM' ORDER BY u.id LIMIT 1`).Scan(&unit)
	if unit == 0 {
		h.db.Raw(`INSERT INTO unit_kerja (opd_id, kode, nama) SELECT id, 'IDOR-BKPSDM', 'Bidang Uji' FROM opd WHERE kode = 'BKPSDM' RETURNING id`).Scan(&unit)
	}
	return []idorCase{
		{"admin_opd ends another OPD's Plt", auth.RoleAdminOPD, http.MethodPost, "/pegawai/" + itoa(peg) + "/penugasan/" + itoa(riwayat) + "/akhiri", end},
		{"admin_opd opens another OPD's unit form", auth.RoleAdminOPD, http.MethodGet, "/unit/" + itoa(unit) + "/ubah", nil},
		{"admin_opd renames another OPD's unit", auth.RoleAdminOPD, http.MethodPost, "/unit/" + itoa(unit), url.Values{"kode": {"DIAMBIL"}, "nama": {"Diambil"}}},
	}
}

// kinerjaRound2IDOR: the demo pegawai reaches for their atasan's plan
// through the RHK and indicator edit and delete routes.
func kinerjaRound2IDOR(h *harness) []idorCase {
	var x struct {
		SKP int64 `gorm:"column:skp"`
		RHK int64 `gorm:"column:rhk"`
		Ind int64 `gorm:"column:ind"`
	}
	h.db.Raw(`SELECT k.id AS skp, r.id AS rhk, i.id AS ind FROM skp k JOIN rhk r ON r.skp_id = k.id JOIN rhk_indikator i ON i.rhk_id = r.id
JOIN users u ON u.pegawai_id = k.pegawai_id WHERE u.nip = ? ORDER BY r.id, i.id LIMIT 1`, login(h.t, auth.RoleAtasan).NIP).Scan(&x)
	if x.Ind == 0 {
		h.t.Fatal("no plan of the demo atasan")
	}
	// Make it editable, so only the owner check stands in the way.
	h.db.Exec(`UPDATE skp SET status = 'draft' WHERE id = ?`, x.SKP)
	skp, rhk, ind := "/kinerja/skp/"+itoa(x.SKP), "/rhk/"+itoa(x.RHK), "/indikator/"+itoa(x.Ind)
	indForm := url.Values{"aspek": {"waktu"}, "indikator": {"diubah"}, "target": {"3"}, "satuan": {"bulan"}}
	return []idorCase{
		{"pegawai edits the atasan's RHK", auth.RolePegawai, http.MethodPost, skp + rhk, url.Values{"uraian": {"diubah"}}},
		{"pegawai deletes the atasan's RHK", auth.RolePegawai, http.MethodPost, skp + rhk + "/hapus", nil},
		{"pegawai edits the atasan's indicator", auth.RolePegawai, http.MethodPost, skp + ind, indForm},
		{"pegawai deletes the atasan's indicator", auth.RolePegawai, http.MethodPost, skp + ind + "/hapus", nil},
		{"RHK under the pegawai's own plan id", auth.RolePegawai, http.MethodPost, "/kinerja/skp/1" + rhk + "/hapus", nil},
	}
}

func TestIDORAcrossEmployeesAndOPDs(t *testing.T) {
	h := newHarness(t)
	checkIDOR(t, h, idorCases(h))
}

// ownScope returns, per table, the rows a role may legitimately change
// through its own forms: a pegawai its own rows, an admin_opd its OPD's.
// Tables are classified by their columns, so tables added by other areas
// are covered without listing them.
func (h *harness) ownScope(role auth.Role, pegawaiID int64) map[string]string {
	h.t.Helper()
	var cols []struct {
		Table  string `gorm:"column:table_name"`
		Column string `gorm:"column:column_name"`
	}
	h.db.Raw(`SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'
AND column_name IN ('id', 'opd_id', 'pegawai_id', 'user_id')`).Scan(&cols)
	has := map[string]map[string]bool{}
	for _, c := range cols {
		if has[c.Table] == nil {
			has[c.Table] = map[string]bool{}
		}
		has[c.Table][c.Column] = true
	}
	var opdID int64
	h.db.Raw(`SELECT opd_id FROM pegawai WHERE id = ?`, pegawaiID).Scan(&opdID)
	mine := "(SELECT " + itoa(pegawaiID) + ")"
	if role == auth.RoleAdminOPD {
		mine = "(SELECT id FROM pegawai WHERE opd_id = " + itoa(opdID) + ")"
	}
	out := map[string]string{"pegawai": "id IN " + mine}
	if role == auth.RoleAdminOPD {
		out["opd"] = "id = " + itoa(opdID)
	}
	for tb, c := range has {
		switch {
		case tb == "pegawai" || tb == "opd":
		case c["pegawai_id"]:
			out[tb] = "pegawai_id IN " + mine
		case c["user_id"]:
			out[tb] = "user_id IN (SELECT id FROM users WHERE pegawai_id IN " + mine + ")"
		case c["opd_id"] && role == auth.RoleAdminOPD:
			out[tb] = "opd_id = " + itoa(opdID)
		}
	}
	// A child table without its own owner column (e.g. the realisation lines
	// of a monthly rating) belongs to whoever owns its parent row.
	var fks []struct {
		Child  string `gorm:"column:child"`
		Column string `gorm:"column:col"`
		Parent string `gorm:"column:parent"`
	}
	h.db.Raw(`SELECT cl.relname AS child, a.attname AS col, pl.relname AS parent
FROM pg_constraint k JOIN pg_class cl ON cl.oid = k.conrelid JOIN pg_class pl ON pl.oid = k.confrelid
JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
JOIN pg_namespace n ON n.oid = cl.relnamespace
WHERE k.contype = 'f' AND n.nspname = 'public' AND array_length(k.conkey, 1) = 1`).Scan(&fks)
	for _, fk := range fks {
		if _, done := out[fk.Child]; done {
			continue
		}
		if cond, ok := out[fk.Parent]; ok && fk.Parent != "pegawai" && fk.Parent != "opd" {
			out[fk.Child] = pgIdent(fk.Column) + " IN (SELECT id FROM " + pgIdent(fk.Parent) + " WHERE " + cond + ")"
		}
	}
	return out
}

// TestMassAssignmentChangesNothing posts every form a pegawai and an
// admin_opd see with extra fields an attacker would add (status=approved,
// another NIP or id, a role): no row outside the actor's own scope (its own
// rows; for admin_opd its OPD's) changes, and the actor's identity, OPD and
// roles stay as they were.
func TestMassAssignmentChangesNothing(t *testing.T) {
	h := newHarness(t)
	victim := login(t, auth.RoleSuperadmin)
	var victimPegawai, victimUser, otherOPD int64
	h.db.Raw(`SELECT pegawai_id FROM users WHERE nip = ?`, victim.NIP).Scan(&victimPegawai)
	h.db.Raw(`SELECT id FROM users WHERE nip = ?`, victim.NIP).Scan(&victimUser)
	h.db.Raw(`SELECT id FROM opd WHERE kode = 'BKPSDM'`).Scan(&otherOPD)
	extra := url.Values{
		"status": {"approved"}, "status_klaim": {"disetujui"}, "disetujui": {"true"}, "nilai": {"120"},
		"nip": {victim.NIP}, "pegawai_id": {itoa(victimPegawai)}, "user_id": {itoa(victimUser)}, "id": {itoa(victimPegawai)},
		"opd_id": {itoa(otherOPD)}, "role": {"superadmin"}, "peran": {"superadmin"}, "token_version": {"99"},
		"must_change_password": {"false"}, "disabled": {"false"}, "totp_enabled_at": {"2020-01-01"},
	}
	for _, role := range []auth.Role{auth.RolePegawai, auth.RoleAdminOPD} {
		me := login(t, role)
		var self struct {
			UserID    int64 `gorm:"column:user_id"`
			PegawaiID int64 `gorm:"column:pegawai_id"`
		}
		h.db.Raw(`SELECT id AS user_id, pegawai_id FROM users WHERE nip = ?`, me.NIP).Scan(&self)
		identity := func() string {
			var s string
			h.db.Raw(`SELECT p.nip || p.opd_id || p.status_asn || p.golongan || p.keadaan || u.nip || u.disabled ||
  coalesce((SELECT string_agg(role || coalesce(opd_id::text, ''), ',' ORDER BY role) FROM user_roles WHERE user_id = u.id), '')
FROM users u JOIN pegawai p ON p.id = u.pegawai_id WHERE u.id = ?`, self.UserID).Scan(&s)
			return s
		}
		c := h.as(role)
		except := h.ownScope(role, self.PegawaiID)
		for _, f := range formsOf(crawl(t, h, c, role, 200)) {
			if f.method != http.MethodPost || sessionEnding(f) {
				continue
			}
			beforeID, beforeDB := identity(), h.dbFingerprint(except)
			values := f.fill("isian biasa")
			for k, v := range extra {
				if values.Get(k) == "" {
					values[k] = v
				}
			}
			res := c.postForm(f.action, values)
			if res.status >= 500 {
				t.Errorf("%s POST %s: status %d", role, f.action, res.status)
			}
			if identity() != beforeID {
				t.Errorf("%s POST %s with extra fields changed the actor's identity or roles", role, f.action)
			}
			after := h.dbFingerprint(except)
			for tb, sum := range beforeDB {
				if after[tb] != sum {
					t.Errorf("%s POST %s with extra fields changed table %s", role, f.action, tb)
				}
			}
		}
	}
}

// TestForcedPasswordChangeGuardsEveryRoute: with must_change_password set,
// every route of the table except the change-password page and logout
// sends the person to /akun/sandi; after the change, everything opens.
func TestForcedPasswordChangeGuardsEveryRoute(t *testing.T) {
	h := newHarness(t)
	l := login(t, auth.RoleSuperadmin)
	h.db.Exec(`UPDATE users SET must_change_password = true WHERE nip = ?`, l.NIP)
	c := h.as(auth.RoleSuperadmin)
	for _, r := range h.srv.Routes() {
		if r.Perm.Public || forcedStepOpen[r.Method+" "+r.Path] {
			continue
		}
		path := samplePath(t, r.Path)
		var res response
		if r.Method == http.MethodGet {
			res = c.get(path)
		} else {
			req, _ := http.NewRequest(r.Method, h.ts.URL+path, strings.NewReader(url.Values{"csrf_token": {c.csrf()}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res = c.do(req)
		}
		api := strings.HasPrefix(r.Path, "/api/")
		if (api && res.status != http.StatusForbidden) || (!api && (res.status != http.StatusSeeOther || res.header.Get("Location") != "/akun/sandi")) {
			t.Errorf("%s %s during forced change: status %d location %q", r.Method, path, res.status, res.header.Get("Location"))
		}
	}
	page := c.get("/akun/sandi")
	if page.status != http.StatusOK || !strings.Contains(page.body, `id="wajib-ganti"`) {
		t.Fatalf("change page: %d", page.status)
	}
	// Mismatched confirmation and common passwords are refused next to the field.
	for _, tc := range []struct{ next, again, field string }{
		{"kopi susu di teras rumah", "lain", "err-sandi_ulang"},
		{"pendek", "pendek", "err-sandi_baru"},
	} {
		res := c.postForm("/akun/sandi", url.Values{"sandi_lama": {l.Password}, "sandi_baru": {tc.next}, "sandi_ulang": {tc.again}})
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, tc.field) {
			t.Errorf("%q/%q: status %d", tc.next, tc.again, res.status)
		}
	}
	u, _ := url.Parse(h.ts.URL)
	oldCookies := c.http.Jar.Cookies(u)
	res := c.postForm("/akun/sandi", url.Values{"sandi_lama": {l.Password}, "sandi_baru": {"kopi susu di teras rumah"}, "sandi_ulang": {"kopi susu di teras rumah"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("change: %d %s", res.status, res.body)
	}
	if res := c.get("/audit"); res.status != http.StatusOK {
		t.Fatalf("after change, /audit: %d", res.status)
	}
	// The session from before the change is dead (token_version bumped).
	stale := h.client()
	for _, ck := range oldCookies {
		if ck.Name == "ekinerja_sesi" {
			stale.http.Jar.SetCookies(u, []*http.Cookie{ck})
		}
	}
	if res := stale.get("/"); res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/masuk") {
		t.Fatalf("pre-change session still works: %d", res.status)
	}
	if n := h.count(`SELECT count(*) FROM audit_log WHERE action = ?`, auth.ActionPasswordChanged); n != 1 {
		t.Errorf("password change audit rows = %d", n)
	}
}

var keyOnPage = regexp.MustCompile(`id="kunci-2fa">([A-Z2-7]+)<`)

// TestTOTPRequiredForPrivilegedRolesInProduction walks the browser journey
// in production mode: the demo password forces a change, then enrolment is
// forced, then the next login stops at the code step.
func TestTOTPRequiredForPrivilegedRolesInProduction(t *testing.T) {
	h := newHarnessEnv(t, map[string]string{"EKINERJA_ENV": "production", "EKINERJA_SECRET": strings.Repeat("r", 40)})
	l := login(t, auth.RoleVerifikator)
	c := h.client()
	res := c.postForm("/masuk", url.Values{"nip": {l.NIP}, "password": {l.Password}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("login: %d", res.status)
	}
	if res := c.get("/"); res.header.Get("Location") != "/akun/sandi" {
		t.Fatalf("demo password in production: home -> %d %q", res.status, res.header.Get("Location"))
	}
	const pw = "kopi susu di teras rumah"
	if res := c.postForm("/akun/sandi", url.Values{"sandi_lama": {l.Password}, "sandi_baru": {pw}, "sandi_ulang": {pw}}); res.status != http.StatusSeeOther {
		t.Fatalf("change: %d", res.status)
	}
	if res := c.get("/"); res.header.Get("Location") != "/akun/2fa" {
		t.Fatalf("verifikator without 2FA: home -> %d %q", res.status, res.header.Get("Location"))
	}
	page := c.get("/akun/2fa")
	m := keyOnPage.FindStringSubmatch(page.body)
	if m == nil || !strings.Contains(page.body, `id="wajib-2fa"`) {
		t.Fatalf("enrolment page: %d", page.status)
	}
	if qr := c.get("/akun/2fa/qr.png"); qr.status != http.StatusOK || qr.header.Get("Content-Type") != "image/png" || qr.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("QR: %d %q", qr.status, qr.header.Get("Content-Type"))
	}
	done := c.postForm("/akun/2fa", url.Values{"kode": {auth.CodeAt(m[1], time.Now())}})
	if done.status != http.StatusOK || strings.Count(done.body, "<code>") != 10 {
		t.Fatalf("confirm: %d", done.status)
	}
	if res := c.get("/"); res.status != http.StatusOK {
		t.Fatalf("home after enrolment: %d", res.status)
	}
	// Next login: password, then the code step; no session before it.
	c2 := h.client()
	res = c2.postForm("/masuk", url.Values{"nip": {l.NIP}, "password": {pw}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/masuk/kode" {
		t.Fatalf("login with 2FA: %d %q", res.status, res.header.Get("Location"))
	}
	if res := c2.get("/"); res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/masuk") {
		t.Fatalf("half-logged-in client reached home: %d", res.status)
	}
	if res := c2.postForm("/masuk/kode", url.Values{"kode": {"000000"}}); res.status != http.StatusUnauthorized {
		t.Fatalf("wrong code: %d", res.status)
	}
	// The enrolment used the current step; the next step's code (within the
	// one-step drift window) is new, so it is accepted without waiting.
	if res := c2.postForm("/masuk/kode", url.Values{"kode": {auth.CodeAt(m[1], time.Now().Add(30*time.Second))}}); res.status != http.StatusSeeOther {
		t.Fatalf("right code: %d", res.status)
	}
	if res := c2.get("/"); res.status != http.StatusOK {
		t.Fatalf("home after code: %d", res.status)
	}
}

// TestRefreshCookieRenewsAndReuseLogsOut: a browser whose access cookie is
// gone continues on its refresh cookie (rotated); replaying the old refresh
// cookie from elsewhere after the grace window ends the session for both.
func TestRefreshCookieRenewsAndReuseLogsOut(t *testing.T) {
	h := newHarness(t)
	c := h.as(auth.RolePegawai)
	u, _ := url.Parse(h.ts.URL)
	var oldRefresh *http.Cookie
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "ekinerja_refresh" {
			oldRefresh = ck
		}
	}
	if oldRefresh == nil {
		t.Fatal("no refresh cookie after login")
	}
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: "ekinerja_sesi", Value: "", Path: "/", MaxAge: -1}})
	res := c.get("/")
	if res.status != http.StatusOK {
		t.Fatalf("refresh did not renew: %d", res.status)
	}
	if !strings.Contains(strings.Join(res.header.Values("Set-Cookie"), ";"), "ekinerja_refresh=") {
		t.Fatal("refresh token not rotated")
	}
	// Past the grace window (auth.RefreshGrace) the old token is reuse.
	h.db.Exec(`UPDATE refresh_tokens SET used_at = used_at - interval '1 minute' WHERE used_at IS NOT NULL`)
	thief := h.client()
	thief.http.Jar.SetCookies(u, []*http.Cookie{oldRefresh})
	if res := thief.get("/"); res.status != http.StatusSeeOther {
		t.Fatalf("reused refresh token accepted: %d", res.status)
	}
	if res := c.get("/"); res.status != http.StatusSeeOther {
		t.Fatalf("session survived refresh reuse: %d", res.status)
	}
	if n := h.count(`SELECT count(*) FROM audit_log WHERE action = ?`, auth.ActionRefreshReuse); n != 1 {
		t.Errorf("reuse audit rows = %d", n)
	}
}

// TestRefreshRaceOfOneBrowserIsNotTheft: two page requests of one browser
// whose access cookie expired present the same refresh cookie at the same
// moment. Both are served, both get the same current refresh token (one
// rotation), the session lives on and nothing is audited as reuse.
func TestRefreshRaceOfOneBrowserIsNotTheft(t *testing.T) {
	h := newHarness(t)
	c := h.as(auth.RolePegawai)
	u, _ := url.Parse(h.ts.URL)
	var refresh *http.Cookie
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "ekinerja_refresh" {
			refresh = ck
		}
	}
	if refresh == nil {
		t.Fatal("no refresh cookie after login")
	}
	const n = 2
	var wg sync.WaitGroup
	res := make([]response, n)
	start := make(chan struct{})
	for i := range n {
		tab := h.client() // one tab: only the refresh cookie, no access cookie
		tab.http.Jar.SetCookies(u, []*http.Cookie{refresh})
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			req, _ := http.NewRequest(http.MethodGet, h.ts.URL+"/", nil)
			r, err := tab.http.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer r.Body.Close()
			res[i] = response{status: r.StatusCode, header: r.Header}
		}()
	}
	// Hold the session row so both requests are waiting before either
	// refreshes: the second must then see the first's rotation.
	hold := h.db.Begin()
	if err := hold.Exec(`SELECT 1 FROM sessions FOR UPDATE`).Error; err != nil {
		t.Fatal(err)
	}
	close(start)
	for i := 0; ; i++ {
		if h.count(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`) >= n {
			break
		}
		if i == 500 {
			hold.Rollback()
			t.Fatal("the two requests never waited for the session lock")
		}
		time.Sleep(10 * time.Millisecond)
	}
	hold.Commit()
	wg.Wait()
	newRefresh := map[string]bool{}
	for i, r := range res {
		if r.status != http.StatusOK {
			t.Fatalf("request %d: status %d (treated as theft?)", i, r.status)
		}
		for _, ck := range (&http.Response{Header: r.header}).Cookies() {
			if ck.Name == "ekinerja_refresh" {
				newRefresh[ck.Value] = true
			}
		}
	}
	if len(newRefresh) != 1 || newRefresh[refresh.Value] {
		t.Errorf("want both answered with the one rotated token, got %d distinct", len(newRefresh))
	}
	if n := h.count(`SELECT count(*) FROM audit_log WHERE action = ?`, auth.ActionRefreshReuse); n != 0 {
		t.Errorf("reuse audit rows = %d", n)
	}
	if n := h.count(`SELECT count(*) FROM sessions WHERE revoked_at IS NOT NULL`); n != 0 {
		t.Errorf("revoked sessions = %d", n)
	}
	if n := h.count(`SELECT count(*) FROM refresh_tokens`); n != 2 {
		t.Errorf("refresh tokens = %d, want 2 (one rotation)", n)
	}
	if r := c.get("/"); r.status != http.StatusOK {
		t.Errorf("original tab after the race: %d", r.status)
	}
}

// TestNoRouteServesFromDisk: every handler is in the route table, none is
// Echo's file server, and with files planted in the working directory
// (where a defacer would write) no path serves them.
func TestNoRouteServesFromDisk(t *testing.T) {
	const marker = "DIDEFACE-OLEH-PENGUJI"
	dir := t.TempDir()
	t.Chdir(dir)
	for _, f := range []string{"index.html", "app.css", "static/app.css", "static/app.js", "views/index.html", ".env", "masuk", "shell.php"} {
		writeFile(t, f, marker)
	}
	h := newHarness(t)
	for _, r := range h.srv.Routes() {
		name := runtime.FuncForPC(reflect.ValueOf(r.Handler).Pointer()).Name()
		if strings.Contains(name, "Static") || strings.Contains(name, "File") || strings.Contains(name, "http.FileServer") {
			t.Errorf("route %s %s uses a file handler: %s", r.Method, r.Path, name)
		}
	}
	for _, er := range h.srv.Echo().Routes() {
		if strings.Contains(er.Name, "Static") || strings.Contains(er.Name, "File") {
			t.Errorf("echo route %s %s serves files: %s", er.Method, er.Path, er.Name)
		}
	}
	c := h.as(auth.RoleSuperadmin)
	paths := []string{"/index.html", "/app.css", "/static/app.css", "/static/app.js", "/static/../index.html", "/static/..%2findex.html",
		"/static/%2e%2e/.env", "/.env", "/shell.php", "/views/index.html", "/static/" + strings.Repeat("../", 5) + "etc/passwd"}
	for _, r := range h.srv.Routes() {
		if r.Method == http.MethodGet {
			paths = append(paths, samplePath(t, r.Path))
		}
	}
	for _, p := range paths {
		if res := c.get(p); strings.Contains(res.body, marker) {
			t.Errorf("GET %s served a file from disk", p)
		}
	}
}

// TestEmbeddedAssetsMatchManifest: the binary's assets are the reviewed
// ones, and a tampered asset (or a missing manifest) refuses start-up.
func TestEmbeddedAssetsMatchManifest(t *testing.T) {
	if _, err := LoadAssets(static.FS); err != nil {
		t.Fatalf("embedded assets: %v", err)
	}
	manifest, _ := static.FS.ReadFile(ManifestName)
	css, _ := static.FS.ReadFile("app.css")
	js, _ := static.FS.ReadFile("app.js")
	cases := map[string]fstest.MapFS{
		"defaced stylesheet": {"app.css": {Data: append(css, []byte("body::after{content:'slot gacor'}")...)}, "app.js": {Data: js}, ManifestName: {Data: manifest}},
		"injected script":    {"app.css": {Data: css}, "app.js": {Data: js}, "judi.js": {Data: []byte("location='https://x'")}, ManifestName: {Data: manifest}},
		"missing asset":      {"app.css": {Data: css}, ManifestName: {Data: manifest}},
		"no manifest":        {"app.css": {Data: css}, "app.js": {Data: js}},
	}
	for name, fsys := range cases {
		if _, err := LoadAssets(fsys); err == nil {
			t.Errorf("%s: assets accepted", name)
		}
	}
	// And New (serve) refuses to start on them.
	cfg, _ := config.Load(func(k string) string { return map[string]string{"EKINERJA_ENV": "dev"}[k] })
	if _, err := New(Deps{Config: cfg, Static: cases["defaced stylesheet"]}); err == nil {
		t.Error("server started with a defaced stylesheet")
	}
}

// TestErrorsRevealNoInternals forces a database error and a panic: the
// person sees a generic page, never SQL, table names or a stack trace.
func TestErrorsRevealNoInternals(t *testing.T) {
	h := newHarness(t)
	c := h.as(auth.RolePegawai)
	h.srv.Echo().GET("/__panik", func(echo.Context) error { panic("rahasia-internal-xyz") })
	if err := h.db.Exec(`ALTER TABLE riwayat_jabatan RENAME TO rj_rusak`).Error; err != nil {
		t.Fatal(err)
	}
	leak := regexp.MustCompile(`(?i)rj_rusak|riwayat_jabatan|SQLSTATE|relation|pgx|gorm|goroutine|\.go:\d+|panic|rahasia-internal`)
	for _, tc := range []struct {
		path   string
		accept string
	}{{"/", ""}, {"/", "application/json"}, {"/__panik", ""}, {"/__panik", "application/json"}} {
		req, _ := http.NewRequest(http.MethodGet, h.ts.URL+tc.path, nil)
		if tc.accept != "" {
			req.Header.Set("Accept", tc.accept)
		}
		res := c.do(req)
		if res.status != http.StatusInternalServerError || !strings.Contains(res.body, "Terjadi kesalahan pada sistem") {
			t.Errorf("GET %s (%s): status %d", tc.path, tc.accept, res.status)
		}
		if m := leak.FindString(res.body); m != "" {
			t.Errorf("GET %s (%s): response leaks %q", tc.path, tc.accept, m)
		}
	}
	if h.srv.Echo().Debug {
		t.Error("Echo debug mode is on")
	}
}

func TestTraceIsRefused(t *testing.T) {
	h := newHarness(t)
	for _, m := range []string{http.MethodTrace, "TRACK"} {
		req, _ := http.NewRequest(m, h.ts.URL+"/", nil)
		req.Header.Set("X-Rahasia", "cookie-curian")
		res := h.client().do(req)
		if res.status != http.StatusMethodNotAllowed || strings.Contains(res.body, "cookie-curian") {
			t.Errorf("%s: status %d", m, res.status)
		}
	}
}

// TestHeadIsServedLikeGetWithoutBody: monitors probe with HEAD; it gets the
// GET route's status and headers (CSP included) and no body, and no route
// changes state on HEAD.
func TestHeadIsServedLikeGetWithoutBody(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		path   string
		status int
	}{
		{"/masuk", http.StatusOK},
		{"/healthz", http.StatusOK},
		{"/", http.StatusSeeOther}, // not signed in: to the login page
		{"/tidak-ada", http.StatusNotFound},
	}
	for _, tc := range cases {
		req, _ := http.NewRequest(http.MethodHead, h.ts.URL+tc.path, nil)
		res := h.client().do(req)
		if res.status != tc.status || res.body != "" || res.header.Get("Content-Security-Policy") != ContentSecurityPolicy {
			t.Errorf("HEAD %s: status %d, body %d bytes, CSP %q", tc.path, res.status, len(res.body), res.header.Get("Content-Security-Policy"))
		}
	}
	// HEAD on a POST-only route is not a way to run it.
	before := h.count(`SELECT count(*) FROM sessions`)
	req, _ := http.NewRequest(http.MethodHead, h.ts.URL+"/keluar", nil)
	if res := h.client().do(req); res.status != http.StatusMethodNotAllowed && res.status != http.StatusNotFound {
		t.Errorf("HEAD /keluar: status %d", res.status)
	}
	if h.count(`SELECT count(*) FROM sessions`) != before {
		t.Error("HEAD changed state")
	}
}

// TestBodyLimitBeforeBind: an oversized body is refused with 413 before any
// handler reads it (no login attempt is made, so no audit row).
func TestBodyLimitBeforeBind(t *testing.T) {
	h := newHarnessEnv(t, map[string]string{"EKINERJA_ENV": "dev", "EKINERJA_BODY_LIMIT": "1K"})
	c := h.client()
	tok := c.csrf()
	l := login(t, auth.RolePegawai)
	form := url.Values{"csrf_token": {tok}, "nip": {l.NIP}, "password": {l.Password}, "isi": {strings.Repeat("a", 4096)}}
	res := c.postRaw("/masuk", form)
	if res.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", res.status)
	}
	if n := h.count(`SELECT count(*) FROM audit_log WHERE action LIKE 'auth.login%'`); n != 0 {
		t.Errorf("the handler ran on an oversized body (%d login audit rows)", n)
	}
	req, _ := http.NewRequest(http.MethodPost, h.ts.URL+"/api/v1/auth/token", bytes.NewReader(bytes.Repeat([]byte("{"), 4096)))
	req.Header.Set("Content-Type", "application/json")
	if res := c.do(req); res.status != http.StatusRequestEntityTooLarge {
		t.Errorf("API: status %d, want 413", res.status)
	}
	def, _ := config.Load(func(k string) string { return map[string]string{"EKINERJA_ENV": "dev"}[k] })
	if def.BodyLimit == "" {
		t.Error("no default body limit")
	}
}

func TestServerTimeouts(t *testing.T) {
	h := newHarness(t)
	s := h.srv.HTTPServer()
	if s.ReadHeaderTimeout <= 0 || s.ReadTimeout <= 0 || s.WriteTimeout <= 0 || s.IdleTimeout <= 0 || s.MaxHeaderBytes <= 0 || s.MaxHeaderBytes > 1<<20 {
		t.Fatalf("server limits: %+v", s)
	}
}

// TestClientIPFromTrustedProxiesOnly: X-Forwarded-For is believed only when
// the connection comes from a configured proxy, so throttling and audit rows
// cannot be pinned on a made-up address.
func TestClientIPFromTrustedProxiesOnly(t *testing.T) {
	proxy := config.Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	cases := []struct {
		name   string
		cfg    config.Config
		remote string
		xff    string
		want   string
	}{
		{"no proxies configured: header ignored", config.Config{}, "198.51.100.4:5555", "203.0.113.9", "198.51.100.4"},
		{"from the trusted proxy", proxy, "10.1.2.3:5555", "203.0.113.9", "203.0.113.9"},
		{"from an untrusted address", proxy, "198.51.100.4:5555", "203.0.113.9", "198.51.100.4"},
		{"spoofed chain through the proxy", proxy, "10.1.2.3:5555", "203.0.113.9, 192.0.2.1", "192.0.2.1"},
		{"loopback is not trusted by default", proxy, "127.0.0.1:5555", "203.0.113.9", "127.0.0.1"},
	}
	for _, tc := range cases {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.RemoteAddr = tc.remote
		req.Header.Set("X-Forwarded-For", tc.xff)
		if got := ipExtractor(tc.cfg)(req); got != tc.want {
			t.Errorf("%s: IP %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestLoginFailuresAndSuccessAreAudited covers ASVS 16.3: every login
// outcome leaves an audit row with the address.
func TestLoginFailuresAndSuccessAreAudited(t *testing.T) {
	h := newHarness(t)
	l := login(t, auth.RolePegawai)
	h.client().postForm("/masuk", url.Values{"nip": {l.NIP}, "password": {"salah-salah-salah"}})
	h.as(auth.RolePegawai)
	for _, a := range []string{audit.ActionLoginFailure, audit.ActionLoginSuccess} {
		if n := h.count(`SELECT count(*) FROM audit_log WHERE action = ? AND actor_nip = ? AND ip <> ''`, a, l.NIP); n != 1 {
			t.Errorf("%s rows = %d", a, n)
		}
	}
}

func writeFile(t *testing.T, name, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestAuditPageFilters: the superadmin finds rows by action, actor, object
// and day; others are refused (TestAuthorizationMatrix).
func TestAuditPageFilters(t *testing.T) {
	h := newHarness(t)
	p := login(t, auth.RolePegawai)
	h.client().postForm("/masuk", url.Values{"nip": {p.NIP}, "password": {"salah-salah-salah"}})
	c := h.as(auth.RoleSuperadmin)
	today := time.Now().In(h.cfg.Location).Format(time.DateOnly)
	cases := []struct {
		query string
		want  bool
	}{
		{"aksi=auth.login_gagal", true},
		{"nip=" + p.NIP, true},
		{"objek=user&aksi=auth.login_gagal", true},
		{"dari=" + today + "&sampai=" + today + "&nip=" + p.NIP, true},
		{"dari=2020-01-01&sampai=2020-01-02&nip=" + p.NIP, false},
		{"objek=opd&nip=" + p.NIP, false},
	}
	for _, tc := range cases {
		res := c.get("/audit?" + tc.query)
		got := strings.Contains(res.body, "<td>auth.login_gagal</td>")
		if res.status != http.StatusOK || got != tc.want {
			t.Errorf("%s: status %d, row shown = %v, want %v", tc.query, res.status, got, tc.want)
		}
	}
}
