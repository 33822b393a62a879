package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestSelfcheckCommandExitCodes(t *testing.T) {
	t.Parallel()
	clean := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><a href="/masuk">Masuk</a></body></html>`)
	}))
	defer clean.Close()
	cloaked := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.UserAgent(), "Googlebot") {
			fmt.Fprint(w, `<html><body>slot gacor <a href="https://bandar.example">x</a></body></html>`)
			return
		}
		fmt.Fprint(w, `<html><body><a href="/masuk">Masuk</a></body></html>`)
	}))
	defer cloaked.Close()
	// No configuration at all: the command runs from cron on another host.
	noenv := func(string) string { return "" }
	var out, errb bytes.Buffer
	if code := run([]string{"selfcheck", clean.URL}, noenv, &out, &errb); code != 0 {
		t.Fatalf("clean site: exit %d: %s %s", code, out.String(), errb.String())
	}
	out.Reset()
	if code := run([]string{"selfcheck", "--path", "/", cloaked.URL}, noenv, &out, &errb); code != 1 {
		t.Fatalf("cloaked site: exit %d: %s", code, out.String())
	}
	if !strings.Contains(out.String(), "cloaking") || !strings.Contains(out.String(), "gacor") {
		t.Errorf("report: %s", out.String())
	}
}
