package kinerja

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
)

// ReopenRequest is an employee's request that the verifikator reopen one
// of their closed months, with its answer.
type ReopenRequest struct {
	ID          int64      `gorm:"column:id"`
	PegawaiID   int64      `gorm:"column:pegawai_id"`
	PegawaiNama string     `gorm:"column:pegawai_nama"`
	PegawaiNIP  string     `gorm:"column:pegawai_nip"`
	Tahun       int        `gorm:"column:tahun"`
	Bulan       int        `gorm:"column:bulan"`
	Alasan      string     `gorm:"column:alasan"`
	Status      string     `gorm:"column:status"`
	Catatan     string     `gorm:"column:catatan_putusan"`
	CreatedAt   time.Time  `gorm:"column:created_at"`
	DiputusAt   *time.Time `gorm:"column:diputus_at"`
}

// Reopen request states.
const (
	RequestWaiting  = "menunggu"
	RequestApproved = "disetujui"
	RequestRefused  = "ditolak"
)

// StatusLabel is the request's state as people read it.
func (r ReopenRequest) StatusLabel() string {
	switch r.Status {
	case RequestWaiting:
		return "Menunggu keputusan verifikator"
	case RequestApproved:
		return "Disetujui: bulan dibuka kembali"
	case RequestRefused:
		return "Ditolak"
	}
	return r.Status
}

// MonthLabel is the request's month ("November 2026").
func (r ReopenRequest) MonthLabel() string {
	return monthName(time.Date(r.Tahun, time.Month(r.Bulan), 1, 0, 0, 0, 0, time.UTC))
}

// checkReason validates a reason field (5 to 1000 characters).
func checkReason(ve *apperr.ValidationError, field, what, v string) string {
	v = strings.TrimSpace(v)
	if msg := checkText(v, 1000); msg != "" {
		ve.Add(field, what+" "+msg)
	} else if len([]rune(v)) < 5 {
		ve.Add(field, "Tuliskan "+strings.ToLower(what)+" dengan jelas (paling sedikit 5 karakter).")
	}
	return v
}

// RequestReopen records the employee's request to reopen their closed
// month, with a reason (audited). A month still open, or one with a
// request already waiting, is refused with a field message.
func (s *Store) RequestReopen(ctx context.Context, a Actor, month time.Time, alasan string) (int64, error) {
	if (a.Role != auth.RolePegawai && a.Role != auth.RoleAtasan) || a.PegawaiID == 0 {
		return 0, errScope
	}
	ve := &apperr.ValidationError{}
	alasan = checkReason(ve, "alasan", "Alasan", alasan)
	st, err := s.MonthStateFor(ctx, a, month)
	if err != nil {
		return 0, err
	}
	if st.Open {
		ve.Add("bulan", "Bulan "+st.Label+" masih terbuka; Anda dapat langsung mencatat aktivitas.")
	}
	if err := ve.OrNil(); err != nil {
		return 0, err
	}
	var id int64
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var waiting int64
		if err := tx.Raw(`SELECT count(*) FROM bulan_dibuka_permintaan WHERE pegawai_id = ? AND tahun = ? AND bulan = ? AND status = 'menunggu'`,
			a.PegawaiID, month.Year(), int(month.Month())).Scan(&waiting).Error; err != nil {
			return err
		}
		if waiting > 0 {
			return apperr.Invalid("bulan", "Permintaan membuka bulan "+st.Label+" sudah diajukan dan menunggu keputusan verifikator.")
		}
		if err := tx.Raw(`INSERT INTO bulan_dibuka_permintaan (pegawai_id, tahun, bulan, alasan) VALUES (?, ?, ?, ?) RETURNING id`,
			a.PegawaiID, month.Year(), int(month.Month()), alasan).Scan(&id).Error; err != nil {
			return err
		}
		return record(ctx, tx, a, "kinerja.bulan_minta", "bulan_dibuka_permintaan", id, map[string]any{"tahun": month.Year(), "bulan": int(month.Month()), "alasan": alasan})
	})
	return id, err
}

// LatestRequest is the employee's latest reopen request for month (nil: none).
func (s *Store) LatestRequest(ctx context.Context, pegawaiID int64, month time.Time) (*ReopenRequest, error) {
	var rs []ReopenRequest
	if err := s.db.WithContext(ctx).Raw(`SELECT r.id, r.pegawai_id, p.nama AS pegawai_nama, p.nip AS pegawai_nip, r.tahun, r.bulan, r.alasan, r.status,
  r.catatan_putusan, r.created_at, r.diputus_at FROM bulan_dibuka_permintaan r JOIN pegawai p ON p.id = r.pegawai_id WHERE r.pegawai_id = ? AND r.tahun = ? AND r.bulan = ? ORDER BY r.id DESC LIMIT 1`,
		pegawaiID, month.Year(), int(month.Month())).Scan(&rs).Error; err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, nil
	}
	return &rs[0], nil
}

