package auth_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/demo"
	"github.com/ekinerja/ekinerja/internal/testdb"
)

var fast = auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

const secret = "rahasia-uji-yang-panjangnya-lebih-dari-32-karakter"

// fixture is a production-mode service over a seeded database, with a
// settable clock and a recorder instead of real sleeping.
type fixture struct {
	db     *gorm.DB
	svc    *auth.Service
	now    time.Time
	mu     sync.Mutex
	sleeps []time.Duration
}

func newFixture(t *testing.T, dev bool) *fixture {
	t.Helper()
	db := testdb.New(t)
	h := auth.NewHasher(fast, 2)
	if _, err := demo.Seed(context.Background(), db, h); err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, now: time.Now()}
	tokens := auth.NewTokens(secret)
	tokens.Now = func() time.Time { return f.clock() }
	f.svc = auth.NewService(db, h, tokens, 30*time.Minute, 8*time.Hour)
	var banned []string
	for _, l := range demo.Logins() {
		banned = append(banned, l.Password)
	}
	f.svc.Configure(auth.Options{Dev: dev, BannedPasswords: banned, Secret: secret})
	f.svc.SetClock(f.clock)
	f.svc.SetSleep(func(_ context.Context, d time.Duration) error {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.sleeps = append(f.sleeps, d)
		return nil
	})
	return f
}

func (f *fixture) clock() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now }
func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

func demoLogin(t *testing.T, r auth.Role) demo.Login {
	for _, l := range demo.Logins() {
		if l.Role == r {
			return l
		}
	}
	t.Fatalf("no demo %s", r)
	return demo.Login{}
}

func req(l demo.Login) auth.LoginRequest {
	return auth.LoginRequest{NIP: l.NIP, Password: l.Password, IP: "203.0.113.7"}
}

func TestDefaultArgon2FollowsOWASP(t *testing.T) {
	t.Parallel()
	p := auth.DefaultArgon2
	if p.MemoryKiB < 19*1024 || p.Time < 2 || p.Threads < 1 {
		t.Fatalf("argon2id parameters below OWASP minimum: %+v", p)
	}
	h := auth.NewHasher(fast, 1)
	enc, err := h.Hash(context.Background(), "kuda-lari-di-sawah")
	if err != nil || !strings.HasPrefix(enc, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("PHC string %q (%v)", enc, err)
	}
	stronger := auth.NewHasher(auth.Argon2Params{MemoryKiB: 128, Time: 2, Threads: 1, KeyLen: 32, SaltLen: 16}, 1)
	ok, rehash, err := stronger.Verify(context.Background(), enc, "kuda-lari-di-sawah")
	if !ok || !rehash || err != nil {
		t.Fatalf("verify with newer parameters: ok=%v rehash=%v err=%v", ok, rehash, err)
	}
}

func TestHasherCapsConcurrentHashes(t *testing.T) {
	t.Parallel()
	// One slot, and a hash slow enough (64 MiB, t=3) to hold it: a second
	// hash must wait for the slot, not allocate a second buffer, and gives
	// up when its request's context ends.
	h := auth.NewHasher(auth.Argon2Params{MemoryKiB: 64 * 1024, Time: 3, Threads: 1, KeyLen: 32, SaltLen: 16}, 1)
	started := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		close(started)
		_, _ = h.Hash(context.Background(), "pertama")
	}()
	<-started
	time.Sleep(5 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Millisecond)
	defer cancel()
	if _, err := h.Hash(ctx, "kedua"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second concurrent hash: %v, want it to wait for the slot", err)
	}
	wg.Wait()
}

