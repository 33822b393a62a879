package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// TestRoleChangeOrDisableRevokesTokens: the superadmin grants a role,
// revokes a role and disables an account on /pengguna; after each, the
// person's existing access token (as a bearer and as the session cookie)
// and refresh token stop working at once (auth.RevokeUser in the same
// transaction as the change).
func TestRoleChangeOrDisableRevokesTokens(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	super := h.as(auth.RoleSuperadmin)
	l := login(t, auth.RolePegawai)
	var uid int64
	h.db.Raw(`SELECT id FROM users WHERE nip = ?`, l.NIP).Scan(&uid)
	u, _ := url.Parse(h.ts.URL)
	steps := []struct {
		name   string
		change func() response
	}{
		{"grant", func() response {
			return super.postForm("/pengguna/"+itoa(uid)+"/peran", url.Values{"role": {"verifikator"}})
		}},
		{"revoke", func() response {
			var rid int64
			h.db.Raw(`SELECT id FROM user_roles WHERE user_id = ? AND role = 'verifikator'`, uid).Scan(&rid)
			return super.postForm("/pengguna/"+itoa(uid)+"/cabut", url.Values{"role_id": {itoa(rid)}})
		}},
		{"disable", func() response { return super.postForm("/pengguna/"+itoa(uid)+"/nonaktif", nil) }},
	}
	for _, st := range steps {
		victim := h.as(auth.RolePegawai)
		var access, refresh string
		for _, ck := range victim.http.Jar.Cookies(u) {
			switch ck.Name {
			case "ekinerja_sesi":
				access = ck.Value
			case "ekinerja_refresh":
				refresh = ck.Value
			}
		}
		if access == "" || refresh == "" {
			t.Fatalf("%s: no session cookies", st.name)
		}
		bearer := func() int {
			req, _ := http.NewRequest(http.MethodGet, h.ts.URL+"/api/v1/me", nil)
			req.Header.Set("Authorization", "Bearer "+access)
			return h.client().do(req).status
		}
		if s := bearer(); s != http.StatusOK {
			t.Fatalf("%s: token before the change: %d", st.name, s)
		}
		if res := st.change(); res.status != http.StatusSeeOther {
			t.Fatalf("%s: superadmin page answered %d: %s", st.name, res.status, res.body)
		}
		if s := bearer(); s != http.StatusUnauthorized {
			t.Errorf("%s: access token still works: %d", st.name, s)
		}
		// The browser holding both cookies is signed out (no refresh either).
		if res := victim.get("/"); res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/masuk") {
			t.Errorf("%s: old browser session still works: %d %s", st.name, res.status, res.header.Get("Location"))
		}
		req, _ := http.NewRequest(http.MethodPost, h.ts.URL+"/api/v1/auth/refresh", strings.NewReader(`{"refresh_token":"`+refresh+`"}`))
		req.Header.Set("Content-Type", "application/json")
		if res := h.client().do(req); res.status == http.StatusOK {
			t.Errorf("%s: refresh token still works", st.name)
		}
	}
}
