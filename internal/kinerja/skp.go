package kinerja

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
)

// CreateSKP starts the actor's plan for a year; the approver is the
// supervisor at that time.
func (s *Store) CreateSKP(ctx context.Context, a Actor, tahun int) (int64, error) {
	today := s.Today()
	if tahun < today.Year()-1 || tahun > today.Year()+1 {
		return 0, apperr.Invalid("tahun", "Tahun SKP harus tahun lalu, tahun ini, atau tahun depan.")
	}
	var id int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		penilai, err := s.supervisorID(ctx, tx, a.PegawaiID, today)
		if err != nil {
			return err
		}
		res := tx.Raw(`INSERT INTO skp (pegawai_id, tahun, penilai_id) VALUES (?, ?, NULLIF(?, 0)) ON CONFLICT (pegawai_id, tahun) DO NOTHING RETURNING id`,
			a.PegawaiID, tahun, penilai).Scan(&id)
		if res.Error != nil {
			return res.Error
		}
		if id == 0 {
			return apperr.Invalid("tahun", "SKP tahun "+strconv.Itoa(tahun)+" sudah ada.")
		}
		return record(ctx, tx, a, "kinerja.skp_buat", "skp", id, map[string]any{"tahun": tahun, "penilai_id": penilai})
	})
	return id, err
}

const skpCols = `k.id, k.pegawai_id, k.tahun, k.penilai_id, k.status, k.catatan, p.nama AS pegawai_nama, p.nip AS pegawai_nip,
       coalesce(q.nama, '') AS penilai_nama`

const skpFrom = `FROM skp k JOIN pegawai p ON p.id = k.pegawai_id LEFT JOIN pegawai q ON q.id = k.penilai_id`

// ListSKP lists the actor's own plans, newest year first.
func (s *Store) ListSKP(ctx context.Context, a Actor) ([]SKP, error) {
	var out []SKP
	err := s.db.WithContext(ctx).Raw(`SELECT `+skpCols+` `+skpFrom+` WHERE k.pegawai_id = ? ORDER BY k.tahun DESC`, a.PegawaiID).Scan(&out).Error
	return out, err
}

// SKPToReview lists the submitted plans of the atasan's direct subordinates.
func (s *Store) SKPToReview(ctx context.Context, a Actor) ([]SKP, error) {
	subs, err := s.subordinates(ctx, s.db, a)
	if err != nil || len(subs) == 0 {
		return nil, err
	}
	var out []SKP
	err = s.db.WithContext(ctx).Raw(`SELECT `+skpCols+` `+skpFrom+` WHERE k.pegawai_id = ANY(?::bigint[]) AND k.status = 'submitted' ORDER BY p.nama`,
		pgInts(subs)).Scan(&out).Error
	return out, err
}

// GetSKP reads a plan with its RHK and indicators, for those who may see it.
func (s *Store) GetSKP(ctx context.Context, a Actor, id int64) (SKP, error) {
	k, err := s.loadSKP(ctx, s.db, id)
	if err != nil {
		return k, err
	}
	if err := s.canSee(ctx, s.db, a, k.PegawaiID); err != nil {
		return k, err
	}
	var rhk []RHK
	if err := s.db.WithContext(ctx).Raw(`SELECT r.id, r.skp_id, r.uraian, r.rhk_atasan_id, coalesce(ra.uraian, '') AS rhk_atasan_uraian
FROM rhk r LEFT JOIN rhk ra ON ra.id = r.rhk_atasan_id WHERE r.skp_id = ? ORDER BY r.id`, id).Scan(&rhk).Error; err != nil {
		return k, err
	}
	var ind []Indikator
	if err := s.db.WithContext(ctx).Raw(`SELECT i.id, i.rhk_id, i.aspek, i.uraian, i.target, i.satuan FROM rhk_indikator i JOIN rhk r ON r.id = i.rhk_id
WHERE r.skp_id = ? ORDER BY i.id`, id).Scan(&ind).Error; err != nil {
		return k, err
	}
	for i := range rhk {
		for _, in := range ind {
			if in.RHKID == rhk[i].ID {
				rhk[i].Indikator = append(rhk[i].Indikator, in)
			}
		}
	}
	k.RHK = rhk
	return k, nil
}

func (s *Store) loadSKP(ctx context.Context, db *gorm.DB, id int64) (SKP, error) {
	var k SKP
	if err := db.WithContext(ctx).Raw(`SELECT `+skpCols+` `+skpFrom+` WHERE k.id = ?`, id).Scan(&k).Error; err != nil {
		return k, err
	}
	if k.ID == 0 {
		return k, apperr.ErrNotFound
	}
	return k, nil
}

