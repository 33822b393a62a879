package kinerja

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Dokumen is a printable document of PermenPANRB 6/2022's appendix (the SKP,
// the evaluasi kinerja): a title, sections and the signature blocks. The
// printable page and the PDF draw the same Dokumen, so they never differ.
type Dokumen struct {
	Judul    string
	Subjudul []string
	Bagian   []Bagian
	Tempat   string
	Tanggal  time.Time
	Tanda    []TandaTangan
	FileName string
}

// Bagian is one section: a heading and a table (Kolom empty: two-column facts).
type Bagian struct {
	Judul string
	Kolom []string
	// Lebar are the columns' PDF widths in mm (portrait A4: 190 in all).
	Lebar []float64
	Baris [][]string
}

// TandaTangan is a signature block.
type TandaTangan struct {
	Peran string
	Nama  string
	NIP   string
}

// docPerson is one person of a document with their position today.
type docPerson struct {
	ID                                int64
	Nama, NIP, Golongan, Jabatan, OPD string
	AtasanID                          int64
}

func (s *Store) docPerson(ctx context.Context, id int64) (docPerson, error) {
	if id == 0 {
		return docPerson{Nama: "-", NIP: "-", Golongan: "-", Jabatan: "-", OPD: "-"}, nil
	}
	p, err := s.org(s.db).Profile(ctx, id, s.Today())
	if err != nil {
		return docPerson{}, err
	}
	return docPerson{ID: id, Nama: p.Nama, NIP: p.NIP, Golongan: dash(p.Golongan), Jabatan: dash(p.JabatanNama), OPD: dash(p.OPDNama), AtasanID: p.AtasanPegawaiID}, nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// peopleSection is the appendix's table of the people involved.
func peopleSection(judul string, ps []docPerson, heads []string) Bagian {
	b := Bagian{Judul: judul, Kolom: append([]string{"Data"}, heads...), Lebar: []float64{34}}
	w := 156 / float64(len(ps))
	for range ps {
		b.Lebar = append(b.Lebar, w)
	}
	add := func(label string, f func(docPerson) string) {
		row := []string{label}
		for _, p := range ps {
			row = append(row, f(p))
		}
		b.Baris = append(b.Baris, row)
	}
	add("Nama", func(p docPerson) string { return p.Nama })
	add("NIP", func(p docPerson) string { return p.NIP })
	add("Pangkat/Gol. Ruang", func(p docPerson) string { return p.Golongan })
	add("Jabatan", func(p docPerson) string { return p.Jabatan })
	add("Unit Kerja", func(p docPerson) string { return p.OPD })
	return b
}

func signatures(peg, penilai, atasan docPerson) []TandaTangan {
	return []TandaTangan{
		{Peran: "Pegawai yang Dinilai", Nama: peg.Nama, NIP: peg.NIP},
		{Peran: "Pejabat Penilai Kinerja", Nama: penilai.Nama, NIP: penilai.NIP},
		{Peran: "Atasan Pejabat Penilai Kinerja", Nama: atasan.Nama, NIP: atasan.NIP},
	}
}

// hasilKerjaSection is the SKP's table of RHK with their indicators.
func hasilKerjaSection(k SKP, realisasi map[int64]string) Bagian {
	b := Bagian{Judul: "HASIL KERJA", Kolom: []string{"No", "Rencana Hasil Kerja Pimpinan yang Diintervensi", "Rencana Hasil Kerja", "Aspek", "Indikator Kinerja Individu", "Target"},
		Lebar: []float64{8, 40, 44, 18, 50, 30}}
	if realisasi != nil {
		b.Kolom = append(b.Kolom, "Realisasi")
		b.Lebar = []float64{8, 30, 34, 16, 40, 24, 38}
	}
	for i, r := range k.RHK {
		atasan := dash(r.RHKAtasanUraian)
		if len(r.Indikator) == 0 {
			row := []string{strconv.Itoa(i + 1), atasan, r.Uraian, "-", "-", "-"}
			if realisasi != nil {
				row = append(row, dash(realisasi[r.ID]))
			}
			b.Baris = append(b.Baris, row)
		}
		for j, in := range r.Indikator {
			no, a, u := strconv.Itoa(i+1), atasan, r.Uraian
			if j > 0 {
				no, a, u = "", "", ""
			}
			row := []string{no, a, u, aspekLabel(in.Aspek), in.Uraian, strconv.Itoa(in.Target) + " " + in.Satuan}
			if realisasi != nil {
				v := ""
				if j == 0 {
					v = dash(realisasi[r.ID])
				}
				row = append(row, v)
			}
			b.Baris = append(b.Baris, row)
		}
	}
	if len(b.Baris) == 0 {
		b.Baris = [][]string{{"-", "-", "Belum ada RHK", "-", "-", "-"}}
		if realisasi != nil {
			b.Baris[0] = append(b.Baris[0], "-")
		}
	}
	return b
}

func aspekLabel(a Aspek) string {
	switch a {
	case Kuantitas:
		return "Kuantitas"
	case Kualitas:
		return "Kualitas"
	case Waktu:
		return "Waktu"
	}
	return string(a)
}

// SKPDokumen is the SKP (perencanaan kinerja) in the appendix's layout.
func (s *Store) SKPDokumen(ctx context.Context, a Actor, id int64) (Dokumen, error) {
	k, err := s.GetSKP(ctx, a, id)
	if err != nil {
		return Dokumen{}, err
	}
	peg, err := s.docPerson(ctx, k.PegawaiID)
	if err != nil {
		return Dokumen{}, err
	}
	penilaiID := peg.AtasanID
	if k.PenilaiID != nil {
		penilaiID = *k.PenilaiID
	}
	penilai, err := s.docPerson(ctx, penilaiID)
	if err != nil {
		return Dokumen{}, err
	}
	atasan, err := s.docPerson(ctx, penilai.AtasanID)
	if err != nil {
		return Dokumen{}, err
	}
	d := Dokumen{Judul: "SASARAN KINERJA PEGAWAI", FileName: fmt.Sprintf("skp-%s-%d.pdf", k.PegawaiNIP, k.Tahun),
		Subjudul: []string{"PENDEKATAN HASIL KERJA KUANTITATIF", fmt.Sprintf("PERIODE PENILAIAN: 1 JANUARI SAMPAI DENGAN 31 DESEMBER TAHUN %d", k.Tahun),
			"Status SKP: " + k.Status.Label()},
		Tempat: peg.OPD, Tanggal: s.Today(), Tanda: signatures(peg, penilai, atasan)}
	d.Bagian = append(d.Bagian, peopleSection("PEGAWAI YANG DINILAI DAN PEJABAT PENILAI KINERJA", []docPerson{peg, penilai, atasan},
		[]string{"Pegawai yang Dinilai", "Pejabat Penilai Kinerja", "Atasan Pejabat Penilai Kinerja"}), hasilKerjaSection(k, nil))
	pk := Bagian{Judul: "PERILAKU KERJA", Kolom: []string{"No", "Nilai Dasar BerAKHLAK", "Ekspektasi Khusus Pimpinan"}, Lebar: []float64{10, 70, 110}}
	for i, n := range NilaiIntiAll {
		pk.Baris = append(pk.Baris, []string{strconv.Itoa(i + 1), n.Label(), "Sesuai panduan perilaku " + n.Label() + " dan arahan pimpinan."})
	}
	d.Bagian = append(d.Bagian, pk)
	return d, nil
}

// EvaluasiDokumen is the evaluasi kinerja (periodik or tahunan) in the
// appendix's layout.
func (s *Store) EvaluasiDokumen(ctx context.Context, a Actor, id int64) (Dokumen, error) {
	e, err := s.GetEvaluasi(ctx, a, id)
	if err != nil {
		return Dokumen{}, err
	}
	peg, err := s.docPerson(ctx, e.PegawaiID)
	if err != nil {
		return Dokumen{}, err
	}
	penilai, err := s.docPerson(ctx, e.PenilaiID)
	if err != nil {
		return Dokumen{}, err
	}
	atasan, err := s.docPerson(ctx, penilai.AtasanID)
	if err != nil {
		return Dokumen{}, err
	}
	ep := e.Period()
	months, err := s.periodMonths(ctx, s.db, e.PegawaiID, ep)
	if err != nil {
		return Dokumen{}, err
	}
	dist, err := s.distribusi(ctx, s.db, e.OPDID, ep)
	if err != nil {
		return Dokumen{}, err
	}
	jenis := "EVALUASI KINERJA PEGAWAI PERIODIK"
	if ep.Periode == Tahunan {
		jenis = "EVALUASI KINERJA PEGAWAI TAHUNAN"
	}
	d := Dokumen{Judul: jenis, FileName: fmt.Sprintf("evaluasi-%s-%s.pdf", e.PegawaiNIP, ep.Param()),
		Subjudul: []string{"PENDEKATAN HASIL KERJA KUANTITATIF", "PERIODE PENILAIAN: " + upper(ep.Label())},
		Tempat:   peg.OPD, Tanggal: s.Today(), Tanda: signatures(peg, penilai, atasan)}
	d.Bagian = append(d.Bagian, peopleSection("PEGAWAI YANG DINILAI, PEJABAT PENILAI KINERJA DAN ATASAN PEJABAT PENILAI KINERJA", []docPerson{peg, penilai, atasan},
		[]string{"Pegawai yang Dinilai", "Pejabat Penilai Kinerja", "Atasan Pejabat Penilai Kinerja"}))
	org := "Belum dicatat"
	if dist.Org != "" {
		org = dist.Org.Label()
	}
	cap := Bagian{Judul: "CAPAIAN KINERJA ORGANISASI DAN POLA DISTRIBUSI", Kolom: []string{"Predikat", "Pegawai", "Persentase"}, Lebar: []float64{90, 50, 50}}
	cap.Baris = append(cap.Baris, []string{"Predikat organisasi: " + org, "", ""})
	for _, r := range dist.Rows {
		cap.Baris = append(cap.Baris, []string{r.Predikat.Label(), strconv.Itoa(r.Count), fmt.Sprintf("%d,%d%%", r.PctBP/100, r.PctBP%100/10)})
	}
	for _, w := range dist.Warnings {
		cap.Baris = append(cap.Baris, []string{"Peringatan: " + w, "", ""})
	}
	d.Bagian = append(d.Bagian, cap)
	// The SKP of the year with the latest realisation per RHK in the period.
	var skpID int64
	if err := s.db.WithContext(ctx).Raw(`SELECT id FROM skp WHERE pegawai_id = ? AND tahun = ?`, e.PegawaiID, e.Tahun).Scan(&skpID).Error; err != nil {
		return Dokumen{}, err
	}
	realisasi := map[int64]string{}
	var lastWithValues *Penilaian
	for i := range months {
		if err := s.loadRealisasi(ctx, &months[i]); err != nil {
			return Dokumen{}, err
		}
		for _, r := range months[i].Realisasi {
			realisasi[r.RHKID] = r.Realisasi
		}
		if len(months[i].Perilaku) > 0 {
			lastWithValues = &months[i]
		}
	}
	hk := hasilKerjaSection(SKP{}, realisasi)
	if skpID != 0 {
		k, err := s.GetSKP(ctx, a, skpID)
		if err != nil {
			return Dokumen{}, err
		}
		hk = hasilKerjaSection(k, realisasi)
	}
	hk.Baris = append(hk.Baris, ratingRow(len(hk.Kolom), "RATING HASIL KERJA: "+upper(e.HasilKerja.Label())))
	d.Bagian = append(d.Bagian, hk)
	pk := Bagian{Judul: "PERILAKU KERJA", Kolom: []string{"No", "Nilai Dasar BerAKHLAK", "Penilaian", "Umpan Balik Berdasarkan Bukti Dukung"}, Lebar: []float64{10, 50, 40, 90}}
	for i, n := range NilaiIntiAll {
		row := []string{strconv.Itoa(i + 1), n.Label(), "-", "-"}
		if lastWithValues != nil {
			for _, v := range lastWithValues.Perilaku {
				if v.Nilai == n {
					row[2], row[3] = v.Ekspektasi.Label(), v.UmpanBalik
				}
			}
		}
		pk.Baris = append(pk.Baris, row)
	}
	pk.Baris = append(pk.Baris, ratingRow(4, "RATING PERILAKU KERJA: "+upper(e.PerilakuKerja.Label())))
	d.Bagian = append(d.Bagian, pk)
	bulan := Bagian{Judul: "PENILAIAN BULANAN DALAM PERIODE", Kolom: []string{"Bulan", "Hasil Kerja", "Perilaku Kerja", "Predikat"}, Lebar: []float64{40, 50, 50, 50}}
	for _, m := range months {
		bulan.Baris = append(bulan.Baris, []string{monthName(m.Month()), dash(m.HasilKerja.Label()), dash(m.PerilakuKerja.Label()), dash(m.Predikat.Label())})
	}
	d.Bagian = append(d.Bagian, bulan)
	pred := Bagian{Judul: "PREDIKAT KINERJA PEGAWAI", Baris: [][]string{{"Predikat", upper(e.Predikat.Label())},
		{"Usulan dari bulan-bulan", fmt.Sprintf("hasil kerja %s, perilaku kerja %s (%d bulan dinilai)", e.HasilUsulan.Label(), e.PerilakuUsulan.Label(), e.BulanDinilai)}}}
	if e.Alasan != "" {
		pred.Baris = append(pred.Baris, []string{"Alasan penilai", e.Alasan})
	}
	d.Bagian = append(d.Bagian, pred)
	return d, nil
}

func ratingRow(n int, text string) []string {
	row := make([]string, n)
	row[0] = text
	return row
}

func upper(s string) string { return strings.ToUpper(s) }
