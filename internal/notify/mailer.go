package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/smtp"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// SMTP is the mail server configuration (EKINERJA_SMTP_*). Host empty means
// e-mail is off: notifications stay in the inbox only.
type SMTP struct {
	Host     string
	Port     int
	User     string
	Password string
	From     string
	// InsecureSkipVerify is for tests only (a test server's own certificate).
	InsecureSkipVerify bool
}

// Enabled reports whether e-mail is configured.
func (c SMTP) Enabled() bool { return c.Host != "" }

// SMTPFromEnv reads EKINERJA_SMTP_HOST, _PORT (default 587), _USER,
// _PASSWORD and _FROM through getenv.
func SMTPFromEnv(getenv func(string) string) (SMTP, error) {
	c := SMTP{Host: strings.TrimSpace(getenv("EKINERJA_SMTP_HOST")), User: getenv("EKINERJA_SMTP_USER"),
		Password: getenv("EKINERJA_SMTP_PASSWORD"), From: strings.TrimSpace(getenv("EKINERJA_SMTP_FROM")), Port: 587}
	if c.Host == "" {
		return c, nil
	}
	if p := strings.TrimSpace(getenv("EKINERJA_SMTP_PORT")); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return c, fmt.Errorf("EKINERJA_SMTP_PORT harus nomor port 1-65535, bukan %q", p)
		}
		c.Port = n
	}
	if _, err := ParseEmail(c.From); err != nil || c.From == "" {
		return c, fmt.Errorf("EKINERJA_SMTP_FROM wajib berisi alamat pengirim yang valid bila EKINERJA_SMTP_HOST diisi (contoh: ekinerja@kabupaten.go.id)")
	}
	return c, nil
}

// Mailer sends the outbox.
type Mailer struct {
	db  *gorm.DB
	cfg SMTP
	log *slog.Logger
	// MaxAttempts is how often one e-mail is tried before it is marked failed.
	MaxAttempts int
}

// NewMailer returns a Mailer on db.
func NewMailer(db *gorm.DB, cfg SMTP, log *slog.Logger) *Mailer {
	return &Mailer{db: db, cfg: cfg, log: log, MaxAttempts: 8}
}

// backoff is the wait after the n-th failed attempt: 1, 2, 4 ... minutes, at most 2 hours.
func backoff(n int) time.Duration {
	d := time.Minute << min(n-1, 7)
	return min(d, 2*time.Hour)
}

// SendPending sends up to limit queued e-mails that are due, each claimed
// with FOR UPDATE SKIP LOCKED (two instances never send one twice), and
// returns how many were sent. A failure is retried later with backoff, and
// ends the batch (the server is likely down; the rest wait for the next run).
func (m *Mailer) SendPending(ctx context.Context, limit int) (int, error) {
	if !m.cfg.Enabled() {
		return 0, nil
	}
	sent := 0
	for range limit {
		found, ok, err := m.sendOne(ctx)
		if err != nil {
			return sent, err
		}
		if !found || !ok {
			break
		}
		sent++
	}
	return sent, nil
}

type outRow struct {
	ID        int64  `gorm:"column:id"`
	Kepada    string `gorm:"column:kepada"`
	Subjek    string `gorm:"column:subjek"`
	Isi       string `gorm:"column:isi"`
	Percobaan int    `gorm:"column:percobaan"`
}

// sendOne sends the next due e-mail: found is false when none is due, ok
// whether it was delivered.
func (m *Mailer) sendOne(ctx context.Context) (found, ok bool, err error) {
	err = m.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var rows []outRow
		if err := tx.Raw(`SELECT id, kepada, subjek, isi, percobaan FROM notifikasi_surel
WHERE status = 'antri' AND coba_lagi_at <= now() ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`).Scan(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		found = true
		r := rows[0]
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		serr := m.send(sctx, r.Kepada, r.Subjek, r.Isi)
		cancel()
		if serr == nil {
			ok = true
			return tx.Exec(`UPDATE notifikasi_surel SET status = 'terkirim', sent_at = now(), percobaan = percobaan + 1, galat = '' WHERE id = ?`, r.ID).Error
		}
		n := r.Percobaan + 1
		status := "antri"
		if n >= m.MaxAttempts {
			status = "gagal"
		}
		m.log.Warn("e-mail not sent", slog.Int64("id", r.ID), slog.Int("attempt", n), slog.String("error", serr.Error()))
		return tx.Exec(`UPDATE notifikasi_surel SET status = ?, percobaan = ?, galat = ?, coba_lagi_at = now() + ?::interval WHERE id = ?`,
			status, n, clip(serr.Error(), 500), fmt.Sprintf("%d seconds", int(backoff(n).Seconds())), r.ID).Error
	})
	return found, ok, err
}

