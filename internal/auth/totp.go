package auth

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"image/png"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/audit"
)

// TOTP parameters: RFC 6238 defaults, which every authenticator app reads.
const (
	totpPeriod        = 30
	recoveryCodeCount = 10
	totpFailures      = 5
	challengeTTL      = 5 * time.Minute
)

// Two-factor errors.
var (
	// ErrBadCode is the one answer for a wrong, reused or expired code.
	ErrBadCode = apperr.New(apperr.ErrUnauthorized, "Kode verifikasi salah atau sudah dipakai.")
	// ErrChallengeInvalid means the password step expired or never happened.
	ErrChallengeInvalid = apperr.New(apperr.ErrUnauthorized, "Langkah verifikasi telah kedaluwarsa. Silakan masuk kembali.")
	// ErrCodeLocked means too many wrong codes recently.
	ErrCodeLocked = apperr.New(apperr.ErrUnauthorized, "Terlalu banyak kode verifikasi yang salah. Coba lagi dalam 15 menit.")
)

// Audit actions of the security area.
const (
	ActionTOTPEnabled     = "auth.2fa_aktif"
	ActionTOTPFailure     = "auth.2fa_gagal"
	ActionRecoveryUsed    = "auth.kode_pemulihan"
	ActionPasswordChanged = "auth.ganti_sandi"           // #nosec G101 -- an audit action name, not a credential
	ActionPasswordReset   = "auth.reset_sandi"           // #nosec G101 -- an audit action name, not a credential
	ActionRefreshReuse    = "auth.refresh_dipakai_ulang" // #nosec G101 -- an audit action name, not a credential
)

// sealer encrypts TOTP secrets at rest with AES-256-GCM; the user id is the
// additional data, so a ciphertext copied to another user's row fails.
type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) sealer {
	b, err := aes.NewCipher(key) // 32 bytes from DeriveKey: AES-256
	if err != nil {
		panic(err) // DeriveKey always returns 32 bytes
	}
	g, err := cipher.NewGCM(b)
	if err != nil {
		panic(err)
	}
	return sealer{aead: g}
}

func (s sealer) seal(plain []byte, userID int64) []byte {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err)
	}
	return s.aead.Seal(nonce, nonce, plain, []byte(strconv.FormatInt(userID, 10)))
}

func (s sealer) open(sealed []byte, userID int64) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return nil, errors.New("totp: ciphertext too short")
	}
	return s.aead.Open(nil, sealed[:n], sealed[n:], []byte(strconv.FormatInt(userID, 10)))
}

// totpStep is the 30-second step a time falls in.
func totpStep(t time.Time) int64 { return t.Unix() / totpPeriod }

// matchStep returns the step (now-1, now, now+1) at which code is valid for
// secret, or 0. The window of one step each side allows for clock drift.
func matchStep(secret, code string, now time.Time) int64 {
	for _, off := range []int64{0, -1, 1} {
		step := totpStep(now) + off
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0), totp.ValidateOpts{
			Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step
		}
	}
	return 0
}

