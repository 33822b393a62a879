package auth

import (
	"context"
	"errors"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/audit"
)

// issueRefresh stores a new opaque refresh token for session sid (only its
// SHA-256) and returns the token.
func (s *Service) issueRefresh(tx *gorm.DB, sid string, userID int64, exp time.Time) (string, error) {
	raw := RandomID(32)
	err := tx.Exec(`INSERT INTO refresh_tokens (token_hash, session_id, user_id, expires_at) VALUES (?, ?, ?, ?)`, hashToken(raw), sid, userID, exp).Error
	return raw, err
}

// errReuse ends the rotation transaction after a reuse was found.
var errReuse = errors.New("refresh token reused")

// Refresh trades a refresh token for a new access token and a new refresh
// token (rotation). A token is good once: presenting a used one again means
// it was copied, so the whole family (the session and every token of it) is
// revoked and an audit row is written. The session's idle and absolute
// limits bound refreshing too.
func (s *Service) Refresh(ctx context.Context, raw, ip string) (*LoginResult, error) {
	if raw == "" || len(raw) > 200 {
		return nil, ErrSessionInvalid
	}
	var row struct {
		SessionID    string     `gorm:"column:session_id"`
		UserID       int64      `gorm:"column:user_id"`
		NIP          string     `gorm:"column:nip"`
		ExpiresAt    time.Time  `gorm:"column:expires_at"`
		UsedAt       *time.Time `gorm:"column:used_at"`
		RevokedAt    *time.Time `gorm:"column:revoked_at"`
		LastSeenAt   time.Time  `gorm:"column:last_seen_at"`
		SessionEnd   time.Time  `gorm:"column:session_end"`
		Disabled     bool       `gorm:"column:disabled"`
		TokenVersion int        `gorm:"column:token_version"`
	}
	var out *LoginResult
	now := s.now()
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Raw(`SELECT r.session_id, r.user_id, u.nip, r.expires_at, r.used_at, s.revoked_at, s.last_seen_at, s.expires_at AS session_end, u.disabled, u.token_version
FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id JOIN users u ON u.id = r.user_id
WHERE r.token_hash = ? FOR UPDATE OF r, s`, hashToken(raw)).Scan(&row).Error
		if err != nil {
			return err
		}
		switch {
		case row.SessionID == "":
			return ErrSessionInvalid
		case row.UsedAt != nil:
			if row.RevokedAt == nil {
				return errReuse
			}
			return ErrSessionInvalid
		case row.RevokedAt != nil, row.Disabled, now.After(row.ExpiresAt), now.After(row.SessionEnd), now.Sub(row.LastSeenAt) > s.idle:
			return ErrSessionInvalid
		}
		if err := tx.Exec(`UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ?`, now, hashToken(raw)).Error; err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE sessions SET last_seen_at = ? WHERE id = ?`, now, row.SessionID).Error; err != nil {
			return err
		}
		next, err := s.issueRefresh(tx, row.SessionID, row.UserID, row.SessionEnd)
		if err != nil {
			return err
		}
		tok, exp, err := s.tokens.Issue(row.UserID, row.TokenVersion, row.SessionID)
		if err != nil {
			return err
		}
		out = &LoginResult{Token: tok, Expires: exp, Refresh: next, RefreshExpires: row.SessionEnd}
		return nil
	})
	if errors.Is(err, errReuse) {
		err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec(`UPDATE sessions SET revoked_at = now() WHERE id = ?`, row.SessionID).Error; err != nil {
				return err
			}
			if err := tx.Exec(`UPDATE refresh_tokens SET used_at = coalesce(used_at, now()) WHERE session_id = ?`, row.SessionID).Error; err != nil {
				return err
			}
			return audit.Record(ctx, tx, audit.Entry{ActorID: row.UserID, ActorNIP: row.NIP, Action: ActionRefreshReuse, ObjectType: "session", ObjectID: strconv.FormatInt(row.UserID, 10), IP: ip})
		})
		if err != nil {
			return nil, err
		}
		return nil, ErrSessionInvalid
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}