// send delivers one message: STARTTLS when the server offers it, AUTH
// (PLAIN) when a user is configured, which net/smtp refuses over plain
// text to anything but localhost.
func (m *Mailer) send(ctx context.Context, to, subject, body string) error {
	addr := net.JoinHostPort(m.cfg.Host, strconv.Itoa(m.cfg.Port))
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	c, err := smtp.NewClient(conn, m.cfg.Host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		// #nosec G402 -- InsecureSkipVerify is only ever set by tests
		if err := c.StartTLS(&tls.Config{ServerName: m.cfg.Host, MinVersion: tls.VersionTLS12, InsecureSkipVerify: m.cfg.InsecureSkipVerify}); err != nil {
			return fmt.Errorf("starttls: %w", err)
		}
	}
	if m.cfg.User != "" {
		if err := c.Auth(smtp.PlainAuth("", m.cfg.User, m.cfg.Password, m.cfg.Host)); err != nil {
			return fmt.Errorf("auth: %w", err)
		}
	}
	if err := c.Mail(m.cfg.From); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(message(m.cfg.From, to, subject, body)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// message is a plain-text UTF-8 e-mail; the subject is RFC 2047 encoded
// and no header takes a line break from data.
func message(from, to, subject, body string) []byte {
	clean := func(s string) string { return strings.NewReplacer("\r", " ", "\n", " ").Replace(s) }
	var b strings.Builder
	b.WriteString("From: " + clean(from) + "\r\n")
	b.WriteString("To: " + clean(to) + "\r\n")
	b.WriteString("Subject: " + mime.QEncoding.Encode("utf-8", clean(subject)) + "\r\n")
	b.WriteString("Date: " + time.Now().Format(time.RFC1123Z) + "\r\n")
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	for _, line := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n") {
		if strings.HasPrefix(line, ".") {
			line = "." + line
		}
		b.WriteString(line + "\r\n")
	}
	return []byte(b.String())
}

// Digest queues, for each person with digest-kind notifications not yet
// summarised (work waiting for an atasan or verifikator), one e-mail
// listing them (if they gave an address and keep that kind on), and marks
// them summarised. It returns how many e-mails it queued.
func Digest(ctx context.Context, db *gorm.DB) (int, error) {
	queued := 0
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var rows []struct {
			UserID int64  `gorm:"column:user_id"`
			Jenis  Kind   `gorm:"column:jenis"`
			Judul  string `gorm:"column:judul"`
			Tautan string `gorm:"column:tautan"`
			Email  string `gorm:"column:email"`
			Off    bool   `gorm:"column:off"`
		}
		if err := tx.Raw(`UPDATE notifikasi n SET diringkas_at = now() FROM notifikasi n0
LEFT JOIN notifikasi_pengaturan p ON p.user_id = n0.user_id
WHERE n.id = n0.id AND n.ringkasan AND n.diringkas_at IS NULL
RETURNING n.user_id, n.jenis, n.judul, n.tautan, coalesce(p.email, '') AS email, coalesce(n.jenis = ANY(p.surel_mati), false) AS off`).Scan(&rows).Error; err != nil {
			return err
		}
		type mailTo struct {
			email string
			lines []string
		}
		per := map[int64]*mailTo{}
		var order []int64
		for _, r := range rows {
			if r.Email == "" || r.Off {
				continue
			}
			m := per[r.UserID]
			if m == nil {
				m = &mailTo{email: r.Email}
				per[r.UserID] = m
				order = append(order, r.UserID)
			}
			line := "- " + r.Judul
			if r.Tautan != "" {
				line += " (" + r.Tautan + ")"
			}
			m.lines = append(m.lines, line)
		}
		for _, uid := range order {
			m := per[uid]
			body := fmt.Sprintf("Pekerjaan yang menunggu Anda sejak ringkasan terakhir (%d):\n\n%s\n\nBuka e-Kinerja untuk meninjaunya.", len(m.lines), strings.Join(m.lines, "\n"))
			if err := tx.Exec(`INSERT INTO notifikasi_surel (user_id, jenis, kepada, subjek, isi) VALUES (?, ?, ?, ?, ?)`,
				uid, string(KindDigest), m.email, fmt.Sprintf("[e-Kinerja] Ringkasan harian: %d pekerjaan menunggu", len(m.lines)), body).Error; err != nil {
				return err
			}
			queued++
		}
		return nil
	})
	return queued, err
}

// DigestDue claims today's digest (date in loc, from hour on): true for
// exactly one caller per day, across instances (a conditional UPDATE of
// one pengaturan row).
func DigestDue(ctx context.Context, db *gorm.DB, now time.Time, loc *time.Location, hour int) (bool, error) {
	local := now.In(loc)
	if local.Hour() < hour {
		return false, nil
	}
	today := local.Format(time.DateOnly)
	res := db.WithContext(ctx).Exec(`INSERT INTO pengaturan (kunci, nilai) VALUES ('notifikasi.ringkasan_terakhir', ?)
ON CONFLICT (kunci) DO UPDATE SET nilai = EXCLUDED.nilai, updated_at = now() WHERE pengaturan.nilai < EXCLUDED.nilai`, today)
	return res.RowsAffected == 1, res.Error
}

// ErrNoSMTP says e-mail is not configured.
var ErrNoSMTP = errors.New("e-mail mati: EKINERJA_SMTP_HOST tidak diisi, notifikasi hanya tampil di aplikasi")
