// Package auth holds passwords, access tokens, sessions, roles and login
// throttling: who a request comes from and what that person holds.
package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/audit"
)

// Throttle limits (SECURITY.md 6.1.1). Password attempts are counted
// before the password is verified, atomically (one upsert returning the
// count), so a burst of concurrent guesses gets at most the limit
// evaluated; the count includes the attempt itself.
//
//   - pairAttempts per (NIP, source address) in throttleWindow: the
//     guesser's own lock. It never reaches the owner at another address.
//   - accountAttempts per NIP from all addresses (slower): a distributed
//     guesser. An account with two-factor passes it with the right
//     password (then the code step, which has its own throttle), so
//     anyone who can print an NIP cannot keep its owner out.
//   - ipAccounts distinct accounts failing from one address (a password
//     spray): one attacker guessing one account behind an office NAT
//     locks only that pair, never the office. Two-factor accounts pass
//     this lock too.
//
// Every lock expires after throttleLock.
const (
	pairAttempts    = 5
	accountAttempts = 20
	ipAccounts      = 20
	throttleWindow  = 15 * time.Minute
	throttleLock    = 15 * time.Minute
	// MaxNIPLength bounds the NIP a login accepts before any counter or
	// query (an NIP is 18 digits).
	MaxNIPLength = 64
)

// The code step and the two-factor management forms count failures with
// fail/locked: per account and per address.
const (
	accountFailures = 5
	ipFailures      = 30
)

// Errors a login can end in.
var (
	// ErrBadCredentials is the one answer for an unknown NIP, a wrong
	// password and a disabled account, so none can be told apart.
	ErrBadCredentials = apperr.New(apperr.ErrUnauthorized, "NIP atau kata sandi salah.")
	// ErrLocked means too many recent failures for this account or address.
	ErrLocked = apperr.New(apperr.ErrUnauthorized, "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam 15 menit.")
	// ErrSessionInvalid means the session was revoked, expired, or never existed.
	ErrSessionInvalid = apperr.New(apperr.ErrUnauthorized, "Sesi Anda telah berakhir. Silakan masuk kembali.")
)

// Service logs people in and out and authenticates requests.
type Service struct {
	db          *gorm.DB
	hasher      *Hasher
	tokens      *Tokens
	idle        time.Duration
	max         time.Duration
	now         func() time.Time
	sleep       func(context.Context, time.Duration) error
	opts        Options
	sealer      sealer
	refreshSeal sealer
	// prevSealer and prevRecoveryKey come from EKINERJA_SECRET_PREVIOUS
	// (nil without one).
	prevSealer      *sealer
	prevRecoveryKey []byte
	recoveryKey     []byte
}

// Options are the deployment-dependent settings of the service.
type Options struct {
	// Dev relaxes what would lock demo logins out: the common-password list
	// and mandatory two-factor. Never set in production.
	Dev bool
	// BannedPasswords are refused outside dev mode (the demo accounts').
	BannedPasswords []string
	// AdminOPDWithoutTOTP lifts the two-factor requirement for admin_opd
	// (EKINERJA_2FA_ADMIN_OPD=tidak); by default admin_opd, who edits bank
	// accounts, needs it like the other privileged roles.
	AdminOPDWithoutTOTP bool
	// Secret is EKINERJA_SECRET; keys for TOTP encryption and recovery-code
	// hashing are derived from it.
	Secret string
	// PreviousSecret is EKINERJA_SECRET_PREVIOUS after a rotation: two-factor
	// secrets and recovery codes sealed with it still open (RewrapTOTP
	// re-seals the secrets). Sessions and tokens never use it.
	PreviousSecret string
}

// NewService wires the auth service (strict options: production unless
// Configure says otherwise).
func NewService(db *gorm.DB, hasher *Hasher, tokens *Tokens, idle, max time.Duration) *Service {
	s := &Service{db: db, hasher: hasher, tokens: tokens, idle: idle, max: max, now: time.Now, sleep: sleepCtx}
	s.Configure(Options{})
	return s
}

