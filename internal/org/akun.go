package org

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/auth"
)

// Hasher hashes a password (auth.Hasher in production).
type Hasher interface {
	Hash(ctx context.Context, password string) (string, error)
}

// Akun is a user account with its employee and roles.
type Akun struct {
	ID                 int64      `gorm:"column:id"`
	PegawaiID          int64      `gorm:"column:pegawai_id"`
	NIP                string     `gorm:"column:nip"`
	Nama               string     `gorm:"column:nama"`
	OPDKode            string     `gorm:"column:opd_kode"`
	Disabled           bool       `gorm:"column:disabled"`
	MustChangePassword bool       `gorm:"column:must_change_password"`
	Peran              string     `gorm:"column:peran"` // comma-separated, for lists
	Roles              []AkunRole `gorm:"-"`
}

// AkunRole is one role a user holds.
type AkunRole struct {
	ID      int64  `gorm:"column:id"`
	Role    string `gorm:"column:role"`
	OPDID   *int64 `gorm:"column:opd_id"`
	OPDKode string `gorm:"column:opd_kode"`
}

// ListAkun returns up to 200 accounts matching q (NIP prefix or name part).
func (s *Store) ListAkun(ctx context.Context, q string) ([]Akun, error) {
	q = strings.TrimSpace(q)
	where, args := "true", []any{}
	if q != "" {
		if digitsRe.MatchString(q) {
			where, args = "u.nip LIKE ?", []any{likeEscape(q) + "%"}
		} else {
			where, args = "p.nama ILIKE ?", []any{"%" + likeEscape(q) + "%"}
		}
	}
	var out []Akun
	err := s.db.WithContext(ctx).Raw(`
SELECT u.id, u.pegawai_id, u.nip, p.nama, o.kode AS opd_kode, u.disabled, u.must_change_password,
  coalesce((SELECT string_agg(r.role || coalesce(':' || ro.kode, ''), ', ' ORDER BY r.id) FROM user_roles r LEFT JOIN opd ro ON ro.id = r.opd_id WHERE r.user_id = u.id), '') AS peran
FROM users u JOIN pegawai p ON p.id = u.pegawai_id JOIN opd o ON o.id = p.opd_id
WHERE `+where+` ORDER BY p.nama, u.id LIMIT 200`, args...).Scan(&out).Error
	return out, err
}

// GetAkun returns one account with its roles.
func (s *Store) GetAkun(ctx context.Context, id int64) (Akun, error) {
	var a Akun
	err := s.db.WithContext(ctx).Raw(`
SELECT u.id, u.pegawai_id, u.nip, p.nama, o.kode AS opd_kode, u.disabled, u.must_change_password
FROM users u JOIN pegawai p ON p.id = u.pegawai_id JOIN opd o ON o.id = p.opd_id WHERE u.id = ?`, id).Scan(&a).Error
	if err != nil {
		return a, err
	}
	if a.ID == 0 {
		return a, notFound("user", id)
	}
	err = s.db.WithContext(ctx).Raw(`SELECT r.id, r.role, r.opd_id, coalesce(o.kode, '') AS opd_kode FROM user_roles r LEFT JOIN opd o ON o.id = r.opd_id
WHERE r.user_id = ? ORDER BY r.id`, id).Scan(&a.Roles).Error
	return a, err
}

// assignableRoles are the roles a superadmin grants here.
var assignableRoles = map[string]bool{"pegawai": true, "atasan": true, "admin_opd": true, "verifikator": true, "superadmin": true}

// GrantRole gives a user a role (admin_opd needs an OPD), audited.
func (s *Store) GrantRole(ctx context.Context, a Actor, userID int64, role string, opdID int64) error {
	if _, err := s.GetAkun(ctx, userID); err != nil {
		return err
	}
	ve := &apperr.ValidationError{}
	if !assignableRoles[role] {
		ve.Add("role", "Pilih peran.")
	}
	if role == "admin_opd" {
		if opdID <= 0 {
			ve.Add("opd_id", "Admin OPD harus dipasangkan dengan satu OPD.")
		} else if _, err := s.GetOPD(ctx, opdID); err != nil {
			ve.Add("opd_id", "OPD tidak dikenal.")
		}
	} else {
		opdID = 0
	}
	if err := ve.OrNil(); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec(`INSERT INTO user_roles (user_id, role, opd_id) VALUES (?, ?, NULLIF(?, 0)) ON CONFLICT DO NOTHING`, userID, role, opdID)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return apperr.Invalid("role", "Pengguna sudah memegang peran ini.")
		}
		// Tokens carry the roles held when issued: end them with the change.
		if err := auth.RevokeUser(ctx, tx, userID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, entry(a, "org.peran_beri", "user", userID, map[string]any{"peran": role, "opd_id": opdID}))
	})
}