// SupervisorRHK lists the RHK of the employee's supervisor's SKP for year:
// the results an RHK can cascade from.
func (s *Store) SupervisorRHK(ctx context.Context, k SKP) ([]RHK, error) {
	if k.PenilaiID == nil {
		return nil, nil
	}
	var out []RHK
	err := s.db.WithContext(ctx).Raw(`SELECT r.id, r.skp_id, r.uraian FROM rhk r JOIN skp k ON k.id = r.skp_id
WHERE k.pegawai_id = ? AND k.tahun = ? ORDER BY r.id`, *k.PenilaiID, k.Tahun).Scan(&out).Error
	return out, err
}

// RHKInput is a new RHK with its first indicator.
type RHKInput struct {
	Uraian      string
	RHKAtasanID string
	Indikator   IndikatorInput
}

// IndikatorInput is a new indicator as typed.
type IndikatorInput struct {
	Aspek  string
	Uraian string
	Target string
	Satuan string
}

func (in IndikatorInput) parse(ve *apperr.ValidationError) Indikator {
	ind := Indikator{Aspek: Aspek(in.Aspek), Uraian: strings.TrimSpace(in.Uraian), Satuan: strings.TrimSpace(in.Satuan)}
	if ind.Aspek != Kuantitas && ind.Aspek != Kualitas && ind.Aspek != Waktu {
		ve.Add("aspek", "Pilih aspek: kuantitas, kualitas, atau waktu.")
	}
	if msg := checkText(ind.Uraian, 500); msg != "" {
		ve.Add("indikator", "Indikator "+msg)
	}
	t, err := strconv.Atoi(strings.TrimSpace(in.Target))
	if err != nil || t < 1 || t > 1000000 {
		ve.Add("target", "Target harus bilangan bulat 1 sampai 1.000.000.")
	}
	ind.Target = t
	if msg := checkText(ind.Satuan, 50); msg != "" {
		ve.Add("satuan", "Satuan target "+msg)
	}
	return ind
}

// ownEditableSKP locks the actor's own plan and checks it may still change.
func (s *Store) ownEditableSKP(ctx context.Context, tx *gorm.DB, a Actor, skpID int64) (SKP, error) {
	k, err := s.loadSKP(ctx, tx, skpID)
	if err != nil {
		return k, err
	}
	if k.PegawaiID != a.PegawaiID {
		return k, apperr.New(apperr.ErrForbidden, "SKP ini bukan milik Anda.")
	}
	var st string
	if err := tx.Raw(`SELECT status FROM skp WHERE id = ? FOR UPDATE`, skpID).Scan(&st).Error; err != nil {
		return k, err
	}
	if !SKPStatus(st).Editable() {
		return k, apperr.New(apperr.ErrConflict, "SKP yang sudah diajukan atau disetujui tidak dapat diubah.")
	}
	return k, nil
}

// parseRHK checks the RHK's own fields (the indicator is checked apart).
func parseRHK(in RHKInput, ve *apperr.ValidationError) (uraian string, atasanRHK int64) {
	uraian = strings.TrimSpace(in.Uraian)
	if msg := checkText(uraian, 1000); msg != "" {
		ve.Add("uraian", "Uraian RHK "+msg)
	}
	if v := strings.TrimSpace(in.RHKAtasanID); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			ve.Add("rhk_atasan_id", "Pilih RHK atasan dari daftar.")
		}
		atasanRHK = n
	}
	return uraian, atasanRHK
}

// checkAtasanRHK refuses a cascading reference outside the supervisor's plan of the same year.
func checkAtasanRHK(tx *gorm.DB, k SKP, atasanRHK int64) error {
	if atasanRHK == 0 {
		return nil
	}
	var n int64
	if err := tx.Raw(`SELECT count(*) FROM rhk r JOIN skp k ON k.id = r.skp_id WHERE r.id = ? AND k.pegawai_id = ? AND k.tahun = ?`,
		atasanRHK, k.PenilaiID, k.Tahun).Scan(&n).Error; err != nil {
		return err
	}
	if n != 1 {
		return apperr.Invalid("rhk_atasan_id", "RHK atasan harus dari SKP atasan langsung Anda pada tahun yang sama.")
	}
	return nil
}

