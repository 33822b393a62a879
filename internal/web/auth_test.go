package web

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/auth"
)

func TestEachRoleLandsOnItsHome(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cases := []struct {
		role    auth.Role
		heading string
		extra   string
	}{
		{auth.RolePegawai, "Beranda Pegawai", "Atasan langsung"},
		{auth.RoleAtasan, "Beranda Atasan", "Bawahan langsung"},
		{auth.RoleAdminOPD, "Beranda Admin OPD", "Pegawai tanpa nomor rekening bank"},
		{auth.RoleVerifikator, "Beranda Verifikator", "OPD aktif"},
		{auth.RoleSuperadmin, "Beranda Super Admin", "Log Audit"},
	}
	for _, tc := range cases {
		t.Run(string(tc.role), func(t *testing.T) {
			c := h.as(tc.role)
			res := c.get("/")
			if res.status != http.StatusOK || !strings.Contains(res.body, tc.heading) || !strings.Contains(res.body, tc.extra) {
				t.Fatalf("status %d, want heading %q and %q in:\n%s", res.status, tc.heading, tc.extra, res.body)
			}
			if !strings.Contains(res.body, login(t, tc.role).Nama) {
				t.Errorf("home does not show the person's name")
			}
		})
	}
	if n := h.count(`SELECT count(*) FROM audit_log WHERE action = ?`, audit.ActionLoginSuccess); n != int64(len(cases)) {
		t.Errorf("login audit rows = %d, want %d", n, len(cases))
	}
}

func TestBadCredentialsAreRefusedAlike(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	pegawai := login(t, auth.RolePegawai)
	cases := []struct{ name, nip, password string }{
		{"wrong password", pegawai.NIP, "salah-sekali"},
		{"unknown NIP", "199901012020011999", pegawai.Password},
		{"empty", "", ""},
		{"injection", "' OR '1'='1", "' OR '1'='1"},
	}
	var bodies []string
	for _, tc := range cases {
		res := h.client().postForm("/masuk", url.Values{"nip": {tc.nip}, "password": {tc.password}})
		if res.status != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", tc.name, res.status)
		}
		if !strings.Contains(res.body, "NIP atau kata sandi salah.") {
			t.Errorf("%s: generic message missing", tc.name)
		}
		if res.header.Get("Set-Cookie") != "" && strings.Contains(res.header.Get("Set-Cookie"), "ekinerja_sesi=ey") {
			t.Errorf("%s: a session cookie was set", tc.name)
		}
		bodies = append(bodies, csrfInput.ReplaceAllString(res.body, ""))
	}
	// The wrong-password and unknown-user pages are the same page.
	if strings.Replace(bodies[0], pegawai.NIP, "", 1) != strings.Replace(bodies[1], "199901012020011999", "", 1) {
		t.Error("wrong password and unknown NIP pages differ")
	}
	if n := h.count(`SELECT count(*) FROM sessions`); n != 0 {
		t.Errorf("sessions = %d after failed logins", n)
	}
	if n := h.count(`SELECT count(*) FROM audit_log WHERE action = ?`, audit.ActionLoginFailure); n != int64(len(cases)) {
		t.Errorf("failed-login audit rows = %d, want %d", n, len(cases))
	}
}

func TestLockoutIsTemporaryAndPerAccount(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	p := login(t, auth.RolePegawai)
	for i := 0; i < 5; i++ {
		h.client().postForm("/masuk", url.Values{"nip": {p.NIP}, "password": {"salah"}})
	}
	res := h.client().postForm("/masuk", url.Values{"nip": {p.NIP}, "password": {p.Password}})
	if res.status != http.StatusTooManyRequests || !strings.Contains(res.body, "Coba lagi dalam 15 menit") {
		t.Fatalf("locked account: status %d", res.status)
	}
	// Another account is not affected.
	h.as(auth.RoleAtasan)
	// The lock expires by itself.
	h.db.Exec(`UPDATE login_throttle SET locked_until = now() - interval '1 second'`)
	h.as(auth.RolePegawai)
}

func signWith(t *testing.T, method jwt.SigningMethod, key any, claims auth.AccessClaims) string {
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestForgedAndExpiredTokensAreRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.as(auth.RoleSuperadmin)
	var sid string
	var uid int64
	h.db.Raw(`SELECT id, user_id FROM sessions ORDER BY created_at DESC LIMIT 1`).Row().Scan(&sid, &uid)
	now := time.Now()
	good := auth.AccessClaims{RegisteredClaims: jwt.RegisteredClaims{Issuer: "ekinerja", Subject: strconv.FormatInt(uid, 10),
		Audience: jwt.ClaimStrings{"ekinerja"}, ExpiresAt: jwt.NewNumericDate(now.Add(10 * time.Minute)), IssuedAt: jwt.NewNumericDate(now)},
		Typ: "access", Ver: 1, Sid: sid}
	key := auth.DeriveKey(h.cfg.Secret, "jwt")

	expired := good
	expired.ExpiresAt, expired.IssuedAt = jwt.NewNumericDate(now.Add(-time.Minute)), jwt.NewNumericDate(now.Add(-20*time.Minute))
	noExp := good
	noExp.ExpiresAt = nil
	wrongAud := good
	wrongAud.Audience = jwt.ClaimStrings{"lain"}
	oldVer := good
	oldVer.Ver = 0
	unsigned := func() string {
		hdr := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
		s := signWith(t, jwt.SigningMethodHS256, key, good)
		return hdr + "." + strings.Split(s, ".")[1] + "."
	}()
	cases := map[string]string{
		"valid (control)":  signWith(t, jwt.SigningMethodHS256, key, good),
		"wrong key":        signWith(t, jwt.SigningMethodHS256, []byte("kunci-penyerang-yang-lain-sekali-32b"), good),
		"alg none":         unsigned,
		"HS512 same key":   signWith(t, jwt.SigningMethodHS512, key, good),
		"expired":          signWith(t, jwt.SigningMethodHS256, key, expired),
		"no expiry":        signWith(t, jwt.SigningMethodHS256, key, noExp),
		"wrong audience":   signWith(t, jwt.SigningMethodHS256, key, wrongAud),
		"old tokenversion": signWith(t, jwt.SigningMethodHS256, key, oldVer),
		"garbage":          "abc.def.ghi",
	}
	for name, tok := range cases {
		t.Run(name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, h.ts.URL+"/api/v1/me", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			res := c.do(req)
			want := http.StatusUnauthorized
			if name == "valid (control)" {
				want = http.StatusOK
			}
			if res.status != want {
				t.Fatalf("status %d, want %d: %s", res.status, want, res.body)
			}
			if want == http.StatusUnauthorized && strings.Contains(res.body, login(t, auth.RoleSuperadmin).NIP) {
				t.Fatal("refused response leaks data")
			}
		})
	}
	// The same forged token as a cookie: the browser is sent to the login page.
	anon := h.client()
	u, _ := url.Parse(h.ts.URL)
	anon.http.Jar.SetCookies(u, []*http.Cookie{{Name: "ekinerja_sesi", Value: cases["wrong key"], Path: "/"}})
	if res := anon.get("/"); res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/masuk") {
		t.Fatalf("forged cookie: status %d location %q", res.status, res.header.Get("Location"))
	}
}