func TestPasswordPolicy(t *testing.T) {
	t.Parallel()
	prod := auth.PasswordPolicy{Banned: []string{"Pegawai!Demo2026"}}
	dev := auth.PasswordPolicy{Dev: true, Banned: prod.Banned}
	nip := "198503122010011001"
	cases := []struct {
		pw      string
		policy  auth.PasswordPolicy
		wantErr string
	}{
		{"pendek", prod, "minimal 8"},
		{strings.Repeat("a", 129), prod, "maksimal 128"},
		{strings.Repeat("kuda sawah ", 11) + "pagi", prod, ""}, // 125 characters: long passphrases are fine
		{"Pegawai!Demo2026", prod, "demo"},
		{"pegawai!demo2026", prod, "demo"},
		{"Pegawai!Demo2026", dev, ""},
		{"password", prod, "terlalu umum"},
		{"P@ssw0rd", prod, "terlalu umum"},
		{"Merdeka1945!", prod, "terlalu umum"},
		{"bismillah123", prod, "terlalu umum"},
		{"Jakarta2026", prod, "terlalu umum"},
		{"12345678", prod, "terlalu umum"},
		{"qwertyuiop", prod, "terlalu umum"},
		{"password", dev, ""},
		{"x" + nip, prod, "NIP"},
		{"zzzzzzzzzz", prod, "diulang"},
		{"kopi susu di teras rumah", prod, ""},
		{"Gunung-Rinjani-Berkabut-7", prod, ""},
	}
	for _, tc := range cases {
		err := tc.policy.Check("sandi", tc.pw, nip)
		var ve *apperr.ValidationError
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%q refused: %v", tc.pw, err)
		case tc.wantErr != "" && (!errors.As(err, &ve) || !strings.Contains(ve.Fields["sandi"], tc.wantErr)):
			t.Errorf("%q: error %v, want one mentioning %q", tc.pw, err, tc.wantErr)
		}
	}
	if n := auth.CommonPasswordCount(); n < 59000 {
		t.Errorf("common password list has %d entries", n)
	}
}

