package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// TestLoginNextStaysOnThisSite: after a login through /masuk?next=..., the
// redirect goes only to a plain path of this site; tab, newline,
// backslash and scheme/host tricks all land on "/".
func TestLoginNextStaysOnThisSite(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	l := login(t, auth.RolePegawai)
	cases := map[string]string{
		"/kinerja/aktivitas?bulan=2026-11": "/kinerja/aktivitas?bulan=2026-11",
		"/\t/evil.example":                 "/",
		"/\n/evil.example":                 "/",
		"/\\evil.example":                  "/",
		"//evil.example":                   "/",
		"https://evil.example/":            "/",
		"/%09/evil.example":                "/%09/evil.example", // a path on this site, percent-encoded
		"javascript:alert(1)":              "/",
		"/\u0085/evil.example":             "/",
	}
	for next, want := range cases {
		c := h.client()
		form := url.Values{"nip": {l.NIP}, "password": {l.Password}, "csrf_token": {c.csrf()}}
		req, _ := http.NewRequest(http.MethodPost, h.ts.URL+"/masuk?next="+url.QueryEscape(next), strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res := c.do(req)
		if res.status != http.StatusSeeOther || res.header.Get("Location") != want {
			t.Errorf("next=%q: %d -> %q, want %q", next, res.status, res.header.Get("Location"), want)
		}
	}
}

// TestOverlongNIPIsRefusedBeforeCounters: a 3 KB NIP at /masuk is a 422,
// not a 500, and touches no throttle counter.
func TestOverlongNIPIsRefusedBeforeCounters(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	res := h.client().postForm("/masuk", url.Values{"nip": {strings.Repeat("1", 2800)}, "password": {"x"}})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", res.status)
	}
	if n := h.count(`SELECT count(*) FROM login_throttle`); n != 0 {
		t.Fatalf("%d throttle rows", n)
	}
}
