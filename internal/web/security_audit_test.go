package web

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/auth"
)

// TestLoginFailuresAndSuccessAreAudited covers ASVS 16.3: every login
// outcome leaves an audit row with the address.
func TestLoginFailuresAndSuccessAreAudited(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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