// CodeAt returns the TOTP code for secret at t (tests and enrolment help).
func CodeAt(secret string, t time.Time) string {
	c, _ := totp.GenerateCodeCustom(secret, t, totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	return c
}

// Enrolment is what the enrolment page shows.
type Enrolment struct {
	Secret string // base32, for typing in by hand
	URL    string // otpauth:// URL
	QRPNG  []byte // the URL as a QR code
}

type totpRow struct {
	ID         int64  `gorm:"column:id"`
	NIP        string `gorm:"column:nip"`
	SecretEnc  []byte `gorm:"column:totp_secret_enc"`
	PendingEnc []byte `gorm:"column:totp_pending_enc"`
	LastStep   int64  `gorm:"column:totp_last_step"`
}

func (s *Service) loadTOTP(ctx context.Context, db *gorm.DB, userID int64) (totpRow, error) {
	var r totpRow
	err := db.WithContext(ctx).Raw(`SELECT id, nip, totp_secret_enc, totp_pending_enc, totp_last_step FROM users WHERE id = ?`, userID).Scan(&r).Error
	if err == nil && r.ID == 0 {
		err = apperr.ErrNotFound
	}
	return r, err
}

// BeginEnrolment returns the pending TOTP secret of p, creating one if none
// is pending. The secret takes effect only once a code from it is confirmed.
func (s *Service) BeginEnrolment(ctx context.Context, p *Principal) (Enrolment, error) {
	r, err := s.loadTOTP(ctx, s.db, p.UserID)
	if err != nil {
		return Enrolment{}, err
	}
	var secret string
	if r.PendingEnc != nil {
		b, err := s.openTOTP(r.PendingEnc, p.UserID)
		if err != nil {
			return Enrolment{}, fmt.Errorf("open pending totp: %w", err)
		}
		secret = string(b)
	} else {
		secret = newTOTPSecret()
		if err := s.db.WithContext(ctx).Exec(`UPDATE users SET totp_pending_enc = ? WHERE id = ?`, s.sealer.seal([]byte(secret), p.UserID), p.UserID).Error; err != nil {
			return Enrolment{}, err
		}
	}
	return enrolmentFor(p.NIP, secret)
}

// enrolmentFor builds what the enrolment page shows for secret.
func enrolmentFor(nip, secret string) (Enrolment, error) {
	key, err := otp.NewKeyFromURL(fmt.Sprintf("otpauth://totp/e-Kinerja:%s?secret=%s&issuer=e-Kinerja&algorithm=SHA1&digits=6&period=30", nip, secret))
	if err != nil {
		return Enrolment{}, err
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return Enrolment{}, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return Enrolment{}, err
	}
	return Enrolment{Secret: secret, URL: key.URL(), QRPNG: buf.Bytes()}, nil
}

// ConfirmEnrolment turns the pending secret on when code matches it, and
// returns fresh recovery codes, shown once and stored only as hashes.
func (s *Service) ConfirmEnrolment(ctx context.Context, p *Principal, code, ip string) ([]string, error) {
	keys := []string{"totp:" + strconv.FormatInt(p.UserID, 10), "totp-ip:" + ip}
	if locked, err := s.locked(ctx, keys...); err != nil {
		return nil, err
	} else if locked {
		return nil, ErrCodeLocked
	}
	r, err := s.loadTOTP(ctx, s.db, p.UserID)
	if err != nil {
		return nil, err
	}
	if r.PendingEnc == nil {
		return nil, apperr.Invalid("kode", "Muat ulang halaman untuk memulai pendaftaran.")
	}
	secret, err := s.openTOTP(r.PendingEnc, p.UserID)
	if err != nil {
		return nil, err
	}
	step := matchStep(string(secret), normalizeCode(code), s.now())
	if step == 0 {
		if err := s.codeFailed(ctx, p.UserID, p.NIP, ip, keys); err != nil {
			return nil, err
		}
		return nil, apperr.Invalid("kode", "Kode tidak cocok. Periksa jam ponsel Anda lalu masukkan kode yang sedang tampil.")
	}
	codes := make([]string, recoveryCodeCount)
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`UPDATE users SET totp_secret_enc = totp_pending_enc, totp_pending_enc = NULL, totp_enabled_at = now(), totp_last_step = ?, updated_at = now() WHERE id = ?`, step, p.UserID).Error; err != nil {
			return err
		}
		if err := s.replaceRecoveryCodes(tx, p.UserID, codes); err != nil {
			return err
		}
		var detail map[string]any
		if r.SecretEnc != nil {
			detail = map[string]any{"ganti_kunci": true}
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: p.UserID, ActorNIP: p.NIP, Action: ActionTOTPEnabled, ObjectType: "user", ObjectID: strconv.FormatInt(p.UserID, 10), IP: ip, Detail: detail})
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// replaceRecoveryCodes deletes userID's recovery codes and stores fresh
// ones (hashed), filling codes with the plain values to show once.
func (s *Service) replaceRecoveryCodes(tx *gorm.DB, userID int64, codes []string) error {
	if err := tx.Exec(`DELETE FROM recovery_codes WHERE user_id = ?`, userID).Error; err != nil {
		return err
	}
	for i := range codes {
		raw := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte(RandomID(8)))[:10])
		codes[i] = raw[:5] + "-" + raw[5:]
		if err := tx.Exec(`INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)`, userID, s.recoveryHash(codes[i])).Error; err != nil {
			return err
		}
	}
	return nil
}

func normalizeCode(code string) string {
	return strings.ToLower(strings.NewReplacer(" ", "", "\t", "").Replace(strings.TrimSpace(code)))
}

func (s *Service) recoveryHash(code string) string { return recoveryHashWith(s.recoveryKey, code) }

func recoveryHashWith(key []byte, code string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(normalizeCode(code)))
	return hex.EncodeToString(m.Sum(nil))
}

