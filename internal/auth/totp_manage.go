package auth

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"strconv"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/audit"
)

// Audit actions of two-factor management on /akun/2fa.
const (
	ActionTOTPDisabled       = "auth.2fa_nonaktif"
	ActionRecoveryRegenerate = "auth.kode_pemulihan_baru"
	ActionTOTPReenrol        = "auth.2fa_ganti_kunci"
)

// errNotEnabled answers a management request for two-factor that is off.
var errNotEnabled = apperr.New(apperr.ErrConflict, "Verifikasi dua langkah sedang tidak aktif.")

// newTOTPSecret returns a random 160-bit base32 TOTP secret.
func newTOTPSecret() string {
	raw := make([]byte, 20)
	if _, err := rand.Read(raw); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw)
}

// confirmPassword checks p's current password; a wrong one counts as a
// failed login, so these forms are no way around the login throttle.
func (s *Service) confirmPassword(ctx context.Context, p *Principal, password string) error {
	accKey := "nip:" + p.NIP
	if locked, err := s.locked(ctx, accKey); err != nil {
		return err
	} else if locked {
		return ErrLocked
	}
	u, err := s.loadUser(ctx, `u.id = ?`, p.UserID)
	if err != nil {
		return err
	}
	if u.ID == 0 || u.Disabled {
		return ErrSessionInvalid
	}
	ok, _, err := s.hasher.Verify(ctx, u.PasswordHash, password)
	if err != nil && !errors.Is(err, ErrMalformedHash) {
		return err
	}
	if !ok {
		if err := s.fail(ctx, accKey, accountFailures); err != nil {
			return err
		}
		return apperr.Invalid("sandi", "Kata sandi saat ini salah.")
	}
	return nil
}

// confirmCurrentCode checks a code from the authenticator app (not a
// recovery code: managing two-factor needs the device itself). It is
// accepted once and throttled like a login code.
func (s *Service) confirmCurrentCode(ctx context.Context, p *Principal, code, ip string) error {
	if len(normalizeCode(code)) != 6 {
		return apperr.Invalid("kode", "Masukkan 6 digit kode yang sedang tampil di aplikasi autentikator.")
	}
	err := s.checkSecondFactor(ctx, p.UserID, p.NIP, code, ip)
	var m *apperr.Message
	if err != nil && errors.As(err, &m) {
		return apperr.Invalid("kode", m.Text)
	}
	return err
}

// requireEnabled answers errNotEnabled when p has two-factor off.
func (s *Service) requireEnabled(ctx context.Context, p *Principal) error {
	enabled, _, err := s.TOTPStatus(ctx, p.UserID)
	if err != nil {
		return err
	}
	if !enabled {
		return errNotEnabled
	}
	return nil
}

// DisableTOTP turns p's two-factor off, with the current password and a
// current code, and only where no role p holds requires it. The secret and
// every recovery code are removed.
func (s *Service) DisableTOTP(ctx context.Context, p *Principal, password, code, ip string) error {
	if err := s.requireEnabled(ctx, p); err != nil {
		return err
	}
	if s.TOTPRequired(p.Grants) {
		return apperr.New(apperr.ErrForbidden, "Peran Anda mewajibkan verifikasi dua langkah; verifikasi dua langkah tidak dapat dinonaktifkan.")
	}
	if err := s.confirmPassword(ctx, p, password); err != nil {
		return err
	}
	if err := s.confirmCurrentCode(ctx, p, code, ip); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`UPDATE users SET totp_secret_enc = NULL, totp_pending_enc = NULL, totp_enabled_at = NULL, updated_at = now() WHERE id = ?`, p.UserID).Error; err != nil {
			return err
		}
		if err := tx.Exec(`DELETE FROM recovery_codes WHERE user_id = ?`, p.UserID).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: p.UserID, ActorNIP: p.NIP, Action: ActionTOTPDisabled, ObjectType: "user", ObjectID: strconv.FormatInt(p.UserID, 10), IP: ip})
	})
}

// RegenerateRecoveryCodes replaces p's recovery codes after a current code:
// the old ones stop working, the new ones are returned to be shown once.
func (s *Service) RegenerateRecoveryCodes(ctx context.Context, p *Principal, code, ip string) ([]string, error) {
	if err := s.requireEnabled(ctx, p); err != nil {
		return nil, err
	}
	if err := s.confirmCurrentCode(ctx, p, code, ip); err != nil {
		return nil, err
	}
	codes := make([]string, recoveryCodeCount)
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.replaceRecoveryCodes(tx, p.UserID, codes); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: p.UserID, ActorNIP: p.NIP, Action: ActionRecoveryRegenerate, ObjectType: "user", ObjectID: strconv.FormatInt(p.UserID, 10), IP: ip})
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// BeginReenrolment starts replacing p's TOTP secret (a new phone), with the
// current password and a current code from the old one. The new secret is
// pending: the old one stays in force until a code from the new one is
// confirmed through ConfirmEnrolment.
func (s *Service) BeginReenrolment(ctx context.Context, p *Principal, password, code, ip string) error {
	if err := s.requireEnabled(ctx, p); err != nil {
		return err
	}
	if err := s.confirmPassword(ctx, p, password); err != nil {
		return err
	}
	if err := s.confirmCurrentCode(ctx, p, code, ip); err != nil {
		return err
	}
	secret := newTOTPSecret()
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`UPDATE users SET totp_pending_enc = ?, updated_at = now() WHERE id = ?`, s.sealer.seal([]byte(secret), p.UserID), p.UserID).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: p.UserID, ActorNIP: p.NIP, Action: ActionTOTPReenrol, ObjectType: "user", ObjectID: strconv.FormatInt(p.UserID, 10), IP: ip})
	})
}

// PendingEnrolment returns the new secret of a re-enrolment p started, if
// one is pending (ok false otherwise). It never creates one.
func (s *Service) PendingEnrolment(ctx context.Context, p *Principal) (e Enrolment, ok bool, err error) {
	r, err := s.loadTOTP(ctx, s.db, p.UserID)
	if err != nil || r.PendingEnc == nil {
		return Enrolment{}, false, err
	}
	secret, err := s.openTOTP(r.PendingEnc, p.UserID)
	if err != nil {
		return Enrolment{}, false, fmt.Errorf("open pending totp: %w", err)
	}
	e, err = enrolmentFor(p.NIP, string(secret))
	return e, err == nil, err
}
