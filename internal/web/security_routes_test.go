package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// TestLoginRehashesOldParameters: a password stored with other argon2id
// parameters is rehashed with the server's parameters by a login through
// /masuk (and a wrong password changes nothing).
func TestLoginRehashesOldParameters(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	l := login(t, auth.RolePegawai)
	old, err := auth.NewHasher(auth.Argon2Params{MemoryKiB: 32, Time: 2, Threads: 1, KeyLen: 32, SaltLen: 16}, 1).Hash(context.Background(), l.Password)
	if err != nil {
		t.Fatal(err)
	}
	h.db.Exec(`UPDATE users SET password_hash = ? WHERE nip = ?`, old, l.NIP)
	stored := func() string {
		var s string
		h.db.Raw(`SELECT password_hash FROM users WHERE nip = ?`, l.NIP).Scan(&s)
		return s
	}
	h.client().postForm("/masuk", url.Values{"nip": {l.NIP}, "password": {"salah sekali"}})
	if stored() != old {
		t.Fatal("a failed login changed the hash")
	}
	if res := h.client().postForm("/masuk", url.Values{"nip": {l.NIP}, "password": {l.Password}}); res.status != http.StatusSeeOther {
		t.Fatalf("login: %d", res.status)
	}
	if s := stored(); s == old || !strings.HasPrefix(s, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("not rehashed with the server's parameters: %q", s)
	}
}

// TestSessionLimitsThroughRefresh: past the idle limit, or past the
// absolute end of the session, the refresh cookie no longer renews the
// browser's session.
func TestSessionLimitsThroughRefresh(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u, _ := url.Parse(h.ts.URL)
	for _, age := range []string{
		`UPDATE sessions SET last_seen_at = now() - interval '31 minutes'`,
		`UPDATE sessions SET expires_at = now() - interval '1 second'`,
	} {
		c := h.as(auth.RolePegawai)
		// Drop the access cookie: the next page needs the refresh cookie.
		var keep []*http.Cookie
		for _, ck := range c.http.Jar.Cookies(u) {
			if ck.Name != "ekinerja_sesi" {
				keep = append(keep, ck)
			}
		}
		c2 := h.client()
		c2.http.Jar.SetCookies(u, keep)
		if res := c2.get("/"); res.status != http.StatusOK {
			t.Fatalf("%s: refresh before the limit: %d", age, res.status)
		}
		c3 := h.client()
		c3.http.Jar.SetCookies(u, nil)
		var refresh *http.Cookie
		for _, ck := range c2.http.Jar.Cookies(u) {
			if ck.Name == "ekinerja_refresh" {
				refresh = ck
			}
		}
		h.db.Exec(age)
		c3.http.Jar.SetCookies(u, []*http.Cookie{refresh})
		if res := c3.get("/"); res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/masuk") {
			t.Errorf("%s: refreshed past the limit: %d %q", age, res.status, res.header.Get("Location"))
		}
	}
}

