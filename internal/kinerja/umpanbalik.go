package kinerja

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
)

// UmpanBalik is one comment of continuous feedback (umpan balik
// berkelanjutan, PermenPANRB 6/2022): the atasan's comment on an RHK's
// realisation or on one of its aktivitas, with the pegawai's answers.
type UmpanBalik struct {
	ID              int64        `gorm:"column:id"`
	PegawaiID       int64        `gorm:"column:pegawai_id"`
	RHKID           int64        `gorm:"column:rhk_id"`
	AktivitasID     *int64       `gorm:"column:aktivitas_id"`
	AktivitasUraian string       `gorm:"column:aktivitas_uraian"`
	IndukID         *int64       `gorm:"column:induk_id"`
	PenulisID       int64        `gorm:"column:penulis_id"`
	PenulisNama     string       `gorm:"column:penulis_nama"`
	Isi             string       `gorm:"column:isi"`
	CreatedAt       time.Time    `gorm:"column:created_at"`
	Jawaban         []UmpanBalik `gorm:"-"`
}

// FeedbackInput is the atasan's comment: on an RHK, and optionally on one of
// its aktivitas.
type FeedbackInput struct {
	RHKID       int64
	AktivitasID int64
	Isi         string
}

// SKPFeedback is the feedback shown on an SKP page: the comments per RHK
// (answers nested), the aktivitas an atasan may comment on, and what the
// actor may do.
type SKPFeedback struct {
	ByRHK map[int64][]UmpanBalik
	// Aktivitas are the RHK's latest aktivitas (for the atasan's form).
	Aktivitas map[int64][]Aktivitas
	// CanGive: the actor is the plan owner's direct atasan today.
	CanGive bool
	// CanAnswer: the actor owns the plan.
	CanAnswer bool
}

// FeedbackFor reads the feedback of a plan the actor may see.
func (s *Store) FeedbackFor(ctx context.Context, a Actor, k SKP) (SKPFeedback, error) {
	out := SKPFeedback{ByRHK: map[int64][]UmpanBalik{}, Aktivitas: map[int64][]Aktivitas{}, CanAnswer: k.PegawaiID == a.PegawaiID}
	if err := s.canSee(ctx, s.db, a, k.PegawaiID); err != nil {
		return out, err
	}
	out.CanGive = s.mustSupervise(ctx, s.db, a, k.PegawaiID) == nil
	var rows []UmpanBalik
	if err := s.db.WithContext(ctx).Raw(`SELECT u.id, u.pegawai_id, u.rhk_id, u.aktivitas_id, coalesce(x.uraian, '') AS aktivitas_uraian, u.induk_id,
       u.penulis_id, p.nama AS penulis_nama, u.isi, u.created_at
FROM umpan_balik_kinerja u JOIN rhk r ON r.id = u.rhk_id JOIN pegawai p ON p.id = u.penulis_id LEFT JOIN aktivitas x ON x.id = u.aktivitas_id
WHERE r.skp_id = ? ORDER BY u.id`, k.ID).Scan(&rows).Error; err != nil {
		return out, err
	}
	answers := map[int64][]UmpanBalik{}
	for _, r := range rows {
		if r.IndukID != nil {
			answers[*r.IndukID] = append(answers[*r.IndukID], r)
		}
	}
	for _, r := range rows {
		if r.IndukID == nil {
			r.Jawaban = answers[r.ID]
			out.ByRHK[r.RHKID] = append(out.ByRHK[r.RHKID], r)
		}
	}
	if out.CanGive {
		var akt []Aktivitas
		if err := s.db.WithContext(ctx).Raw(`SELECT a.id, a.rhk_id, a.tanggal, a.uraian, a.status FROM aktivitas a JOIN rhk r ON r.id = a.rhk_id
WHERE r.skp_id = ? AND a.status IN ('submitted', 'approved', 'returned') ORDER BY a.tanggal DESC, a.id DESC LIMIT 200`, k.ID).Scan(&akt).Error; err != nil {
			return out, err
		}
		for _, x := range akt {
			out.Aktivitas[x.RHKID] = append(out.Aktivitas[x.RHKID], x)
		}
	}
	return out, nil
}

