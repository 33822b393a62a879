package web

import (
	"net/http"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/config"
	"github.com/ekinerja/ekinerja/static"
)

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
	t.Parallel()
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