// TestTOTPCodeStepThroughTheRoute: on /masuk/kode a code is accepted once
// (a replay of the same code in a new login is refused), a recovery code
// works once, wrong codes lock the code step per account, and the secret
// the enrolment page showed is not stored in clear.
func TestTOTPCodeStepThroughTheRoute(t *testing.T) {
	t.Parallel()
	h := newHarnessEnv(t, map[string]string{"EKINERJA_ENV": "production", "EKINERJA_SECRET": strings.Repeat("k", 40)})
	clk := &fakeClock{now: time.Now()}
	h.srv.auth.SetClock(clk.Now)
	const pw = "nasi goreng di pinggir kali"
	_, secret, codes := enrolTOTP(t, h, clk, auth.RolePegawai, pw)
	l := login(t, auth.RolePegawai)
	if n := h.count(`SELECT count(*) FROM users WHERE nip = ? AND (encode(totp_secret_enc, 'escape') LIKE '%' || ? || '%')`, l.NIP, secret); n != 0 {
		t.Error("TOTP secret stored in clear")
	}
	step := func(code string) int {
		c := h.client()
		if res := c.postForm("/masuk", url.Values{"nip": {l.NIP}, "password": {pw}}); res.header.Get("Location") != "/masuk/kode" {
			t.Fatalf("password step: %d %q", res.status, res.header.Get("Location"))
		}
		return c.postForm("/masuk/kode", url.Values{"kode": {code}}).status
	}
	code := auth.CodeAt(secret, clk.step())
	if s := step(code); s != http.StatusSeeOther {
		t.Fatalf("right code: %d", s)
	}
	if s := step(code); s != http.StatusUnauthorized {
		t.Errorf("replayed code: %d", s)
	}
	if s := step(codes[0]); s != http.StatusSeeOther {
		t.Errorf("recovery code: %d", s)
	}
	if s := step(codes[0]); s != http.StatusUnauthorized {
		t.Errorf("recovery code twice: %d", s)
	}
	for i := 0; i < 6; i++ {
		step("000000")
	}
	if s := step(auth.CodeAt(secret, clk.step())); s != http.StatusUnauthorized && s != http.StatusTooManyRequests {
		t.Errorf("right code after the code step locked: %d", s)
	}
}

// TestClientIPFromTrustedProxiesThroughLogin: the address a failed login
// is audited (and throttled) under comes from X-Forwarded-For only when the
// peer is a trusted proxy.
func TestClientIPFromTrustedProxiesThroughLogin(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		proxies, want string
	}{
		{"", "127.0.0.1"},
		{"127.0.0.0/8", "203.0.113.9"},
	} {
		h := newHarnessEnv(t, map[string]string{"EKINERJA_ENV": "dev", "EKINERJA_TRUSTED_PROXIES": tc.proxies})
		c := h.client()
		form := url.Values{"nip": {login(t, auth.RolePegawai).NIP}, "password": {"salah sekali"}, "csrf_token": {c.csrf()}}
		req, _ := http.NewRequest(http.MethodPost, h.ts.URL+"/masuk", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", "203.0.113.9")
		c.do(req)
		var ip string
		h.db.Raw(`SELECT ip FROM audit_log WHERE action = 'auth.login_gagal' ORDER BY id DESC LIMIT 1`).Scan(&ip)
		if ip != tc.want {
			t.Errorf("proxies %q: audited ip %q, want %q", tc.proxies, ip, tc.want)
		}
	}
}

// passwordChangeCases are passwords /akun/sandi must refuse outside dev
// mode for the demo pegawai (name and NIP from the seed).
func passwordChangeCases(l demoLoginInfo) map[string]string {
	return map[string]string{
		"too short":         "pendek1",
		"common":            "P@ssw0rd",
		"common decorated":  "Merdeka1945!",
		"demo password":     l.password,
		"NIP inside":        "kopi" + l.nip + "x",
		"repetition":        "Aaaaaaaa",
		"pattern repeated":  "abcabcabc",
		"keyboard walk":     "Asdfghjk",
		"walk with digits":  "zxcvbnm2026",
		"name":              strings.ToUpper(l.word[:1]) + l.word[1:] + "!",
		"name + birth year": l.word + l.nip[:4],
		"leet name + year":  strings.NewReplacer("a", "4", "e", "3", "i", "1", "o", "0").Replace(l.word) + l.nip[:4] + "!",
		"birth date":        l.nip[6:8] + l.nip[4:6] + l.nip[:4] + "ok",
		// From the embedded lists (internal/auth/passwords): in the
		// breached list only, not the curated one.
		"breached":           "Samantha",
		"breached decorated": "Midnight2026!",
		"breached leetspeak": "m3rc3d3s!",
		// Indonesian words and given names (a dictionary, not a leak).
		"Indonesian word":      "Sekarang123",
		"Indonesian word leet": "k3mb4li2026",
		"Indonesian name":      "Ambarita1990!",
	}
}

