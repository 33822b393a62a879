package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/ekinerja/ekinerja/internal/auth"
)

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

// checkPagesHaveNoInlineCodeOrOffOriginAssets runs the markup check over
// every page every role reaches (TestEveryPageEveryRole's crawl).
func checkPagesHaveNoInlineCodeOrOffOriginAssets(t *testing.T, crawls map[auth.Role][]page) {
	n := 0
	for role, pages := range crawls {
		for _, p := range pages {
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

func (f *fakeT) Helper() {}

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
// A submission that ends the client's own session (the superadmin revoking
// its sessions) is followed by a fresh sign-in (submitAs), so no later form
// is sent from a dead session.
func TestXSSPayloadsAreEscaped(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	forms := 0
	for _, role := range everyone {
		c := h.client()
		if role != anonymous {
			c = h.as(role)
		}
		for _, f := range formsOf(h, crawlPages(t, h, c, role, 200)) {
			if sessionEnding(f) || (role != anonymous && f.action == "/masuk") {
				continue
			}
			forms++
			// try submits values and checks the answer and the page it
			// leads to; it reports whether the form refused a value.
			try := func(values url.Values, field string) (refused bool) {
				before := h.count(`SELECT count(*) FROM audit_log`)
				res := c.submitAs(role, f, values)
				where := string(role) + " " + f.method + " " + f.action + " " + field
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
				return res.status == http.StatusUnprocessableEntity || res.status == http.StatusBadRequest
			}
			// Every free-text field at once with each payload.
			refused := false
			for i, payload := range xssPayloads {
				if try(f.fill(payload), "") && i == 0 {
					refused = true
				}
			}
			if !refused || f.method != http.MethodPost {
				continue
			}
			// The form refused that (a link or NIP field will not take
			// markup): each field alone with the others valid, so the text
			// is stored where the form stores it; optional fields empty
			// first, then filled for a server that requires them.
			for _, fl := range f.fields {
				if fl.freeText() && try(f.fillOne(fl.name, xssPayloads[0]+xssPayloads[1], false), fl.name) {
					try(f.fillOne(fl.name, xssPayloads[0]+xssPayloads[1], true), fl.name)
				}
			}
		}
		shown := 0
		for _, p := range crawlPages(t, h, c, role, 200) {
			if p.status == http.StatusOK && p.isHTML() {
				shown++
			}
			if raw := unescaped(p.body); raw != "" {
				t.Errorf("%s %s: stored payload unescaped: %s", role, p.path, raw)
			}
		}
		// The crawl found pages, not login redirects (the superadmin's
		// own submissions once ended its session and left this unchecked).
		if role != anonymous && shown < 20 {
			t.Errorf("%s: only %d pages shown to look for stored payloads in", role, shown)
		}
	}
	if forms < 4 {
		t.Fatalf("only %d forms exercised", forms)
	}
}