func TestCSRFIsRequiredOnStateChanges(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.as(auth.RoleAtasan)
	cases := []struct {
		name  string
		token string
		site  string
	}{
		{"missing token", "", ""},
		{"wrong token", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", ""},
		{"valid token but cross-site", "valid", "cross-site"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			form := url.Values{"peran": {"pegawai"}}
			if tc.token == "valid" {
				form.Set("csrf_token", c.csrf())
			} else if tc.token != "" {
				form.Set("csrf_token", tc.token)
			}
			req, _ := http.NewRequest(http.MethodPost, h.ts.URL+"/peran", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.site != "" {
				req.Header.Set("Sec-Fetch-Site", tc.site)
			}
			res := c.do(req)
			if res.status != http.StatusForbidden || !strings.Contains(res.body, "Formulir kedaluwarsa") {
				t.Fatalf("status %d", res.status)
			}
			if n := h.count(`SELECT count(*) FROM sessions WHERE active_role = 'pegawai'`); n != 0 {
				t.Fatal("role changed without a valid CSRF token")
			}
		})
	}
	// A token from another session does not work either.
	other := h.as(auth.RolePegawai).csrf()
	if res := c.postRaw("/keluar", url.Values{"csrf_token": {other}}); res.status != http.StatusForbidden {
		t.Fatalf("foreign token: status %d", res.status)
	}
	// With its own token the same request works.
	if res := c.postForm("/peran", url.Values{"peran": {"pegawai"}}); res.status != http.StatusSeeOther {
		t.Fatalf("valid switch: status %d: %s", res.status, res.body)
	}
	if res := c.get("/"); !strings.Contains(res.body, "Beranda Pegawai") {
		t.Fatal("role switch did not take effect")
	}
}

func TestCrossRoleURLIsForbidden(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.as(auth.RolePegawai)
	res := c.get("/audit")
	if res.status != http.StatusForbidden || !strings.Contains(res.body, "Akses ditolak") || strings.Contains(res.body, "auth.login") {
		t.Fatalf("status %d", res.status)
	}
	if n := h.count(`SELECT count(*) FROM audit_log WHERE action = ?`, audit.ActionForbidden); n != 1 {
		t.Errorf("forbidden audit rows = %d", n)
	}
	// An atasan holding only pegawai+atasan cannot make itself superadmin.
	a := h.as(auth.RoleAtasan)
	if res := a.postForm("/peran", url.Values{"peran": {"superadmin"}}); res.status != http.StatusForbidden {
		t.Fatalf("switch to unheld role: status %d", res.status)
	}
}

func TestLogoutRevokesServerSide(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.as(auth.RolePegawai)
	u, _ := url.Parse(h.ts.URL)
	var stolen string
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "ekinerja_sesi" {
			stolen = ck.Value
		}
	}
	if res := c.postForm("/keluar", nil); res.status != http.StatusSeeOther {
		t.Fatalf("logout: %d", res.status)
	}
	req, _ := http.NewRequest(http.MethodGet, h.ts.URL+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+stolen)
	if res := h.client().do(req); res.status != http.StatusUnauthorized {
		t.Fatalf("token still valid after logout: %d", res.status)
	}
	if n := h.count(`SELECT count(*) FROM audit_log WHERE action = ?`, audit.ActionLogout); n != 1 {
		t.Errorf("logout audit rows = %d", n)
	}
}

func TestAPITokenLogin(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	l := login(t, auth.RoleVerifikator)
	cases := []struct {
		body   string
		status int
	}{
		{`{"nip":"` + l.NIP + `","password":"` + l.Password + `"}`, http.StatusOK},
		{`{"nip":"` + l.NIP + `","password":"salah"}`, http.StatusUnauthorized},
		{`bukan json`, http.StatusUnprocessableEntity},
	}
	for _, tc := range cases {
		req, _ := http.NewRequest(http.MethodPost, h.ts.URL+"/api/v1/auth/token", strings.NewReader(tc.body))
		req.Header.Set("Content-Type", "application/json")
		res := h.client().do(req)
		if res.status != tc.status || !strings.HasPrefix(res.header.Get("Content-Type"), "application/json") {
			t.Errorf("%s: status %d (%s), want %d", tc.body, res.status, res.body, tc.status)
		}
	}
}