// Configure sets the deployment options.
func (s *Service) Configure(o Options) {
	s.opts = o
	s.sealer = newSealer(DeriveKey(o.Secret, "totp"))
	s.refreshSeal = newSealer(DeriveKey(o.Secret, "refresh"))
	s.recoveryKey = DeriveKey(o.Secret, "recovery")
	s.prevSealer, s.prevRecoveryKey = nil, nil
	if o.PreviousSecret != "" && o.PreviousSecret != o.Secret {
		ps := newSealer(DeriveKey(o.PreviousSecret, "totp"))
		s.prevSealer, s.prevRecoveryKey = &ps, DeriveKey(o.PreviousSecret, "recovery")
	}
}

// SetSleep replaces how the progressive delay waits (tests record it).
func (s *Service) SetSleep(f func(context.Context, time.Duration) error) { s.sleep = f }

// SetClock replaces the service's clock (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Policy is the password policy in force.
func (s *Service) Policy() PasswordPolicy {
	return PasswordPolicy{Dev: s.opts.Dev, Banned: s.opts.BannedPasswords}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ProgressiveDelay is how long a login or code attempt waits after failures
// recent failures: 0, then 250 ms doubling to a 4 s cap. It makes online
// guessing slow well before the temporary lock.
func ProgressiveDelay(failures int) time.Duration {
	if failures <= 0 {
		return 0
	}
	if failures > 5 {
		return 4 * time.Second
	}
	return min(250*time.Millisecond<<(failures-1), 4*time.Second)
}

// slowDown waits according to the recent failures of key (and of ipKey,
// which tolerates more before slowing: many people share an office NAT).
func (s *Service) slowDown(ctx context.Context, key string, ipFailuresFree int, ipKey ...string) error {
	var rows []struct {
		Key      string `gorm:"column:key"`
		Failures int    `gorm:"column:failures"`
	}
	keys := append([]string{key}, ipKey...)
	if err := s.db.WithContext(ctx).Raw(`SELECT key, failures FROM login_throttle WHERE key IN ? AND window_start > now() - make_interval(secs => ?)`, keys, throttleWindow.Seconds()).Scan(&rows).Error; err != nil {
		return err
	}
	var d time.Duration
	for _, r := range rows {
		f := r.Failures
		if r.Key != key {
			f -= ipFailuresFree
		}
		d = max(d, ProgressiveDelay(f))
	}
	if d == 0 {
		return nil
	}
	return s.sleep(ctx, d)
}

// Hasher returns the password hasher.
func (s *Service) Hasher() *Hasher { return s.hasher }

// Tokens returns the token issuer.
func (s *Service) Tokens() *Tokens { return s.tokens }

type userRow struct {
	ID                 int64  `gorm:"column:id"`
	PegawaiID          int64  `gorm:"column:pegawai_id"`
	NIP                string `gorm:"column:nip"`
	Nama               string `gorm:"column:nama"`
	OPDID              int64  `gorm:"column:opd_id"`
	PasswordHash       string `gorm:"column:password_hash"`
	TokenVersion       int    `gorm:"column:token_version"`
	Disabled           bool   `gorm:"column:disabled"`
	MustChangePassword bool   `gorm:"column:must_change_password"`
	TOTPEnabled        bool   `gorm:"column:totp_enabled"`
}

const userSelect = `SELECT u.id, u.pegawai_id, u.nip, p.nama, p.opd_id, u.password_hash, u.token_version, u.disabled, u.must_change_password,
  u.totp_enabled_at IS NOT NULL AS totp_enabled
FROM users u JOIN pegawai p ON p.id = u.pegawai_id`

// grants loads a user's roles with the short names of their agencies, in
// one query (every page's role switcher shows them).
func (s *Service) grants(ctx context.Context, db *gorm.DB, userID int64) ([]Grant, map[int64]string, error) {
	var rows []grantRow
	if err := db.WithContext(ctx).Raw(`SELECT r.role, r.opd_id, `+grantOPDName+` AS opd_name
FROM user_roles r LEFT JOIN opd o ON o.id = r.opd_id WHERE r.user_id = ? ORDER BY r.id`, userID).Scan(&rows).Error; err != nil {
		return nil, nil, fmt.Errorf("load roles: %w", err)
	}
	gs, names := buildGrants(rows)
	return gs, names, nil
}

// grantOPDName is the name a grant's agency goes by (its short name, else
// its full name), the same for the login and the per-request session query.
const grantOPDName = `coalesce(nullif(o.singkatan, ''), o.nama, '')`

// grantRow is one user_roles row with its agency's name.
type grantRow struct {
	Role    string `gorm:"column:role" json:"role"`
	OPDID   *int64 `gorm:"column:opd_id" json:"opd_id"`
	OPDName string `gorm:"column:opd_name" json:"opd_name"`
}

// buildGrants turns the user's role rows (in user_roles order) into grants
// and the names of their agencies; every user also holds pegawai.
func buildGrants(rows []grantRow) ([]Grant, map[int64]string) {
	gs := make([]Grant, 0, len(rows)+1)
	names := map[int64]string{}
	hasPegawai := false
	for _, r := range rows {
		g := Grant{Role: Role(r.Role)}
		if r.OPDID != nil {
			g.OPDID = *r.OPDID
			names[g.OPDID] = r.OPDName
		}
		hasPegawai = hasPegawai || g.Role == RolePegawai
		gs = append(gs, g)
	}
	if !hasPegawai { // every user is an employee and may see their own data
		gs = append([]Grant{{Role: RolePegawai}}, gs...)
	}
	return gs, names
}

// LoginRequest is what the login form or API sends.
type LoginRequest struct {
	NIP       string
	Password  string
	IP        string
	UserAgent string
	// OTP is the second factor sent along (API clients); browsers send it
	// in a second step instead.
	OTP string
}

// LoginResult is a fresh session with its first access and refresh tokens,
// or, when Challenge is set, a login waiting for its TOTP code.
type LoginResult struct {
	Principal      *Principal
	Token          string
	Expires        time.Time
	Refresh        string
	RefreshExpires time.Time
	// Challenge is set when the password was right and a TOTP code is
	// needed: pass it to CompleteLogin with the code.
	Challenge        string
	ChallengeExpires time.Time
}

func (s *Service) locked(ctx context.Context, keys ...string) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Raw(`SELECT count(*) FROM login_throttle WHERE key IN ? AND locked_until > now()`, keys).Scan(&n).Error
	return n > 0, err
}