// recoveryHashes are the hashes a recovery code may be stored under: with
// the current secret's key, and with the previous secret's while one is
// configured (codes made before a rotation cannot be re-keyed: only their
// hash is stored).
func (s *Service) recoveryHashes(code string) []string {
	hs := []string{s.recoveryHash(code)}
	if s.prevRecoveryKey != nil {
		hs = append(hs, recoveryHashWith(s.prevRecoveryKey, code))
	}
	return hs
}

// openTOTP opens a sealed TOTP secret with the current key or, while
// EKINERJA_SECRET_PREVIOUS is set, the previous one.
func (s *Service) openTOTP(sealed []byte, userID int64) ([]byte, error) {
	b, err := s.sealer.open(sealed, userID)
	if err != nil && s.prevSealer != nil {
		if pb, perr := s.prevSealer.open(sealed, userID); perr == nil {
			return pb, nil
		}
	}
	return b, err
}

// ErrTOTPUnreadable: the account's two-factor secret opens with neither
// the current secret nor EKINERJA_SECRET_PREVIOUS (the server's secret was
// changed without naming the old one): 409 with what the operator must do.
var ErrTOTPUnreadable = apperr.New(apperr.ErrConflict, "Kunci verifikasi dua langkah akun ini tidak dapat dibuka karena rahasia server telah diganti. Hubungi admin sistem: server perlu dijalankan sekali dengan rahasia lama di EKINERJA_SECRET_PREVIOUS.")

// ActionTOTPRewrap is the audit action of re-sealing two-factor secrets
// after a secret rotation.
const ActionTOTPRewrap = "auth.2fa_kunci_diperbarui"

// RewrapTOTP re-seals, with the current secret's key, every two-factor
// secret (enrolled or pending) still sealed with the previous secret's key
// (EKINERJA_SECRET_PREVIOUS), in one transaction with one audit row, and
// returns how many users it re-sealed. serve calls it at start, so after a
// rotation the previous secret is needed only once. A secret neither key
// opens is left alone and counted in unreadable: that user's two-factor
// must be reset by an administrator.
func (s *Service) RewrapTOTP(ctx context.Context) (rewrapped, unreadable int, err error) {
	if s.prevSealer == nil {
		return 0, 0, nil
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var rows []struct {
			ID         int64  `gorm:"column:id"`
			SecretEnc  []byte `gorm:"column:totp_secret_enc"`
			PendingEnc []byte `gorm:"column:totp_pending_enc"`
		}
		if err := tx.Raw(`SELECT id, totp_secret_enc, totp_pending_enc FROM users
WHERE totp_secret_enc IS NOT NULL OR totp_pending_enc IS NOT NULL ORDER BY id FOR UPDATE`).Scan(&rows).Error; err != nil {
			return err
		}
		var ids []int64
		for _, r := range rows {
			changed, bad := false, false
			for _, col := range []*[]byte{&r.SecretEnc, &r.PendingEnc} {
				if *col == nil {
					continue
				}
				if _, err := s.sealer.open(*col, r.ID); err == nil {
					continue
				}
				plain, err := s.prevSealer.open(*col, r.ID)
				if err != nil {
					bad = true
					continue
				}
				*col, changed = s.sealer.seal(plain, r.ID), true
			}
			if bad {
				unreadable++
			}
			if !changed {
				continue
			}
			if err := tx.Exec(`UPDATE users SET totp_secret_enc = ?, totp_pending_enc = ? WHERE id = ?`, r.SecretEnc, r.PendingEnc, r.ID).Error; err != nil {
				return err
			}
			ids = append(ids, r.ID)
		}
		rewrapped = len(ids)
		if rewrapped == 0 && unreadable == 0 {
			return nil
		}
		return audit.Record(ctx, tx, audit.Entry{ActorNIP: "sistem", Action: ActionTOTPRewrap, ObjectType: "user",
			Detail: map[string]any{"diperbarui": rewrapped, "pengguna": ids, "tidak_terbuka": unreadable}})
	})
	return rewrapped, unreadable, err
}

func (s *Service) codeFailed(ctx context.Context, userID int64, nip, ip string, keys []string) error {
	if err := s.fail(ctx, keys[0], totpFailures); err != nil {
		return err
	}
	if err := s.fail(ctx, keys[1], ipFailures); err != nil {
		return err
	}
	return audit.RecordNow(ctx, s.db, audit.Entry{ActorID: userID, ActorNIP: nip, Action: ActionTOTPFailure, ObjectType: "user", ObjectID: strconv.FormatInt(userID, 10), IP: ip})
}

