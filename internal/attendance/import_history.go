package attendance

import (
	"context"
	"fmt"
	"time"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
)

// ImportBatch is one stored fingerprint import for the history page.
type ImportBatch struct {
	ID        int64     `gorm:"column:id"`
	OPDID     int64     `gorm:"column:opd_id"`
	OPDNama   string    `gorm:"column:opd_nama"`
	FileName  string    `gorm:"column:nama_berkas"`
	SHA256    string    `gorm:"column:sha256"`
	Rows      int       `gorm:"column:baris"`
	Refused   int       `gorm:"column:baris_ditolak"`
	Inserted  int       `gorm:"column:ditambah"`
	Updated   int       `gorm:"column:diubah"`
	Deleted   int       `gorm:"column:dihapus"`
	ByNIP     string    `gorm:"column:oleh_nip"`
	ByNama    string    `gorm:"column:oleh_nama"`
	CreatedAt time.Time `gorm:"column:created_at"`
}

// Accepted is the number of rows the import applied (read minus refused).
func (b ImportBatch) Accepted() int { return b.Rows - b.Refused }

// importHistoryLimit caps the history page; a year of daily imports of
// one OPD fits.
const importHistoryLimit = 500

const importHistorySelect = `SELECT i.id, i.opd_id, o.nama AS opd_nama, i.nama_berkas, i.sha256, i.baris, i.baris_ditolak,
       i.ditambah, i.diubah, i.dihapus, coalesce(u.nip, '') AS oleh_nip, coalesce(pg.nama, '') AS oleh_nama, i.created_at
FROM impor_kehadiran i JOIN opd o ON o.id = i.opd_id
LEFT JOIN users u ON u.id = i.user_id LEFT JOIN pegawai pg ON pg.id = u.pegawai_id `

// ImportHistory lists the applied imports, newest first: an admin_opd its
// own OPD's only (asking for another OPD is ErrNotFound); a verifikator or
// superadmin one OPD (opdID) or all of them (opdID 0). Refused files were
// never stored, so they are not listed.
func (s *Store) ImportHistory(ctx context.Context, p *auth.Principal, opdID int64) ([]ImportBatch, error) {
	switch p.Active.Role {
	case auth.RoleAdminOPD:
		if opdID != 0 && opdID != p.Active.OPDID {
			return nil, fmt.Errorf("import history of opd %d for admin of %d: %w", opdID, p.Active.OPDID, apperr.ErrNotFound)
		}
		opdID = p.Active.OPDID
	case auth.RoleVerifikator, auth.RoleSuperadmin:
	default:
		return nil, apperr.ErrForbidden
	}
	var out []ImportBatch
	db := s.db.WithContext(ctx)
	var err error
	if opdID != 0 {
		if _, err := s.OPDOf(ctx, p, opdID); err != nil {
			return nil, err
		}
		err = db.Raw(importHistorySelect+`WHERE i.opd_id = ? ORDER BY i.created_at DESC, i.id DESC LIMIT ?`, opdID, importHistoryLimit).Scan(&out).Error
	} else {
		err = db.Raw(importHistorySelect+`ORDER BY i.created_at DESC, i.id DESC LIMIT ?`, importHistoryLimit).Scan(&out).Error
	}
	if err != nil {
		return nil, fmt.Errorf("import history: %w", err)
	}
	return out, nil
}
