package selfcheck_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/selfcheck"
)

const cleanPage = `<!DOCTYPE html><html lang="id"><head><title>Masuk · e-Kinerja</title>
<link rel="stylesheet" href="/static/app.1234.css"></head><body>
<form method="post" action="/masuk"><input type="hidden" name="csrf_token" value="%s"></form>
<a href="/">Beranda</a> <a href="https://jdih.example.go.id/perbup">Perbup TPP</a></body></html>`

// spamPage is what the defacers served to search engines only.
const spamPage = `<!DOCTYPE html><html><body><div class="x">SLOT GACOR hari ini, situs slot maxwin,
<a href="https://slot-gacor.example/daftar">daftar</a> togel</div></body></html>`

func server(cloak bool, spamAll bool) *httptest.Server {
	n := 0
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch {
		case spamAll, cloak && strings.Contains(r.UserAgent(), "Googlebot"):
			fmt.Fprint(w, spamPage)
		default:
			fmt.Fprintf(w, cleanPage, fmt.Sprintf("token-%d", n)) // the token differs per fetch
		}
	}))
}

func kinds(fs []selfcheck.Finding) map[string]int {
	m := map[string]int{}
	for _, f := range fs {
		m[f.Kind]++
	}
	return m
}

func TestSelfcheckFindsCloakedGamblingSpam(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		srv   *httptest.Server
		allow []string
		want  []string
	}{
		{"clean page, allowed outbound link", server(false, false), []string{"jdih.example.go.id"}, nil},
		{"clean page, unlisted outbound link", server(false, false), nil, []string{"outbound"}},
		{"cloaked spam for Googlebot", server(true, false), []string{"jdih.example.go.id"}, []string{"cloaking", "spam", "outbound"}},
		{"spam for everyone", server(false, true), nil, []string{"spam", "outbound"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer tc.srv.Close()
			fs, err := selfcheck.Run(context.Background(), tc.srv.URL, selfcheck.Options{AllowHosts: tc.allow})
			if err != nil {
				t.Fatal(err)
			}
			got := kinds(fs)
			if len(tc.want) == 0 && len(fs) != 0 {
				t.Fatalf("findings on a clean page: %v", fs)
			}
			for _, k := range tc.want {
				if got[k] == 0 {
					t.Errorf("no %q finding in %v", k, fs)
				}
			}
			if tc.name == "cloaked spam for Googlebot" {
				all := fmt.Sprint(fs)
				for _, w := range []string{"gacor", "maxwin", "togel", "slot-gacor.example"} {
					if !strings.Contains(all, w) {
						t.Errorf("report does not name %q: %s", w, all)
					}
				}
			}
		})
	}
}

func FuzzSelfcheckOutbound(f *testing.F) {
	f.Add(cleanPage)
	f.Add(spamPage)
	f.Add(`<meta http-equiv="refresh" content="0; url=https://judi.example/">`)
	f.Fuzz(func(t *testing.T, body string) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, body) }))
		defer srv.Close()
		if _, err := selfcheck.Run(context.Background(), srv.URL, selfcheck.Options{Paths: []string{"/"}}); err != nil {
			t.Fatal(err)
		}
	})
}

// TestSelfcheckReadsDisguisedSpam: spam spelt with look-alike Cyrillic
// letters, full-width letters, leetspeak, or the words judol and MPO500 is
// found on a local site.
func TestSelfcheckReadsDisguisedSpam(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, text, word string }{
		{"cyrillic homoglyphs", "ѕlоt gаcоr hari ini", "gacor"},
		{"leetspeak", "s1ot g4c0r maxw1n", "gacor"},
		{"full-width", "ｓｌｏｔ ｇａｃｏｒ", "gacor"},
		{"zero-width joiner", "ga\u200bcor", "gacor"},
		{"judol", "info judol terbaru", "judol"},
		{"MPO500", "Daftar MPO500 sekarang", "MPO500"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintf(w, `<html><body><p>%s</p><a href="/masuk">Masuk</a></body></html>`, tc.text)
			}))
			defer srv.Close()
			fs, err := selfcheck.Run(context.Background(), srv.URL, selfcheck.Options{Paths: []string{"/"}})
			if err != nil {
				t.Fatal(err)
			}
			if kinds(fs)["spam"] == 0 || !strings.Contains(strings.ToLower(fmt.Sprint(fs)), strings.ToLower(tc.word)) {
				t.Errorf("%q not found: %v", tc.text, fs)
			}
		})
	}
	// Ordinary Indonesian government text with digits is not spam.
	clean := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><p>Peraturan Bupati Nomor 15 Tahun 2026 tentang TPP; rapat pukul 10.30 di ruang 3A.</p></body></html>`)
	}))
	defer clean.Close()
	if fs, err := selfcheck.Run(context.Background(), clean.URL, selfcheck.Options{Paths: []string{"/"}}); err != nil || len(fs) != 0 {
		t.Errorf("clean page: %v %v", fs, err)
	}
}

// TestSelfcheckComparesVisitorsAndTheNotFoundPage: spam shown only to
// visitors from a Google search (Referer), only to phones (mobile user
// agent), or only on the 404 page is found.
func TestSelfcheckComparesVisitorsAndTheNotFoundPage(t *testing.T) {
	t.Parallel()
	const clean = `<html><body><a href="/masuk">Masuk</a></body></html>`
	const spam = `<html><body>slot gacor <a href="https://bandar.example/">daftar</a></body></html>`
	for _, tc := range []struct {
		name   string
		spammy func(r *http.Request) bool
		kinds  []string
	}{
		{"google referer", func(r *http.Request) bool { return strings.Contains(r.Referer(), "google.") }, []string{"cloaking", "spam", "outbound"}},
		{"mobile", func(r *http.Request) bool { return strings.Contains(r.UserAgent(), "Mobile") }, []string{"cloaking", "spam", "outbound"}},
		{"404 page", func(r *http.Request) bool { return r.URL.Path != "/" }, []string{"spam", "outbound"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.spammy(r) {
					if r.URL.Path != "/" {
						w.WriteHeader(http.StatusNotFound)
					}
					fmt.Fprint(w, spam)
					return
				}
				fmt.Fprint(w, clean)
			}))
			defer srv.Close()
			fs, err := selfcheck.Run(context.Background(), srv.URL, selfcheck.Options{Paths: []string{"/"}})
			if err != nil {
				t.Fatal(err)
			}
			got := kinds(fs)
			for _, k := range tc.kinds {
				if got[k] == 0 {
					t.Errorf("no %q finding: %v", k, fs)
				}
			}
		})
	}
}

// TestSelfcheckFindsHiddenOutboundLinks: links out through srcset, SVG
// xlink:href, CSS url() (attribute and <style>) are reported.
func TestSelfcheckFindsHiddenOutboundLinks(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"srcset":        `<img src="/a.png" srcset="/a.png 1x, https://judi.example/b.png 2x">`,
		"svg xlink":     `<svg><a xlink:href="https://judi.example/"><text>x</text></a></svg>`,
		"css attribute": `<div style="background:url('https://judi.example/bg.png')">x</div>`,
		"style element": `<style>body{background:url(https://judi.example/bg.png)}</style>`,
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintf(w, "<html><body>%s</body></html>", body)
			}))
			defer srv.Close()
			fs, err := selfcheck.Run(context.Background(), srv.URL, selfcheck.Options{Paths: []string{"/"}})
			if err != nil {
				t.Fatal(err)
			}
			if kinds(fs)["outbound"] == 0 || !strings.Contains(fmt.Sprint(fs), "judi.example") {
				t.Errorf("not found: %v", fs)
			}
		})
	}
}
