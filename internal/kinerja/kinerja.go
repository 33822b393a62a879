// Package kinerja is the performance side of ekinerja: yearly plans (SKP)
// with their planned results (RHK) and indicators, daily activities
// (aktivitas) with their review by the direct supervisor, the monthly rating
// (penilaian bulanan) and the closing of months for logging.
//
// Every write checks who may do it (the Actor) and runs in one transaction
// that ends with its audit row. State moves are conditional UPDATEs
// (... WHERE status = 'submitted'), so two people acting at once end in one
// consistent state.
package kinerja

import (
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// TargetMenitBulanan is the demo monthly target of approved minutes (SPEC 4.3).
const TargetMenitBulanan = 6750

// MaxMenitHarian is the most an employee can log for one day: 24 hours.
const MaxMenitHarian = 1440

// MaxBukti is the largest evidence upload: 2 MB.
const MaxBukti = 2 << 20

// ReopenFor is how long a verifikator's reopening of a closed month lasts.
const ReopenFor = 7 * 24 * time.Hour

// Actor is the person acting, with the role they act in (the one
// auth.Actor; the name stays for callers).
type Actor = auth.Actor

// Status is the state of an aktivitas.
type Status string

// The aktivitas states: draft -> submitted -> approved | returned.
const (
	Draft     Status = "draft"
	Submitted Status = "submitted"
	Approved  Status = "approved"
	Returned  Status = "returned"
)

// Label is the state as people read it.
func (s Status) Label() string {
	switch s {
	case Draft:
		return "Draf"
	case Submitted:
		return "Diajukan"
	case Approved:
		return "Disetujui"
	case Returned:
		return "Dikembalikan"
	}
	return string(s)
}

// Editable reports whether the owner may still change an aktivitas.
func (s Status) Editable() bool { return s == Draft || s == Submitted || s == Returned }

// Submittable reports whether the owner may (re)submit an aktivitas.
func (s Status) Submittable() bool { return s == Draft || s == Returned }

// Aktivitas is one logged unit of daily work.
type Aktivitas struct {
	ID           int64      `gorm:"column:id"`
	PegawaiID    int64      `gorm:"column:pegawai_id"`
	RHKID        int64      `gorm:"column:rhk_id"`
	Tanggal      time.Time  `gorm:"column:tanggal"`
	Uraian       string     `gorm:"column:uraian"`
	OutputJumlah int        `gorm:"column:output_jumlah"`
	OutputSatuan string     `gorm:"column:output_satuan"`
	Menit        int        `gorm:"column:menit"`
	BuktiLink    string     `gorm:"column:bukti_link"`
	Status       Status     `gorm:"column:status"`
	Catatan      string     `gorm:"column:catatan"`
	Versi        int        `gorm:"column:versi"`
	SubmittedAt  *time.Time `gorm:"column:submitted_at"`
	ReviewedAt   *time.Time `gorm:"column:reviewed_at"`
	// Joined for display.
	RHKUraian  string `gorm:"column:rhk_uraian"`
	BuktiNama  string `gorm:"column:bukti_nama"`
	PegawaiNIP string `gorm:"column:pegawai_nip"`
	Nama       string `gorm:"column:pegawai_nama"`
}

// SKPStatus is the state of a yearly plan.
type SKPStatus string

// The SKP states: draft -> submitted -> agreed | returned.
const (
	SKPDraft     SKPStatus = "draft"
	SKPSubmitted SKPStatus = "submitted"
	SKPAgreed    SKPStatus = "agreed"
	SKPReturned  SKPStatus = "returned"
)

// Label is the state as people read it.
func (s SKPStatus) Label() string {
	switch s {
	case SKPDraft:
		return "Draf"
	case SKPSubmitted:
		return "Diajukan"
	case SKPAgreed:
		return "Disetujui"
	case SKPReturned:
		return "Dikembalikan"
	}
	return string(s)
}

// Editable reports whether the owner may still change the plan.
func (s SKPStatus) Editable() bool { return s == SKPDraft || s == SKPReturned }

// SKP is an employee's yearly performance plan.
type SKP struct {
	ID          int64     `gorm:"column:id"`
	PegawaiID   int64     `gorm:"column:pegawai_id"`
	Tahun       int       `gorm:"column:tahun"`
	PenilaiID   *int64    `gorm:"column:penilai_id"`
	Status      SKPStatus `gorm:"column:status"`
	Catatan     string    `gorm:"column:catatan"`
	PegawaiNama string    `gorm:"column:pegawai_nama"`
	PegawaiNIP  string    `gorm:"column:pegawai_nip"`
	PenilaiNama string    `gorm:"column:penilai_nama"`
	RHK         []RHK     `gorm:"-"`
}

// RHK is one planned result (rencana hasil kerja) of an SKP.
type RHK struct {
	ID              int64       `gorm:"column:id"`
	SKPID           int64       `gorm:"column:skp_id"`
	Uraian          string      `gorm:"column:uraian"`
	RHKAtasanID     *int64      `gorm:"column:rhk_atasan_id"`
	RHKAtasanUraian string      `gorm:"column:rhk_atasan_uraian"`
	Indikator       []Indikator `gorm:"-"`
}

// Aspek is the aspect an indicator measures.
type Aspek string

// The indicator aspects.
const (
	Kuantitas Aspek = "kuantitas"
	Kualitas  Aspek = "kualitas"
	Waktu     Aspek = "waktu"
)

// Indikator is a measurable target of an RHK.
type Indikator struct {
	ID     int64  `gorm:"column:id"`
	RHKID  int64  `gorm:"column:rhk_id"`
	Aspek  Aspek  `gorm:"column:aspek"`
	Uraian string `gorm:"column:uraian"`
	Target int    `gorm:"column:target"`
	Satuan string `gorm:"column:satuan"`
}

// Ekspektasi is one of the three ratings of hasil kerja or perilaku kerja.
type Ekspektasi string

// The ratings.
const (
	DiAtas  Ekspektasi = "di_atas"
	Sesuai  Ekspektasi = "sesuai"
	DiBawah Ekspektasi = "di_bawah"
)

// Label is the rating as people read it.
func (e Ekspektasi) Label() string {
	switch e {
	case DiAtas:
		return "Di atas ekspektasi"
	case Sesuai:
		return "Sesuai ekspektasi"
	case DiBawah:
		return "Di bawah ekspektasi"
	}
	return ""
}

// Predikat is the monthly rating that follows from the two ratings.
type Predikat string

// The predikat values (PermenPANRB 6/2022).
const (
	SangatBaik     Predikat = "sangat_baik"
	Baik           Predikat = "baik"
	ButuhPerbaikan Predikat = "butuh_perbaikan"
	Kurang         Predikat = "kurang"
	SangatKurang   Predikat = "sangat_kurang"
)

// Predikats are all the predikat values, best first; every one must be known
// to the TPP rules (TestEveryKinerjaPredikatIsKnownToTPP).
var Predikats = []Predikat{SangatBaik, Baik, ButuhPerbaikan, Kurang, SangatKurang}

// Label is the predikat as people read it.
func (p Predikat) Label() string {
	switch p {
	case SangatBaik:
		return "Sangat Baik"
	case Baik:
		return "Baik"
	case ButuhPerbaikan:
		return "Butuh Perbaikan"
	case Kurang:
		return "Kurang/Misconduct"
	case SangatKurang:
		return "Sangat Kurang"
	}
	return ""
}

// PenilaianStatus is the state of a monthly rating.
type PenilaianStatus string

// The monthly rating states: open -> submitted -> rated.
const (
	PenilaianOpen      PenilaianStatus = "open"
	PenilaianSubmitted PenilaianStatus = "submitted"
	PenilaianRated     PenilaianStatus = "rated"
)

// Label is the state as people read it.
func (s PenilaianStatus) Label() string {
	switch s {
	case PenilaianSubmitted:
		return "Diajukan, menunggu penilaian"
	case PenilaianRated:
		return "Sudah dinilai"
	}
	return "Belum diajukan"
}

// Penilaian is one employee's monthly rating.
type Penilaian struct {
	ID            int64           `gorm:"column:id"`
	PegawaiID     int64           `gorm:"column:pegawai_id"`
	Tahun         int             `gorm:"column:tahun"`
	Bulan         int             `gorm:"column:bulan"`
	Status        PenilaianStatus `gorm:"column:status"`
	Ringkasan     string          `gorm:"column:ringkasan"`
	HasilKerja    Ekspektasi      `gorm:"column:hasil_kerja"`
	PerilakuKerja Ekspektasi      `gorm:"column:perilaku_kerja"`
	Predikat      Predikat        `gorm:"column:predikat"`
	UmpanBalik    string          `gorm:"column:umpan_balik"`
	SubmittedAt   *time.Time      `gorm:"column:submitted_at"`
	RatedAt       *time.Time      `gorm:"column:rated_at"`
	// KoreksiAlasan, DikoreksiAt and PredikatSebelumKoreksi describe the
	// latest correction by the atasan (SPEC 3); empty when never corrected.
	KoreksiAlasan          string     `gorm:"column:koreksi_alasan"`
	DikoreksiAt            *time.Time `gorm:"column:dikoreksi_at"`
	PredikatSebelumKoreksi Predikat   `gorm:"column:predikat_sebelum_koreksi"`
	PegawaiNama            string     `gorm:"column:pegawai_nama"`
	PegawaiNIP             string     `gorm:"column:pegawai_nip"`
	// MenitDisetujui is the month's approved minutes (kept live: approved rows are frozen).
	MenitDisetujui int64       `gorm:"column:menit_disetujui"`
	Realisasi      []Realisasi `gorm:"-"`
	// Perilaku are the seven BerAKHLAK ratings with their feedback; empty
	// for a rating given before the core values (its PerilakuKerja stands).
	Perilaku []PerilakuNilai `gorm:"-"`
}

// Month returns the first day of the rated month.
func (p Penilaian) Month() time.Time {
	return time.Date(p.Tahun, time.Month(p.Bulan), 1, 0, 0, 0, 0, time.UTC)
}

// Realisasi is the realisation of one RHK in a monthly rating.
type Realisasi struct {
	RHKID     int64  `gorm:"column:rhk_id"`
	RHKUraian string `gorm:"column:rhk_uraian"`
	Realisasi string `gorm:"column:realisasi"`
}

// MonthSummary is what the TPP computation needs of one employee's month.
type MonthSummary struct {
	Predikat string // "sangat_baik", "baik", "butuh_perbaikan", "kurang", "sangat_kurang", or "" when not rated
	// PredikatBKN is the month's predikat imported from e-Kinerja BKN (ImportBKN), "" when none.
	PredikatBKN     string
	ApprovedMinutes int64
}