func TestProgressiveDelayThenTemporaryLock(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	ctx := context.Background()
	l := demoLogin(t, auth.RolePegawai)
	bad := req(l)
	bad.Password = "salah-sekali-bukan-ini"
	for i := 0; i < 5; i++ {
		if _, err := f.svc.Login(ctx, bad); !errors.Is(err, auth.ErrBadCredentials) {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	want := []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second}
	if len(f.sleeps) != len(want) {
		t.Fatalf("delays %v, want %v", f.sleeps, want)
	}
	for i := range want {
		if f.sleeps[i] != want[i] {
			t.Fatalf("delays %v, want %v", f.sleeps, want)
		}
	}
	if auth.ProgressiveDelay(50) != 4*time.Second {
		t.Error("delay is not capped at 4s")
	}
	// Locked now, even with the right password...
	if _, err := f.svc.Login(ctx, req(l)); !errors.Is(err, auth.ErrLocked) {
		t.Fatalf("after 5 failures: %v", err)
	}
	// ...and the lock expires by itself.
	f.db.Exec(`UPDATE login_throttle SET locked_until = now() - interval '1 second'`)
	if _, err := f.svc.Login(ctx, req(l)); err != nil {
		t.Fatalf("after the lock expired: %v", err)
	}
}

func TestDemoPasswordForcesChangeOutsideDev(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	ctx := context.Background()
	l := demoLogin(t, auth.RolePegawai)
	res, err := f.svc.Login(ctx, req(l))
	if err != nil {
		t.Fatal(err)
	}
	if !res.Principal.MustChangePassword {
		t.Fatal("a demo password outside dev mode did not force a change")
	}
	// Changing to another demo or common password is refused.
	for _, pw := range []string{demoLogin(t, auth.RoleAtasan).Password, "password123", "pendek"} {
		if _, err := f.svc.ChangePassword(ctx, res.Principal, l.Password, pw, "203.0.113.7", ""); err == nil {
			t.Errorf("changed to %q", pw)
		}
	}
	// A wrong current password is refused.
	if _, err := f.svc.ChangePassword(ctx, res.Principal, "bukan-sandi-lama", "kopi susu di teras rumah", "203.0.113.7", ""); err == nil {
		t.Error("changed without the current password")
	}
	next, err := f.svc.ChangePassword(ctx, res.Principal, l.Password, "kopi susu di teras rumah", "203.0.113.7", "")
	if err != nil {
		t.Fatal(err)
	}
	if next.Principal.MustChangePassword || next.Principal.TokenVersion != res.Principal.TokenVersion+1 {
		t.Fatalf("after change: %+v", next.Principal)
	}
	// The old token is dead everywhere; the re-issued one works.
	if _, err := f.svc.Authenticate(ctx, res.Token); err == nil {
		t.Error("old token still valid after password change")
	}
	if _, err := f.svc.Authenticate(ctx, next.Token); err != nil {
		t.Errorf("new token refused: %v", err)
	}
	// A reset forces a change at the next login.
	admin, _ := f.svc.Login(ctx, req(demoLogin(t, auth.RoleAdminOPD)))
	if err := f.svc.ResetPassword(ctx, admin.Principal, res.Principal.UserID, "sementara-sekali-saja-9", "203.0.113.8"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Authenticate(ctx, next.Token); err == nil {
		t.Error("token survived a reset")
	}
	again, err := f.svc.Login(ctx, auth.LoginRequest{NIP: l.NIP, Password: "sementara-sekali-saja-9", IP: "203.0.113.7"})
	if err != nil || !again.Principal.MustChangePassword {
		t.Fatalf("login after reset: %v %+v", err, again)
	}
}

func TestTOTPEnrolmentAndLogin(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	ctx := context.Background()
	l := demoLogin(t, auth.RoleAtasan)
	first, err := f.svc.Login(ctx, req(l))
	if err != nil {
		t.Fatal(err)
	}
	if !first.Principal.NeedsTOTPEnrolment {
		t.Fatal("atasan outside dev mode is not required to enrol")
	}
	p := first.Principal
	en, err := f.svc.BeginEnrolment(ctx, p)
	if err != nil || len(en.QRPNG) < 100 || !strings.HasPrefix(string(en.QRPNG[1:4]), "PNG") {
		t.Fatalf("enrolment: %v", err)
	}
	// The secret is encrypted at rest.
	var stored []byte
	f.db.Raw(`SELECT totp_pending_enc FROM users WHERE id = ?`, p.UserID).Row().Scan(&stored)
	if len(stored) == 0 || strings.Contains(string(stored), en.Secret) {
		t.Fatal("pending TOTP secret stored in clear")
	}
	if _, err := f.svc.ConfirmEnrolment(ctx, p, "000000", "203.0.113.7"); err == nil {
		t.Fatal("wrong code confirmed enrolment")
	}
	codes, err := f.svc.ConfirmEnrolment(ctx, p, auth.CodeAt(en.Secret, f.clock()), "203.0.113.7")
	if err != nil || len(codes) != 10 {
		t.Fatalf("confirm: %v (%d codes)", err, len(codes))
	}
	var hashes []string
	f.db.Raw(`SELECT code_hash FROM recovery_codes WHERE user_id = ?`, p.UserID).Scan(&hashes)
	for _, h := range hashes {
		for _, c := range codes {
			if strings.Contains(h, c) {
				t.Fatal("recovery code stored in clear")
			}
		}
	}
	// Ciphertext moved to another user does not decrypt there.
	f.db.Exec(`UPDATE users SET totp_secret_enc = (SELECT totp_secret_enc FROM users WHERE id = ?), totp_enabled_at = now() WHERE nip = ?`, p.UserID, demoLogin(t, auth.RoleVerifikator).NIP)
	vres, err := f.svc.Login(ctx, req(demoLogin(t, auth.RoleVerifikator)))
	if err != nil || vres.Challenge == "" {
		t.Fatalf("verifikator login: %v", err)
	}
	if _, err := f.svc.CompleteLogin(ctx, vres.Challenge, auth.CodeAt(en.Secret, f.clock().Add(30*time.Second)), "203.0.113.9", ""); err == nil {
		t.Fatal("a secret copied to another user's row worked")
	}

	// Now login stops at the second step.
	res, err := f.svc.Login(ctx, req(l))
	if err != nil || res.Challenge == "" || res.Token != "" {
		t.Fatalf("login with 2FA on: %v %+v", err, res)
	}
	// The code already used for enrolment (same time step) is refused.
	if _, err := f.svc.CompleteLogin(ctx, res.Challenge, auth.CodeAt(en.Secret, f.clock()), "203.0.113.7", ""); !errors.Is(err, auth.ErrBadCode) {
		t.Fatalf("replayed code: %v", err)
	}
	f.advance(30 * time.Second)
	code := auth.CodeAt(en.Secret, f.clock())
	done, err := f.svc.CompleteLogin(ctx, res.Challenge, code, "203.0.113.7", "")
	if err != nil || done.Token == "" || done.Principal.NeedsTOTPEnrolment {
		t.Fatalf("complete login: %v", err)
	}
	// A challenge is single-use, and the same code cannot open a second login.
	if _, err := f.svc.CompleteLogin(ctx, res.Challenge, code, "203.0.113.7", ""); err == nil {
		t.Fatal("challenge reused")
	}
	res2, _ := f.svc.Login(ctx, req(l))
	if _, err := f.svc.CompleteLogin(ctx, res2.Challenge, code, "203.0.113.7", ""); !errors.Is(err, auth.ErrBadCode) {
		t.Fatalf("same code twice: %v", err)
	}
	// A recovery code works once.
	if _, err := f.svc.CompleteLogin(ctx, res2.Challenge, strings.ToUpper(codes[0]), "203.0.113.7", ""); err != nil {
		t.Fatalf("recovery code: %v", err)
	}
	res3, _ := f.svc.Login(ctx, req(l))
	if _, err := f.svc.CompleteLogin(ctx, res3.Challenge, codes[0], "203.0.113.7", ""); !errors.Is(err, auth.ErrBadCode) {
		t.Fatalf("recovery code reused: %v", err)
	}
	// Wrong codes: progressive delay, then a per-account lock.
	f.sleeps = nil
	var last error
	for i := 0; i < 6; i++ {
		_, last = f.svc.CompleteLogin(ctx, res3.Challenge, "123456", "203.0.113.7", "")
	}
	if !errors.Is(last, auth.ErrCodeLocked) {
		t.Fatalf("after many wrong codes: %v", last)
	}
	if len(f.sleeps) == 0 {
		t.Error("no progressive delay on wrong codes")
	}
	// API clients send the code with the password.
	f.db.Exec(`DELETE FROM login_throttle`)
	f.advance(30 * time.Second)
	api := req(l)
	api.OTP = auth.CodeAt(en.Secret, f.clock())
	if r, err := f.svc.Login(ctx, api); err != nil || r.Token == "" {
		t.Fatalf("API login with otp: %v", err)
	}
}

func TestTOTPOptionalInDevMode(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	res, err := f.svc.Login(context.Background(), req(demoLogin(t, auth.RoleSuperadmin)))
	if err != nil || res.Principal.NeedsTOTPEnrolment || res.Principal.MustChangePassword {
		t.Fatalf("dev mode demo login: %v %+v", err, res.Principal)
	}
}

func TestRefreshRotationAndReuseDetection(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	ctx := context.Background()
	res, err := f.svc.Login(ctx, req(demoLogin(t, auth.RolePegawai)))
	if err != nil || res.Refresh == "" {
		t.Fatalf("login: %v", err)
	}
	var stored int64
	f.db.Raw(`SELECT count(*) FROM refresh_tokens WHERE token_hash = ?`, res.Refresh).Scan(&stored)
	if stored != 0 {
		t.Fatal("refresh token stored in clear")
	}
	r2, err := f.svc.Refresh(ctx, res.Refresh, "203.0.113.7")
	if err != nil || r2.Refresh == res.Refresh || r2.Token == "" {
		t.Fatalf("rotate: %v", err)
	}
	r3, err := f.svc.Refresh(ctx, r2.Refresh, "203.0.113.7")
	if err != nil {
		t.Fatalf("second rotation: %v", err)
	}
	// The first token again: reuse. The whole family dies.
	if _, err := f.svc.Refresh(ctx, res.Refresh, "198.51.100.1"); !errors.Is(err, auth.ErrSessionInvalid) {
		t.Fatalf("reuse: %v", err)
	}
	if _, err := f.svc.Refresh(ctx, r3.Refresh, "203.0.113.7"); err == nil {
		t.Fatal("newest refresh token survived reuse detection")
	}
	if _, err := f.svc.Authenticate(ctx, r3.Token); err == nil {
		t.Fatal("access token survived reuse detection")
	}
	var n int64
	f.db.Raw(`SELECT count(*) FROM audit_log WHERE action = ?`, auth.ActionRefreshReuse).Scan(&n)
	if n != 1 {
		t.Errorf("reuse audit rows = %d", n)
	}
	// Idle and absolute limits bound refreshing.
	res, _ = f.svc.Login(ctx, req(demoLogin(t, auth.RolePegawai)))
	f.advance(31 * time.Minute)
	if _, err := f.svc.Refresh(ctx, res.Refresh, "203.0.113.7"); err == nil {
		t.Fatal("refresh after the idle limit")
	}
	res, _ = f.svc.Login(ctx, req(demoLogin(t, auth.RolePegawai)))
	f.db.Exec(`UPDATE sessions SET expires_at = now() - interval '1 second'`)
	if _, err := f.svc.Refresh(ctx, res.Refresh, "203.0.113.7"); err == nil {
		t.Fatal("refresh after the absolute limit")
	}
}

func TestRoleChangeOrDisableRevokesTokens(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	ctx := context.Background()
	for _, change := range []string{
		`INSERT INTO user_roles (user_id, role) VALUES (?, 'verifikator')`,
		`UPDATE users SET disabled = true WHERE id = ?`,
	} {
		f.db.Exec(`UPDATE users SET disabled = false`)
		res, err := f.svc.Login(ctx, req(demoLogin(t, auth.RolePegawai)))
		if err != nil {
			t.Fatal(err)
		}
		err = f.db.Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec(change, res.Principal.UserID).Error; err != nil {
				return err
			}
			return auth.RevokeUser(ctx, tx, res.Principal.UserID)
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Authenticate(ctx, res.Token); err == nil {
			t.Errorf("%s: token still valid", change)
		}
		if _, err := f.svc.Refresh(ctx, res.Refresh, "203.0.113.7"); err == nil {
			t.Errorf("%s: refresh token still valid", change)
		}
	}
}

// TestRefreshGraceWindow: the immediately previous refresh token is
// accepted once more within RefreshGrace and answered with the token it was
// already rotated to (no second rotation, no revocation, no audit row);
// after the window, a second time, or for an older token, it is reuse: the
// family is revoked and audited. Two simultaneous refreshes both succeed.
func TestRefreshGraceWindow(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	ctx := context.Background()
	reuses := func() int64 {
		var n int64
		f.db.Raw(`SELECT count(*) FROM audit_log WHERE action = ?`, auth.ActionRefreshReuse).Scan(&n)
		return n
	}
	fresh := func() *auth.LoginResult {
		res, err := f.svc.Login(ctx, req(demoLogin(t, auth.RolePegawai)))
		if err != nil {
			t.Fatal(err)
		}
		return res
	}

	t.Run("simultaneous", func(t *testing.T) {
		a := fresh()
		// Hold the session row so both refreshes are waiting before either
		// runs: the second must then see the first's rotation.
		hold := f.db.Begin()
		if err := hold.Exec(`SELECT 1 FROM sessions WHERE id = ? FOR UPDATE`, a.Principal.SessionID).Error; err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		got := make([]*auth.LoginResult, 2)
		errs := make([]error, 2)
		for i := range 2 {
			wg.Add(1)
			go func() { defer wg.Done(); got[i], errs[i] = f.svc.Refresh(ctx, a.Refresh, "203.0.113.7") }()
		}
		waitForLockWaiters(t, f.db, 2)
		hold.Commit()
		wg.Wait()
		for i := range 2 {
			if errs[i] != nil {
				t.Fatalf("request %d: %v", i, errs[i])
			}
		}
		if got[0].Refresh != got[1].Refresh || got[0].Refresh == a.Refresh {
			t.Fatal("second request rotated again instead of receiving the current token")
		}
		var n int64
		f.db.Raw(`SELECT count(*) FROM refresh_tokens WHERE session_id = ?`, a.Principal.SessionID).Scan(&n)
		if n != 2 {
			t.Errorf("refresh tokens in the family = %d, want 2 (one rotation)", n)
		}
		for i := range 2 {
			if _, err := f.svc.Authenticate(ctx, got[i].Token); err != nil {
				t.Errorf("access token %d: %v", i, err)
			}
		}
		if reuses() != 0 {
			t.Fatal("simultaneous refresh audited as reuse")
		}
		// The family goes on from the current token.
		if _, err := f.svc.Refresh(ctx, got[0].Refresh, "203.0.113.7"); err != nil {
			t.Fatalf("current token after the grace: %v", err)
		}
	})

	t.Run("grace is spent after one use", func(t *testing.T) {
		a := fresh()
		b, err := f.svc.Refresh(ctx, a.Refresh, "203.0.113.7")
		if err != nil {
			t.Fatal(err)
		}
		if g, err := f.svc.Refresh(ctx, a.Refresh, "203.0.113.7"); err != nil || g.Refresh != b.Refresh {
			t.Fatalf("grace: %v", err)
		}
		before := reuses()
		if _, err := f.svc.Refresh(ctx, a.Refresh, "198.51.100.1"); !errors.Is(err, auth.ErrSessionInvalid) {
			t.Fatalf("third use: %v", err)
		}
		if reuses() != before+1 {
			t.Error("third use not audited")
		}
		if _, err := f.svc.Refresh(ctx, b.Refresh, "203.0.113.7"); err == nil {
			t.Error("family survived the third use")
		}
	})

	t.Run("after the window", func(t *testing.T) {
		a := fresh()
		b, err := f.svc.Refresh(ctx, a.Refresh, "203.0.113.7")
		if err != nil {
			t.Fatal(err)
		}
		f.advance(auth.RefreshGrace + time.Second)
		before := reuses()
		if _, err := f.svc.Refresh(ctx, a.Refresh, "198.51.100.1"); !errors.Is(err, auth.ErrSessionInvalid) {
			t.Fatalf("late reuse: %v", err)
		}
		if reuses() != before+1 {
			t.Error("late reuse not audited")
		}
		if _, err := f.svc.Authenticate(ctx, b.Token); err == nil {
			t.Error("access token survived late reuse")
		}
	})

	t.Run("older token", func(t *testing.T) {
		a := fresh()
		b, err := f.svc.Refresh(ctx, a.Refresh, "203.0.113.7")
		if err != nil {
			t.Fatal(err)
		}
		c, err := f.svc.Refresh(ctx, b.Refresh, "203.0.113.7")
		if err != nil {
			t.Fatal(err)
		}
		before := reuses()
		if _, err := f.svc.Refresh(ctx, a.Refresh, "198.51.100.1"); !errors.Is(err, auth.ErrSessionInvalid) {
			t.Fatalf("older token within the window: %v", err)
		}
		if reuses() != before+1 {
			t.Error("older token reuse not audited")
		}
		if _, err := f.svc.Refresh(ctx, c.Refresh, "203.0.113.7"); err == nil {
			t.Error("family survived reuse of an older token")
		}
		var sealed int64
		f.db.Raw(`SELECT count(*) FROM refresh_tokens WHERE session_id = ? AND next_enc IS NOT NULL`, a.Principal.SessionID).Scan(&sealed)
		if sealed != 0 {
			t.Errorf("%d sealed successors kept after revocation", sealed)
		}
	})
}

// waitForLockWaiters waits until n backends are waiting for a lock.
func waitForLockWaiters(t *testing.T, db *gorm.DB, n int64) {
	t.Helper()
	for range 200 {
		var w int64
		db.Raw(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&w)
		if w >= n {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("fewer than %d requests waiting for the session lock", n)
}
