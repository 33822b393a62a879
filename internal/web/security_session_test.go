package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// TestForcedPasswordChangeGuardsEveryRoute: with must_change_password set,
// every route of the table except the change-password page and logout
// sends the person to /akun/sandi; after the change, everything opens.
func TestForcedPasswordChangeGuardsEveryRoute(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	l := login(t, auth.RoleSuperadmin)
	h.db.Exec(`UPDATE users SET must_change_password = true WHERE nip = ?`, l.NIP)
	c := h.as(auth.RoleSuperadmin)
	for _, r := range h.srv.Routes() {
		if r.Perm.Public || forcedStepOpen[r.Method+" "+r.Path] {
			continue
		}
		path := samplePath(t, r.Path)
		var res response
		if r.Method == http.MethodGet {
			res = c.get(path)
		} else {
			req, _ := http.NewRequest(r.Method, h.ts.URL+path, strings.NewReader(url.Values{"csrf_token": {c.csrf()}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res = c.do(req)
		}
		api := strings.HasPrefix(r.Path, "/api/")
		if (api && res.status != http.StatusForbidden) || (!api && (res.status != http.StatusSeeOther || res.header.Get("Location") != "/akun/sandi")) {
			t.Errorf("%s %s during forced change: status %d location %q", r.Method, path, res.status, res.header.Get("Location"))
		}
	}
	page := c.get("/akun/sandi")
	if page.status != http.StatusOK || !strings.Contains(page.body, `id="wajib-ganti"`) {
		t.Fatalf("change page: %d", page.status)
	}
	// Mismatched confirmation and common passwords are refused next to the field.
	for _, tc := range []struct{ next, again, field string }{
		{"kopi susu di teras rumah", "lain", "err-sandi_ulang"},
		{"pendek", "pendek", "err-sandi_baru"},
	} {
		res := c.postForm("/akun/sandi", url.Values{"sandi_lama": {l.Password}, "sandi_baru": {tc.next}, "sandi_ulang": {tc.again}})
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, tc.field) {
			t.Errorf("%q/%q: status %d", tc.next, tc.again, res.status)
		}
	}
	u, _ := url.Parse(h.ts.URL)
	oldCookies := c.http.Jar.Cookies(u)
	res := c.postForm("/akun/sandi", url.Values{"sandi_lama": {l.Password}, "sandi_baru": {"kopi susu di teras rumah"}, "sandi_ulang": {"kopi susu di teras rumah"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("change: %d %s", res.status, res.body)
	}
	if res := c.get("/audit"); res.status != http.StatusOK {
		t.Fatalf("after change, /audit: %d", res.status)
	}
	// The session from before the change is dead (token_version bumped).
	stale := h.client()
	for _, ck := range oldCookies {
		if ck.Name == "ekinerja_sesi" {
			stale.http.Jar.SetCookies(u, []*http.Cookie{ck})
		}
	}
	if res := stale.get("/"); res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/masuk") {
		t.Fatalf("pre-change session still works: %d", res.status)
	}
	if n := h.count(`SELECT count(*) FROM audit_log WHERE action = ?`, auth.ActionPasswordChanged); n != 1 {
		t.Errorf("password change audit rows = %d", n)
	}
}

var keyOnPage = regexp.MustCompile(`id="kunci-2fa">([A-Z2-7]+)<`)

// TestTOTPRequiredForPrivilegedRolesInProduction walks the browser journey
// in production mode: the demo password forces a change, then enrolment is
// forced, then the next login stops at the code step.
func TestTOTPRequiredForPrivilegedRolesInProduction(t *testing.T) {
	t.Parallel()
	h := newHarnessEnv(t, map[string]string{"EKINERJA_ENV": "production", "EKINERJA_SECRET": strings.Repeat("r", 40)})
	l := login(t, auth.RoleVerifikator)
	c := h.client()
	res := c.postForm("/masuk", url.Values{"nip": {l.NIP}, "password": {l.Password}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("login: %d", res.status)
	}
	if res := c.get("/"); res.header.Get("Location") != "/akun/sandi" {
		t.Fatalf("demo password in production: home -> %d %q", res.status, res.header.Get("Location"))
	}
	const pw = "kopi susu di teras rumah"
	if res := c.postForm("/akun/sandi", url.Values{"sandi_lama": {l.Password}, "sandi_baru": {pw}, "sandi_ulang": {pw}}); res.status != http.StatusSeeOther {
		t.Fatalf("change: %d", res.status)
	}
	if res := c.get("/"); res.header.Get("Location") != "/akun/2fa" {
		t.Fatalf("verifikator without 2FA: home -> %d %q", res.status, res.header.Get("Location"))
	}
	page := c.get("/akun/2fa")
	m := keyOnPage.FindStringSubmatch(page.body)
	if m == nil || !strings.Contains(page.body, `id="wajib-2fa"`) {
		t.Fatalf("enrolment page: %d", page.status)
	}
	if qr := c.get("/akun/2fa/qr.png"); qr.status != http.StatusOK || qr.header.Get("Content-Type") != "image/png" || qr.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("QR: %d %q", qr.status, qr.header.Get("Content-Type"))
	}
	done := c.postForm("/akun/2fa", url.Values{"kode": {auth.CodeAt(m[1], time.Now())}})
	if done.status != http.StatusOK || strings.Count(done.body, "<code>") != 10 {
		t.Fatalf("confirm: %d", done.status)
	}
	if res := c.get("/"); res.status != http.StatusOK {
		t.Fatalf("home after enrolment: %d", res.status)
	}
	// Next login: password, then the code step; no session before it.
	c2 := h.client()
	res = c2.postForm("/masuk", url.Values{"nip": {l.NIP}, "password": {pw}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/masuk/kode" {
		t.Fatalf("login with 2FA: %d %q", res.status, res.header.Get("Location"))
	}
	if res := c2.get("/"); res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/masuk") {
		t.Fatalf("half-logged-in client reached home: %d", res.status)
	}
	if res := c2.postForm("/masuk/kode", url.Values{"kode": {"000000"}}); res.status != http.StatusUnauthorized {
		t.Fatalf("wrong code: %d", res.status)
	}
	// The enrolment used the current step; the next step's code (within the
	// one-step drift window) is new, so it is accepted without waiting.
	if res := c2.postForm("/masuk/kode", url.Values{"kode": {auth.CodeAt(m[1], time.Now().Add(30*time.Second))}}); res.status != http.StatusSeeOther {
		t.Fatalf("right code: %d", res.status)
	}
	if res := c2.get("/"); res.status != http.StatusOK {
		t.Fatalf("home after code: %d", res.status)
	}
}

// TestRefreshCookieRenewsAndReuseLogsOut: a browser whose access cookie is
// gone continues on its refresh cookie (rotated); replaying the old refresh
// cookie from elsewhere after the grace window ends the session for both.
func TestRefreshCookieRenewsAndReuseLogsOut(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.as(auth.RolePegawai)
	u, _ := url.Parse(h.ts.URL)
	var oldRefresh *http.Cookie
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "ekinerja_refresh" {
			oldRefresh = ck
		}
	}
	if oldRefresh == nil {
		t.Fatal("no refresh cookie after login")
	}
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: "ekinerja_sesi", Value: "", Path: "/", MaxAge: -1}})
	res := c.get("/")
	if res.status != http.StatusOK {
		t.Fatalf("refresh did not renew: %d", res.status)
	}
	if !strings.Contains(strings.Join(res.header.Values("Set-Cookie"), ";"), "ekinerja_refresh=") {
		t.Fatal("refresh token not rotated")
	}
	// Past the grace window (auth.RefreshGrace) the old token is reuse.
	h.db.Exec(`UPDATE refresh_tokens SET used_at = used_at - interval '1 minute' WHERE used_at IS NOT NULL`)
	thief := h.client()
	thief.http.Jar.SetCookies(u, []*http.Cookie{oldRefresh})
	if res := thief.get("/"); res.status != http.StatusSeeOther {
		t.Fatalf("reused refresh token accepted: %d", res.status)
	}
	if res := c.get("/"); res.status != http.StatusSeeOther {
		t.Fatalf("session survived refresh reuse: %d", res.status)
	}
	if n := h.count(`SELECT count(*) FROM audit_log WHERE action = ?`, auth.ActionRefreshReuse); n != 1 {
		t.Errorf("reuse audit rows = %d", n)
	}
}

