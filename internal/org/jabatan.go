package org

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/audit"
)

// JabatanRow is one position with where it sits and who holds it.
type JabatanRow struct {
	ID              int64  `gorm:"column:id" json:"id"`
	Kode            string `gorm:"column:kode" json:"kode"`
	Nama            string `gorm:"column:nama" json:"nama"`
	Jenis           string `gorm:"column:jenis" json:"jenis"`
	Kelas           int    `gorm:"column:kelas" json:"kelas"`
	OPDID           int64  `gorm:"column:opd_id" json:"opd_id"`
	OPDKode         string `gorm:"column:opd_kode" json:"opd_kode"`
	UnitKerjaID     *int64 `gorm:"column:unit_kerja_id" json:"unit_kerja_id"`
	UnitNama        string `gorm:"column:unit_nama" json:"unit_kerja"`
	AtasanJabatanID *int64 `gorm:"column:atasan_jabatan_id" json:"atasan_jabatan_id"`
	AtasanNama      string `gorm:"column:atasan_nama" json:"atasan_jabatan"`
	Pemangku        string `gorm:"column:pemangku" json:"pemangku"`
	PemangkuJenis   string `gorm:"column:pemangku_jenis" json:"pemangku_jenis"`
	PemangkuID      int64  `gorm:"column:pemangku_id" json:"pemangku_id"`
}

const jabatanSelect = `
SELECT j.id, j.kode, j.nama, j.jenis, j.kelas, j.opd_id, o.kode AS opd_kode, j.unit_kerja_id, coalesce(u.nama, '') AS unit_nama,
       j.atasan_jabatan_id, coalesce(aj.nama, '') AS atasan_nama,
       coalesce(h.nama, '') AS pemangku, coalesce(h.jenis, '') AS pemangku_jenis, coalesce(h.pegawai_id, 0) AS pemangku_id
FROM jabatan j JOIN opd o ON o.id = j.opd_id
LEFT JOIN unit_kerja u ON u.id = j.unit_kerja_id
LEFT JOIN jabatan aj ON aj.id = j.atasan_jabatan_id
LEFT JOIN LATERAL (
    SELECT rj.pegawai_id, p.nama, rj.jenis FROM riwayat_jabatan rj JOIN pegawai p ON p.id = rj.pegawai_id
    WHERE rj.jabatan_id = j.id AND ` + heldAt + `
    ORDER BY (rj.jenis = 'definitif') DESC, rj.mulai DESC, rj.id LIMIT 1
) h ON true`

// JabatanFilter narrows the position list.
type JabatanFilter struct {
	OPDID int64
	Q     string
	// Urut is the sort key (?urut=), one of JabatanSorts; anything else is
	// the first.
	Urut string
	// Page (1-based) and PerPage page the list page (JabatanPage); the
	// download and the API read every row (ListJabatan).
	Page, PerPage int
}

// JabatanSorts are the position list's sort keys; every order ends on the
// id, so equal values never swap between pages.
var JabatanSorts = []SortKey{
	{"opd", "OPD, kelas tertinggi", "o.kode, j.kelas DESC, j.kode, j.id"},
	{"kode", "Kode", "j.kode, j.id"},
	{"nama", "Nama jabatan", "j.nama, j.id"},
	{"kelas", "Kelas (tertinggi)", "j.kelas DESC, j.nama, j.id"},
}

// jabatanWhere is the position list's condition: the scope and the filter,
// shared by the page and the download.
func jabatanWhere(sc Scope, f JabatanFilter) (string, []any) {
	where, args := []string{"true"}, []any{}
	if sc.OPDID != 0 {
		where, args = append(where, "j.opd_id = ?"), append(args, sc.OPDID)
	}
	if f.OPDID != 0 {
		where, args = append(where, "j.opd_id = ?"), append(args, f.OPDID)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		where, args = append(where, "(j.nama ILIKE ? OR j.kode ILIKE ?)"), append(args, "%"+likeEscape(q)+"%", likeEscape(q)+"%")
	}
	return strings.Join(where, " AND "), args
}

// ListJabatan returns the positions in scope (at most 2,000), in the
// filter's order (by OPD, kelas high first and code unless f.Urut says
// otherwise), each with its current holder on day.
func (s *Store) ListJabatan(ctx context.Context, sc Scope, f JabatanFilter, day time.Time) ([]JabatanRow, error) {
	cond, args := jabatanWhere(sc, f)
	order, _ := sortOf(JabatanSorts, f.Urut)
	d := day.Format(time.DateOnly)
	var rows []JabatanRow
	err := s.db.WithContext(ctx).Raw(jabatanSelect+` WHERE `+cond+` ORDER BY `+order+` LIMIT 2000`, append([]any{d, d}, args...)...).Scan(&rows).Error
	return rows, err
}

