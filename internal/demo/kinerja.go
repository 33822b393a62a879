package demo

import (
	"context"
	"crypto/sha256"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// demoPDF is a tiny valid PDF used as uploaded evidence.
var demoPDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

// seedKinerja gives the demo pegawai (and their atasan) an agreed SKP with
// cascading RHK, a few aktivitas in every state, and last month's rating,
// so the first screens show something real. Plain SQL: the demo must not
// depend on the kinerja package's rules (it seeds past data those rules
// would refuse, such as a rated month).
func seedKinerja(ctx context.Context, tx *gorm.DB, now time.Time) error {
	id := func(kode string) (int64, error) {
		var v int64
		err := tx.WithContext(ctx).Raw(`SELECT rj.pegawai_id FROM riwayat_jabatan rj JOIN jabatan j ON j.id = rj.jabatan_id WHERE j.kode = ? AND rj.selesai IS NULL`, kode).Scan(&v).Error
		if err == nil && v == 0 {
			err = fmt.Errorf("demo kinerja: no holder of %s", kode)
		}
		return v, err
	}
	pegawai, err := id("DINKES-09") // the demo pegawai
	if err != nil {
		return err
	}
	atasan, err := id("DINKES-07") // their Kepala Bidang, the demo atasan
	if err != nil {
		return err
	}
	kepala, err := id("DINKES-01")
	if err != nil {
		return err
	}
	tahun := now.Year()
	insert := func(q string, args ...any) (int64, error) {
		var v int64
		err := tx.WithContext(ctx).Raw(q+" RETURNING id", args...).Scan(&v).Error
		return v, err
	}
	// The pegawai's SKP is made first so that it is SKP 1 (the URL samples of the tests).
	skpPegawai, err := insert(`INSERT INTO skp (pegawai_id, tahun, penilai_id, status, submitted_at, decided_at) VALUES (?, ?, ?, 'agreed', now(), now())`, pegawai, tahun, atasan)
	if err != nil {
		return err
	}
	skpAtasan, err := insert(`INSERT INTO skp (pegawai_id, tahun, penilai_id, status, submitted_at, decided_at) VALUES (?, ?, ?, 'agreed', now(), now())`, atasan, tahun, kepala)
	if err != nil {
		return err
	}
	type ind struct {
		aspek, uraian string
		target        int
		satuan        string
	}
	rhk := func(skp int64, uraian string, parent int64, inds ...ind) (int64, error) {
		r, err := insert(`INSERT INTO rhk (skp_id, uraian, rhk_atasan_id) VALUES (?, ?, NULLIF(?, 0))`, skp, uraian, parent)
		if err != nil {
			return 0, err
		}
		for _, i := range inds {
			if err := tx.Exec(`INSERT INTO rhk_indikator (rhk_id, aspek, uraian, target, satuan) VALUES (?, ?, ?, ?, ?)`, r, i.aspek, i.uraian, i.target, i.satuan).Error; err != nil {
				return 0, err
			}
		}
		return r, nil
	}
	a1, err := rhk(skpAtasan, "Meningkatnya cakupan pelayanan kesehatan dasar yang bermutu", 0,
		ind{"kuantitas", "Persentase puskesmas terakreditasi", 80, "persen"})
	if err != nil {
		return err
	}
	a2, err := rhk(skpAtasan, "Tersusunnya laporan kinerja dan keuangan bidang yang akuntabel", 0,
		ind{"waktu", "Laporan disampaikan tepat waktu", 12, "bulan"})
	if err != nil {
		return err
	}
	r1, err := rhk(skpPegawai, "Tersusunnya laporan keuangan bulanan Bidang Pelayanan Kesehatan", a2,
		ind{"kuantitas", "Jumlah laporan keuangan bulanan", 12, "laporan"}, ind{"waktu", "Laporan selesai paling lambat tanggal 10", 12, "bulan"})
	if err != nil {
		return err
	}
	r2, err := rhk(skpPegawai, "Terverifikasinya pertanggungjawaban belanja puskesmas", a1,
		ind{"kuantitas", "Jumlah SPJ puskesmas terverifikasi", 240, "dokumen"}, ind{"kualitas", "SPJ tanpa temuan pemeriksaan", 100, "persen"})
	if err != nil {
		return err
	}
	// Recent working days, newest first, never today (so the demo leaves room to log).
	var days []time.Time
	for d := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1); len(days) < 4; d = d.AddDate(0, 0, -1) {
		if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			days = append(days, d)
		}
	}
	type akt struct {
		day             int
		rhk             int64
		uraian          string
		jumlah          int
		satuan          string
		menit           int
		status, catatan string
	}
	for i, a := range []akt{
		{3, r2, "Memverifikasi SPJ belanja Puskesmas Kota", 12, "dokumen", 240, "approved", ""},
		{3, r1, "Menyusun rekap realisasi anggaran bidang", 1, "laporan", 180, "approved", ""},
		{2, r2, "Memverifikasi SPJ belanja Puskesmas Lubuk Pinang", 9, "dokumen", 210, "approved", ""},
		{1, r1, "Menyusun draf laporan keuangan bulanan", 1, "draf laporan", 300, "returned", "Lampirkan rekap realisasi per kegiatan."},
		{0, r2, "Memverifikasi SPJ belanja Puskesmas Ipuh", 10, "dokumen", 240, "submitted", ""},
		{0, r1, "Rapat koordinasi pelaporan keuangan", 1, "notulen", 120, "draft", ""},
	} {
		reviewer := any(nil)
		if a.status == "approved" || a.status == "returned" {
			reviewer = atasan
		}
		aid, err := insert(`INSERT INTO aktivitas (pegawai_id, rhk_id, tanggal, uraian, output_jumlah, output_satuan, menit, status, catatan, reviewer_id,
  submitted_at, reviewed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CASE WHEN ? <> 'draft' THEN now() END, CASE WHEN ?::bigint IS NOT NULL THEN now() END)`,
			pegawai, a.rhk, days[a.day], a.uraian, a.jumlah, a.satuan, a.menit, a.status, a.catatan, reviewer, a.status, reviewer)
		if err != nil {
			return fmt.Errorf("demo aktivitas: %w", err)
		}
		if i == 0 {
			if err := tx.Exec(`INSERT INTO aktivitas_bukti (aktivitas_id, nama_berkas, content_type, ukuran, sha256, isi) VALUES (?, 'spj-puskesmas-kota.pdf', 'application/pdf', ?, ?, ?)`,
				aid, len(demoPDF), fmt.Sprintf("%x", sha256.Sum256(demoPDF)), demoPDF).Error; err != nil {
				return err
			}
		}
	}
	// Last month, submitted and rated: rating 1 (the URL samples of the tests).
	last := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0)
	pid, err := insert(`INSERT INTO penilaian_bulanan (pegawai_id, tahun, bulan, status, ringkasan, hasil_kerja, perilaku_kerja, predikat, umpan_balik,
  penilai_id, submitted_at, rated_at) VALUES (?, ?, ?, 'rated', 'Laporan keuangan bulanan selesai tepat waktu; SPJ puskesmas terverifikasi.',
  'sesuai', 'sesuai', 'baik', 'Pertahankan ketepatan waktu pelaporan.', ?, now(), now())`, pegawai, last.Year(), int(last.Month()), atasan)
	if err != nil {
		return err
	}
	if last.Year() == tahun { // realisasi refers to this year's RHK
		for _, r := range []struct {
			id int64
			v  string
		}{{r1, "1 laporan keuangan bulanan selesai tanggal 8"}, {r2, "21 SPJ puskesmas terverifikasi"}} {
			if err := tx.Exec(`INSERT INTO penilaian_realisasi (penilaian_id, rhk_id, realisasi) VALUES (?, ?, ?)`, pid, r.id, r.v).Error; err != nil {
				return err
			}
		}
	}
	return nil
}
