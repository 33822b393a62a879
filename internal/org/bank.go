package org

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/audit"
)

// BankUsulan is a proposed change of an employee's bank account, waiting
// for a second person (migration 0121). Until it is confirmed the employee
// keeps the old account: the claim and the bank file pay that one only.
type BankUsulan struct {
	ID            int64     `gorm:"column:id"`
	PegawaiID     int64     `gorm:"column:pegawai_id"`
	BankNama      string    `gorm:"column:bank_nama"`
	BankRekening  string    `gorm:"column:bank_rekening"`
	BankAtasNama  string    `gorm:"column:bank_atas_nama"`
	DiusulkanOleh int64     `gorm:"column:diusulkan_oleh"`
	DiusulkanNIP  string    `gorm:"column:diusulkan_nip"`
	DiusulkanPada time.Time `gorm:"column:diusulkan_pada"`
}

// Masked is the proposed account number with all but the last four digits
// hidden, for notices and audit rows.
func (u BankUsulan) Masked() string { return mask(u.BankRekening) }

func bankDiffers(a, b Pegawai) bool {
	return a.BankNama != b.BankNama || a.BankRekening != b.BankRekening || a.BankAtasNama != b.BankAtasNama
}

// proposeBank records p's bank fields as the open proposal for employee
// old.ID (replacing an older open one), audited; pegawai is not changed.
func proposeBank(ctx context.Context, tx *gorm.DB, a Actor, old, p Pegawai, via string) error {
	if a.UserID == 0 {
		return errors.New("usulan rekening tanpa pengguna")
	}
	var same int64
	if err := tx.Raw(`SELECT count(*) FROM pegawai_bank_usulan WHERE pegawai_id = ? AND status = 'menunggu'
  AND bank_nama = ? AND bank_rekening = ? AND bank_atas_nama = ? AND diusulkan_oleh = ?`,
		old.ID, p.BankNama, p.BankRekening, p.BankAtasNama, a.UserID).Scan(&same).Error; err != nil {
		return fmt.Errorf("bank proposal: %w", err)
	}
	if same > 0 { // the same proposal again: it is already waiting
		return nil
	}
	if err := tx.Exec(`UPDATE pegawai_bank_usulan SET status = 'diganti', diputus_oleh = ?, diputus_pada = now()
WHERE pegawai_id = ? AND status = 'menunggu'`, a.UserID, old.ID).Error; err != nil {
		return fmt.Errorf("replace bank proposal: %w", err)
	}
	u := BankUsulan{PegawaiID: old.ID, BankNama: p.BankNama, BankRekening: p.BankRekening, BankAtasNama: p.BankAtasNama}
	if err := tx.Raw(`INSERT INTO pegawai_bank_usulan (pegawai_id, bank_nama, bank_rekening, bank_atas_nama, diusulkan_oleh, diusulkan_nip)
VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, old.ID, p.BankNama, p.BankRekening, p.BankAtasNama, a.UserID, a.NIP).Scan(&u.ID).Error; err != nil {
		return fmt.Errorf("bank proposal: %w", err)
	}
	d := map[string]any{}
	if old.BankNama != p.BankNama {
		d["bank_nama"] = []any{old.BankNama, p.BankNama}
	}
	if old.BankRekening != p.BankRekening {
		d["bank_rekening"] = []any{mask(old.BankRekening), mask(p.BankRekening)}
	}
	if old.BankAtasNama != p.BankAtasNama {
		d["bank_atas_nama"] = []any{old.BankAtasNama, p.BankAtasNama}
	}
	return audit.Record(ctx, tx, entry(a, "org.rekening_usul", "pegawai", old.ID,
		map[string]any{"nip": old.NIP, "usulan": u.ID, "berubah": d, "lewat": via}))
}

// PendingBank returns the open proposal for employee id in scope, or nil.
func (s *Store) PendingBank(ctx context.Context, sc Scope, id int64) (*BankUsulan, error) {
	if _, err := s.GetPegawai(ctx, sc, id); err != nil {
		return nil, err
	}
	var rows []BankUsulan
	if err := s.db.WithContext(ctx).Raw(`SELECT id, pegawai_id, bank_nama, bank_rekening, bank_atas_nama, diusulkan_oleh, diusulkan_nip, diusulkan_pada
FROM pegawai_bank_usulan WHERE pegawai_id = ? AND status = 'menunggu'`, id).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("bank proposal: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return &rows[0], nil
}

// Errors of DecideBank, each with its message for people.
var (
	ErrBankNoProposal = apperr.New(apperr.ErrConflict, "Tidak ada usulan perubahan rekening yang menunggu (sudah dikonfirmasi, ditolak atau diganti usulan baru). Muat ulang halaman.")
	ErrBankSelf       = apperr.New(apperr.ErrForbidden, "Usulan perubahan rekening harus dikonfirmasi orang kedua: pengusul tidak boleh mengonfirmasi atau menolak usulannya sendiri.")
)

// DecideBank confirms (apply) or refuses the open proposal usulanID of
// employee id, as a person other than the proposer: on confirmation the
// proposed account becomes the employee's. The role check (another admin_opd
// of the OPD, through the scope, or a verifikator) is the route's; the store
// refuses the proposer and a proposal that is no longer open (409; also
// when two people decide at once: the first wins).
func (s *Store) DecideBank(ctx context.Context, sc Scope, a Actor, id, usulanID int64, apply bool) (BankUsulan, error) {
	old, err := s.GetPegawai(ctx, sc, id)
	if err != nil {
		return BankUsulan{}, err
	}
	var u BankUsulan
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var rows []BankUsulan
		if err := tx.Raw(`SELECT id, pegawai_id, bank_nama, bank_rekening, bank_atas_nama, diusulkan_oleh, diusulkan_nip, diusulkan_pada
FROM pegawai_bank_usulan WHERE id = ? AND pegawai_id = ? AND status = 'menunggu' FOR UPDATE`, usulanID, id).Scan(&rows).Error; err != nil {
			return fmt.Errorf("bank proposal: %w", err)
		}
		if len(rows) == 0 {
			return ErrBankNoProposal
		}
		u = rows[0]
		if u.DiusulkanOleh == a.UserID || a.UserID == 0 {
			return ErrBankSelf
		}
		status, action := "ditolak", "org.rekening_tolak"
		if apply {
			status, action = "dikonfirmasi", "org.rekening_konfirmasi"
		}
		if err := tx.Exec(`UPDATE pegawai_bank_usulan SET status = ?, diputus_oleh = ?, diputus_pada = now() WHERE id = ?`,
			status, a.UserID, u.ID).Error; err != nil {
			return fmt.Errorf("decide bank proposal: %w", err)
		}
		detail := map[string]any{"nip": old.NIP, "usulan": u.ID, "diusulkan_oleh": u.DiusulkanNIP,
			"bank_nama": u.BankNama, "bank_rekening": mask(u.BankRekening), "bank_atas_nama": u.BankAtasNama}
		if apply {
			if err := tx.Exec(`UPDATE pegawai SET bank_nama = ?, bank_rekening = ?, bank_atas_nama = ?, updated_at = now() WHERE id = ?`,
				u.BankNama, u.BankRekening, u.BankAtasNama, id).Error; err != nil {
				return fmt.Errorf("apply bank account: %w", err)
			}
			detail["sebelumnya"] = map[string]any{"bank_nama": old.BankNama, "bank_rekening": mask(old.BankRekening), "bank_atas_nama": old.BankAtasNama}
		}
		return audit.Record(ctx, tx, entry(a, action, "pegawai", id, detail))
	})
	return u, err
}

// BankToDecide counts the open proposals in scope that actor may decide
// (not their own), and names the employee of the oldest one.
func (s *Store) BankToDecide(ctx context.Context, sc Scope, a Actor) (n int64, firstPegawai int64, err error) {
	var r struct {
		N     int64 `gorm:"column:n"`
		First int64 `gorm:"column:first"`
	}
	in, args := sc.sqlIn("p.opd_id")
	err = s.db.WithContext(ctx).Raw(`SELECT count(*) AS n, coalesce((array_agg(u.pegawai_id ORDER BY u.id))[1], 0) AS first
FROM pegawai_bank_usulan u JOIN pegawai p ON p.id = u.pegawai_id
WHERE u.status = 'menunggu' AND u.diusulkan_oleh <> ? AND `+in, append([]any{a.UserID}, args...)...).Scan(&r).Error
	if err != nil {
		return 0, 0, fmt.Errorf("bank proposals to decide: %w", err)
	}
	return r.N, r.First, nil
}