// AddRHK adds a planned result with its first indicator to the actor's plan.
func (s *Store) AddRHK(ctx context.Context, a Actor, skpID int64, in RHKInput) (int64, error) {
	ve := &apperr.ValidationError{}
	uraian, atasanRHK := parseRHK(in, ve)
	ind := in.Indikator.parse(ve)
	if err := ve.OrNil(); err != nil {
		return 0, err
	}
	var id int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		k, err := s.ownEditableSKP(ctx, tx, a, skpID)
		if err != nil {
			return err
		}
		if err := checkAtasanRHK(tx, k, atasanRHK); err != nil {
			return err
		}
		if err := tx.Raw(`INSERT INTO rhk (skp_id, uraian, rhk_atasan_id) VALUES (?, ?, NULLIF(?, 0)) RETURNING id`, skpID, uraian, atasanRHK).Scan(&id).Error; err != nil {
			return err
		}
		if err := tx.Exec(`INSERT INTO rhk_indikator (rhk_id, aspek, uraian, target, satuan) VALUES (?, ?, ?, ?, ?)`,
			id, string(ind.Aspek), ind.Uraian, ind.Target, ind.Satuan).Error; err != nil {
			return err
		}
		return record(ctx, tx, a, "kinerja.rhk_tambah", "skp", skpID, map[string]any{"rhk_id": id, "rhk_atasan_id": atasanRHK})
	})
	return id, err
}

// rhkOf reads an RHK of the given plan; an RHK of another plan is not found.
// The path names both, so the lookup comes before the owner check.
func rhkOf(ctx context.Context, tx *gorm.DB, skpID, rhkID int64) (RHK, error) {
	var r RHK
	if err := tx.WithContext(ctx).Raw(`SELECT id, skp_id, uraian, rhk_atasan_id FROM rhk WHERE id = ? AND skp_id = ?`, rhkID, skpID).Scan(&r).Error; err != nil {
		return r, err
	}
	if r.ID == 0 {
		return r, apperr.ErrNotFound
	}
	return r, nil
}

// UpdateRHK changes an RHK's text and cascading reference while the plan is
// draft or returned. Its indicators are changed one by one.
func (s *Store) UpdateRHK(ctx context.Context, a Actor, skpID, rhkID int64, in RHKInput) error {
	ve := &apperr.ValidationError{}
	uraian, atasanRHK := parseRHK(in, ve)
	if err := ve.OrNil(); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		old, err := rhkOf(ctx, tx, skpID, rhkID)
		if err != nil {
			return err
		}
		k, err := s.ownEditableSKP(ctx, tx, a, skpID)
		if err != nil {
			return err
		}
		var oldAtasan int64
		if old.RHKAtasanID != nil {
			oldAtasan = *old.RHKAtasanID
		}
		if old.Uraian == uraian && oldAtasan == atasanRHK {
			return apperr.New(apperr.ErrConflict, "Tidak ada perubahan pada RHK ini.")
		}
		if atasanRHK != oldAtasan {
			if err := checkAtasanRHK(tx, k, atasanRHK); err != nil {
				return err
			}
		}
		if err := tx.Exec(`UPDATE rhk SET uraian = ?, rhk_atasan_id = NULLIF(?, 0) WHERE id = ?`, uraian, atasanRHK, rhkID).Error; err != nil {
			return err
		}
		return record(ctx, tx, a, "kinerja.rhk_ubah", "skp", skpID, map[string]any{"rhk_id": rhkID, "uraian_lama": old.Uraian,
			"rhk_atasan_id": []int64{oldAtasan, atasanRHK}})
	})
}