// GiveFeedback records the direct atasan's comment on a subordinate's RHK
// (and aktivitas); it returns the comment and its plan's ids. Audited.
func (s *Store) GiveFeedback(ctx context.Context, a Actor, in FeedbackInput) (id, skpID int64, err error) {
	isi := strings.TrimSpace(in.Isi)
	if msg := checkText(isi, 2000); msg != "" {
		return 0, 0, apperr.Invalid("isi", "Umpan balik "+msg)
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var owner struct {
			PegawaiID int64 `gorm:"column:pegawai_id"`
			SKPID     int64 `gorm:"column:skp_id"`
		}
		if err := tx.Raw(`SELECT k.pegawai_id, k.id AS skp_id FROM rhk r JOIN skp k ON k.id = r.skp_id WHERE r.id = ?`, in.RHKID).Scan(&owner).Error; err != nil {
			return err
		}
		if owner.PegawaiID == 0 {
			return apperr.ErrNotFound
		}
		if err := s.mustSupervise(ctx, tx, a, owner.PegawaiID); err != nil {
			return err
		}
		var akt *int64
		if in.AktivitasID != 0 {
			var n int64
			if err := tx.Raw(`SELECT count(*) FROM aktivitas WHERE id = ? AND rhk_id = ? AND pegawai_id = ?`, in.AktivitasID, in.RHKID, owner.PegawaiID).Scan(&n).Error; err != nil {
				return err
			}
			if n != 1 {
				return apperr.Invalid("aktivitas_id", "Aktivitas ini bukan bagian dari RHK tersebut.")
			}
			akt = &in.AktivitasID
		}
		if err := tx.Raw(`INSERT INTO umpan_balik_kinerja (pegawai_id, rhk_id, aktivitas_id, penulis_id, isi) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			owner.PegawaiID, in.RHKID, akt, a.PegawaiID, isi).Scan(&id).Error; err != nil {
			return err
		}
		skpID = owner.SKPID
		return record(ctx, tx, a, "kinerja.umpan_balik", "umpan_balik", id, map[string]any{"rhk_id": in.RHKID, "aktivitas_id": in.AktivitasID,
			"pegawai_id": owner.PegawaiID, "isi": isi})
	})
	return id, skpID, err
}

// AnswerFeedback records the pegawai's answer to an atasan's comment on
// their own plan; it returns the plan's id. Audited.
func (s *Store) AnswerFeedback(ctx context.Context, a Actor, commentID int64, isi string) (int64, error) {
	isi = strings.TrimSpace(isi)
	if msg := checkText(isi, 2000); msg != "" {
		return 0, apperr.Invalid("jawaban", "Jawaban "+msg)
	}
	var skpID int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var c []struct {
			PegawaiID   int64  `gorm:"column:pegawai_id"`
			RHKID       int64  `gorm:"column:rhk_id"`
			AktivitasID *int64 `gorm:"column:aktivitas_id"`
			IndukID     *int64 `gorm:"column:induk_id"`
			SKPID       int64  `gorm:"column:skp_id"`
		}
		if err := tx.Raw(`SELECT u.pegawai_id, u.rhk_id, u.aktivitas_id, u.induk_id, r.skp_id FROM umpan_balik_kinerja u JOIN rhk r ON r.id = u.rhk_id WHERE u.id = ?`,
			commentID).Scan(&c).Error; err != nil {
			return err
		}
		if len(c) == 0 || c[0].IndukID != nil {
			return apperr.ErrNotFound
		}
		if c[0].PegawaiID != a.PegawaiID {
			return apperr.New(apperr.ErrForbidden, "Hanya pegawai pemilik SKP yang dapat menjawab umpan balik ini.")
		}
		var id int64
		if err := tx.Raw(`INSERT INTO umpan_balik_kinerja (pegawai_id, rhk_id, aktivitas_id, induk_id, penulis_id, isi) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			a.PegawaiID, c[0].RHKID, c[0].AktivitasID, commentID, a.PegawaiID, isi).Scan(&id).Error; err != nil {
			return err
		}
		skpID = c[0].SKPID
		return record(ctx, tx, a, "kinerja.umpan_balik_jawab", "umpan_balik", id, map[string]any{"induk_id": commentID, "isi": isi})
	})
	return skpID, err
}

// SKPOfRHK is the plan an RHK belongs to (to show a refused form again).
func (s *Store) SKPOfRHK(ctx context.Context, a Actor, rhkID int64) (int64, error) {
	var id int64
	if err := s.db.WithContext(ctx).Raw(`SELECT skp_id FROM rhk WHERE id = ?`, rhkID).Scan(&id).Error; err != nil {
		return 0, err
	}
	if id == 0 {
		return 0, apperr.ErrNotFound
	}
	return id, nil
}

// SKPOfFeedback is the plan a feedback comment belongs to.
func (s *Store) SKPOfFeedback(ctx context.Context, a Actor, commentID int64) (int64, error) {
	var id int64
	if err := s.db.WithContext(ctx).Raw(`SELECT r.skp_id FROM umpan_balik_kinerja u JOIN rhk r ON r.id = u.rhk_id WHERE u.id = ?`, commentID).Scan(&id).Error; err != nil {
		return 0, err
	}
	if id == 0 {
		return 0, apperr.ErrNotFound
	}
	return id, nil
}

// SKPFeedbackView is a plan with its feedback (the API's SKP).
type SKPFeedbackView struct {
	SKP      SKP
	Feedback SKPFeedback
}

// SKPWithFeedback reads a plan and its feedback, for those who may see it.
func (s *Store) SKPWithFeedback(ctx context.Context, a Actor, id int64) (SKPFeedbackView, error) {
	k, err := s.GetSKP(ctx, a, id)
	if err != nil {
		return SKPFeedbackView{}, err
	}
	f, err := s.FeedbackFor(ctx, a, k)
	return SKPFeedbackView{SKP: k, Feedback: f}, err
}
