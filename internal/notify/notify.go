// Package notify is ekinerja's notifications: each person's in-app inbox
// (notifikasi), their e-mail settings, and the e-mail outbox
// (notifikasi_surel). A domain store that changes state calls Add with its
// own transaction, so a notification exists exactly when the change does and
// writing it costs one or two INSERTs; e-mail is sent later, from the outbox,
// by the Mailer (with retries), never inside the request.
package notify

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/auth"
)

// Kind is what a notification is about.
type Kind string

// The notification kinds.
const (
	KindAktivitasReturned Kind = "aktivitas_dikembalikan"
	KindAktivitasWaiting  Kind = "aktivitas_menunggu"
	KindClosingSoon       Kind = "penutupan_dekat"
	KindClaimWaiting      Kind = "klaim_menunggu"
	KindClaimReturned     Kind = "klaim_dikembalikan"
	KindClaimVerified     Kind = "klaim_diverifikasi"
	KindClaimApproved     Kind = "klaim_disetujui"
	KindClaimPaid         Kind = "klaim_dibayar"
	KindSlipReady         Kind = "slip_siap"
	// KindDigest is the daily summary e-mail itself (never an inbox row).
	KindDigest Kind = "ringkasan_harian"
)

// Kinds lists every kind a person can receive, in the settings page's order.
var Kinds = []Kind{KindAktivitasReturned, KindAktivitasWaiting, KindClosingSoon, KindClaimWaiting,
	KindClaimReturned, KindClaimVerified, KindClaimApproved, KindClaimPaid, KindSlipReady}

// Label is the kind in Bahasa Indonesia.
func (k Kind) Label() string {
	switch k {
	case KindAktivitasReturned:
		return "Aktivitas dikembalikan atasan"
	case KindAktivitasWaiting:
		return "Aktivitas bawahan menunggu persetujuan (ringkasan harian)"
	case KindClosingSoon:
		return "Tanggal penutupan bulan sudah dekat"
	case KindClaimWaiting:
		return "Klaim TPP menunggu verifikasi (ringkasan harian)"
	case KindClaimReturned:
		return "Klaim TPP dikembalikan"
	case KindClaimVerified:
		return "Klaim TPP diverifikasi"
	case KindClaimApproved:
		return "Klaim TPP disetujui"
	case KindClaimPaid:
		return "Klaim TPP dibayar"
	case KindSlipReady:
		return "Slip TPP siap dilihat"
	case KindDigest:
		return "Ringkasan harian"
	}
	return string(k)
}

// Digested reports whether the kind reaches e-mail in the daily digest
// (work waiting for an atasan or verifikator) instead of one mail each.
func (k Kind) Digested() bool { return k == KindAktivitasWaiting || k == KindClaimWaiting }

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Note is one notification for one or more people (user ids).
type Note struct {
	Users []int64
	Kind  Kind
	Title string
	Body  string
	// Link is a local path ("/tpp/klaim/3"), or empty.
	Link string
	// Key, when set, makes the note idempotent per person: a second Add with
	// the same key for the same person adds nothing (a reminder sent once).
	Key string
}

// Add writes note n into each person's inbox and, unless the kind goes to
// the daily digest, queues one e-mail for each person who gave an address
// and has not turned this kind off. Call it with the transaction of the
// state change. Two statements, whatever the number of people.
func Add(ctx context.Context, tx *gorm.DB, n Note) error {
	_, err := AddCount(ctx, tx, n)
	return err
}

// AddCount is Add, returning how many people got the note (a keyed note
// already there is not added again).
func AddCount(ctx context.Context, tx *gorm.DB, n Note) (int, error) {
	if len(n.Users) == 0 {
		return 0, nil
	}
	if !n.Kind.Valid() {
		return 0, fmt.Errorf("notify: unknown kind %q", n.Kind)
	}
	n.Title, n.Body = clip(n.Title, 300), clip(n.Body, 2000)
	if !strings.HasPrefix(n.Link, "/") || strings.HasPrefix(n.Link, "//") {
		n.Link = ""
	}
	var key any
	if n.Key != "" {
		key = n.Key
	}
	var added []int64
	if err := tx.WithContext(ctx).Raw(`INSERT INTO notifikasi (user_id, jenis, judul, isi, tautan, kunci, ringkasan)
SELECT DISTINCT u, ?::text, ?::text, ?::text, ?::text, ?::text, ?::boolean FROM unnest(?::bigint[]) AS u
ON CONFLICT (user_id, kunci) DO NOTHING RETURNING user_id`,
		string(n.Kind), n.Title, n.Body, n.Link, key, n.Kind.Digested(), int64s(n.Users)).Scan(&added).Error; err != nil {
		return 0, fmt.Errorf("notify: inbox: %w", err)
	}
	if n.Kind.Digested() || len(added) == 0 {
		return len(added), nil
	}
	body := n.Body
	if n.Link != "" {
		body += "\n\nBuka: " + n.Link
	}
	if err := tx.WithContext(ctx).Exec(`INSERT INTO notifikasi_surel (user_id, jenis, kepada, subjek, isi)
SELECT p.user_id, ?::text, p.email, ?::text, ?::text FROM notifikasi_pengaturan p
WHERE p.user_id = ANY(?::bigint[]) AND p.email <> '' AND NOT (?::text = ANY(p.surel_mati))`,
		string(n.Kind), "[e-Kinerja] "+n.Title, body, int64s(added), string(n.Kind)).Error; err != nil {
		return 0, fmt.Errorf("notify: outbox: %w", err)
	}
	return len(added), nil
}