// ReopenRequests lists, for the verifikator, the waiting requests (oldest
// first) followed by the latest decided ones.
func (s *Store) ReopenRequests(ctx context.Context, a Actor, limit int) ([]ReopenRequest, error) {
	if a.Role != auth.RoleVerifikator {
		return nil, errScope
	}
	var out []ReopenRequest
	err := s.db.WithContext(ctx).Raw(`SELECT * FROM (SELECT r.id, r.pegawai_id, p.nama AS pegawai_nama, p.nip AS pegawai_nip, r.tahun, r.bulan, r.alasan, r.status,
  r.catatan_putusan, r.created_at, r.diputus_at FROM bulan_dibuka_permintaan r JOIN pegawai p ON p.id = r.pegawai_id WHERE r.status = 'menunggu' ORDER BY r.id) w
UNION ALL SELECT * FROM (SELECT r.id, r.pegawai_id, p.nama AS pegawai_nama, p.nip AS pegawai_nip, r.tahun, r.bulan, r.alasan, r.status,
  r.catatan_putusan, r.created_at, r.diputus_at FROM bulan_dibuka_permintaan r JOIN pegawai p ON p.id = r.pegawai_id WHERE r.status <> 'menunggu' ORDER BY r.diputus_at DESC, r.id DESC LIMIT ?) d`, limit).Scan(&out).Error
	return out, err
}

// DecideReopen answers a waiting request (verifikator, audited): approved,
// the month is reopened for the employee exactly as ReopenMonth does (the
// request's reason is the reopening's); refused, with a reason shown to the
// employee.
func (s *Store) DecideReopen(ctx context.Context, a Actor, id int64, approve bool, catatan string) error {
	if a.Role != auth.RoleVerifikator {
		return errScope
	}
	ve := &apperr.ValidationError{}
	catatan = strings.TrimSpace(catatan)
	if !approve {
		catatan = checkReason(ve, "catatan", "Alasan penolakan", catatan)
	} else if msg := checkText(catatan, 1000); catatan != "" && msg != "" {
		ve.Add("catatan", "Catatan "+msg)
	}
	if err := ve.OrNil(); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var rs []ReopenRequest
		if err := tx.Raw(`SELECT r.id, r.pegawai_id, p.nama AS pegawai_nama, p.nip AS pegawai_nip, r.tahun, r.bulan, r.alasan, r.status,
  r.catatan_putusan, r.created_at, r.diputus_at FROM bulan_dibuka_permintaan r JOIN pegawai p ON p.id = r.pegawai_id WHERE r.id = ? FOR UPDATE OF r`, id).Scan(&rs).Error; err != nil {
			return err
		}
		if len(rs) == 0 {
			return apperr.ErrNotFound
		}
		r := rs[0]
		if r.Status != RequestWaiting {
			return apperr.New(apperr.ErrConflict, "Permintaan ini sudah diputus ("+strings.ToLower(r.StatusLabel())+").")
		}
		month := time.Date(r.Tahun, time.Month(r.Bulan), 1, 0, 0, 0, 0, time.UTC)
		if !approve {
			if err := tx.Exec(`UPDATE bulan_dibuka_permintaan SET status = 'ditolak', catatan_putusan = ?, diputus_oleh = ?, diputus_at = now() WHERE id = ?`,
				catatan, a.UserID, id).Error; err != nil {
				return err
			}
			return record(ctx, tx, a, "kinerja.bulan_minta_tolak", "bulan_dibuka_permintaan", id, map[string]any{"nip": r.PegawaiNIP, "tahun": r.Tahun, "bulan": r.Bulan, "alasan": catatan})
		}
		bukaan, err := s.reopen(ctx, tx, a, r.PegawaiID, r.PegawaiNIP, month, r.Alasan)
		if err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE bulan_dibuka_permintaan SET status = 'disetujui', catatan_putusan = ?, diputus_oleh = ?, diputus_at = now(), bukaan_id = ? WHERE id = ?`,
			catatan, a.UserID, bukaan, id).Error; err != nil {
			return err
		}
		return record(ctx, tx, a, "kinerja.bulan_minta_setujui", "bulan_dibuka_permintaan", id, map[string]any{"nip": r.PegawaiNIP, "tahun": r.Tahun, "bulan": r.Bulan, "bukaan_id": bukaan})
	})
}