// checkSecondFactor accepts a current TOTP code (once: its step must be
// newer than the last accepted one) or an unused recovery code.
func (s *Service) checkSecondFactor(ctx context.Context, userID int64, nip, code, ip string) error {
	keys := []string{"totp:" + strconv.FormatInt(userID, 10), "totp-ip:" + ip}
	if locked, err := s.locked(ctx, keys...); err != nil {
		return err
	} else if locked {
		return ErrCodeLocked
	}
	if err := s.slowDown(ctx, keys[0], 0); err != nil {
		return err
	}
	code = normalizeCode(code)
	r, err := s.loadTOTP(ctx, s.db, userID)
	if err != nil {
		return err
	}
	if r.SecretEnc != nil && len(code) == 6 {
		secret, err := s.openTOTP(r.SecretEnc, userID)
		if err != nil {
			return ErrTOTPUnreadable
		}
		if step := matchStep(string(secret), code, s.now()); step > r.LastStep {
			// Compare-and-set: of two requests with the same code, one wins.
			res := s.db.WithContext(ctx).Exec(`UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?`, step, userID, step)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 1 {
				return s.db.WithContext(ctx).Exec(`DELETE FROM login_throttle WHERE key = ?`, keys[0]).Error
			}
		}
	} else if len(code) == 11 {
		res := s.db.WithContext(ctx).Exec(`UPDATE recovery_codes SET used_at = now() WHERE user_id = ? AND code_hash IN ? AND used_at IS NULL`, userID, s.recoveryHashes(code))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 1 {
			return audit.RecordNow(ctx, s.db, audit.Entry{ActorID: userID, ActorNIP: nip, Action: ActionRecoveryUsed, ObjectType: "user", ObjectID: strconv.FormatInt(userID, 10), IP: ip})
		}
	}
	if err := s.codeFailed(ctx, userID, nip, ip, keys); err != nil {
		return err
	}
	return ErrBadCode
}

func hashToken(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(sum[:])
}

// CompleteLogin finishes a login that stopped for a TOTP code: challenge is
// the value LoginResult.Challenge carried.
func (s *Service) CompleteLogin(ctx context.Context, challenge, code, ip, userAgent string) (*LoginResult, error) {
	var ch struct {
		UserID int64 `gorm:"column:user_id"`
	}
	err := s.db.WithContext(ctx).Raw(`SELECT user_id FROM login_challenges WHERE id_hash = ? AND expires_at > now()`, hashToken(challenge)).Scan(&ch).Error
	if err != nil {
		return nil, err
	}
	if ch.UserID == 0 {
		return nil, ErrChallengeInvalid
	}
	u, err := s.loadUser(ctx, `u.id = ?`, ch.UserID)
	if err != nil {
		return nil, err
	}
	if u.ID == 0 || u.Disabled {
		return nil, ErrChallengeInvalid
	}
	if err := s.checkSecondFactor(ctx, u.ID, u.NIP, code, ip); err != nil {
		return nil, err
	}
	if err := s.db.WithContext(ctx).Exec(`DELETE FROM login_challenges WHERE id_hash = ?`, hashToken(challenge)).Error; err != nil {
		return nil, err
	}
	return s.openSession(ctx, u, ip, userAgent, "totp")
}

// TOTPStatus says whether user has two-factor on, and how many recovery
// codes remain.
func (s *Service) TOTPStatus(ctx context.Context, userID int64) (enabled bool, recoveryLeft int64, err error) {
	var row struct {
		Enabled bool  `gorm:"column:enabled"`
		Left    int64 `gorm:"column:left_codes"`
	}
	err = s.db.WithContext(ctx).Raw(`SELECT u.totp_enabled_at IS NOT NULL AS enabled,
  (SELECT count(*) FROM recovery_codes r WHERE r.user_id = u.id AND r.used_at IS NULL) AS left_codes
FROM users u WHERE u.id = ?`, userID).Scan(&row).Error
	return row.Enabled, row.Left, err
}

// TOTPRequired reports whether a person holding grants must have two-factor
// on: atasan, verifikator and superadmin, and admin_opd (who edits bank
// accounts) unless Options.AdminOPDWithoutTOTP, outside dev mode.
func (s *Service) TOTPRequired(grants []Grant) bool {
	if s.opts.Dev {
		return false
	}
	for _, g := range grants {
		switch g.Role {
		case RoleAtasan, RoleVerifikator, RoleSuperadmin:
			return true
		case RoleAdminOPD:
			if !s.opts.AdminOPDWithoutTOTP {
				return true
			}
		}
	}
	return false
}
