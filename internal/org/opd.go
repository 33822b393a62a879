package org

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/audit"
)

// OPDRow is one agency with its headline numbers.
type OPDRow struct {
	ID        int64  `gorm:"column:id" json:"id"`
	Kode      string `gorm:"column:kode" json:"kode"`
	Nama      string `gorm:"column:nama" json:"nama"`
	Singkatan string `gorm:"column:singkatan" json:"singkatan"`
	Aktif     bool   `gorm:"column:aktif" json:"aktif"`
	Unit      int64  `gorm:"column:unit" json:"unit_kerja"`
	Jabatan   int64  `gorm:"column:jabatan" json:"jabatan"`
	Pegawai   int64  `gorm:"column:pegawai" json:"pegawai_aktif"`
}

// ListOPD returns the agencies in scope, by code.
func (s *Store) ListOPD(ctx context.Context, sc Scope) ([]OPDRow, error) {
	var rows []OPDRow
	in, args := sc.sqlIn("o.id")
	err := s.db.WithContext(ctx).Raw(`
SELECT o.id, o.kode, o.nama, o.singkatan, o.aktif,
  (SELECT count(*) FROM unit_kerja u WHERE u.opd_id = o.id) AS unit,
  (SELECT count(*) FROM jabatan j WHERE j.opd_id = o.id) AS jabatan,
  (SELECT count(*) FROM pegawai p WHERE p.opd_id = o.id AND p.keadaan = 'aktif') AS pegawai
FROM opd o WHERE `+in+` ORDER BY o.kode`, args...).Scan(&rows).Error
	return rows, err
}

// OPDInScope returns an agency if the scope covers it.
func (s *Store) OPDInScope(ctx context.Context, sc Scope, id int64) (OPD, error) {
	if !sc.Allows(id) {
		return OPD{}, notFound("opd", id)
	}
	o, err := s.GetOPD(ctx, id)
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return o, notFound("opd", id)
	}
	return o, err
}

// SaveOPD creates (id 0) or updates an agency, audited. Only a superadmin
// reaches it (the route says so).
func (s *Store) SaveOPD(ctx context.Context, a Actor, id int64, in OPDInput) (OPD, error) {
	o, ve := in.Validate()
	if err := ve.OrNil(); err != nil {
		return o, err
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		action := "org.opd_tambah"
		if id == 0 {
			if err := tx.Create(&o).Error; err != nil {
				return err
			}
		} else {
			action = "org.opd_ubah"
			res := tx.Exec(`UPDATE opd SET kode = ?, nama = ?, singkatan = ?, aktif = ?, updated_at = now() WHERE id = ?`, o.Kode, o.Nama, o.Singkatan, o.Aktif, id)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return notFound("opd", id)
			}
			o.ID = id
		}
		return audit.Record(ctx, tx, entry(a, action, "opd", o.ID, map[string]any{"kode": o.Kode, "nama": o.Nama, "aktif": o.Aktif}))
	})
	if isUniqueViolation(err) {
		return o, apperr.Invalid("kode", "Kode OPD ini sudah dipakai.")
	}
	return o, err
}

// ListUnits returns an agency's units, parents before children.
func (s *Store) ListUnits(ctx context.Context, opdID int64) ([]UnitKerja, error) {
	var us []UnitKerja
	err := s.db.WithContext(ctx).Where("opd_id = ?", opdID).Order("kode").Find(&us).Error
	return us, err
}

// UnitOptions lists the units a form in scope sc may pick: an admin_opd's
// own agency's; in the regency scope those of agency opdID, or of every
// agency (at most 2000) when none is chosen yet.
func (s *Store) UnitOptions(ctx context.Context, sc Scope, opdID int64) ([]UnitKerja, error) {
	if sc.OPDID != 0 {
		return s.ListUnits(ctx, sc.OPDID)
	}
	if opdID != 0 {
		return s.ListUnits(ctx, opdID)
	}
	var us []UnitKerja
	err := s.db.WithContext(ctx).Order("kode").Limit(2000).Find(&us).Error
	return us, err
}

