package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
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
	t.Parallel()
	const want = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
	if ContentSecurityPolicy != want {
		t.Fatalf("CSP = %q", ContentSecurityPolicy)
	}
}

// checkSecurityHeadersOnEveryResponse checks the headers of every page
// each role reaches (TestEveryPageEveryRole's crawl), plus error responses
// (dev: no HSTS).
func checkSecurityHeadersOnEveryResponse(t *testing.T, h *harness, crawls map[auth.Role][]page) {
	n := 0
	for role, pages := range crawls {
		for _, p := range pages {
			n++
			checkHeaders(t, string(role)+" GET "+p.path, p.header, false)
		}
	}
	if n < 50 {
		t.Fatalf("only %d responses checked", n)
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
	t.Parallel()
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
