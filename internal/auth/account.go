package auth

import (
	"context"
	"strconv"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/audit"
)

// ChangePassword replaces p's password after checking the current one. Every
// session of the user ends (token_version is bumped) and a fresh session is
// opened for the device that made the change.
func (s *Service) ChangePassword(ctx context.Context, p *Principal, current, next, ip, userAgent string) (*LoginResult, error) {
	// Counted before the current password is verified (atomically, like
	// a login), so this form is no way around the login throttle; the
	// account's login lock applies here too.
	accKey, chgKey := "nip:"+p.NIP, "sandi:"+strconv.FormatInt(p.UserID, 10)
	if locked, err := s.peek(ctx, accKey, accountAttempts); err != nil {
		return nil, err
	} else if locked {
		return nil, ErrLocked
	}
	if _, locked, err := s.attempt(ctx, chgKey, pairAttempts); err != nil {
		return nil, err
	} else if locked {
		return nil, ErrLocked
	}
	u, err := s.loadUser(ctx, `u.id = ?`, p.UserID)
	if err != nil {
		return nil, err
	}
	if u.ID == 0 || u.Disabled {
		return nil, ErrSessionInvalid
	}
	ok, _, err := s.hasher.Verify(ctx, u.PasswordHash, current)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apperr.Invalid("sandi_lama", "Kata sandi saat ini salah.")
	}
	// The right current password: only wrong ones accumulate.
	if err := s.db.WithContext(ctx).Exec(`DELETE FROM login_throttle WHERE key = ?`, chgKey).Error; err != nil {
		return nil, err
	}
	if err := s.Policy().CheckFor("sandi_baru", next, u.NIP, u.Nama); err != nil {
		return nil, err
	}
	if next == current {
		return nil, apperr.Invalid("sandi_baru", "Kata sandi baru harus berbeda dari yang lama.")
	}
	hash, err := s.hasher.Hash(ctx, next)
	if err != nil {
		return nil, err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`UPDATE users SET password_hash = ?, must_change_password = false, token_version = token_version + 1, updated_at = now() WHERE id = ?`, hash, u.ID).Error; err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE sessions SET revoked_at = now() WHERE user_id = ? AND revoked_at IS NULL`, u.ID).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: u.ID, ActorNIP: u.NIP, Action: ActionPasswordChanged, ObjectType: "user", ObjectID: strconv.FormatInt(u.ID, 10), IP: ip})
	})
	if err != nil {
		return nil, err
	}
	u.TokenVersion++
	u.MustChangePassword = false
	return s.openSession(ctx, u, ip, userAgent, "ganti_sandi")
}

// ResetPassword sets a temporary password for userID on behalf of actor (a
// superadmin or the user-management screen) and forces a change at the next
// login; all of the user's sessions end.
func (s *Service) ResetPassword(ctx context.Context, actor *Principal, userID int64, temporary, ip string) error {
	u, err := s.loadUser(ctx, `u.id = ?`, userID)
	if err != nil {
		return err
	}
	if u.ID == 0 {
		return apperr.ErrNotFound
	}
	if err := s.Policy().Check("sandi", temporary, u.NIP); err != nil {
		return err
	}
	hash, err := s.hasher.Hash(ctx, temporary)
	if err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`UPDATE users SET password_hash = ?, must_change_password = true, token_version = token_version + 1, updated_at = now() WHERE id = ?`, hash, userID).Error; err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE sessions SET revoked_at = now() WHERE user_id = ? AND revoked_at IS NULL`, userID).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actor.UserID, ActorNIP: actor.NIP, Action: ActionPasswordReset, ObjectType: "user", ObjectID: strconv.FormatInt(userID, 10), IP: ip})
	})
}

// RevokeUser ends every session of userID and bumps its token_version, so
// every token issued before stops working at once. Whoever changes a
// person's roles or disables the account calls it inside the same
// transaction as that change (ASVS 7.4.3).
func RevokeUser(ctx context.Context, tx *gorm.DB, userID int64) error {
	if err := tx.WithContext(ctx).Exec(`UPDATE users SET token_version = token_version + 1, updated_at = now() WHERE id = ?`, userID).Error; err != nil {
		return err
	}
	return tx.WithContext(ctx).Exec(`UPDATE sessions SET revoked_at = now() WHERE user_id = ? AND revoked_at IS NULL`, userID).Error
}