// CreateUnit validates and stores a unit kerja in scope, audited.
func (s *Store) CreateUnit(ctx context.Context, sc Scope, a Actor, in UnitInput) (UnitKerja, error) {
	u, ve := in.Validate()
	if u.OPDID > 0 && !sc.Allows(u.OPDID) {
		ve.Add("opd_id", "Anda hanya dapat mengelola unit kerja OPD Anda sendiri.")
	}
	if u.ParentID != nil {
		var n int64
		if err := s.db.WithContext(ctx).Raw(`SELECT count(*) FROM unit_kerja WHERE id = ? AND opd_id = ?`, *u.ParentID, u.OPDID).Scan(&n).Error; err != nil {
			return u, fmt.Errorf("check unit induk: %w", err)
		}
		if n == 0 {
			ve.Add("parent_id", "Unit induk harus unit di OPD yang sama.")
		}
	}
	if err := ve.OrNil(); err != nil {
		return u, err
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&u).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, entry(a, "org.unit_tambah", "unit_kerja", u.ID, map[string]any{"kode": u.Kode, "nama": u.Nama, "opd_id": u.OPDID}))
	})
	if isUniqueViolation(err) {
		return u, apperr.Invalid("kode", "Kode unit kerja ini sudah dipakai.")
	}
	return u, err
}

// TreeNode is one position in an agency's tree with its holders on a day.
type TreeNode struct {
	Jabatan  JabatanRow
	Holders  []Holder
	Children []*TreeNode
}

// Holder is one person in a position (definitive or acting).
type Holder struct {
	PegawaiID int64     `gorm:"column:pegawai_id"`
	JabatanID int64     `gorm:"column:jabatan_id"`
	NIP       string    `gorm:"column:nip"`
	Nama      string    `gorm:"column:nama"`
	Jenis     string    `gorm:"column:jenis"`
	Selesai   time.Time `gorm:"column:selesai"`
}

// Vacant reports whether nobody holds the position definitively.
func (n *TreeNode) Vacant() bool {
	for _, h := range n.Holders {
		if h.Jenis == string(Definitif) {
			return false
		}
	}
	return true
}

// Tree returns an agency's positions as a tree (roots: positions whose
// supervising post is outside the agency or none), with holders on day.
func (s *Store) Tree(ctx context.Context, sc Scope, opdID int64, day time.Time) ([]*TreeNode, error) {
	if _, err := s.OPDInScope(ctx, sc, opdID); err != nil {
		return nil, err
	}
	rows, err := s.ListJabatan(ctx, ScopeOPD(opdID), JabatanFilter{}, day)
	if err != nil {
		return nil, err
	}
	var holders []Holder
	d := day.Format(time.DateOnly)
	err = s.db.WithContext(ctx).Raw(`
SELECT rj.pegawai_id, rj.jabatan_id, p.nip, p.nama, rj.jenis, coalesce(rj.selesai, '9999-12-31') AS selesai
FROM riwayat_jabatan rj JOIN pegawai p ON p.id = rj.pegawai_id JOIN jabatan j ON j.id = rj.jabatan_id
WHERE j.opd_id = ? AND `+heldAt+` ORDER BY (rj.jenis = 'definitif') DESC, p.nama, p.id`, opdID, d, d).Scan(&holders).Error
	if err != nil {
		return nil, err
	}
	nodes := make(map[int64]*TreeNode, len(rows))
	for _, r := range rows {
		nodes[r.ID] = &TreeNode{Jabatan: r}
	}
	for _, h := range holders {
		if n := nodes[h.JabatanID]; n != nil {
			n.Holders = append(n.Holders, h)
		}
	}
	var roots []*TreeNode
	for _, r := range rows {
		n := nodes[r.ID]
		if r.AtasanJabatanID != nil && nodes[*r.AtasanJabatanID] != nil && *r.AtasanJabatanID != r.ID {
			p := nodes[*r.AtasanJabatanID]
			p.Children = append(p.Children, n)
		} else {
			roots = append(roots, n)
		}
	}
	var sortRec func(ns []*TreeNode, depth int)
	sortRec = func(ns []*TreeNode, depth int) {
		sort.SliceStable(ns, func(i, k int) bool {
			if ns[i].Jabatan.Kelas != ns[k].Jabatan.Kelas {
				return ns[i].Jabatan.Kelas > ns[k].Jabatan.Kelas
			}
			return ns[i].Jabatan.Kode < ns[k].Jabatan.Kode
		})
		if depth > maxChain {
			return
		}
		for _, n := range ns {
			sortRec(n.Children, depth+1)
		}
	}
	sortRec(roots, 0)
	return roots, nil
}

