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
	"github.com/ekinerja/ekinerja/internal/auth"
)

// Actor is who makes a change (the one auth.Actor; the name stays for callers).
type Actor = auth.Actor

// entry is the audit row of a's change.
func entry(a Actor, action, objType string, objID int64, detail map[string]any) audit.Entry {
	return audit.Entry{ActorID: a.UserID, ActorNIP: a.NIP, IP: a.IP, Action: action, ObjectType: objType,
		ObjectID: fmt.Sprint(objID), Detail: detail}
}

// PegawaiFilter narrows the employee list.
type PegawaiFilter struct {
	Q       string // NIP prefix or part of the name
	OPDID   int64
	Status  string // PNS, CPNS, PPPK
	Keadaan string // aktif, pensiun, pindah
	Page    int    // 1-based
	PerPage int
	// Urut is the sort key (?urut=), one of PegawaiSorts; anything else is
	// the first, by name.
	Urut string
}

// SortKey is one sort choice of a list: its ?urut= value, its label and the
// ORDER BY it stands for (a constant: never text from the request).
type SortKey struct {
	Key, Label string
	order      string
}

// sortOf returns the ORDER BY of key among keys, and the key itself; an
// unknown or empty key is the first (the list's default).
func sortOf(keys []SortKey, key string) (string, string) {
	for _, k := range keys {
		if k.Key == key {
			return k.order, k.Key
		}
	}
	return keys[0].order, keys[0].Key
}

// PegawaiSorts are the employee list's sort keys; every order ends on the id,
// so equal values never swap between pages.
var PegawaiSorts = []SortKey{
	{"nama", "Nama", "p.nama, p.id"},
	{"nip", "NIP", "p.nip, p.id"},
	{"opd", "OPD", "o.kode, p.nama, p.id"},
	{"kelas", "Kelas jabatan (tertinggi)", "kelas DESC, p.nama, p.id"},
	{"golongan", "Golongan (tertinggi)", "p.golongan DESC, p.nama, p.id"},
}

// PegawaiRow is one line of the employee list.
type PegawaiRow struct {
	ID          int64  `gorm:"column:id" json:"id"`
	NIP         string `gorm:"column:nip" json:"nip"`
	Nama        string `gorm:"column:nama" json:"nama"`
	StatusASN   string `gorm:"column:status_asn" json:"status_asn"`
	Golongan    string `gorm:"column:golongan" json:"golongan"`
	Keadaan     string `gorm:"column:keadaan" json:"keadaan"`
	OPDID       int64  `gorm:"column:opd_id" json:"opd_id"`
	OPDKode     string `gorm:"column:opd_kode" json:"opd_kode"`
	JabatanNama string `gorm:"column:jabatan_nama" json:"jabatan"`
	Kelas       int    `gorm:"column:kelas" json:"kelas"`
}

// PegawaiPage is one page of the employee list.
type PegawaiPage struct {
	Rows    []PegawaiRow
	Total   int64
	Page    int
	PerPage int
}

// Pages is the number of pages.
func (p PegawaiPage) Pages() int {
	if p.PerPage <= 0 {
		return 1
	}
	n := int((p.Total + int64(p.PerPage) - 1) / int64(p.PerPage))
	return max(n, 1)
}

func (f *PegawaiFilter) normalize() {
	f.Q = strings.TrimSpace(f.Q)
	if len(f.Q) > 100 {
		f.Q = f.Q[:100]
	}
	if f.PerPage <= 0 || f.PerPage > 200 {
		f.PerPage = 50
	}
	if f.Page < 1 {
		f.Page = 1
	}
	_, f.Urut = sortOf(PegawaiSorts, f.Urut)
}

// likeEscape escapes LIKE wildcards in user text.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// pegawaiWhere is the employee list's condition: the actor's scope and the
// filter. The page and its download share it, so both hold the same people.
func pegawaiWhere(sc Scope, f PegawaiFilter) (string, []any) {
	where := []string{"true"}
	args := []any{}
	if sc.OPDID != 0 {
		where, args = append(where, "p.opd_id = ?"), append(args, sc.OPDID)
	}
	if f.OPDID != 0 {
		where, args = append(where, "p.opd_id = ?"), append(args, f.OPDID)
	}
	if f.Status != "" {
		where, args = append(where, "p.status_asn = ?"), append(args, f.Status)
	}
	if f.Keadaan != "" {
		where, args = append(where, "p.keadaan = ?"), append(args, f.Keadaan)
	}
	if f.Q != "" {
		if digitsRe.MatchString(f.Q) {
			where, args = append(where, "p.nip LIKE ?"), append(args, likeEscape(f.Q)+"%")
		} else {
			where, args = append(where, "p.nama ILIKE ?"), append(args, "%"+likeEscape(f.Q)+"%")
		}
	}
	return strings.Join(where, " AND "), args
}

