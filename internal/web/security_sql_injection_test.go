package web

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// sqlPayloads are injection probes for filter and search parameters, one
// per thing the probe can observe (a 5xx, database error text, a slow
// answer): the quote breaks string-built SQL in a string, numeric or
// parenthesised context (a syntax error); the backslash breaks an E”
// string; the two sleeps are seen where the error is swallowed (numeric
// context with a second statement; string context, then numeric). The NUL
// byte is refused by the middleware. Payloads that turn string-built SQL
// into valid SQL without an error or a delay (' OR '1'='1, %' --) show
// nothing to these checks, and the error-based ones (UNION, CAST of
// version()) fail exactly where the quote already does, so they are not
// sent. The source check (TestNoUnreviewedRawHTMLOrStringBuiltSQL) is the
// first line: no string-built SQL at all.
var sqlPayloads = []string{`'`, `\`, `1; SELECT pg_sleep(10)--`, `1' OR pg_sleep(10) IS NULL; SELECT pg_sleep(10)--`, "\x00"}

// sqlPayloadsShort is the probe for parameters a page does not use itself:
// one value that breaks string-built SQL (the quote: a syntax error, caught
// by sqlLeak or a 5xx) and, where it is executed, sleeps (caught by the
// timing check). The NUL byte, refused by the middleware whatever the
// parameter's name, is sent once per path instead of once per name.
var sqlPayloadsShort = []string{`1' OR pg_sleep(10) IS NULL; SELECT pg_sleep(10)--`}

// sqlLeakText is database error text that must never reach a response,
// spelled as PostgreSQL, pgx and GORM write it.
var sqlLeakText = []string{"SQLSTATE", "syntax error", "pq: ", "pgx", "gorm", "unterminated quoted", "invalid input syntax", "PostgreSQL", `relation "`}

// sqlLeak returns the database error text res shows, if any. Compressed
// bodies (XLSX is a zip; PNG, PDF streams) cannot show text to a reader
// and are not searched; their handlers' errors are pages, which are. The
// page's CSRF token is left out: it is random base64 and once held "pgx"
// (the match is case-sensitive for the same reason: a TOTP secret is
// random upper-case base32).
func sqlLeak(res response) string {
	switch ct := res.header.Get("Content-Type"); {
	case strings.HasPrefix(ct, "application/vnd.openxmlformats"), strings.HasPrefix(ct, "image/"), strings.HasPrefix(ct, "application/pdf"):
		return ""
	}
	body := res.body
	if m := csrfInput.FindStringSubmatch(body); m != nil {
		body = strings.ReplaceAll(body, m[1], "")
	}
	for _, s := range sqlLeakText {
		if strings.Contains(body, s) {
			return s
		}
	}
	return ""
}

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

// TestEveryPageEveryRole crawls every page each role reaches once, in one
// harness, and runs the checks that only read those pages over the same
// crawl: the security headers, the markup (no inline code, no off-origin
// asset) and the SQL injection probes (GET requests, which change nothing).
// One crawl instead of three: each crawl of six roles is some 1,000 pages
// under -race.
func TestEveryPageEveryRole(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	clients := clientsByRole(h)
	crawls := map[auth.Role][]page{}
	for _, role := range crawlOrder {
		crawls[role] = crawl(t, h, clients[role], role, 200)
	}
	t.Run("SecurityHeadersOnEveryResponse", func(t *testing.T) { checkSecurityHeadersOnEveryResponse(t, h, crawls) })
	t.Run("PagesHaveNoInlineCodeOrOffOriginAssets", func(t *testing.T) { checkPagesHaveNoInlineCodeOrOffOriginAssets(t, crawls) })
	t.Run("SQLInjectionInQueryParameters", func(t *testing.T) { probeSQLInjectionInQueryParameters(t, h, clients, crawls) })
}

// crawlOrder is everyone from the widest role to anonymous: the SQL
// injection probes give each route pattern to the first role in it that
// reaches it.
var crawlOrder = func() []auth.Role {
	r := slices.Clone(everyone)
	slices.Reverse(r)
	return r
}()

// probeSQLInjectionInQueryParameters sends every payload in every query
// parameter each page links or submits, and in every parameter any handler
// reads, for each route pattern the roles reach, and in every path
// parameter: no 5xx, no SQL error text, no slow query. Probes run on four
// workers; each route pattern (ids collapsed) and parameter is probed once,
// by the widest role that reaches it.
func probeSQLInjectionInQueryParameters(t *testing.T, h *harness, clients map[auth.Role]*client, crawls map[auth.Role][]page) {
	common := handlerQueryParams(t)
	type probe struct {
		role auth.Role
		c    *client
		url  string
	}
	var probes []probe
	done := map[string]bool{}
	for _, role := range crawlOrder {
		c := clients[role]
		pages := crawls[role]
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
		for _, f := range formsOf(h, pages) {
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
			if !done[pattern+"?\x00"] {
				done[pattern+"?\x00"] = true
				probes = append(probes, probe{role, c, path + "?" + url.Values{common[0]: {"\x00"}}.Encode()})
			}
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
				if leak := sqlLeak(res); res.status >= 500 || leak != "" {
					t.Errorf("%s GET %s: status %d, body leaks: %q", p.role, p.url, res.status, leak)
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

// TestSQLLeakFindsErrorTextNotTokens: the probe's detector finds
// PostgreSQL's error text and ignores the random strings pages carry (the
// CSRF token, a TOTP secret) even where they spell "pgx", and compressed
// downloads.
func TestSQLLeakFindsErrorTextNotTokens(t *testing.T) {
	t.Parallel()
	const page, xlsx = "text/html; charset=UTF-8", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	for _, c := range []struct {
		ct, body, want string
	}{
		{page, `<input type="hidden" name="csrf_token" value="abpgxQ9"><p>ok</p> <meta content="abpgxQ9">`, ""},
		{page, `<p>ERROR: syntax error at or near "'" (SQLSTATE 42601)</p>`, "SQLSTATE"},
		{"application/json", `{"error":"pgx: conn busy"}`, "pgx"},
		{page, `<code>JBSWPGXY3DPEHPK3</code>`, ""},
		{xlsx, "PK\x03\x04 pgx", ""},
	} {
		res := response{status: http.StatusOK, header: http.Header{"Content-Type": {c.ct}}, body: c.body}
		if got := sqlLeak(res); got != c.want {
			t.Errorf("%s %q: %q, want %q", c.ct, c.body, got, c.want)
		}
	}
}