// UsersWithRole returns the active accounts holding role (and, for
// admin_opd, the agency opdID; 0 for any). For Note.Users.
func UsersWithRole(ctx context.Context, tx *gorm.DB, role string, opdID int64) ([]int64, error) {
	var ids []int64
	err := tx.WithContext(ctx).Raw(`SELECT DISTINCT u.id FROM users u JOIN user_roles r ON r.user_id = u.id
WHERE NOT u.disabled AND r.role = ? AND (? = 0 OR r.opd_id = ?) ORDER BY u.id`, role, opdID, opdID).Scan(&ids).Error
	return ids, err
}

// UsersOfPegawai returns the accounts of the given employees.
func UsersOfPegawai(ctx context.Context, tx *gorm.DB, pegawaiIDs []int64) ([]int64, error) {
	var ids []int64
	if len(pegawaiIDs) == 0 {
		return nil, nil
	}
	err := tx.WithContext(ctx).Raw(`SELECT id FROM users WHERE NOT disabled AND pegawai_id = ANY(?::bigint[]) ORDER BY id`, int64s(pegawaiIDs)).Scan(&ids).Error
	return ids, err
}

func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// int64s is a bigint[] parameter, sent as its array literal ("{1,2,3}")
// in a plain string: GORM would expand a slice into "1,2,3".
func int64s(a []int64) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, v := range a {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprint(&b, v)
	}
	b.WriteByte('}')
	return b.String()
}

// Item is one inbox row.
type Item struct {
	ID        int64      `gorm:"column:id"`
	Kind      Kind       `gorm:"column:jenis"`
	Title     string     `gorm:"column:judul"`
	Body      string     `gorm:"column:isi"`
	Link      string     `gorm:"column:tautan"`
	ReadAt    *time.Time `gorm:"column:dibaca_at"`
	CreatedAt time.Time  `gorm:"column:created_at"`
}

// Unread reports whether the item is not read yet.
func (i Item) Unread() bool { return i.ReadAt == nil }

// Store reads and changes a person's inbox and settings.
type Store struct{ db *gorm.DB }

// NewStore returns the Store on db.
func NewStore(db *gorm.DB) *Store { return &Store{db: db} }

// UnreadCount is the number of unread notifications of user (the header badge).
func (s *Store) UnreadCount(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.db.WithContext(ctx).Raw(`SELECT count(*) FROM notifikasi WHERE user_id = ? AND dibaca_at IS NULL`, userID).Scan(&n).Error
	return n, err
}

// Inbox is the inbox page: the latest notifications and the unread count.
type Inbox struct {
	Items  []Item
	Unread int
	// Filter is the page asked for (normalised); Total counts the
	// notifications it filters, over every page.
	Filter InboxFilter
	Total  int64
}

// InboxFilter narrows and pages the inbox.
type InboxFilter struct {
	// UnreadOnly keeps the unread notifications (?status=belum).
	UnreadOnly bool
	// Page is 1-based (?hal=).
	Page int
}

// InboxLimit is how many notifications one page of the inbox shows.
const InboxLimit = 50

// Pages is the number of pages of the filtered inbox.
func (in Inbox) Pages() int {
	return max(int((in.Total+InboxLimit-1)/InboxLimit), 1)
}

