package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// recoveryOnPage finds the recovery codes a page shows.
var recoveryOnPage = regexp.MustCompile(`<code>([a-z2-7]{5}-[a-z2-7]{5})</code>`)

// fakeClock is a settable clock for the auth service, so one test can use
// several TOTP codes without waiting for the next 30-second step.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (f *fakeClock) Now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now }

// step moves the clock one TOTP step on and returns that time.
func (f *fakeClock) step() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(30 * time.Second)
	return f.now
}

// enrolTOTP logs l in on a production harness, changes the demo password to
// pw, enrols two-factor and returns the client, the secret and the codes.
func enrolTOTP(t *testing.T, h *harness, clk *fakeClock, role auth.Role, pw string) (*client, string, []string) {
	t.Helper()
	l := login(t, role)
	c := h.client()
	if res := c.postForm("/masuk", url.Values{"nip": {l.NIP}, "password": {l.Password}}); res.status != http.StatusSeeOther {
		t.Fatalf("login %s: %d", role, res.status)
	}
	if res := c.postForm("/akun/sandi", url.Values{"sandi_lama": {l.Password}, "sandi_baru": {pw}, "sandi_ulang": {pw}}); res.status != http.StatusSeeOther {
		t.Fatalf("change password %s: %d", role, res.status)
	}
	m := keyOnPage.FindStringSubmatch(c.get("/akun/2fa").body)
	if m == nil {
		t.Fatalf("%s: no enrolment key", role)
	}
	done := c.postForm("/akun/2fa", url.Values{"kode": {auth.CodeAt(m[1], clk.step())}})
	codes := recoveryOnPage.FindAllStringSubmatch(done.body, -1)
	if done.status != http.StatusOK || len(codes) != 10 {
		t.Fatalf("%s: confirm %d, %d codes", role, done.status, len(codes))
	}
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = c[1]
	}
	return c, m[1], out
}

