// Package audit is the tamper-evident audit log: every row carries the SHA-256
// of its predecessor, writers are serialised by a transaction-scoped advisory
// lock, and the database refuses UPDATE, DELETE and TRUNCATE on the table.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// GenesisHash is the prev_hash of the first row.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// lockKey is the advisory lock that serialises audit writers ("audit" in ASCII).
const lockKey = 0x6175646974

// Actions written by the foundation; domains add their own "area.verb" names.
const (
	ActionLoginSuccess = "auth.login"
	ActionLoginFailure = "auth.login_gagal"
	ActionLoginLocked  = "auth.login_terkunci"
	ActionLogout       = "auth.logout"
	ActionRoleSwitch   = "auth.ganti_peran"
	ActionForbidden    = "auth.ditolak"
	ActionSeed         = "sistem.seed"
)

// Entry is what a caller records.
type Entry struct {
	ActorID    int64
	ActorNIP   string
	Action     string
	ObjectType string
	ObjectID   string
	IP         string
	Detail     map[string]any
}

// Row is one stored audit row.
type Row struct {
	ID         int64     `gorm:"column:id;primaryKey;autoIncrement:false"`
	At         time.Time `gorm:"column:at"`
	ActorID    *int64    `gorm:"column:actor_id"`
	ActorNIP   string    `gorm:"column:actor_nip"`
	Action     string    `gorm:"column:action"`
	ObjectType string    `gorm:"column:object_type"`
	ObjectID   string    `gorm:"column:object_id"`
	IP         string    `gorm:"column:ip"`
	Detail     string    `gorm:"column:detail"`
	PrevHash   string    `gorm:"column:prev_hash"`
	Hash       string    `gorm:"column:hash"`
}

// TableName maps Row onto audit_log.
func (Row) TableName() string { return "audit_log" }

// ComputeHash computes the row's chain hash from its fields and PrevHash. The
// canonical form is a JSON array, so no field can bleed into another.
func (r Row) ComputeHash() string {
	var actor int64
	if r.ActorID != nil {
		actor = *r.ActorID
	}
	canon, _ := json.Marshal([]any{
		strconv.FormatInt(r.ID, 10), r.At.UTC().Format(time.RFC3339Nano), strconv.FormatInt(actor, 10),
		r.ActorNIP, r.Action, r.ObjectType, r.ObjectID, r.IP, r.Detail, r.PrevHash,
	})
	sum := sha256.Sum256(canon)
	return hex.EncodeToString(sum[:])
}