// JabatanPage is one page of the position list.
type JabatanPage struct {
	Rows    []JabatanRow
	Total   int64
	Page    int
	PerPage int
	// Urut is the sort key applied.
	Urut string
}

// Pages is the number of pages.
func (p JabatanPage) Pages() int {
	return PegawaiPage{Total: p.Total, PerPage: p.PerPage}.Pages()
}

// ListJabatanPage returns one page (f.Page, f.PerPage: 50 by default) of
// the positions ListJabatan lists, and how many there are.
func (s *Store) ListJabatanPage(ctx context.Context, sc Scope, f JabatanFilter, day time.Time) (JabatanPage, error) {
	if f.PerPage <= 0 || f.PerPage > 200 {
		f.PerPage = 50
	}
	f.Page = max(f.Page, 1)
	order, key := sortOf(JabatanSorts, f.Urut)
	page := JabatanPage{Page: f.Page, PerPage: f.PerPage, Urut: key}
	cond, args := jabatanWhere(sc, f)
	db := s.db.WithContext(ctx)
	if err := db.Raw(`SELECT count(*) FROM jabatan j WHERE `+cond, args...).Scan(&page.Total).Error; err != nil {
		return page, fmt.Errorf("count jabatan: %w", err)
	}
	d := day.Format(time.DateOnly)
	all := append(append([]any{d, d}, args...), f.PerPage, (f.Page-1)*f.PerPage)
	err := db.Raw(jabatanSelect+` WHERE `+cond+` ORDER BY `+order+` LIMIT ? OFFSET ?`, all...).Scan(&page.Rows).Error
	if err != nil {
		return page, fmt.Errorf("list jabatan: %w", err)
	}
	return page, nil
}

// GetJabatan returns a position in scope.
func (s *Store) GetJabatan(ctx context.Context, sc Scope, id int64) (Jabatan, error) {
	var j Jabatan
	q := s.db.WithContext(ctx).Where("id = ?", id)
	if sc.OPDID != 0 {
		q = q.Where("opd_id = ?", sc.OPDID)
	}
	if err := q.Take(&j).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return j, notFound("jabatan", id)
		}
		return j, err
	}
	return j, nil
}

// jabatanInOPD returns a position if it belongs to the agency.
func (s *Store) jabatanInOPD(ctx context.Context, id, opdID int64) (Jabatan, error) {
	return s.GetJabatan(ctx, ScopeOPD(opdID), id)
}

// checkJabatan validates the references of a position: agency in scope,
// unit in the same agency, and a supervising post that exists, sits in
// scope and does not make a loop.
// A database failure is returned as an error, never reported as a bad reference.
func (s *Store) checkJabatan(ctx context.Context, sc Scope, j Jabatan, ve *apperr.ValidationError) error {
	if j.OPDID > 0 && !sc.Allows(j.OPDID) {
		ve.Add("opd_id", "Anda hanya dapat mengelola jabatan OPD Anda sendiri.")
		return nil
	}
	var n int64
	if j.OPDID > 0 {
		if err := s.db.WithContext(ctx).Raw(`SELECT count(*) FROM opd WHERE id = ?`, j.OPDID).Scan(&n).Error; err != nil {
			return fmt.Errorf("check opd: %w", err)
		}
		if n == 0 {
			ve.Add("opd_id", "OPD tidak dikenal.")
		}
	}
	if j.UnitKerjaID != nil {
		if err := s.db.WithContext(ctx).Raw(`SELECT count(*) FROM unit_kerja WHERE id = ? AND opd_id = ?`, *j.UnitKerjaID, j.OPDID).Scan(&n).Error; err != nil {
			return fmt.Errorf("check unit kerja: %w", err)
		}
		if n == 0 {
			ve.Add("unit_kerja_id", "Unit kerja harus unit di OPD yang sama.")
		}
	}
	if j.AtasanJabatanID != nil {
		a := *j.AtasanJabatanID
		if j.ID != 0 && a == j.ID {
			ve.Add("atasan_jabatan_id", "Jabatan tidak dapat menjadi atasan dirinya sendiri.")
			return nil
		}
		if _, err := s.GetJabatan(ctx, sc, a); errors.Is(err, apperr.ErrNotFound) {
			ve.Add("atasan_jabatan_id", "Jabatan atasan tidak ditemukan.")
			return nil
		} else if err != nil {
			return err
		}
		if j.ID != 0 {
			var loop int64
			if err := s.db.WithContext(ctx).Raw(`
WITH RECURSIVE up AS (SELECT ?::bigint AS id, 1 AS depth
  UNION ALL SELECT j.atasan_jabatan_id, up.depth + 1 FROM up JOIN jabatan j ON j.id = up.id WHERE j.atasan_jabatan_id IS NOT NULL AND up.depth < 100)
SELECT count(*) FROM up WHERE id = ?`, a, j.ID).Scan(&loop).Error; err != nil {
				return fmt.Errorf("check jabatan cycle: %w", err)
			}
			if loop > 0 {
				ve.Add("atasan_jabatan_id", "Pilihan ini membuat lingkaran: jabatan atasan berada di bawah jabatan ini.")
			}
		}
	}
	return nil
}