// TestTwoFactorManagement: with two-factor on, a person can make new
// recovery codes (the old ones stop working, the new ones are shown once),
// enrol a new phone (the old secret works until the new one is confirmed),
// and turn two-factor off with password and a current code, unless a role
// they hold requires it. Each is audited, CSRF-protected, and a wrong
// password or code changes nothing.
func TestTwoFactorManagement(t *testing.T) {
	t.Parallel()
	h := newHarnessEnv(t, map[string]string{"EKINERJA_ENV": "production", "EKINERJA_SECRET": strings.Repeat("m", 40)})
	clk := &fakeClock{now: time.Now()}
	h.srv.auth.SetClock(clk.Now)
	ctx := context.Background()
	const pw = "teh manis di beranda sore"
	l := login(t, auth.RolePegawai)
	c, secret, codes := enrolTOTP(t, h, clk, auth.RolePegawai, pw)
	audited := func(action string) int64 {
		return h.count(`SELECT count(*) FROM audit_log WHERE action = ?`, action)
	}
	loginWith := func(otp string) error {
		_, err := h.srv.auth.Login(ctx, auth.LoginRequest{NIP: l.NIP, Password: pw, OTP: otp, IP: "192.0.2.9"})
		return err
	}

	page := c.get("/akun/2fa")
	for _, id := range []string{`id="form-pemulihan"`, `id="form-ganti"`, `id="form-nonaktif"`} {
		if !strings.Contains(page.body, id) {
			t.Errorf("management page lacks %s", id)
		}
	}
	// CSRF on every management form.
	for _, path := range []string{"/akun/2fa/pemulihan", "/akun/2fa/ganti", "/akun/2fa/nonaktif"} {
		if res := c.postRaw(path, url.Values{"sandi": {pw}, "kode": {auth.CodeAt(secret, clk.Now())}}); res.status != http.StatusForbidden {
			t.Errorf("%s without CSRF token: %d", path, res.status)
		}
	}

	// New recovery codes.
	if res := c.postForm("/akun/2fa/pemulihan", url.Values{"kode": {"000000"}}); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="err-kode"`) {
		t.Fatalf("regenerate with a wrong code: %d", res.status)
	}
	if res := c.postForm("/akun/2fa/pemulihan", url.Values{"kode": {codes[0]}}); res.status != http.StatusUnprocessableEntity {
		t.Fatalf("regenerate with a recovery code: %d", res.status)
	}
	if audited(auth.ActionRecoveryRegenerate) != 0 {
		t.Fatal("refused regeneration audited as done")
	}
	res := c.postForm("/akun/2fa/pemulihan", url.Values{"kode": {auth.CodeAt(secret, clk.step())}})
	fresh := recoveryOnPage.FindAllStringSubmatch(res.body, -1)
	if res.status != http.StatusOK || len(fresh) != 10 || !strings.Contains(res.body, "Kode lama tidak berlaku") {
		t.Fatalf("regenerate: %d, %d codes", res.status, len(fresh))
	}
	if audited(auth.ActionRecoveryRegenerate) != 1 {
		t.Error("regeneration not audited")
	}
	if strings.Contains(c.get("/akun/2fa").body, fresh[0][1]) {
		t.Error("new recovery codes shown a second time")
	}
	if err := loginWith(codes[1]); err == nil {
		t.Error("old recovery code still works after regeneration")
	}
	if err := loginWith(fresh[0][1]); err != nil {
		t.Errorf("new recovery code refused: %v", err)
	}

	// A new phone.
	if res := c.postForm("/akun/2fa/ganti", url.Values{"sandi": {"salah sekali kata sandinya"}, "kode": {auth.CodeAt(secret, clk.step())}}); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="err-sandi"`) {
		t.Fatalf("re-enrol with a wrong password: %d", res.status)
	}
	if res := c.postForm("/akun/2fa/ganti", url.Values{"sandi": {pw}, "kode": {auth.CodeAt(secret, clk.step())}}); res.status != http.StatusSeeOther {
		t.Fatalf("re-enrol: %d", res.status)
	}
	if audited(auth.ActionTOTPReenrol) != 1 {
		t.Error("re-enrolment start not audited")
	}
	page = c.get("/akun/2fa")
	m := keyOnPage.FindStringSubmatch(page.body)
	if m == nil || m[1] == secret || !strings.Contains(page.body, `id="ganti-2fa"`) {
		t.Fatalf("re-enrolment page shows no new key")
	}
	if qr := c.get("/akun/2fa/qr.png"); qr.status != http.StatusOK {
		t.Errorf("QR of the new key: %d", qr.status)
	}
	if err := loginWith(auth.CodeAt(secret, clk.step())); err != nil {
		t.Errorf("old secret refused before the new one is confirmed: %v", err)
	}
	newSecret := m[1]
	if res := c.postForm("/akun/2fa", url.Values{"kode": {auth.CodeAt(newSecret, clk.step())}}); res.status != http.StatusOK || len(recoveryOnPage.FindAllString(res.body, -1)) != 10 {
		t.Fatalf("confirm new key: %d", res.status)
	}
	if err := loginWith(auth.CodeAt(secret, clk.step())); err == nil {
		t.Error("old secret still works after the new one was confirmed")
	}
	if err := loginWith(auth.CodeAt(newSecret, clk.step())); err != nil {
		t.Errorf("new secret refused: %v", err)
	}
	secret = newSecret

	// Turning it off.
	used := auth.CodeAt(secret, clk.Now()) // accepted by the last login
	for _, tc := range []struct {
		name string
		form url.Values
	}{
		{"replayed code", url.Values{"sandi": {pw}, "kode": {used}}},
		{"wrong password", url.Values{"sandi": {"salah sekali kata sandinya"}, "kode": {auth.CodeAt(secret, clk.step())}}},
		{"no code", url.Values{"sandi": {pw}}},
	} {
		if res := c.postForm("/akun/2fa/nonaktif", tc.form); res.status != http.StatusUnprocessableEntity {
			t.Errorf("disable with %s: %d", tc.name, res.status)
		}
	}
	if audited(auth.ActionTOTPDisabled) != 0 || h.count(`SELECT count(*) FROM users WHERE nip = ? AND totp_enabled_at IS NOT NULL`, l.NIP) != 1 {
		t.Fatal("refused disable changed something")
	}
	if res := c.postForm("/akun/2fa/nonaktif", url.Values{"sandi": {pw}, "kode": {auth.CodeAt(secret, clk.step())}}); res.status != http.StatusSeeOther {
		t.Fatalf("disable: %d", res.status)
	}
	if h.count(`SELECT count(*) FROM users WHERE nip = ? AND (totp_enabled_at IS NOT NULL OR totp_secret_enc IS NOT NULL)`, l.NIP) != 0 ||
		h.count(`SELECT count(*) FROM recovery_codes r JOIN users u ON u.id = r.user_id WHERE u.nip = ?`, l.NIP) != 0 {
		t.Error("secret or recovery codes kept after disabling")
	}
	if audited(auth.ActionTOTPDisabled) != 1 {
		t.Error("disable not audited")
	}
	if res := c.postForm("/akun/2fa/nonaktif", url.Values{"sandi": {pw}, "kode": {auth.CodeAt(secret, clk.step())}}); res.status != http.StatusConflict {
		t.Errorf("second disable: %d, want 409", res.status)
	}
	if res, err := h.srv.auth.Login(ctx, auth.LoginRequest{NIP: l.NIP, Password: pw, IP: "192.0.2.9"}); err != nil || res.Challenge != "" {
		t.Errorf("login after disabling still asks for a code: %v", err)
	}

	// A role that requires two-factor cannot turn it off.
	v, vsecret, _ := enrolTOTP(t, h, clk, auth.RoleVerifikator, pw)
	if body := v.get("/akun/2fa").body; strings.Contains(body, `id="form-nonaktif"`) || !strings.Contains(body, `id="nonaktif-dilarang"`) {
		t.Error("verifikator is offered to turn two-factor off")
	}
	if res := v.postForm("/akun/2fa/nonaktif", url.Values{"sandi": {pw}, "kode": {auth.CodeAt(vsecret, clk.step())}}); res.status != http.StatusForbidden {
		t.Errorf("verifikator disable: %d, want 403", res.status)
	}
	if h.count(`SELECT count(*) FROM users WHERE nip = ? AND totp_enabled_at IS NOT NULL`, login(t, auth.RoleVerifikator).NIP) != 1 {
		t.Error("verifikator's two-factor was turned off")
	}
}