// Record appends e to the chain inside tx. Call it in the same transaction as
// the change it describes, as late as possible: it holds the chain lock until
// the transaction ends.
func Record(ctx context.Context, tx *gorm.DB, e Entry) error {
	if e.Action == "" {
		return errors.New("audit: empty action")
	}
	e = e.bounded()
	detail := "{}"
	if len(e.Detail) > 0 {
		b, err := json.Marshal(e.Detail)
		if err != nil {
			return fmt.Errorf("audit detail: %w", err)
		}
		detail = string(b)
		if len(detail) > MaxDetail {
			detail = `{"dipotong":true}`
		}
	}
	db := tx.WithContext(ctx)
	// The lock and the head in one round trip (migration 0173): the lock
	// is held from here to the end of the transaction, so what runs under
	// it is kept to one more statement (the insert) and the commit.
	var head struct {
		ID   *int64  `gorm:"column:head_id"`
		Hash *string `gorm:"column:head_hash"`
	}
	if err := db.Raw("SELECT head_id, head_hash FROM audit_lock_head(?)", lockKey).Scan(&head).Error; err != nil {
		return fmt.Errorf("audit lock: %w", err)
	}
	prevHash, nextID := GenesisHash, int64(1)
	if head.ID != nil && head.Hash != nil {
		prevHash, nextID = *head.Hash, *head.ID+1
	}
	r := Row{
		ID:         nextID,
		At:         time.Now().UTC().Truncate(time.Microsecond), // PostgreSQL keeps microseconds
		ActorNIP:   e.ActorNIP,
		Action:     e.Action,
		ObjectType: e.ObjectType,
		ObjectID:   e.ObjectID,
		IP:         e.IP,
		Detail:     detail,
		PrevHash:   prevHash,
	}
	if e.ActorID != 0 {
		id := e.ActorID
		r.ActorID = &id
	}
	r.Hash = r.ComputeHash()
	if err := db.Exec(`INSERT INTO audit_log (id, at, actor_id, actor_nip, action, object_type, object_id, ip, detail, prev_hash, hash)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, r.At, r.ActorID, r.ActorNIP, r.Action, r.ObjectType, r.ObjectID, r.IP, r.Detail, r.PrevHash, r.Hash).Error; err != nil {
		return fmt.Errorf("audit insert: %w", err)
	}
	return nil
}

// Bounds of the audited fields: whatever a request carries (a 45 KB path,
// a long NIP), a row stays small. Longer values are cut (on a UTF-8
// boundary) and marked with "…".
const (
	MaxField       = 256
	MaxDetailValue = 1000
	MaxDetail      = 8192
)

func bound(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}

// bounded returns e with every text field within its bound.
func (e Entry) bounded() Entry {
	e.ActorNIP, e.Action, e.ObjectType = bound(e.ActorNIP, 64), bound(e.Action, 100), bound(e.ObjectType, 64)
	e.ObjectID, e.IP = bound(e.ObjectID, MaxField), bound(e.IP, 64)
	if len(e.Detail) > 0 {
		d := make(map[string]any, len(e.Detail))
		for k, v := range e.Detail {
			if str, ok := v.(string); ok {
				v = bound(str, MaxDetailValue)
			}
			d[bound(k, 64)] = v
		}
		e.Detail = d
	}
	return e
}

// RecordNow writes e in a transaction of its own (for events such as a failed
// login that change nothing else).
func RecordNow(ctx context.Context, db *gorm.DB, e Entry) error {
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return Record(ctx, tx, e) })
}

// Break describes the first row where the chain does not hold.
type Break struct {
	ID     int64
	Reason string
}

// Error makes a Break usable as an error.
func (b *Break) Error() string {
	return fmt.Sprintf("rantai audit putus pada baris %d: %s", b.ID, b.Reason)
}

// Head is the newest row's id and hash, for anchoring elsewhere.
type Head struct {
	ID   int64
	Hash string
	At   time.Time
}

// Verify walks the whole chain in id order and returns the number of rows
// checked and the head, or a *Break naming the first broken row.
func Verify(ctx context.Context, db *gorm.DB) (int64, Head, error) {
	const batch = 5000
	prev := Row{Hash: GenesisHash}
	var n int64
	for {
		var rows []Row
		if err := db.WithContext(ctx).Where("id > ?", prev.ID).Order("id").Limit(batch).Find(&rows).Error; err != nil {
			return n, Head{}, fmt.Errorf("read audit log: %w", err)
		}
		for _, r := range rows {
			switch {
			case r.ID != prev.ID+1:
				return n, Head{}, &Break{ID: r.ID, Reason: fmt.Sprintf("baris %d sampai %d hilang", prev.ID+1, r.ID-1)}
			case r.PrevHash != prev.Hash:
				return n, Head{}, &Break{ID: r.ID, Reason: "prev_hash tidak sama dengan hash baris sebelumnya"}
			case r.ComputeHash() != r.Hash:
				return n, Head{}, &Break{ID: r.ID, Reason: "isi baris tidak cocok dengan hash-nya (diubah)"}
			}
			prev = r
			n++
		}
		if len(rows) < batch {
			return n, Head{ID: prev.ID, Hash: prev.Hash, At: prev.At}, nil
		}
	}
}

// Filter selects rows for the audit page.
type Filter struct {
	Action   string
	ActorNIP string
	// Object matches object_type, or "type:id" for one object.
	Object   string
	From, To time.Time // inclusive days in the caller's zone; zero: open
	Limit    int
	BeforeID int64
}

// filtered applies f's conditions (not its limit) to q.
func filtered(q *gorm.DB, f Filter) *gorm.DB {
	if f.Action != "" {
		q = q.Where("action LIKE ?", strings.ReplaceAll(f.Action, "%", `\%`)+"%")
	}
	if f.ActorNIP != "" {
		q = q.Where("actor_nip = ?", f.ActorNIP)
	}
	if typ, id, ok := strings.Cut(f.Object, ":"); ok {
		q = q.Where("object_type = ? AND object_id = ?", typ, id)
	} else if f.Object != "" {
		q = q.Where("object_type = ?", f.Object)
	}
	if !f.From.IsZero() {
		q = q.Where("at >= ?", f.From)
	}
	if !f.To.IsZero() {
		q = q.Where("at < ?", f.To.AddDate(0, 0, 1))
	}
	if f.BeforeID > 0 {
		q = q.Where("id < ?", f.BeforeID)
	}
	return q
}

// List returns rows newest first.
func List(ctx context.Context, db *gorm.DB, f Filter) ([]Row, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	var rows []Row
	if err := filtered(db.WithContext(ctx).Order("id DESC"), f).Limit(f.Limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	return rows, nil
}

// ExportLimit is the most rows one download of the audit log holds.
const ExportLimit = 20000

// Export returns the rows the audit page's filter selects over every page,
// newest first, at most ExportLimit; more reports whether older ones were
// left out (the caller says so and asks for a narrower filter).
func Export(ctx context.Context, db *gorm.DB, f Filter) (rows []Row, more bool, err error) {
	if err := filtered(db.WithContext(ctx).Order("id DESC"), f).Limit(ExportLimit + 1).Find(&rows).Error; err != nil {
		return nil, false, fmt.Errorf("export audit: %w", err)
	}
	if len(rows) > ExportLimit {
		return rows[:ExportLimit], true, nil
	}
	return rows, false, nil
}

// Log is the audit log as the web layer uses it, built once on the
// application's connection.
type Log struct{ db *gorm.DB }

// NewLog returns the audit log on db.
func NewLog(db *gorm.DB) *Log { return &Log{db: db} }

// Record writes e in a transaction of its own (RecordNow).
func (l *Log) Record(ctx context.Context, e Entry) error { return RecordNow(ctx, l.db, e) }

// List returns the rows f selects, newest first.
func (l *Log) List(ctx context.Context, f Filter) ([]Row, error) { return List(ctx, l.db, f) }

// Export returns the rows f selects over every page (Export).
func (l *Log) Export(ctx context.Context, f Filter) ([]Row, bool, error) { return Export(ctx, l.db, f) }

// Change is one audited change of an object: when and by whom.
type Change struct {
	At       time.Time `gorm:"column:at"`
	ActorNIP string    `gorm:"column:actor_nip"`
	Action   string    `gorm:"column:action"`
}

// BankChanges lists, newest first and at most 20, the changes of employee
// pegawaiID's bank account in the last 30 days, from the audit rows they
// wrote: a proposal (org.rekening_usul), its confirmation or refusal
// (org.rekening_konfirmasi, org.rekening_tolak), and direct edits of
// org.pegawai_ubah from before proposals existed.
func (l *Log) BankChanges(ctx context.Context, pegawaiID int64) ([]Change, error) {
	var rows []Change
	err := l.db.WithContext(ctx).Raw(`SELECT at, actor_nip, action FROM audit_log
WHERE object_type = 'pegawai' AND object_id = ? AND at > now() - interval '30 days'
  AND (action IN ('org.rekening_usul', 'org.rekening_konfirmasi', 'org.rekening_tolak')
       OR (action = 'org.pegawai_ubah' AND (detail::jsonb -> 'berubah') ?| array['bank_rekening', 'bank_nama', 'bank_atas_nama']))
ORDER BY id DESC LIMIT 20`, strconv.FormatInt(pegawaiID, 10)).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("bank account changes: %w", err)
	}
	return rows, nil
}