// CreateJabatan validates and stores a new position, audited.
func (s *Store) CreateJabatan(ctx context.Context, sc Scope, a Actor, in JabatanInput) (Jabatan, error) {
	if sc.OPDID != 0 && in.OPDID == 0 {
		in.OPDID = sc.OPDID
	}
	j, ve := in.Validate()
	if err := s.checkJabatan(ctx, sc, j, ve); err != nil {
		return j, err
	}
	if err := ve.OrNil(); err != nil {
		return j, err
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&j).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, entry(a, "org.jabatan_tambah", "jabatan", j.ID, map[string]any{"kode": j.Kode, "nama": j.Nama, "kelas": j.Kelas}))
	})
	if isUniqueViolation(err) {
		return j, apperr.Invalid("kode", "Kode jabatan ini sudah dipakai.")
	}
	return j, err
}

// UpdateJabatan validates and saves a position, audited.
func (s *Store) UpdateJabatan(ctx context.Context, sc Scope, a Actor, id int64, in JabatanInput) (Jabatan, error) {
	old, err := s.GetJabatan(ctx, sc, id)
	if err != nil {
		return old, err
	}
	if sc.OPDID != 0 && in.OPDID == 0 {
		in.OPDID = old.OPDID
	}
	j, ve := in.Validate()
	j.ID, j.CreatedAt = id, old.CreatedAt
	if err := s.checkJabatan(ctx, sc, j, ve); err != nil {
		return j, err
	}
	if err := ve.OrNil(); err != nil {
		return j, err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`UPDATE jabatan SET kode = ?, nama = ?, jenis = ?, kelas = ?, opd_id = ?, unit_kerja_id = ?, atasan_jabatan_id = ?, updated_at = now() WHERE id = ?`,
			j.Kode, j.Nama, j.Jenis, j.Kelas, j.OPDID, j.UnitKerjaID, j.AtasanJabatanID, id).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, entry(a, "org.jabatan_ubah", "jabatan", id, map[string]any{
			"kode": j.Kode, "kelas": []int{old.Kelas, j.Kelas}, "nama": j.Nama, "atasan_jabatan_id": j.AtasanJabatanID}))
	})
	if isUniqueViolation(err) {
		return j, apperr.Invalid("kode", "Kode jabatan ini sudah dipakai.")
	}
	return j, err
}

// Assignment is an order to place an employee in a position: definitive
// (a transfer or promotion) or acting (Plt/Plh, with an end date).
type Assignment struct {
	JabatanID int64
	Jenis     string
	Mulai     string
	Selesai   string
	NomorSK   string
}