// nameWord is the first word of 4 letters or more of a name.
func nameWord(t *testing.T, nama string) string {
	for _, w := range strings.FieldsFunc(strings.ToLower(nama), func(r rune) bool { return r < 'a' || r > 'z' }) {
		if len(w) >= 4 {
			return w
		}
	}
	t.Fatalf("no name word in %q", nama)
	return ""
}

type demoLoginInfo struct{ nip, password, nama, word string }

// TestPasswordChangeRouteAppliesPolicy: /akun/sandi (production mode)
// refuses each weak password with 422 at the field and keeps the stored
// hash; a long passphrase is accepted.
func TestPasswordChangeRouteAppliesPolicy(t *testing.T) {
	t.Parallel()
	h := newHarnessEnv(t, map[string]string{"EKINERJA_ENV": "production", "EKINERJA_SECRET": strings.Repeat("p", 40)})
	l := login(t, auth.RolePegawai)
	var nama string
	h.db.Raw(`SELECT p.nama FROM pegawai p JOIN users u ON u.pegawai_id = p.id WHERE u.nip = ?`, l.NIP).Scan(&nama)
	c := h.client()
	if res := c.postForm("/masuk", url.Values{"nip": {l.NIP}, "password": {l.Password}}); res.status != http.StatusSeeOther {
		t.Fatalf("login: %d", res.status)
	}
	hash := func() string {
		var s string
		h.db.Raw(`SELECT password_hash FROM users WHERE nip = ?`, l.NIP).Scan(&s)
		return s
	}
	before := hash()
	for name, pw := range passwordChangeCases(demoLoginInfo{nip: l.NIP, password: l.Password, nama: nama, word: nameWord(t, nama)}) {
		res := c.postForm("/akun/sandi", url.Values{"sandi_lama": {l.Password}, "sandi_baru": {pw}, "sandi_ulang": {pw}})
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "err-sandi_baru") {
			t.Errorf("%s (%q): status %d, want 422 at the field", name, pw, res.status)
		}
	}
	if hash() != before {
		t.Fatal("a refused password was stored")
	}
	const good = "kopi susu di teras rumah"
	if res := c.postForm("/akun/sandi", url.Values{"sandi_lama": {l.Password}, "sandi_baru": {good}, "sandi_ulang": {good}}); res.status != http.StatusSeeOther {
		t.Fatalf("passphrase refused: %d", res.status)
	}
}

// TestAdminOPDNeedsTwoFactorOutsideDev: admin_opd edits bank accounts, so
// in production every route sends them to enrolment until two-factor is
// on; EKINERJA_2FA_ADMIN_OPD=tidak lifts it.
func TestAdminOPDNeedsTwoFactorOutsideDev(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		setting, want string
	}{{"", "/akun/2fa"}, {"tidak", ""}} {
		h := newHarnessEnv(t, map[string]string{"EKINERJA_ENV": "production", "EKINERJA_SECRET": strings.Repeat("a", 40), "EKINERJA_2FA_ADMIN_OPD": tc.setting})
		l := login(t, auth.RoleAdminOPD)
		c := h.client()
		if res := c.postForm("/masuk", url.Values{"nip": {l.NIP}, "password": {l.Password}}); res.status != http.StatusSeeOther {
			t.Fatalf("login: %d", res.status)
		}
		const pw = "sayur asem di dapur ibu"
		if res := c.postForm("/akun/sandi", url.Values{"sandi_lama": {l.Password}, "sandi_baru": {pw}, "sandi_ulang": {pw}}); res.status != http.StatusSeeOther {
			t.Fatalf("change: %d", res.status)
		}
		res := c.get("/pegawai")
		if got := res.header.Get("Location"); got != tc.want {
			t.Errorf("setting %q: /pegawai -> %d %q, want %q", tc.setting, res.status, got, tc.want)
		}
	}
}