// pegawaiSelect lists employees with their definitive position held on a day.
const pegawaiSelect = `SELECT p.id, p.nip, p.nama, p.status_asn, p.golongan, p.keadaan, p.opd_id, o.kode AS opd_kode,
       coalesce(j.nama, '') AS jabatan_nama, coalesce(j.kelas, 0) AS kelas
FROM pegawai p JOIN opd o ON o.id = p.opd_id
LEFT JOIN riwayat_jabatan rj ON rj.pegawai_id = p.id AND rj.jenis = 'definitif' AND ` + heldAt + `
LEFT JOIN jabatan j ON j.id = rj.jabatan_id
WHERE `

// ListPegawai returns one page of employees in scope, in the filter's
// order (by name unless f.Urut says otherwise; always stable).
func (s *Store) ListPegawai(ctx context.Context, sc Scope, f PegawaiFilter, day time.Time) (PegawaiPage, error) {
	f.normalize()
	cond, args := pegawaiWhere(sc, f)
	page := PegawaiPage{Page: f.Page, PerPage: f.PerPage}
	db := s.db.WithContext(ctx)
	if err := db.Raw(`SELECT count(*) FROM pegawai p WHERE `+cond, args...).Scan(&page.Total).Error; err != nil {
		return page, fmt.Errorf("count pegawai: %w", err)
	}
	d := day.Format(time.DateOnly)
	all := append([]any{d, d}, args...)
	all = append(all, f.PerPage, (f.Page-1)*f.PerPage)
	order, _ := sortOf(PegawaiSorts, f.Urut)
	if err := db.Raw(pegawaiSelect+cond+` ORDER BY `+order+` LIMIT ? OFFSET ?`, all...).Scan(&page.Rows).Error; err != nil {
		return page, fmt.Errorf("list pegawai: %w", err)
	}
	return page, nil
}

// ExportPegawai returns every employee the list shows for the same scope,
// filter and order (all pages), for the .xlsx download.
func (s *Store) ExportPegawai(ctx context.Context, sc Scope, f PegawaiFilter, day time.Time) ([]PegawaiRow, error) {
	f.normalize()
	cond, args := pegawaiWhere(sc, f)
	d := day.Format(time.DateOnly)
	var rows []PegawaiRow
	order, _ := sortOf(PegawaiSorts, f.Urut)
	if err := s.db.WithContext(ctx).Raw(pegawaiSelect+cond+` ORDER BY `+order, append([]any{d, d}, args...)...).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("export pegawai: %w", err)
	}
	return rows, nil
}

// Penugasan is one assignment with its position, for the detail page.
type Penugasan struct {
	ID          int64      `gorm:"column:id" json:"id"`
	JabatanID   int64      `gorm:"column:jabatan_id" json:"jabatan_id"`
	JabatanKode string     `gorm:"column:jabatan_kode" json:"jabatan_kode"`
	JabatanNama string     `gorm:"column:jabatan_nama" json:"jabatan"`
	Kelas       int        `gorm:"column:kelas" json:"kelas"`
	OPDKode     string     `gorm:"column:opd_kode" json:"opd_kode"`
	Jenis       string     `gorm:"column:jenis" json:"jenis"`
	Mulai       time.Time  `gorm:"column:mulai" json:"mulai"`
	Selesai     *time.Time `gorm:"column:selesai" json:"selesai"`
	NomorSK     string     `gorm:"column:nomor_sk" json:"nomor_sk"`
}

// PegawaiDetail is an employee with their agency, history and supervisor.
type PegawaiDetail struct {
	Pegawai   Pegawai
	OPD       OPD
	Riwayat   []Penugasan
	Profile   Profile
	UserID    int64
	UserAktif bool
}

// GetPegawai returns an employee in scope; outside the scope it is not found.
func (s *Store) GetPegawai(ctx context.Context, sc Scope, id int64) (Pegawai, error) {
	var p Pegawai
	q := s.db.WithContext(ctx).Where("id = ?", id)
	if sc.OPDID != 0 {
		q = q.Where("opd_id = ?", sc.OPDID)
	}
	if err := q.Take(&p).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return p, notFound("pegawai", id)
		}
		return p, err
	}
	return p, nil
}