// CountVacant counts the positions in scope nobody holds on day (not even a Plt/Plh).
func (s *Store) CountVacant(ctx context.Context, sc Scope, day time.Time) (int64, error) {
	var n int64
	d := day.Format(time.DateOnly)
	in, args := sc.sqlIn("j.opd_id")
	err := s.db.WithContext(ctx).Raw(`SELECT count(*) FROM jabatan j WHERE `+in+`
AND NOT EXISTS (SELECT 1 FROM riwayat_jabatan rj WHERE rj.jabatan_id = j.id AND `+heldAt+`)`, append(args, d, d)...).Scan(&n).Error
	return n, err
}

// UnitInScope returns a unit kerja whose agency the scope covers.
func (s *Store) UnitInScope(ctx context.Context, sc Scope, id int64) (UnitKerja, error) {
	var u UnitKerja
	err := s.db.WithContext(ctx).Take(&u, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && !sc.Allows(u.OPDID)) {
		return UnitKerja{}, notFound("unit_kerja", id)
	}
	return u, err
}

// UpdateUnit renames a unit kerja or moves it under another unit of the same
// agency (or to the top), audited. A unit cannot move under itself or one of
// its own sub-units: the tree would become a cycle.
func (s *Store) UpdateUnit(ctx context.Context, sc Scope, a Actor, id int64, in UnitInput) (UnitKerja, error) {
	old, err := s.UnitInScope(ctx, sc, id)
	if err != nil {
		return old, err
	}
	in.OPDID = old.OPDID // a unit stays in its agency
	u, ve := in.Validate()
	u.ID = id
	if err := ve.OrNil(); err != nil {
		return u, err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Lock the agency's units so two moves at once cannot each pass the
		// cycle check and together close a loop.
		var locked []int64
		if err := tx.Raw(`SELECT id FROM unit_kerja WHERE opd_id = ? ORDER BY id FOR UPDATE`, old.OPDID).Scan(&locked).Error; err != nil {
			return err
		}
		var cur UnitKerja
		if err := tx.Take(&cur, id).Error; err != nil {
			return err
		}
		if u.ParentID != nil {
			var p struct {
				OPDID int64 `gorm:"column:opd_id"`
				Below bool  `gorm:"column:below"`
			}
			// below: the new parent is the unit itself or lies in its subtree.
			if err := tx.Raw(`WITH RECURSIVE up AS (
    SELECT id, parent_id, 1 AS depth FROM unit_kerja WHERE id = ?
    UNION ALL
    SELECT k.id, k.parent_id, up.depth + 1 FROM unit_kerja k JOIN up ON k.id = up.parent_id WHERE up.depth < ?
)
SELECT (SELECT opd_id FROM unit_kerja WHERE id = ?) AS opd_id, EXISTS (SELECT 1 FROM up WHERE id = ?) AS below`,
				*u.ParentID, maxChain*5, *u.ParentID, id).Scan(&p).Error; err != nil {
				return err
			}
			switch {
			case p.OPDID != old.OPDID:
				return apperr.Invalid("parent_id", "Unit induk harus unit di OPD yang sama.")
			case p.Below:
				return apperr.Invalid("parent_id", "Unit tidak dapat dipindah ke bawah dirinya sendiri atau sub-unitnya.")
			}
		}
		if cur.Kode == u.Kode && cur.Nama == u.Nama && sameParent(cur.ParentID, u.ParentID) {
			return apperr.New(apperr.ErrConflict, "Tidak ada perubahan pada unit kerja ini.")
		}
		if err := tx.Exec(`UPDATE unit_kerja SET kode = ?, nama = ?, parent_id = ?, updated_at = now() WHERE id = ?`, u.Kode, u.Nama, u.ParentID, id).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, entry(a, "org.unit_ubah", "unit_kerja", id, map[string]any{
			"kode": []string{cur.Kode, u.Kode}, "nama": []string{cur.Nama, u.Nama}, "parent_id": []any{cur.ParentID, u.ParentID}, "opd_id": old.OPDID}))
	})
	if isUniqueViolation(err) {
		return u, apperr.Invalid("kode", "Kode unit kerja ini sudah dipakai.")
	}
	return u, err
}

func sameParent(a, b *int64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
