package kinerja

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
)

// Correction is the atasan's correction of a rating already given: the new
// hasil and perilaku kerja (the predikat follows the matrix) and the reason.
type Correction struct {
	Rating
	Alasan string
}

// frozenClaimStatus are the TPP claim statuses whose figures are final: a
// rating one of them uses can only change by reopening that claim.
var frozenClaimStatus = []string{"approved", "paid"}

// CorrectPenilaian corrects a rated month of a direct subordinate, with a
// reason (SPEC 3): allowed until a TPP claim that uses the rating is
// approved; after that only through reopening that claim (a verifikator, with
// a reason), which brings it back to draft. The old and new ratings and the
// reason are audited. A claim still in draft, returned, submitted or verified
// keeps its computed figures until it is recomputed (the audit row names it).
func (s *Store) CorrectPenilaian(ctx context.Context, a Actor, id int64, k Correction) (Predikat, error) {
	ve := &apperr.ValidationError{}
	var vals []PerilakuNilai
	if len(k.Perilaku) > 0 { // corrected on the seven core values
		vals = checkPerilaku(k.Perilaku, ve)
		k.PerilakuKerja = PerilakuFrom(vals)
	}
	pred, err := PredikatFor(k.HasilKerja, k.PerilakuKerja)
	if err != nil {
		var pe *apperr.ValidationError
		if !errors.As(err, &pe) {
			return "", err
		}
		for f, m := range pe.Fields {
			ve.Add(f, m)
		}
	}
	alasan := strings.TrimSpace(k.Alasan)
	if n := utf8.RuneCountInString(alasan); n < 10 || n > 1000 {
		ve.Add("alasan", "Tuliskan alasan koreksi (10 sampai 1.000 huruf).")
	} else if msg := checkText(alasan, 1000); msg != "" {
		ve.Add("alasan", "Alasan "+msg)
	}
	umpan := strings.TrimSpace(k.UmpanBalik)
	if msg := checkText(umpan, 2000); umpan != "" && msg != "" {
		ve.Add("umpan_balik", "Umpan balik "+msg)
	}
	if err := ve.OrNil(); err != nil {
		return "", err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var cur []Penilaian
		if err := tx.Raw(`SELECT id, pegawai_id, tahun, bulan, status, coalesce(hasil_kerja, '') AS hasil_kerja,
       coalesce(perilaku_kerja, '') AS perilaku_kerja, coalesce(predikat, '') AS predikat, umpan_balik
FROM penilaian_bulanan WHERE id = ? FOR UPDATE`, id).Scan(&cur).Error; err != nil {
			return err
		}
		if len(cur) == 0 {
			return apperr.ErrNotFound
		}
		p := cur[0]
		if err := s.allowed(ctx, tx, a, ActCorrect, p.PegawaiID, string(p.Status)); err != nil {
			return err
		}
		if umpan == "" {
			umpan = p.UmpanBalik // feedback given before stays unless rewritten
		}
		if len(vals) == 0 && p.HasilKerja == k.HasilKerja && p.PerilakuKerja == k.PerilakuKerja && umpan == p.UmpanBalik {
			return apperr.Invalid("hasil_kerja", "Penilaian koreksi sama dengan penilaian sekarang; tidak ada yang dikoreksi.")
		}
		// The TPP claims of this employee and month, locked so an approval
		// cannot slip in between this check and the correction.
		var claims []struct {
			ID     int64  `gorm:"column:id"`
			Status string `gorm:"column:status"`
		}
		if err := tx.Raw(`SELECT c.id, c.status FROM tpp_claim c
WHERE c.period = make_date(?, ?, 1) AND EXISTS (SELECT 1 FROM tpp_claim_pegawai cp WHERE cp.claim_id = c.id AND cp.pegawai_id = ?)
ORDER BY c.id FOR SHARE OF c`, p.Tahun, p.Bulan, p.PegawaiID).Scan(&claims).Error; err != nil {
			return fmt.Errorf("claims using the rating: %w", err)
		}
		var used []int64
		for _, c := range claims {
			for _, f := range frozenClaimStatus {
				if c.Status == f {
					return apperr.New(apperr.ErrConflict, fmt.Sprintf("Predikat bulan ini sudah dipakai klaim TPP nomor %d yang telah disetujui atau dibayar. "+
						"Koreksi hanya dapat dilakukan setelah verifikator membuka kembali klaim itu (dengan alasan).", c.ID))
				}
			}
			used = append(used, c.ID)
		}
		res := tx.Exec(`UPDATE penilaian_bulanan SET hasil_kerja = ?, perilaku_kerja = ?, predikat = ?, umpan_balik = ?, penilai_id = ?,
    koreksi_alasan = ?, dikoreksi_at = now(), predikat_sebelum_koreksi = ?, updated_at = now()
WHERE id = ? AND status = 'rated'`, string(k.HasilKerja), string(k.PerilakuKerja), string(pred), umpan, a.PegawaiID, alasan, string(p.Predikat), id)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return apperr.New(apperr.ErrConflict, "Penilaian ini berubah sementara dikoreksi; muat ulang halaman.")
		}
		if len(vals) > 0 {
			if err := savePerilaku(tx, id, vals); err != nil {
				return err
			}
		}
		return record(ctx, tx, a, "kinerja.bulan_koreksi", "penilaian", id, map[string]any{
			"tahun": p.Tahun, "bulan": p.Bulan, "alasan": alasan,
			"hasil_kerja_lama": string(p.HasilKerja), "perilaku_kerja_lama": string(p.PerilakuKerja), "predikat_lama": string(p.Predikat),
			"hasil_kerja": string(k.HasilKerja), "perilaku_kerja": string(k.PerilakuKerja), "predikat": string(pred),
			"klaim_tpp_perlu_hitung_ulang": used})
	})
	return pred, err
}