// Inbox returns one page of user's notifications, newest first.
func (s *Store) Inbox(ctx context.Context, userID int64, f InboxFilter) (Inbox, error) {
	f.Page = max(f.Page, 1)
	in := Inbox{Filter: f}
	db := s.db.WithContext(ctx)
	if err := db.Raw(`SELECT count(*) FROM notifikasi WHERE user_id = ? AND (NOT ? OR dibaca_at IS NULL)`, userID, f.UnreadOnly).Scan(&in.Total).Error; err != nil {
		return in, err
	}
	if err := db.Raw(`SELECT id, jenis, judul, isi, tautan, dibaca_at, created_at FROM notifikasi
WHERE user_id = ? AND (NOT ? OR dibaca_at IS NULL) ORDER BY id DESC LIMIT ? OFFSET ?`, userID, f.UnreadOnly, InboxLimit, (f.Page-1)*InboxLimit).Scan(&in.Items).Error; err != nil {
		return in, err
	}
	var err error
	in.Unread, err = s.UnreadCount(ctx, userID)
	return in, err
}

// MarkRead marks one of the actor's notifications read (id 0: all of them)
// and returns the link to follow. Someone else's notification is not
// found. Audited (every POST that changes something is).
func (s *Store) MarkRead(ctx context.Context, a Actor, id int64) (string, error) {
	var link string
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var ids []int64
		var links []string
		if id == 0 {
			if err := tx.Raw(`UPDATE notifikasi SET dibaca_at = now() WHERE user_id = ? AND dibaca_at IS NULL RETURNING id`, a.UserID).Scan(&ids).Error; err != nil {
				return err
			}
		} else {
			if err := tx.Raw(`UPDATE notifikasi SET dibaca_at = coalesce(dibaca_at, now()) WHERE id = ? AND user_id = ? RETURNING tautan`, id, a.UserID).Scan(&links).Error; err != nil {
				return err
			}
			if len(links) == 0 {
				return apperr.New(apperr.ErrNotFound, "Notifikasi tidak ditemukan.")
			}
			link, ids = links[0], []int64{id}
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActorNIP: a.NIP, IP: a.IP, Action: "notifikasi.baca",
			ObjectType: "notifikasi", ObjectID: fmt.Sprint(id), Detail: map[string]any{"jumlah": len(ids)}})
	})
	return link, err
}

// Settings are one person's e-mail choices.
type Settings struct {
	Email string
	// Off lists the kinds the person receives in the inbox only.
	Off map[Kind]bool
}

// EmailOn reports whether kind k is sent by e-mail.
func (st Settings) EmailOn(k Kind) bool { return !st.Off[k] }

// Settings returns user's settings (no address and everything on when never saved).
func (s *Store) Settings(ctx context.Context, userID int64) (Settings, error) {
	var row struct {
		Email string `gorm:"column:email"`
		Off   string `gorm:"column:off"`
	}
	st := Settings{Off: map[Kind]bool{}}
	if err := s.db.WithContext(ctx).Raw(`SELECT email, array_to_string(surel_mati, ',') AS off FROM notifikasi_pengaturan WHERE user_id = ?`, userID).Scan(&row).Error; err != nil {
		return st, err
	}
	st.Email = row.Email
	for _, k := range strings.Split(row.Off, ",") {
		if k != "" {
			st.Off[Kind(k)] = true
		}
	}
	return st, nil
}

// ParseEmail checks an address typed in the settings form ("" means none).
func ParseEmail(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || len(v) > 254 || strings.ContainsAny(v, "\r\n") {
		return "", apperr.Invalid("email", "Alamat e-mail tidak valid (contoh: nama@instansi.go.id).")
	}
	return v, nil
}

// Actor is who changes their own settings (the one auth.Actor; the name
// stays for callers).
type Actor = auth.Actor

// SaveSettings stores the actor's address and the kinds sent by e-mail
// (on); the kinds not in on are turned off. Audited.
func (s *Store) SaveSettings(ctx context.Context, a Actor, email string, on []Kind) error {
	userID := a.UserID
	email, err := ParseEmail(email)
	if err != nil {
		return err
	}
	onSet := map[Kind]bool{}
	for _, k := range on {
		if !k.Valid() {
			return apperr.Invalid("surel", "Jenis notifikasi tidak dikenal.")
		}
		onSet[k] = true
	}
	off := []string{}
	for _, k := range Kinds {
		if !onSet[k] {
			off = append(off, string(k))
		}
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`INSERT INTO notifikasi_pengaturan (user_id, email, surel_mati) VALUES (?, ?, string_to_array(?, ','))
ON CONFLICT (user_id) DO UPDATE SET email = EXCLUDED.email, surel_mati = EXCLUDED.surel_mati, updated_at = now()`,
			userID, email, strings.Join(off, ",")).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActorNIP: a.NIP, IP: a.IP, Action: "notifikasi.pengaturan",
			ObjectType: "users", ObjectID: fmt.Sprint(a.UserID), Detail: map[string]any{"email_diisi": email != "", "surel_mati": off}})
	})
}
