package web

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/config"
)

// TestErrorsRevealNoInternals forces a database error and a panic: the
// person sees a generic page, never SQL, table names or a stack trace.
func TestErrorsRevealNoInternals(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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
