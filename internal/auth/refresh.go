package auth

import (
	"context"
	"errors"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/audit"
)

// RefreshGrace is how long after a rotation the immediately previous refresh
// token of a family is still accepted, once: two requests of one browser
// (two tabs, a page and its prefetch) can present the same token at the same
// moment, and the second must not be taken for theft. Reuse later, a second
// time, or of an older token revokes the family.
const RefreshGrace = 20 * time.Second

// issueRefresh stores a new opaque refresh token for session sid (only its
// SHA-256) and returns the token.
func (s *Service) issueRefresh(tx *gorm.DB, sid string, userID int64, exp time.Time) (string, error) {
	raw := RandomID(32)
	err := tx.Exec(`INSERT INTO refresh_tokens (token_hash, session_id, user_id, expires_at) VALUES (?, ?, ?, ?)`, hashToken(raw), sid, userID, exp).Error
	return raw, err
}

// errReuse ends the rotation transaction after a reuse was found.
var errReuse = errors.New("refresh token reused")

type refreshRow struct {
	SessionID    string     `gorm:"column:session_id"`
	UserID       int64      `gorm:"column:user_id"`
	NIP          string     `gorm:"column:nip"`
	ExpiresAt    time.Time  `gorm:"column:expires_at"`
	UsedAt       *time.Time `gorm:"column:used_at"`
	GraceUsedAt  *time.Time `gorm:"column:grace_used_at"`
	NextEnc      []byte     `gorm:"column:next_enc"`
	NextUnused   bool       `gorm:"column:next_unused"`
	RevokedAt    *time.Time `gorm:"column:revoked_at"`
	LastSeenAt   time.Time  `gorm:"column:last_seen_at"`
	SessionEnd   time.Time  `gorm:"column:session_end"`
	Disabled     bool       `gorm:"column:disabled"`
	TokenVersion int        `gorm:"column:token_version"`
}

// inGrace reports whether a used token may be answered once more with its
// successor: used moments ago, grace not spent, and its successor is the
// family's current token (so it is the immediately previous one).
func (r refreshRow) inGrace(now time.Time) bool {
	return r.UsedAt != nil && r.GraceUsedAt == nil && r.NextEnc != nil && r.NextUnused &&
		now.Sub(*r.UsedAt) <= RefreshGrace
}

// Refresh trades a refresh token for a new access token and a new refresh
// token (rotation). A token is good once: presenting a used one again means
// it was copied, so the whole family (the session and every token of it) is
// revoked and an audit row is written. The one exception is RefreshGrace:
// the immediately previous token, within the window and only once, is
// answered with the already-rotated current token and no second rotation.
// The session's idle and absolute limits bound refreshing too.
func (s *Service) Refresh(ctx context.Context, raw, ip string) (*LoginResult, error) {
	if raw == "" || len(raw) > 200 {
		return nil, ErrSessionInvalid
	}
	var row refreshRow
	var out *LoginResult
	now := s.now()
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Lock the family (its session row) first, then read in a separate
		// statement: in READ COMMITTED a statement that waited for a lock
		// re-checks only the locked rows, so a successor inserted by the
		// refresh it waited for would be invisible to it, and the race this
		// grace exists for would look like theft. Every refresh of a family
		// takes this lock, so of two simultaneous requests one rotates and
		// the other then reads the rotation.
		var sid string
		if err := tx.Raw(`SELECT s.id FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id WHERE r.token_hash = ? FOR UPDATE OF s`, hashToken(raw)).Scan(&sid).Error; err != nil {
			return err
		}
		if sid == "" {
			return ErrSessionInvalid
		}
		err := tx.Raw(`SELECT r.session_id, r.user_id, u.nip, r.expires_at, r.used_at, r.grace_used_at, r.next_enc,
  (n.token_hash IS NOT NULL AND n.used_at IS NULL) AS next_unused,
  s.revoked_at, s.last_seen_at, s.expires_at AS session_end, u.disabled, u.token_version
FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id JOIN users u ON u.id = r.user_id
LEFT JOIN refresh_tokens n ON n.token_hash = r.next_hash
WHERE r.token_hash = ?`, hashToken(raw)).Scan(&row).Error
		if err != nil {
			return err
		}
		switch {
		case row.SessionID == "":
			return ErrSessionInvalid
		case row.RevokedAt != nil:
			return ErrSessionInvalid
		case row.UsedAt != nil && !row.inGrace(now):
			return errReuse
		case row.Disabled, now.After(row.ExpiresAt), now.After(row.SessionEnd), now.Sub(row.LastSeenAt) > s.idle:
			return ErrSessionInvalid
		}
		if err := tx.Exec(`UPDATE sessions SET last_seen_at = ? WHERE id = ?`, now, row.SessionID).Error; err != nil {
			return err
		}
		tok, exp, err := s.tokens.Issue(row.UserID, row.TokenVersion, row.SessionID)
		if err != nil {
			return err
		}
		if row.UsedAt != nil { // the grace: answer with the current token
			next, err := s.refreshSeal.open(row.NextEnc, row.UserID)
			if err != nil {
				return errReuse // not ours to answer: treat as reuse
			}
			if err := tx.Exec(`UPDATE refresh_tokens SET grace_used_at = ?, next_enc = NULL WHERE token_hash = ?`, now, hashToken(raw)).Error; err != nil {
				return err
			}
			out = &LoginResult{Token: tok, Expires: exp, Refresh: string(next), RefreshExpires: row.SessionEnd}
			return nil
		}
		next, err := s.issueRefresh(tx, row.SessionID, row.UserID, row.SessionEnd)
		if err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE refresh_tokens SET used_at = ?, next_hash = ?, next_enc = ? WHERE token_hash = ?`,
			now, hashToken(next), s.refreshSeal.seal([]byte(next), row.UserID), hashToken(raw)).Error; err != nil {
			return err
		}
		// The predecessor's grace ends when this token rotates: its sealed
		// copy of this token is no longer needed.
		if err := tx.Exec(`UPDATE refresh_tokens SET next_enc = NULL WHERE next_hash = ?`, hashToken(raw)).Error; err != nil {
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
			if err := tx.Exec(`UPDATE refresh_tokens SET used_at = coalesce(used_at, now()), next_enc = NULL WHERE session_id = ?`, row.SessionID).Error; err != nil {
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