// TestRefreshRaceOfOneBrowserIsNotTheft: two page requests of one browser
// whose access cookie expired present the same refresh cookie at the same
// moment. Both are served, both get the same current refresh token (one
// rotation), the session lives on and nothing is audited as reuse.
func TestRefreshRaceOfOneBrowserIsNotTheft(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.as(auth.RolePegawai)
	u, _ := url.Parse(h.ts.URL)
	var refresh *http.Cookie
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "ekinerja_refresh" {
			refresh = ck
		}
	}
	if refresh == nil {
		t.Fatal("no refresh cookie after login")
	}
	const n = 2
	var wg sync.WaitGroup
	res := make([]response, n)
	start := make(chan struct{})
	for i := range n {
		tab := h.client() // one tab: only the refresh cookie, no access cookie
		tab.http.Jar.SetCookies(u, []*http.Cookie{refresh})
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			req, _ := http.NewRequest(http.MethodGet, h.ts.URL+"/", nil)
			r, err := tab.http.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer r.Body.Close()
			res[i] = response{status: r.StatusCode, header: r.Header}
		}()
	}
	// Hold the session row so both requests are waiting before either
	// refreshes: the second must then see the first's rotation.
	hold := h.db.Begin()
	if err := hold.Exec(`SELECT 1 FROM sessions FOR UPDATE`).Error; err != nil {
		t.Fatal(err)
	}
	close(start)
	for i := 0; ; i++ {
		if h.count(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`) >= n {
			break
		}
		if i == 500 {
			hold.Rollback()
			t.Fatal("the two requests never waited for the session lock")
		}
		time.Sleep(10 * time.Millisecond)
	}
	hold.Commit()
	wg.Wait()
	newRefresh := map[string]bool{}
	for i, r := range res {
		if r.status != http.StatusOK {
			t.Fatalf("request %d: status %d (treated as theft?)", i, r.status)
		}
		for _, ck := range (&http.Response{Header: r.header}).Cookies() {
			if ck.Name == "ekinerja_refresh" {
				newRefresh[ck.Value] = true
			}
		}
	}
	if len(newRefresh) != 1 || newRefresh[refresh.Value] {
		t.Errorf("want both answered with the one rotated token, got %d distinct", len(newRefresh))
	}
	if n := h.count(`SELECT count(*) FROM audit_log WHERE action = ?`, auth.ActionRefreshReuse); n != 0 {
		t.Errorf("reuse audit rows = %d", n)
	}
	if n := h.count(`SELECT count(*) FROM sessions WHERE revoked_at IS NOT NULL`); n != 0 {
		t.Errorf("revoked sessions = %d", n)
	}
	if n := h.count(`SELECT count(*) FROM refresh_tokens`); n != 2 {
		t.Errorf("refresh tokens = %d, want 2 (one rotation)", n)
	}
	if r := c.get("/"); r.status != http.StatusOK {
		t.Errorf("original tab after the race: %d", r.status)
	}
}