// RevokeRole takes a role away, audited. A superadmin cannot take away their
// own superadmin role (someone must be left to manage the system).
func (s *Store) RevokeRole(ctx context.Context, a Actor, userID, roleID int64) error {
	var r AkunRole
	if err := s.db.WithContext(ctx).Raw(`SELECT id, role, opd_id FROM user_roles WHERE id = ? AND user_id = ?`, roleID, userID).Scan(&r).Error; err != nil {
		return err
	}
	if r.ID == 0 {
		return apperr.Invalid("role_id", "Pilih peran yang akan dicabut.")
	}
	if userID == a.UserID && r.Role == "superadmin" {
		return apperr.Invalid("role_id", "Anda tidak dapat mencabut peran Super Admin Anda sendiri.")
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`DELETE FROM user_roles WHERE id = ?`, roleID).Error; err != nil {
			return err
		}
		if err := auth.RevokeUser(ctx, tx, userID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, entry(a, "org.peran_cabut", "user", userID, map[string]any{"peran": r.Role, "opd_id": r.OPDID}))
	})
}

// tempPasswordAlphabet avoids look-alike characters (0/O, 1/l/I).
const tempPasswordAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"

// TempPassword returns a random 14-character temporary password.
func TempPassword() string {
	var b [14]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	out := make([]byte, len(b))
	for i, v := range b {
		out[i] = tempPasswordAlphabet[int(v)%len(tempPasswordAlphabet)]
	}
	// Groups of 4-5 are easier to read out over the phone.
	return string(out[:5]) + "-" + string(out[5:10]) + "-" + string(out[10:])
}

// ResetPassword sets a random temporary password, forces a change at next
// login and ends every session (token_version bump), audited. It returns the
// temporary password, to be shown once.
func (s *Store) ResetPassword(ctx context.Context, a Actor, h Hasher, userID int64) (string, error) {
	if _, err := s.GetAkun(ctx, userID); err != nil {
		return "", err
	}
	if userID == a.UserID {
		return "", apperr.Invalid("konfirmasi", "Gunakan halaman ganti kata sandi untuk akun Anda sendiri.")
	}
	pw := TempPassword()
	hash, err := h.Hash(ctx, pw)
	if err != nil {
		return "", err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`UPDATE users SET password_hash = ?, must_change_password = true, token_version = token_version + 1,
  failed_logins = 0, locked_until = NULL, updated_at = now() WHERE id = ?`, hash, userID).Error; err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE sessions SET revoked_at = now() WHERE user_id = ? AND revoked_at IS NULL`, userID).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, entry(a, "org.sandi_reset", "user", userID, nil))
	})
	return pw, err
}

// SetDisabled disables (or enables) a user. Disabling bumps the token version
// and revokes every session, so the person is signed out at once; audited.
func (s *Store) SetDisabled(ctx context.Context, a Actor, userID int64, disabled bool) error {
	cur, err := s.GetAkun(ctx, userID)
	if err != nil {
		return err
	}
	if cur.Disabled == disabled { // a second click, or a stale page: say so, change nothing
		if disabled {
			return apperr.New(apperr.ErrConflict, "Akun ini sudah nonaktif.")
		}
		return apperr.New(apperr.ErrConflict, "Akun ini sudah aktif.")
	}
	if userID == a.UserID && disabled {
		return apperr.Invalid("konfirmasi", "Anda tidak dapat menonaktifkan akun Anda sendiri.")
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`UPDATE users SET disabled = ?, updated_at = now() WHERE id = ?`, disabled, userID).Error; err != nil {
			return err
		}
		if disabled {
			if err := auth.RevokeUser(ctx, tx, userID); err != nil {
				return err
			}
		}
		action := "org.akun_aktifkan"
		if disabled {
			action = "org.akun_nonaktifkan"
		}
		return audit.Record(ctx, tx, entry(a, action, "user", userID, nil))
	})
}

// CreateAkun makes a login for an employee in scope with a temporary
// password (shown once, must be changed at first login), audited.
func (s *Store) CreateAkun(ctx context.Context, sc Scope, a Actor, h Hasher, pegawaiID int64) (int64, string, error) {
	p, err := s.GetPegawai(ctx, sc, pegawaiID)
	if err != nil {
		return 0, "", err
	}
	var n int64
	if err := s.db.WithContext(ctx).Raw(`SELECT count(*) FROM users WHERE pegawai_id = ?`, pegawaiID).Scan(&n).Error; err != nil {
		return 0, "", fmt.Errorf("check akun: %w", err)
	}
	if n > 0 {
		return 0, "", apperr.New(apperr.ErrConflict, "Pegawai ini sudah punya akun.")
	}
	pw := TempPassword()
	hash, err := h.Hash(ctx, pw)
	if err != nil {
		return 0, "", err
	}
	var uid int64
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Raw(`INSERT INTO users (pegawai_id, nip, password_hash, must_change_password) VALUES (?, ?, ?, true) RETURNING id`, p.ID, p.NIP, hash).Scan(&uid).Error; err != nil {
			return fmt.Errorf("create user: %w", err)
		}
		if err := tx.Exec(`INSERT INTO user_roles (user_id, role) VALUES (?, 'pegawai')`, uid).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, entry(a, "org.akun_buat", "user", uid, map[string]any{"nip": p.NIP}))
	})
	if isUniqueViolation(err) {
		return 0, "", apperr.New(apperr.ErrConflict, "Pegawai ini sudah punya akun.")
	}
	return uid, pw, err
}
