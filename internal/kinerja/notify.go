package kinerja

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/notify"
)

// notifyReturned tells the owners of the returned aktivitas ids (in tx).
func notifyReturned(ctx context.Context, tx *gorm.DB, ids []int64, catatan string) error {
	var rows []struct {
		PegawaiID int64     `gorm:"column:pegawai_id"`
		Tanggal   time.Time `gorm:"column:tanggal"`
		N         int       `gorm:"column:n"`
	}
	if err := tx.WithContext(ctx).Raw(`SELECT pegawai_id, min(tanggal) AS tanggal, count(*) AS n FROM aktivitas WHERE id = ANY(?::bigint[]) GROUP BY pegawai_id`, pgInts(ids)).Scan(&rows).Error; err != nil {
		return err
	}
	for _, r := range rows {
		users, err := notify.UsersOfPegawai(ctx, tx, []int64{r.PegawaiID})
		if err != nil {
			return err
		}
		if err := notify.Add(ctx, tx, notify.Note{Users: users, Kind: notify.KindAktivitasReturned,
			Title: fmt.Sprintf("%d aktivitas %s dikembalikan atasan", r.N, monthName(r.Tanggal)),
			Body:  "Catatan atasan: " + catatan + "\nPerbaiki lalu ajukan kembali sebelum tanggal penutupan.",
			Link:  "/kinerja/aktivitas?bulan=" + r.Tanggal.Format("2006-01")}); err != nil {
			return err
		}
	}
	return nil
}

// notifyWaiting tells the employee's direct supervisor that n aktivitas
// wait for approval (in the inbox now, by e-mail in the daily digest).
func (s *Store) notifyWaiting(ctx context.Context, tx *gorm.DB, a Actor, n int) error {
	sup, err := s.supervisorID(ctx, tx, a.PegawaiID, s.Today())
	if err != nil || sup == 0 {
		return err
	}
	users, err := notify.UsersOfPegawai(ctx, tx, []int64{sup})
	if err != nil {
		return err
	}
	var nama string
	if err := tx.WithContext(ctx).Raw(`SELECT nama FROM pegawai WHERE id = ?`, a.PegawaiID).Scan(&nama).Error; err != nil {
		return err
	}
	return notify.Add(ctx, tx, notify.Note{Users: users, Kind: notify.KindAktivitasWaiting,
		Title: fmt.Sprintf("%s mengajukan %d aktivitas untuk disetujui", nama, n), Link: "/kinerja/tinjau"})
}

// ClosingReminderDays is how many days before the closing day the
// reminder goes out.
const ClosingReminderDays = 3

// ClosingReminders tells every employee who still has draft or returned
// aktivitas in the month that closes within ClosingReminderDays, once per
// person and month (the notification's key). It returns how many people
// it told; run by the daily notification job.
func (s *Store) ClosingReminders(ctx context.Context) (int, error) {
	day, err := closingDay(ctx, s.db)
	if err != nil {
		return 0, err
	}
	now := s.now().In(s.loc)
	prev := time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, s.loc)
	closes := ClosesAt(prev.Year(), prev.Month(), day, s.loc)
	if !now.Before(closes) || closes.Sub(now) > ClosingReminderDays*24*time.Hour {
		return 0, nil
	}
	told := 0
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var rows []struct {
			UserID int64 `gorm:"column:user_id"`
			N      int   `gorm:"column:n"`
		}
		if err := tx.Raw(`SELECT u.id AS user_id, count(*) AS n FROM aktivitas a JOIN users u ON u.pegawai_id = a.pegawai_id AND NOT u.disabled
WHERE a.tanggal >= ? AND a.tanggal < ? AND a.status IN ('draft', 'returned') GROUP BY u.id ORDER BY u.id`,
			prev, prev.AddDate(0, 1, 0)).Scan(&rows).Error; err != nil {
			return err
		}
		for _, r := range rows {
			added, err := notify.AddCount(ctx, tx, notify.Note{Users: []int64{r.UserID}, Kind: notify.KindClosingSoon,
				Title: fmt.Sprintf("Bulan %s ditutup setelah tanggal %s", monthName(prev), closes.AddDate(0, 0, -1).Format("02-01-2006")),
				Body:  fmt.Sprintf("Masih ada %d aktivitas draf atau dikembalikan di bulan %s. Ajukan sebelum bulan ditutup.", r.N, monthName(prev)),
				Link:  "/kinerja/aktivitas?bulan=" + prev.Format("2006-01"), Key: "penutupan:" + prev.Format("2006-01")})
			if err != nil {
				return err
			}
			told += added
		}
		return nil
	})
	return told, err
}