// DeleteRHK removes an RHK and its indicators while the plan is draft or
// returned. An RHK that aktivitas, a monthly realisation or a
// subordinate's RHK refer to stays: deleting it would orphan that work.
func (s *Store) DeleteRHK(ctx context.Context, a Actor, skpID, rhkID int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		old, err := rhkOf(ctx, tx, skpID, rhkID)
		if err != nil {
			return err
		}
		if _, err := s.ownEditableSKP(ctx, tx, a, skpID); err != nil {
			return err
		}
		// Locked after the plan (the order every SKP write takes): an
		// aktivitas being logged against this RHK either commits first and is
		// counted below, or waits and then fails on its foreign key.
		if err := tx.Exec(`SELECT id FROM rhk WHERE id = ? FOR UPDATE`, rhkID).Error; err != nil {
			return err
		}
		var used struct {
			Aktivitas int64 `gorm:"column:aktivitas"`
			Realisasi int64 `gorm:"column:realisasi"`
			Bawahan   int64 `gorm:"column:bawahan"`
		}
		if err := tx.Raw(`SELECT (SELECT count(*) FROM aktivitas WHERE rhk_id = ?) AS aktivitas,
       (SELECT count(*) FROM penilaian_realisasi WHERE rhk_id = ?) AS realisasi,
       (SELECT count(*) FROM rhk WHERE rhk_atasan_id = ?) AS bawahan`, rhkID, rhkID, rhkID).Scan(&used).Error; err != nil {
			return err
		}
		switch {
		case used.Aktivitas > 0:
			return apperr.New(apperr.ErrConflict, fmt.Sprintf("RHK ini tidak dapat dihapus karena dipakai oleh %d aktivitas. Ubah uraiannya, atau pindahkan aktivitas itu ke RHK lain lebih dahulu.", used.Aktivitas))
		case used.Realisasi > 0:
			return apperr.New(apperr.ErrConflict, "RHK ini tidak dapat dihapus karena sudah dipakai dalam penilaian bulanan.")
		case used.Bawahan > 0:
			return apperr.New(apperr.ErrConflict, fmt.Sprintf("RHK ini tidak dapat dihapus karena didukung oleh %d RHK bawahan.", used.Bawahan))
		}
		if err := tx.Exec(`DELETE FROM rhk_indikator WHERE rhk_id = ?`, rhkID).Error; err != nil {
			return err
		}
		if err := tx.Exec(`DELETE FROM rhk WHERE id = ?`, rhkID).Error; err != nil {
			return err
		}
		return record(ctx, tx, a, "kinerja.rhk_hapus", "skp", skpID, map[string]any{"rhk_id": rhkID, "uraian": old.Uraian})
	})
}

// indikatorOf reads an indicator of the given plan; another plan's is not found.
func indikatorOf(ctx context.Context, tx *gorm.DB, skpID, indID int64) (Indikator, error) {
	var in Indikator
	if err := tx.WithContext(ctx).Raw(`SELECT i.id, i.rhk_id, i.aspek, i.uraian, i.target, i.satuan FROM rhk_indikator i JOIN rhk r ON r.id = i.rhk_id
WHERE i.id = ? AND r.skp_id = ?`, indID, skpID).Scan(&in).Error; err != nil {
		return in, err
	}
	if in.ID == 0 {
		return in, apperr.ErrNotFound
	}
	return in, nil
}

// UpdateIndikator changes an indicator while the plan is draft or returned.
func (s *Store) UpdateIndikator(ctx context.Context, a Actor, skpID, indID int64, in IndikatorInput) error {
	ve := &apperr.ValidationError{}
	ind := in.parse(ve)
	if err := ve.OrNil(); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		old, err := indikatorOf(ctx, tx, skpID, indID)
		if err != nil {
			return err
		}
		if _, err := s.ownEditableSKP(ctx, tx, a, skpID); err != nil {
			return err
		}
		if old.Aspek == ind.Aspek && old.Uraian == ind.Uraian && old.Target == ind.Target && old.Satuan == ind.Satuan {
			return apperr.New(apperr.ErrConflict, "Tidak ada perubahan pada indikator ini.")
		}
		if err := tx.Exec(`UPDATE rhk_indikator SET aspek = ?, uraian = ?, target = ?, satuan = ? WHERE id = ?`,
			string(ind.Aspek), ind.Uraian, ind.Target, ind.Satuan, indID).Error; err != nil {
			return err
		}
		return record(ctx, tx, a, "kinerja.indikator_ubah", "skp", skpID, map[string]any{"indikator_id": indID, "rhk_id": old.RHKID,
			"target": []int{old.Target, ind.Target}, "aspek": []string{string(old.Aspek), string(ind.Aspek)}})
	})
}

// DeleteIndikator removes an indicator while the plan is draft or returned.
// An RHK left without indicators stops the plan's submission, which says so.
func (s *Store) DeleteIndikator(ctx context.Context, a Actor, skpID, indID int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		old, err := indikatorOf(ctx, tx, skpID, indID)
		if err != nil {
			return err
		}
		if _, err := s.ownEditableSKP(ctx, tx, a, skpID); err != nil {
			return err
		}
		if err := tx.Exec(`DELETE FROM rhk_indikator WHERE id = ?`, indID).Error; err != nil {
			return err
		}
		return record(ctx, tx, a, "kinerja.indikator_hapus", "skp", skpID, map[string]any{"indikator_id": indID, "rhk_id": old.RHKID, "uraian": old.Uraian})
	})
}