func (s *Service) fail(ctx context.Context, key string, limit int) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var failures int
		err := tx.Raw(`INSERT INTO login_throttle (key, failures, window_start) VALUES (?, 1, now())
ON CONFLICT (key) DO UPDATE SET
  failures = CASE WHEN login_throttle.window_start < now() - make_interval(secs => ?) THEN 1 ELSE login_throttle.failures + 1 END,
  window_start = CASE WHEN login_throttle.window_start < now() - make_interval(secs => ?) THEN now() ELSE login_throttle.window_start END
RETURNING failures`, key, throttleWindow.Seconds(), throttleWindow.Seconds()).Scan(&failures).Error
		if err != nil {
			return err
		}
		if failures >= limit {
			return tx.Exec(`UPDATE login_throttle SET failures = 0, window_start = now(), locked_until = now() + make_interval(secs => ?) WHERE key = ?`, throttleLock.Seconds(), key).Error
		}
		return nil
	})
}

// attempt counts one attempt against key and reports the count including
// it and whether the key is over limit (locked). A lock that has expired,
// or a window that has passed without a lock, starts a new count. The
// upsert holds the row lock, so concurrent attempts see 1, 2, 3...
func (s *Service) attempt(ctx context.Context, key string, limit int) (int, bool, error) {
	var r struct {
		Failures int  `gorm:"column:failures"`
		Locked   bool `gorm:"column:locked"`
	}
	err := s.db.WithContext(ctx).Raw(`INSERT INTO login_throttle AS t (key, failures, window_start) VALUES (?, 1, now())
ON CONFLICT (key) DO UPDATE SET
  failures = CASE WHEN (t.locked_until IS NOT NULL AND t.locked_until <= now())
                    OR (t.locked_until IS NULL AND t.window_start < now() - make_interval(secs => ?)) THEN 1 ELSE t.failures + 1 END,
  window_start = CASE WHEN (t.locked_until IS NOT NULL AND t.locked_until <= now())
                    OR (t.locked_until IS NULL AND t.window_start < now() - make_interval(secs => ?)) THEN now() ELSE t.window_start END,
  locked_until = CASE WHEN (t.locked_until IS NOT NULL AND t.locked_until <= now())
                    OR (t.locked_until IS NULL AND t.window_start < now() - make_interval(secs => ?)) THEN NULL
                  WHEN t.locked_until IS NULL AND t.failures + 1 > ? THEN now() + make_interval(secs => ?)
                  ELSE t.locked_until END
RETURNING failures, (locked_until IS NOT NULL AND locked_until > now()) AS locked`,
		key, throttleWindow.Seconds(), throttleWindow.Seconds(), throttleWindow.Seconds(), limit, throttleLock.Seconds()).Scan(&r).Error
	return r.Failures, r.Locked || r.Failures > limit, err
}