// PegawaiDetail returns the employee page's data, scoped.
func (s *Store) PegawaiDetail(ctx context.Context, sc Scope, id int64, day time.Time) (PegawaiDetail, error) {
	var d PegawaiDetail
	var err error
	if d.Pegawai, err = s.GetPegawai(ctx, sc, id); err != nil {
		return d, err
	}
	if d.OPD, err = s.GetOPD(ctx, d.Pegawai.OPDID); err != nil {
		return d, err
	}
	if d.Riwayat, err = s.Riwayat(ctx, id); err != nil {
		return d, err
	}
	if d.Profile, err = s.Profile(ctx, id, day); err != nil {
		return d, err
	}
	var u struct {
		ID       int64 `gorm:"column:id"`
		Disabled bool  `gorm:"column:disabled"`
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT id, disabled FROM users WHERE pegawai_id = ?`, id).Scan(&u).Error; err != nil {
		return d, err
	}
	d.UserID, d.UserAktif = u.ID, u.ID != 0 && !u.Disabled
	return d, nil
}

// Riwayat returns an employee's assignments, newest first.
func (s *Store) Riwayat(ctx context.Context, pegawaiID int64) ([]Penugasan, error) {
	var rs []Penugasan
	err := s.db.WithContext(ctx).Raw(`
SELECT rj.id, rj.jabatan_id, j.kode AS jabatan_kode, j.nama AS jabatan_nama, j.kelas, o.kode AS opd_kode, rj.jenis, rj.mulai, rj.selesai, rj.nomor_sk
FROM riwayat_jabatan rj JOIN jabatan j ON j.id = rj.jabatan_id JOIN opd o ON o.id = j.opd_id
WHERE rj.pegawai_id = ? ORDER BY rj.mulai DESC, rj.id DESC`, pegawaiID).Scan(&rs).Error
	return rs, err
}

// checkOPD refuses an agency outside the scope or unknown.
// A database failure is returned as an error, never shown as "OPD tidak dikenal".
func (s *Store) checkOPD(ctx context.Context, sc Scope, opdID int64, ve *apperr.ValidationError) error {
	if opdID <= 0 {
		return nil
	}
	if !sc.Allows(opdID) {
		ve.Add("opd_id", "Anda hanya dapat mengelola pegawai OPD Anda sendiri.")
		return nil
	}
	var n int64
	if err := s.db.WithContext(ctx).Raw(`SELECT count(*) FROM opd WHERE id = ?`, opdID).Scan(&n).Error; err != nil {
		return fmt.Errorf("check opd: %w", err)
	}
	if n == 0 {
		ve.Add("opd_id", "OPD tidak dikenal.")
	}
	return nil
}

// NewPegawai is the create form: the employee and, optionally, the position
// they hold from a date.
type NewPegawai struct {
	PegawaiInput
	JabatanID int64
	Mulai     string
}

// CreatePegawai validates and stores a new employee (and their first
// definitive assignment when a position is given), audited, in one
// transaction.
func (s *Store) CreatePegawai(ctx context.Context, sc Scope, a Actor, in NewPegawai) (Pegawai, error) {
	if sc.OPDID != 0 && in.OPDID == 0 {
		in.OPDID = sc.OPDID
	}
	p, ve := in.Validate()
	if err := s.checkOPD(ctx, sc, p.OPDID, ve); err != nil {
		return p, err
	}
	var mulai time.Time
	if in.JabatanID > 0 {
		var ok bool
		if mulai, ok = ParseDate(in.Mulai); !ok {
			ve.Add("mulai", "Isi tanggal mulai menjabat (TMT).")
		}
		if _, err := s.jabatanInOPD(ctx, in.JabatanID, p.OPDID); errors.Is(err, apperr.ErrNotFound) {
			ve.Add("jabatan_id", "Jabatan harus jabatan di OPD yang sama.")
		} else if err != nil {
			return p, err
		}
	}
	if p.NIP != "" {
		var n int64
		if err := s.db.WithContext(ctx).Raw(`SELECT count(*) FROM pegawai WHERE nip = ?`, p.NIP).Scan(&n).Error; err != nil {
			return p, fmt.Errorf("check nip: %w", err)
		}
		if n > 0 {
			ve.Add("nip", "NIP ini sudah terdaftar.")
		}
	}
	if err := ve.OrNil(); err != nil {
		return p, err
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&p).Error; err != nil {
			return fmt.Errorf("create pegawai: %w", err)
		}
		detail := map[string]any{"nip": p.NIP, "nama": p.Nama, "opd_id": p.OPDID}
		if in.JabatanID > 0 {
			r := RiwayatJabatan{PegawaiID: p.ID, JabatanID: in.JabatanID, Jenis: Definitif, Mulai: mulai}
			if err := tx.Create(&r).Error; err != nil {
				return err
			}
			detail["jabatan_id"], detail["mulai"] = in.JabatanID, mulai.Format(time.DateOnly)
		}
		return audit.Record(ctx, tx, entry(a, "org.pegawai_tambah", "pegawai", p.ID, detail))
	})
	if isUniqueViolation(err) {
		return p, apperr.Invalid("nip", "NIP ini sudah terdaftar.")
	}
	return p, err
}

// UpdatePegawai validates and saves an employee's data (not their position:
// see Mutasi), audited with the fields that changed.
func (s *Store) UpdatePegawai(ctx context.Context, sc Scope, a Actor, id int64, in PegawaiInput) (Pegawai, error) {
	old, err := s.GetPegawai(ctx, sc, id)
	if err != nil {
		return old, err
	}
	if sc.OPDID != 0 && in.OPDID == 0 {
		in.OPDID = old.OPDID
	}
	p, ve := in.Validate()
	if err := s.checkOPD(ctx, sc, p.OPDID, ve); err != nil {
		return p, err
	}
	if p.NIP != old.NIP && p.NIP != "" {
		var n int64
		if err := s.db.WithContext(ctx).Raw(`SELECT count(*) FROM pegawai WHERE nip = ? AND id <> ?`, p.NIP, id).Scan(&n).Error; err != nil {
			return p, fmt.Errorf("check nip: %w", err)
		}
		if n > 0 {
			ve.Add("nip", "NIP ini sudah terdaftar untuk pegawai lain.")
		}
	}
	if err := ve.OrNil(); err != nil {
		return p, err
	}
	p.ID, p.CreatedAt = id, old.CreatedAt
	// A new bank account is a proposal for a second person to confirm
	// (DecideBank); until then the employee keeps the old one.
	proposed := p
	proposal := bankDiffers(old, p)
	p.BankNama, p.BankRekening, p.BankAtasNama = old.BankNama, old.BankRekening, old.BankAtasNama
	changed := diffPegawai(old, p)
	if len(changed) == 0 && !proposal {
		return old, nil
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if proposal {
			if err := proposeBank(ctx, tx, a, old, proposed, "formulir"); err != nil {
				return err
			}
		}
		if len(changed) == 0 {
			return nil
		}
		res := tx.Exec(`UPDATE pegawai SET nip = ?, nama = ?, status_asn = ?, golongan = ?, opd_id = ?, keadaan = ?, tugas_belajar = ?,
  bank_nama = ?, bank_rekening = ?, bank_atas_nama = ?, npwp = ?, updated_at = now() WHERE id = ?`,
			p.NIP, p.Nama, p.StatusASN, p.Golongan, p.OPDID, p.Keadaan, p.TugasBelajar, p.BankNama, p.BankRekening, p.BankAtasNama, p.NPWP, id)
		if res.Error != nil {
			return res.Error
		}
		if p.NIP != old.NIP { // the login follows the NIP
			if err := tx.Exec(`UPDATE users SET nip = ?, updated_at = now() WHERE pegawai_id = ?`, p.NIP, id).Error; err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, entry(a, "org.pegawai_ubah", "pegawai", id, map[string]any{"nip": p.NIP, "berubah": changed}))
	})
	if isUniqueViolation(err) {
		return p, apperr.Invalid("nip", "NIP ini sudah terdaftar untuk pegawai lain.")
	}
	return p, err
}

// diffPegawai names the fields that differ, old -> new (bank numbers masked).
func diffPegawai(a, b Pegawai) map[string]any {
	d := map[string]any{}
	add := func(k string, x, y any) {
		if x != y {
			d[k] = []any{x, y}
		}
	}
	add("nip", a.NIP, b.NIP)
	add("nama", a.Nama, b.Nama)
	add("status_asn", a.StatusASN, b.StatusASN)
	add("golongan", a.Golongan, b.Golongan)
	add("opd_id", a.OPDID, b.OPDID)
	add("keadaan", a.Keadaan, b.Keadaan)
	add("tugas_belajar", a.TugasBelajar, b.TugasBelajar)
	add("bank_nama", a.BankNama, b.BankNama)
	add("bank_rekening", mask(a.BankRekening), mask(b.BankRekening))
	if a.BankRekening != b.BankRekening && mask(a.BankRekening) == mask(b.BankRekening) {
		d["bank_rekening"] = []any{mask(a.BankRekening), mask(b.BankRekening) + " (diubah)"}
	}
	add("bank_atas_nama", a.BankAtasNama, b.BankAtasNama)
	add("npwp", mask(a.NPWP), mask(b.NPWP))
	return d
}

// mask keeps the last four digits of an account or tax number.
func mask(s string) string {
	if len(s) <= 4 {
		return s
	}
	return strings.Repeat("*", len(s)-4) + s[len(s)-4:]
}

// isUniqueViolation reports a PostgreSQL unique_violation (23505).
func isUniqueViolation(err error) bool {
	return err != nil && (errors.Is(err, gorm.ErrDuplicatedKey) || strings.Contains(err.Error(), "SQLSTATE 23505"))
}
