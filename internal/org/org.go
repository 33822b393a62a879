// Package org holds the organisation: agencies (OPD), positions (jabatan),
// employees (pegawai) and their assignment history, from which supervisors
// are derived.
package org

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/snapshot"
)

// OPD is an agency (Organisasi Perangkat Daerah).
type OPD struct {
	ID        int64
	Kode      string
	Nama      string
	Singkatan string
	Aktif     bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// TableName maps OPD onto its table.
func (OPD) TableName() string { return "opd" }

// JenisJabatan is the kind of a position.
type JenisJabatan string

// The position kinds.
const (
	Struktural JenisJabatan = "struktural"
	Fungsional JenisJabatan = "fungsional"
	Pelaksana  JenisJabatan = "pelaksana"
)

// Jabatan is a position with its kelas jabatan and supervising position.
type Jabatan struct {
	ID              int64
	OPDID           int64 `gorm:"column:opd_id"`
	Kode            string
	Nama            string
	Jenis           JenisJabatan
	Kelas           int
	AtasanJabatanID *int64 `gorm:"column:atasan_jabatan_id"`
	UnitKerjaID     *int64 `gorm:"column:unit_kerja_id"`
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// TableName maps Jabatan onto its table.
func (Jabatan) TableName() string { return "jabatan" }

// StatusASN is the employment status.
type StatusASN string

// The employment statuses.
const (
	PNS  StatusASN = "PNS"
	CPNS StatusASN = "CPNS"
	PPPK StatusASN = "PPPK"
)

// Pegawai is an employee (ASN).
type Pegawai struct {
	ID           int64
	NIP          string `gorm:"column:nip"`
	Nama         string
	StatusASN    StatusASN `gorm:"column:status_asn"`
	Golongan     string
	OPDID        int64 `gorm:"column:opd_id"`
	Keadaan      string
	TugasBelajar bool
	BankNama     string
	BankRekening string
	BankAtasNama string
	NPWP         string `gorm:"column:npwp"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// TableName maps Pegawai onto its table.
func (Pegawai) TableName() string { return "pegawai" }

// JenisPenugasan says whether an assignment is definitive or acting.
type JenisPenugasan string

// The assignment kinds: definitif, Plt (pelaksana tugas) and Plh (pelaksana harian).
const (
	Definitif JenisPenugasan = "definitif"
	Plt       JenisPenugasan = "plt"
	Plh       JenisPenugasan = "plh"
)

// RiwayatJabatan is one assignment of an employee to a position.
type RiwayatJabatan struct {
	ID        int64          `gorm:"column:id"`
	PegawaiID int64          `gorm:"column:pegawai_id"`
	JabatanID int64          `gorm:"column:jabatan_id"`
	Jenis     JenisPenugasan `gorm:"column:jenis"`
	Mulai     time.Time      `gorm:"column:mulai"`
	Selesai   *time.Time     `gorm:"column:selesai"`
	NomorSK   string         `gorm:"column:nomor_sk"`
	CreatedAt time.Time
}

// UnitKerja is a sub-unit of an agency (bidang, bagian, UPT, ...); units form
// a tree under their OPD.
type UnitKerja struct {
	ID        int64
	OPDID     int64 `gorm:"column:opd_id"`
	ParentID  *int64
	Kode      string
	Nama      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// TableName maps UnitKerja onto its table.
func (UnitKerja) TableName() string { return "unit_kerja" }

// TableName maps RiwayatJabatan onto its table.
func (RiwayatJabatan) TableName() string { return "riwayat_jabatan" }

// Store reads and writes the organisation.
type Store struct {
	db *gorm.DB
	// header caches the regency's name and logo version for the page
	// header (nil on a Store inside a transaction: it reads afresh).
	header *snapshot.Cache[struct{}, Identity]
}

// NewStore returns a Store on db (a transaction or the pool).
func NewStore(db *gorm.DB) *Store {
	return &Store{db: db, header: snapshot.New[struct{}, Identity](HeaderTTL)}
}

// In returns the Store reading and writing through tx, the caller's
// transaction: another domain's store that was handed s (stores.New) reads
// the organisation inside its own transaction with s.In(tx).
func (s *Store) In(tx *gorm.DB) *Store { return &Store{db: tx} }

// Profile is an employee with their current position and supervisor.
type Profile struct {
	PegawaiID       int64  `gorm:"column:pegawai_id"`
	NIP             string `gorm:"column:nip"`
	Nama            string `gorm:"column:nama"`
	OPDID           int64  `gorm:"column:opd_id"`
	OPDNama         string `gorm:"column:opd_nama"`
	JabatanID       int64  `gorm:"column:jabatan_id"`
	JabatanNama     string `gorm:"column:jabatan_nama"`
	Kelas           int    `gorm:"column:kelas"`
	AtasanPegawaiID int64  `gorm:"column:atasan_pegawai_id"`
	AtasanNama      string `gorm:"column:atasan_nama"`
	AtasanNIP       string `gorm:"column:atasan_nip"`
	StatusASN       string `gorm:"column:status_asn"`
	Golongan        string `gorm:"column:golongan"`
	BankRekening    string `gorm:"column:bank_rekening"`
}

// heldAt selects the assignments in force on a date (bind the date twice).
const heldAt = `rj.mulai <= ?::date AND (rj.selesai IS NULL OR rj.selesai >= ?::date)`

// heldByAt is heldAt for an assignment aliased h.
const heldByAt = `h.mulai <= ?::date AND (h.selesai IS NULL OR h.selesai >= ?::date)`

// maxChain bounds walks up and down the position tree, so a cycle typed in by
// mistake can never loop forever.
const maxChain = 20

// Profile returns the employee's current position and supervisor on day.
// The supervisor is derived from positions: the holder (definitive first,
// then Plt/Plh) of the supervising position; when that post is vacant, the
// holder of the next filled post up the chain.
func (s *Store) Profile(ctx context.Context, pegawaiID int64, day time.Time) (Profile, error) {
	var p Profile
	d := day.Format(time.DateOnly)
	err := s.db.WithContext(ctx).Raw(`
SELECT p.id AS pegawai_id, p.nip, p.nama, p.opd_id, o.nama AS opd_nama, coalesce(j.id, 0) AS jabatan_id,
       coalesce(j.nama, '') AS jabatan_nama, coalesce(j.kelas, 0) AS kelas,
       coalesce(a.id, 0) AS atasan_pegawai_id, coalesce(a.nama, '') AS atasan_nama, coalesce(a.nip, '') AS atasan_nip,
       p.status_asn, p.golongan, p.bank_rekening
FROM pegawai p
JOIN opd o ON o.id = p.opd_id
LEFT JOIN riwayat_jabatan rj ON rj.pegawai_id = p.id AND rj.jenis = 'definitif' AND `+heldAt+`
LEFT JOIN jabatan j ON j.id = rj.jabatan_id
LEFT JOIN LATERAL (
    WITH RECURSIVE up AS (
        SELECT j.atasan_jabatan_id AS id, 1 AS depth
        UNION ALL
        SELECT pj.atasan_jabatan_id, up.depth + 1 FROM up JOIN jabatan pj ON pj.id = up.id
        WHERE up.depth < ? AND pj.atasan_jabatan_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM riwayat_jabatan hr WHERE hr.jabatan_id = up.id AND hr.pegawai_id <> p.id
                          AND hr.mulai <= ?::date AND (hr.selesai IS NULL OR hr.selesai >= ?::date))
    )
    SELECT ap.id, ap.nama, ap.nip FROM up
    JOIN riwayat_jabatan ar ON ar.jabatan_id = up.id AND ar.mulai <= ?::date AND (ar.selesai IS NULL OR ar.selesai >= ?::date)
    JOIN pegawai ap ON ap.id = ar.pegawai_id
    WHERE ap.id <> p.id
    ORDER BY up.depth, (ar.jenis = 'definitif') DESC, ar.mulai DESC, ap.id LIMIT 1
) a ON true
WHERE p.id = ?`, d, d, maxChain, d, d, d, d, pegawaiID).Scan(&p).Error
	if err != nil {
		return p, fmt.Errorf("profile: %w", err)
	}
	return p, nil
}

// SubordinateIDs returns the employees whose definitive position, on day, is
// supervised by a position that supervisorID holds (definitively or as
// Plt/Plh), directly or through supervising posts that are vacant that day.
func (s *Store) SubordinateIDs(ctx context.Context, supervisorID int64, day time.Time) ([]int64, error) {
	d := day.Format(time.DateOnly)
	var ids []int64
	// From the supervisor's own positions down (riwayat_jabatan_pegawai_idx,
	// jabatan_atasan_idx), and only the positions found are looked up for
	// their holders (riwayat_jabatan_jabatan_idx): the regency's other
	// assignments are never read.
	err := s.db.WithContext(ctx).Raw(`
WITH RECURSIVE down AS (
    SELECT j.id, 1 AS depth FROM jabatan j
    WHERE j.atasan_jabatan_id IN (SELECT rj.jabatan_id FROM riwayat_jabatan rj WHERE rj.pegawai_id = ? AND `+heldAt+`)
    UNION ALL
    SELECT j.id, down.depth + 1 FROM down JOIN jabatan j ON j.atasan_jabatan_id = down.id
    WHERE down.depth < ? AND NOT EXISTS (SELECT 1 FROM riwayat_jabatan h WHERE h.jabatan_id = down.id AND `+heldByAt+`)
)
SELECT DISTINCT h.pegawai_id FROM down JOIN riwayat_jabatan h ON h.jabatan_id = down.id AND `+heldByAt+`
WHERE h.jenis = 'definitif' AND h.pegawai_id <> ?
ORDER BY h.pegawai_id`, supervisorID, d, d, maxChain, d, d, d, d, supervisorID).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("subordinates: %w", err)
	}
	return ids, nil
}

// OPDCounts are the headline numbers of one agency.
type OPDCounts struct {
	Pegawai       int64 `gorm:"column:pegawai"`
	TanpaRekening int64 `gorm:"column:tanpa_rekening"`
	Jabatan       int64 `gorm:"column:jabatan"`
}

// CountOPD returns the headline numbers of an agency's active employees.
func (s *Store) CountOPD(ctx context.Context, opdID int64) (OPDCounts, error) {
	var c OPDCounts
	err := s.db.WithContext(ctx).Raw(`
SELECT (SELECT count(*) FROM pegawai WHERE opd_id = ? AND keadaan = 'aktif') AS pegawai,
       (SELECT count(*) FROM pegawai WHERE opd_id = ? AND keadaan = 'aktif' AND bank_rekening = '') AS tanpa_rekening,
       (SELECT count(*) FROM jabatan WHERE opd_id = ?) AS jabatan`, opdID, opdID, opdID).Scan(&c).Error
	return c, err
}

// RegencyCounts are the headline numbers of the whole regency.
type RegencyCounts struct {
	OPD     int64 `gorm:"column:opd"`
	Pegawai int64 `gorm:"column:pegawai"`
	Users   int64 `gorm:"column:users"`
}

// CountRegency returns the headline numbers of the whole regency.
func (s *Store) CountRegency(ctx context.Context) (RegencyCounts, error) {
	var c RegencyCounts
	err := s.db.WithContext(ctx).Raw(`
SELECT (SELECT count(*) FROM opd WHERE aktif) AS opd,
       (SELECT count(*) FROM pegawai WHERE keadaan = 'aktif') AS pegawai,
       (SELECT count(*) FROM users WHERE NOT disabled) AS users`).Scan(&c).Error
	return c, err
}

// GetOPD returns one agency.
func (s *Store) GetOPD(ctx context.Context, id int64) (OPD, error) {
	var o OPD
	err := s.db.WithContext(ctx).Take(&o, id).Error
	return o, err
}