// peek reports whether key is over limit without counting.
func (s *Service) peek(ctx context.Context, key string, limit int) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Raw(`SELECT count(*) FROM login_throttle WHERE key = ? AND (locked_until > now()
  OR (locked_until IS NULL AND failures > ? AND window_start > now() - make_interval(secs => ?)))`, key, limit, throttleWindow.Seconds()).Scan(&n).Error
	return n > 0, err
}

// NormalizeNIP is the NIP as stored, from the NIP as typed: the spaces an
// ID card prints it with ("19810915 200501 1 002"), or any other blank a
// paste brings (tab, no-break space), are removed.
func NormalizeNIP(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// Login checks the credentials, opens a session and issues its token.
func (s *Service) Login(ctx context.Context, req LoginRequest) (*LoginResult, error) {
	if len(req.NIP) > 4*MaxNIPLength {
		return nil, apperr.Invalid("nip", "NIP atau kata sandi terlalu panjang.")
	}
	nip := NormalizeNIP(req.NIP)
	if len(nip) > MaxNIPLength || len(req.Password) > 1024 {
		return nil, apperr.Invalid("nip", "NIP atau kata sandi terlalu panjang.")
	}
	// A full hashing queue is answered before anything is counted: the
	// person was not refused, only asked to come back.
	leave, err := s.hasher.Admit()
	if err != nil {
		return nil, err
	}
	defer leave()
	ip := truncate(req.IP, 64)
	pairKey, accKey, ipKey := "pair:"+nip+"|"+ip, "nip:"+nip, "ip:"+ip
	entry := audit.Entry{ActorNIP: nip, IP: ip, ObjectType: "user"}
	refuse := func(firstRefusal bool) (*LoginResult, error) {
		// The first refused attempt of a lock is audited; the rest of a
		// flood is not (it would only fill the log).
		if firstRefusal {
			entry.Action = audit.ActionLoginLocked
			if err := audit.RecordNow(ctx, s.db, entry); err != nil {
				return nil, err
			}
		}
		return nil, ErrLocked
	}
	pairN, pairLocked, err := s.attempt(ctx, pairKey, pairAttempts)
	if err != nil {
		return nil, fmt.Errorf("throttle: %w", err)
	}
	if pairLocked {
		return refuse(pairN == pairAttempts+1)
	}
	// The address counts each account it tries once per window.
	var ipLocked bool
	if pairN == 1 {
		_, ipLocked, err = s.attempt(ctx, ipKey, ipAccounts)
	} else {
		ipLocked, err = s.peek(ctx, ipKey, ipAccounts)
	}
	if err != nil {
		return nil, fmt.Errorf("throttle: %w", err)
	}
	accN, accLocked, err := s.attempt(ctx, accKey, accountAttempts)
	if err != nil {
		return nil, fmt.Errorf("throttle: %w", err)
	}
	u, err := s.loadUser(ctx, `u.nip = ?`, nip)
	if err != nil {
		return nil, err
	}
	// The account-wide and address-wide locks are soft for an account with
	// two-factor: the right password still leads to the code step.
	if (accLocked || ipLocked) && !(u.ID != 0 && u.TOTPEnabled && !u.Disabled) {
		return refuse(accN == accountAttempts+1)
	}
	if d := max(ProgressiveDelay(pairN-1), ProgressiveDelay(accN-1-pairAttempts)); d > 0 {
		if err := s.sleep(ctx, d); err != nil {
			return nil, err
		}
	}
	ok := false
	if u.ID == 0 {
		if err := s.hasher.Burn(ctx, req.Password); err != nil {
			return nil, err
		}
	} else {
		var rehash bool
		ok, rehash, err = s.hasher.Verify(ctx, u.PasswordHash, req.Password)
		if err != nil && !errors.Is(err, ErrMalformedHash) {
			return nil, err
		}
		if ok && rehash {
			if h, err := s.hasher.Hash(ctx, req.Password); err == nil {
				if err := s.db.WithContext(ctx).Exec(`UPDATE users SET password_hash = ?, updated_at = now() WHERE id = ?`, h, u.ID).Error; err != nil {
					return nil, fmt.Errorf("rehash password: %w", err)
				}
			}
		}
	}
	if !ok || u.Disabled {
		if accLocked || ipLocked {
			return nil, ErrLocked // same answer as the lock: no password oracle
		}
		reason := "kata sandi salah"
		switch {
		case u.ID == 0:
			reason = "NIP tidak terdaftar"
		case u.Disabled && ok:
			reason = "akun dinonaktifkan"
		}
		entry.Action, entry.Detail = audit.ActionLoginFailure, map[string]any{"alasan": reason}
		if u.ID != 0 {
			entry.ActorID, entry.ObjectID = u.ID, strconv.FormatInt(u.ID, 10)
		}
		if err := audit.RecordNow(ctx, s.db, entry); err != nil {
			return nil, err
		}
		return nil, ErrBadCredentials
	}
	// A success clears this pair and an unlocked account count, and takes the pair
	// out of the address's count of failing accounts.
	if err := s.db.WithContext(ctx).Exec(`UPDATE login_throttle SET failures = greatest(failures - 1, 0) WHERE key = ? AND locked_until IS NULL`, ipKey).Error; err != nil {
		return nil, err
	}
	// An account lock stays until it expires: the owner getting in through
	// it must not give the guesser a fresh count.
	if err := s.db.WithContext(ctx).Exec(`DELETE FROM login_throttle WHERE key = ? OR (key = ? AND (locked_until IS NULL OR locked_until <= now()))`, pairKey, accKey).Error; err != nil {
		return nil, err
	}
	// A password that the policy refuses (a demo or common one, set before
	// the policy or by a seed) must be changed before anything else.
	if !u.MustChangePassword && s.Policy().CheckFor("sandi", req.Password, u.NIP, u.Nama) != nil {
		if err := s.db.WithContext(ctx).Exec(`UPDATE users SET must_change_password = true WHERE id = ?`, u.ID).Error; err != nil {
			return nil, err
		}
		u.MustChangePassword = true
	}
	if u.TOTPEnabled {
		if req.OTP != "" { // API clients send the code with the password
			if err := s.checkSecondFactor(ctx, u.ID, u.NIP, req.OTP, req.IP); err != nil {
				return nil, err
			}
			return s.openSession(ctx, u, req.IP, req.UserAgent, "totp")
		}
		raw := RandomID(32)
		exp := s.now().Add(challengeTTL)
		if err := s.db.WithContext(ctx).Exec(`INSERT INTO login_challenges (id_hash, user_id, ip, user_agent, expires_at) VALUES (?, ?, ?, ?, ?)`,
			hashToken(raw), u.ID, req.IP, truncate(req.UserAgent, 300), exp).Error; err != nil {
			return nil, err
		}
		return &LoginResult{Challenge: raw, ChallengeExpires: exp}, nil
	}
	return s.openSession(ctx, u, req.IP, req.UserAgent, "sandi")
}

// loadUser loads one user by a condition on u (users) with its args.
func (s *Service) loadUser(ctx context.Context, where string, args ...any) (userRow, error) {
	var u userRow
	if err := s.db.WithContext(ctx).Raw(userSelect+` WHERE `+where, args...).Scan(&u).Error; err != nil {
		return u, fmt.Errorf("load user: %w", err)
	}
	return u, nil
}

// openSession opens a server-side session for u and issues its tokens.
func (s *Service) openSession(ctx context.Context, u userRow, ip, userAgent, factor string) (*LoginResult, error) {
	grants, opdNames, err := s.grants(ctx, s.db, u.ID)
	if err != nil {
		return nil, err
	}
	active := widest(grants)
	sid := RandomID(32)
	now := s.now()
	var refresh string
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`INSERT INTO sessions (id, user_id, active_role, active_opd_id, created_at, last_seen_at, expires_at, ip, user_agent)
VALUES (?, ?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?)`, sid, u.ID, string(active.Role), active.OPDID, now, now, now.Add(s.max), ip, truncate(userAgent, 300)).Error; err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE users SET last_login_at = now() WHERE id = ?`, u.ID).Error; err != nil {
			return err
		}
		var err error
		if refresh, err = s.issueRefresh(tx, sid, u.ID, now.Add(s.max)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: u.ID, ActorNIP: u.NIP, Action: audit.ActionLoginSuccess, ObjectType: "user",
			ObjectID: strconv.FormatInt(u.ID, 10), IP: ip, Detail: map[string]any{"peran": string(active.Role), "faktor": factor}})
	})
	if err != nil {
		return nil, fmt.Errorf("open session: %w", err)
	}
	tok, exp, err := s.tokens.Issue(u.ID, u.TokenVersion, sid)
	if err != nil {
		return nil, err
	}
	p := &Principal{UserID: u.ID, PegawaiID: u.PegawaiID, NIP: u.NIP, Nama: u.Nama, OPDID: u.OPDID, Grants: grants, OPDNames: opdNames,
		Active: active, SessionID: sid, TokenVersion: u.TokenVersion, MustChangePassword: u.MustChangePassword, TOTPEnabled: u.TOTPEnabled}
	p.NeedsTOTPEnrolment = !u.TOTPEnabled && s.TOTPRequired(grants)
	return &LoginResult{Principal: p, Token: tok, Expires: exp, Refresh: refresh, RefreshExpires: now.Add(s.max)}, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// Authenticated is a request's principal and, when the token is past half its
// life, a renewed token to send back.
type Authenticated struct {
	Principal  *Principal
	Renewed    string
	RenewedExp time.Time
}

// Authenticate checks a token against its server-side session and user.
func (s *Service) Authenticate(ctx context.Context, token string) (*Authenticated, error) {
	c, err := s.tokens.Parse(token)
	if err != nil {
		return nil, ErrSessionInvalid
	}
	uid, err := strconv.ParseInt(c.Subject, 10, 64)
	if err != nil {
		return nil, ErrSessionInvalid
	}
	var row struct {
		ID                 int64      `gorm:"column:id"`
		PegawaiID          int64      `gorm:"column:pegawai_id"`
		NIP                string     `gorm:"column:nip"`
		Nama               string     `gorm:"column:nama"`
		OPDID              int64      `gorm:"column:opd_id"`
		TokenVersion       int        `gorm:"column:token_version"`
		Disabled           bool       `gorm:"column:disabled"`
		MustChangePassword bool       `gorm:"column:must_change_password"`
		TOTPEnabled        bool       `gorm:"column:totp_enabled"`
		ActiveRole         string     `gorm:"column:active_role"`
		ActiveOPDID        *int64     `gorm:"column:active_opd_id"`
		LastSeenAt         time.Time  `gorm:"column:last_seen_at"`
		ExpiresAt          time.Time  `gorm:"column:expires_at"`
		RevokedAt          *time.Time `gorm:"column:revoked_at"`
		Roles              string     `gorm:"column:roles"`
		Unread             int        `gorm:"column:unread"`
	}
	// One round trip per request: the session, its user and employee, and
	// the user's roles with their agencies' names (a JSON array in
	// user_roles order, built like grants does for the login), and the
	// unread notifications for the header's badge.
	err = s.db.WithContext(ctx).Raw(`SELECT u.id, u.pegawai_id, u.nip, p.nama, p.opd_id, u.token_version, u.disabled, u.must_change_password,
  u.totp_enabled_at IS NOT NULL AS totp_enabled, s.active_role, s.active_opd_id, s.last_seen_at, s.expires_at, s.revoked_at,
  (SELECT coalesce(json_agg(json_build_object('role', r.role, 'opd_id', r.opd_id, 'opd_name', `+grantOPDName+`) ORDER BY r.id), '[]')
   FROM user_roles r LEFT JOIN opd o ON o.id = r.opd_id WHERE r.user_id = u.id)::text AS roles,
  (SELECT count(*) FROM notifikasi n WHERE n.user_id = u.id AND n.dibaca_at IS NULL) AS unread
FROM sessions s JOIN users u ON u.id = s.user_id JOIN pegawai p ON p.id = u.pegawai_id
WHERE s.id = ? AND s.user_id = ?`, c.Sid, uid).Scan(&row).Error
	if err != nil {
		return nil, fmt.Errorf("load session: %w", err)
	}
	now := s.now()
	if row.ID == 0 || row.RevokedAt != nil || row.Disabled || row.TokenVersion != c.Ver ||
		now.After(row.ExpiresAt) || now.Sub(row.LastSeenAt) > s.idle {
		return nil, ErrSessionInvalid
	}
	var roleRows []grantRow
	if err := json.Unmarshal([]byte(row.Roles), &roleRows); err != nil {
		return nil, fmt.Errorf("load roles: %w", err)
	}
	grants, opdNames := buildGrants(roleRows)
	p := &Principal{UserID: row.ID, PegawaiID: row.PegawaiID, NIP: row.NIP, Nama: row.Nama, OPDID: row.OPDID, Grants: grants, OPDNames: opdNames,
		SessionID: c.Sid, TokenVersion: row.TokenVersion, MustChangePassword: row.MustChangePassword, TOTPEnabled: row.TOTPEnabled, Unread: row.Unread}
	p.NeedsTOTPEnrolment = !row.TOTPEnabled && s.TOTPRequired(grants)
	p.Active = Grant{Role: Role(row.ActiveRole)}
	if row.ActiveOPDID != nil {
		p.Active.OPDID = *row.ActiveOPDID
	}
	if !p.holds(p.Active) { // the active role was revoked meanwhile
		p.Active = widest(grants)
	}
	out := &Authenticated{Principal: p}
	// Renew on activity: a token past half its life is replaced, and the
	// session's idle clock restarts.
	if c.IssuedAt != nil && now.Sub(c.IssuedAt.Time) > s.tokens.TTL/2 {
		if err := s.db.WithContext(ctx).Exec(`UPDATE sessions SET last_seen_at = ? WHERE id = ?`, now, c.Sid).Error; err != nil {
			return nil, err
		}
		out.Renewed, out.RenewedExp, err = s.tokens.Issue(row.ID, row.TokenVersion, c.Sid)
		if err != nil {
			return nil, err
		}
	} else if now.Sub(row.LastSeenAt) > time.Minute {
		if err := s.db.WithContext(ctx).Exec(`UPDATE sessions SET last_seen_at = ? WHERE id = ?`, now, c.Sid).Error; err != nil {
			return nil, fmt.Errorf("session last seen: %w", err)
		}
	}
	return out, nil
}

// Logout revokes the session and bumps the user's token version, so every
// token issued before (on any device) stops working at once.
func (s *Service) Logout(ctx context.Context, p *Principal, ip string) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`UPDATE sessions SET revoked_at = now() WHERE user_id = ? AND revoked_at IS NULL`, p.UserID).Error; err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE users SET token_version = token_version + 1 WHERE id = ?`, p.UserID).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: p.UserID, ActorNIP: p.NIP, Action: audit.ActionLogout, ObjectType: "user", ObjectID: strconv.FormatInt(p.UserID, 10), IP: ip})
	})
}

// SwitchRole makes g the session's active role, if p holds it.
func (s *Service) SwitchRole(ctx context.Context, p *Principal, g Grant, ip string) error {
	if !p.holds(g) {
		return apperr.New(apperr.ErrForbidden, "Anda tidak memegang peran tersebut.")
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`UPDATE sessions SET active_role = ?, active_opd_id = NULLIF(?, 0) WHERE id = ?`, string(g.Role), g.OPDID, p.SessionID).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: p.UserID, ActorNIP: p.NIP, Action: audit.ActionRoleSwitch, ObjectType: "session", IP: ip,
			Detail: map[string]any{"dari": string(p.Active.Role), "ke": string(g.Role), "opd_id": g.OPDID}})
	})
}