// AddIndikator adds an indicator to an RHK of the actor's plan.
func (s *Store) AddIndikator(ctx context.Context, a Actor, skpID, rhkID int64, in IndikatorInput) error {
	ve := &apperr.ValidationError{}
	ind := in.parse(ve)
	if err := ve.OrNil(); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := s.ownEditableSKP(ctx, tx, a, skpID); err != nil {
			return err
		}
		res := tx.Exec(`INSERT INTO rhk_indikator (rhk_id, aspek, uraian, target, satuan) SELECT r.id, ?, ?, ?, ? FROM rhk r WHERE r.id = ? AND r.skp_id = ?`,
			string(ind.Aspek), ind.Uraian, ind.Target, ind.Satuan, rhkID, skpID)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return apperr.Invalid("rhk_id", "Pilih RHK dari SKP ini.")
		}
		return record(ctx, tx, a, "kinerja.indikator_tambah", "skp", skpID, map[string]any{"rhk_id": rhkID, "aspek": string(ind.Aspek)})
	})
}

// SubmitSKP sends the actor's plan to the supervisor of today.
func (s *Store) SubmitSKP(ctx context.Context, a Actor, skpID int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := s.ownEditableSKP(ctx, tx, a, skpID); err != nil {
			return err
		}
		var missing struct {
			RHK   int64 `gorm:"column:rhk"`
			Tanpa int64 `gorm:"column:tanpa"`
		}
		if err := tx.Raw(`SELECT count(*) AS rhk, count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM rhk_indikator i WHERE i.rhk_id = r.id)) AS tanpa
FROM rhk r WHERE r.skp_id = ?`, skpID).Scan(&missing).Error; err != nil {
			return err
		}
		if missing.RHK == 0 {
			return apperr.Invalid("rhk", "Tambahkan paling sedikit satu RHK sebelum mengajukan SKP.")
		}
		if missing.Tanpa > 0 {
			return apperr.Invalid("rhk", "Setiap RHK harus memiliki paling sedikit satu indikator.")
		}
		penilai, err := s.supervisorID(ctx, tx, a.PegawaiID, s.Today())
		if err != nil {
			return err
		}
		if penilai == 0 {
			return apperr.Invalid("rhk", "Anda belum memiliki atasan langsung; SKP belum dapat diajukan.")
		}
		if err := tx.Exec(`UPDATE skp SET status = 'submitted', penilai_id = ?, submitted_at = now(), updated_at = now() WHERE id = ?`, penilai, skpID).Error; err != nil {
			return err
		}
		return record(ctx, tx, a, "kinerja.skp_ajukan", "skp", skpID, map[string]any{"penilai_id": penilai})
	})
}

// DecideSKP agrees (or returns, with a note) a subordinate's submitted plan.
func (s *Store) DecideSKP(ctx context.Context, a Actor, skpID int64, agree bool, catatan string) error {
	catatan = strings.TrimSpace(catatan)
	if !agree {
		if msg := checkText(catatan, 1000); msg != "" {
			return apperr.Invalid("catatan", "Catatan pengembalian "+msg)
		}
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		k, err := s.loadSKP(ctx, tx, skpID)
		if err != nil {
			return err
		}
		if err := s.allowed(ctx, tx, a, ActDecideSKP, k.PegawaiID, string(k.Status)); err != nil {
			return err
		}
		status, action := SKPReturned, "kinerja.skp_kembalikan"
		if agree {
			status, action = SKPAgreed, "kinerja.skp_setujui"
		}
		res := tx.Exec(`UPDATE skp SET status = ?, catatan = ?, penilai_id = ?, decided_at = now(), updated_at = now() WHERE id = ? AND status = 'submitted'`,
			string(status), catatan, a.PegawaiID, skpID)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return apperr.New(apperr.ErrConflict, actionRules[ActDecideSKP].refusal)
		}
		return record(ctx, tx, a, action, "skp", skpID, map[string]any{"catatan": catatan})
	})
}

// RHKChoice is an RHK offered when logging an aktivitas.
type RHKChoice struct {
	ID     int64  `gorm:"column:id"`
	Tahun  int    `gorm:"column:tahun"`
	Uraian string `gorm:"column:uraian"`
}

// RHKChoices lists the actor's RHK of the given years (for the aktivitas form).
func (s *Store) RHKChoices(ctx context.Context, a Actor, years ...int) ([]RHKChoice, error) {
	var out []RHKChoice
	err := s.db.WithContext(ctx).Raw(`SELECT r.id, k.tahun, r.uraian FROM rhk r JOIN skp k ON k.id = r.skp_id
WHERE k.pegawai_id = ? AND k.tahun IN ? ORDER BY k.tahun DESC, r.id`, a.PegawaiID, years).Scan(&out).Error
	return out, err
}