// Assign places an employee in a position. A definitive assignment closes
// the employee's current definitive one the day before it starts and opens
// the new one, in one transaction, so a month can be split between two
// positions; moving to a position of another OPD moves the employee too.
// A Plt/Plh assignment runs alongside, from Mulai to Selesai.
func (s *Store) Assign(ctx context.Context, sc Scope, a Actor, pegawaiID int64, in Assignment) error {
	p, err := s.GetPegawai(ctx, sc, pegawaiID)
	if err != nil {
		return err
	}
	ve := &apperr.ValidationError{}
	jenis := JenisPenugasan(strings.ToLower(strings.TrimSpace(in.Jenis)))
	if jenis != Definitif && jenis != Plt && jenis != Plh {
		ve.Add("jenis", "Jenis penugasan harus definitif, Plt, atau Plh.")
	}
	mulai, ok := ParseDate(in.Mulai)
	if !ok {
		ve.Add("mulai", "Isi tanggal mulai (TMT) yang valid.")
	}
	var selesai *time.Time
	if jenis == Plt || jenis == Plh {
		t, ok := ParseDate(in.Selesai)
		switch {
		case !ok:
			ve.Add("selesai", "Plt/Plh wajib punya tanggal selesai.")
		case t.Before(mulai):
			ve.Add("selesai", "Tanggal selesai tidak boleh sebelum tanggal mulai.")
		default:
			selesai = &t
		}
	}
	sk := strings.TrimSpace(in.NomorSK)
	if len(sk) > 100 {
		ve.Add("nomor_sk", "Nomor SK paling banyak 100 karakter.")
	}
	j, err := s.GetJabatan(ctx, sc, in.JabatanID)
	if err != nil {
		ve.Add("jabatan_id", "Pilih jabatan (di OPD Anda).")
	}
	if err := ve.OrNil(); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		detail := map[string]any{"nip": p.NIP, "jabatan_id": j.ID, "jabatan": j.Nama, "jenis": string(jenis), "mulai": mulai.Format(time.DateOnly)}
		if jenis == Definitif {
			var cur RiwayatJabatan
			err := tx.Raw(`SELECT * FROM riwayat_jabatan WHERE pegawai_id = ? AND jenis = 'definitif' AND selesai IS NULL FOR UPDATE`, pegawaiID).Scan(&cur).Error
			if err != nil {
				return err
			}
			if cur.ID != 0 {
				if cur.JabatanID == j.ID {
					return apperr.Invalid("jabatan_id", "Pegawai sudah memegang jabatan ini.")
				}
				if !mulai.After(cur.Mulai) {
					return apperr.Invalid("mulai", "TMT baru harus sesudah TMT jabatan sekarang ("+cur.Mulai.Format("02-01-2006")+").")
				}
				end := mulai.AddDate(0, 0, -1)
				if err := tx.Exec(`UPDATE riwayat_jabatan SET selesai = ? WHERE id = ?`, end, cur.ID).Error; err != nil {
					return err
				}
				detail["ditutup_riwayat_id"], detail["ditutup_selesai"] = cur.ID, end.Format(time.DateOnly)
			}
			if j.OPDID != p.OPDID {
				if err := tx.Exec(`UPDATE pegawai SET opd_id = ?, updated_at = now() WHERE id = ?`, j.OPDID, p.ID).Error; err != nil {
					return err
				}
				detail["opd_lama"], detail["opd_baru"] = p.OPDID, j.OPDID
			}
		} else {
			detail["selesai"] = selesai.Format(time.DateOnly)
		}
		r := RiwayatJabatan{PegawaiID: p.ID, JabatanID: j.ID, Jenis: jenis, Mulai: mulai, Selesai: selesai, NomorSK: sk}
		if err := tx.Create(&r).Error; err != nil {
			return fmt.Errorf("open assignment: %w", err)
		}
		action := "org.mutasi"
		if jenis != Definitif {
			action = "org.penugasan_" + string(jenis)
		}
		return audit.Record(ctx, tx, entry(a, action, "pegawai", p.ID, detail))
	})
}

// EndActing ends a Plt/Plh assignment early: on day berakhir (inclusive),
// not before it started and not after the end it already has. From the next
// day the supervisor derivation no longer sees the acting holder.
func (s *Store) EndActing(ctx context.Context, sc Scope, a Actor, pegawaiID, riwayatID int64, berakhir string) error {
	p, err := s.GetPegawai(ctx, sc, pegawaiID)
	if err != nil {
		return err
	}
	end, ok := ParseDate(berakhir)
	if !ok {
		return apperr.Invalid("berakhir", "Isi tanggal berakhir yang valid (TTTT-BB-HH).")
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var r RiwayatJabatan
		if err := tx.Raw(`SELECT * FROM riwayat_jabatan WHERE id = ? AND pegawai_id = ? FOR UPDATE`, riwayatID, p.ID).Scan(&r).Error; err != nil {
			return err
		}
		if r.ID == 0 {
			return notFound("riwayat_jabatan", riwayatID)
		}
		if r.Jenis != Plt && r.Jenis != Plh {
			return apperr.New(apperr.ErrConflict, "Hanya penugasan Plt/Plh yang dapat diakhiri di sini; jabatan definitif berakhir lewat mutasi.")
		}
		if end.Before(r.Mulai) {
			return apperr.Invalid("berakhir", "Tanggal berakhir tidak boleh sebelum tanggal mulai penugasan ("+r.Mulai.Format("02-01-2006")+").")
		}
		if r.Selesai != nil {
			switch {
			case end.Equal(*r.Selesai):
				return apperr.New(apperr.ErrConflict, "Penugasan ini sudah berakhir pada "+end.Format("02-01-2006")+"; tidak ada yang diubah.")
			case end.After(*r.Selesai):
				return apperr.Invalid("berakhir", "Tanggal berakhir harus sebelum tanggal selesai sekarang ("+r.Selesai.Format("02-01-2006")+"); untuk memperpanjang, buat penugasan baru.")
			}
		}
		if err := tx.Exec(`UPDATE riwayat_jabatan SET selesai = ? WHERE id = ?`, end, r.ID).Error; err != nil {
			return err
		}
		old := ""
		if r.Selesai != nil {
			old = r.Selesai.Format(time.DateOnly)
		}
		return audit.Record(ctx, tx, entry(a, "org.penugasan_akhiri", "pegawai", p.ID, map[string]any{"nip": p.NIP, "riwayat_id": r.ID,
			"jenis": string(r.Jenis), "jabatan_id": r.JabatanID, "selesai_lama": old, "selesai": end.Format(time.DateOnly)}))
	})
}
