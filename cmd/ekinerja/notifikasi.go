package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/database"
	"github.com/ekinerja/ekinerja/internal/kinerja"
	"github.com/ekinerja/ekinerja/internal/notify"
)

// digestHour is the regency-local hour from which serve runs the daily
// notification job (closing-day reminders and the digest for atasan and
// verifikator).
const digestHour = 7

// notifications is the notification side of serve and of `ekinerja
// notifikasi kirim`: reminders, the daily digest and the e-mail outbox.
type notifications struct {
	db     *gorm.DB
	kin    *kinerja.Store
	mailer *notify.Mailer
	smtp   notify.SMTP
	log    *slog.Logger
}

func (a *app) notifications(db *gorm.DB, kin *kinerja.Store) (*notifications, error) {
	cfg, err := notify.SMTPFromEnv(a.getenv)
	if err != nil {
		return nil, err
	}
	return &notifications{db: db, kin: kin, mailer: notify.NewMailer(db, cfg, a.log), smtp: cfg, log: a.log}, nil
}

// status is the start-up line about e-mail, in Bahasa Indonesia.
func (n *notifications) status() string {
	if !n.smtp.Enabled() {
		return "e-mail notifikasi MATI (EKINERJA_SMTP_HOST tidak diisi): notifikasi hanya tampil di kotak masuk aplikasi"
	}
	return fmt.Sprintf("e-mail notifikasi aktif melalui %s:%d sebagai %s; ringkasan harian mulai pukul %02d.00", n.smtp.Host, n.smtp.Port, n.smtp.From, digestHour)
}

// announce says at start whether e-mail is on, and where it goes.
func (n *notifications) announce() {
	if !n.smtp.Enabled() {
		n.log.Warn("e-mail notifications off: EKINERJA_SMTP_HOST is not set; notifications appear in the in-app inbox only")
		return
	}
	n.log.Info("e-mail notifications on", slog.String("smtp", fmt.Sprintf("%s:%d", n.smtp.Host, n.smtp.Port)), slog.String("from", n.smtp.From))
}

// daily runs the once-a-day part: closing-day reminders, then the digest.
func (n *notifications) daily(ctx context.Context) (reminded, digests int, err error) {
	if reminded, err = n.kin.ClosingReminders(ctx); err != nil {
		return 0, 0, fmt.Errorf("pengingat penutupan: %w", err)
	}
	if digests, err = notify.Digest(ctx, n.db); err != nil {
		return reminded, 0, fmt.Errorf("ringkasan harian: %w", err)
	}
	return reminded, digests, nil
}

// loop is serve's scheduler: every minute it sends the due outbox (with
// retries) and, once a day from digestHour (the day claimed in the
// database, so two instances do not both run it), the daily job.
func (n *notifications) loop(ctx context.Context, loc *time.Location) {
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		due, err := notify.DigestDue(ctx, n.db, time.Now(), loc, digestHour)
		if err != nil && ctx.Err() == nil {
			n.log.Error("notification schedule", slog.String("error", err.Error()))
		}
		if due {
			r, d, err := n.daily(ctx)
			if err != nil && ctx.Err() == nil {
				n.log.Error("daily notifications", slog.String("error", err.Error()))
			}
			n.log.Info("daily notifications", slog.Int("closing_reminders", r), slog.Int("digests", d))
		}
		if _, err := n.mailer.SendPending(ctx, 200); err != nil && ctx.Err() == nil {
			n.log.Error("e-mail outbox", slog.String("error", err.Error()))
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// notifikasi is `ekinerja notifikasi kirim`: the daily job now (reminders
// and digest, whatever the hour), then the outbox once.
func (a *app) notifikasi(ctx context.Context, args []string) error {
	if wantsHelp(args) {
		fmt.Fprintln(a.stderr, "Pemakaian: ekinerja notifikasi kirim   (pengingat penutupan, ringkasan harian, lalu e-mail yang antri)")
		return flag.ErrHelp
	}
	if len(args) == 0 || args[0] != "kirim" {
		return errors.New("pemakaian: ekinerja notifikasi kirim")
	}
	fs := a.flags("notifikasi kirim", "Kirim pengingat penutupan dan ringkasan harian sekarang, lalu kirim e-mail yang antri (untuk cron bila serve tidak berjalan terus).")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	db, err := a.open(ctx)
	if err != nil {
		return err
	}
	defer database.Close(db)
	n, err := a.notifications(db, kinerja.NewStore(db, a.cfg.Location))
	if err != nil {
		return err
	}
	r, d, err := n.daily(ctx)
	if err != nil {
		return err
	}
	sent, err := n.mailer.SendPending(ctx, 10000)
	if err != nil {
		return err
	}
	var pending int64
	if err := db.WithContext(ctx).Raw(`SELECT count(*) FROM notifikasi_surel WHERE status = 'antri'`).Scan(&pending).Error; err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "pengingat penutupan: %d orang; ringkasan harian: %d e-mail; e-mail terkirim: %d; masih antri: %d\n", r, d, sent, pending)
	if !n.smtp.Enabled() {
		fmt.Fprintln(a.stdout, notify.ErrNoSMTP.Error())
	}
	return nil
}
