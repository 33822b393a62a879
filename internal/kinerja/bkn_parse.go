package kinerja

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ekinerja/ekinerja/internal/csvsafe"
	"github.com/ekinerja/ekinerja/internal/org"
	"github.com/ekinerja/ekinerja/internal/tabular"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

// BKNField is what a column of an e-Kinerja BKN predikat export means.
type BKNField int

// The columns an export may carry; NIP and predikat are required.
const (
	BKNNone BKNField = iota
	BKNNIP
	BKNNama
	BKNPeriode
	BKNBulan
	BKNTahun
	BKNPredikat
	BKNHasilKerja
	BKNPerilakuKerja
	bknFieldCount
)

// Label is the meaning as people read it.
func (f BKNField) Label() string {
	return [...]string{"", "NIP", "nama", "periode", "bulan", "tahun", "predikat", "rating hasil kerja", "rating perilaku kerja", ""}[f]
}

// bknAliases map a header (tabular.HeaderName form) to its meaning; the
// lower number wins when a file has two headers of one meaning.
var bknAliases = map[string]struct {
	f    BKNField
	prio int
}{
	"nip": {BKNNIP, 1}, "nipbaru": {BKNNIP, 0}, "nippegawai": {BKNNIP, 1}, "nipasn": {BKNNIP, 1}, "nip18": {BKNNIP, 1},
	"nama": {BKNNama, 0}, "namapegawai": {BKNNama, 1}, "namaasn": {BKNNama, 1}, "namalengkap": {BKNNama, 1},
	"periode": {BKNPeriode, 0}, "periodepenilaian": {BKNPeriode, 0}, "periodekinerja": {BKNPeriode, 0}, "bulantahun": {BKNPeriode, 1},
	"bulan": {BKNBulan, 0}, "bulanpenilaian": {BKNBulan, 0}, "periodebulan": {BKNBulan, 1},
	"tahun": {BKNTahun, 0}, "tahunpenilaian": {BKNTahun, 0}, "periodetahun": {BKNTahun, 1},
	"predikat": {BKNPredikat, 2}, "predikatkinerja": {BKNPredikat, 0}, "predikatkinerjapegawai": {BKNPredikat, 0},
	"predikatbulanan": {BKNPredikat, 1}, "predikatkinerjabulanan": {BKNPredikat, 0}, "nilaipredikat": {BKNPredikat, 1},
	"ratinghasilkerja": {BKNHasilKerja, 0}, "hasilkerja": {BKNHasilKerja, 1}, "ratinghasil": {BKNHasilKerja, 1}, "nilaihasilkerja": {BKNHasilKerja, 1},
	"ratingperilakukerja": {BKNPerilakuKerja, 0}, "perilakukerja": {BKNPerilakuKerja, 1}, "ratingperilaku": {BKNPerilakuKerja, 1},
	"nilaiperilakukerja": {BKNPerilakuKerja, 1},
}

// BKNHeader says which column of the file holds each meaning (-1: absent).
type BKNHeader struct {
	Line  int
	Col   [bknFieldCount]int
	Names [bknFieldCount]string
}

// Has reports whether the file has a column for f.
func (h BKNHeader) Has(f BKNField) bool { return h.Col[f] >= 0 }

// MapBKNHeader recognises the header row of an export, tolerant of the
// names the exports and hand-made sheets use (NIP / NIP_BARU; PREDIKAT /
// PREDIKAT_KINERJA; RATING_HASIL_KERJA / "Hasil Kerja"; PERIODE, or BULAN
// and TAHUN). ok is false unless NIP and predikat are both found.
func MapBKNHeader(row []string) (h BKNHeader, ok bool) {
	prio := [bknFieldCount]int{}
	for i := range h.Col {
		h.Col[i], prio[i] = -1, 1<<30
	}
	for i, cell := range row {
		a, found := bknAliases[tabular.HeaderName(cell)]
		if !found || a.prio >= prio[a.f] {
			continue
		}
		h.Col[a.f], prio[a.f], h.Names[a.f] = i, a.prio, strings.TrimSpace(cell)
	}
	return h, h.Has(BKNNIP) && h.Has(BKNPredikat)
}

// BKNRecord is one usable row of the export.
type BKNRecord struct {
	Line          int
	NIP           string
	Nama          string
	Predikat      Predikat // "" when the national system has not rated the month yet
	HasilKerja    Ekspektasi
	PerilakuKerja Ekspektasi
}

// BKNRowError is a refused row: its line, column and the reason.
type BKNRowError struct {
	Line   int    `json:"baris"`
	Column string `json:"kolom,omitempty"`
	Reason string `json:"alasan"`
}

// BKNParsed is a read export.
type BKNParsed struct {
	Header  BKNHeader
	Records []BKNRecord
	Refused []BKNRowError
}

// fold is a cell reduced to lower-case letters, for matching values.
func fold(s string) string { return tabular.HeaderName(s) }

// bknPredikat reads a predikat cell as the exports write it ("Sangat Baik",
// "BAIK", "Butuh Perbaikan", "Kurang", "Kurang/Misconduct", "Sangat
// Kurang", or this application's codes). An empty cell, or one saying the
// month is not rated yet ("-", "Belum Dinilai"), is the empty Predikat.
func bknPredikat(s string) (p Predikat, ok bool) {
	switch fold(s) {
	case "", "belumdinilai", "belumada", "tidakada", "belumdievaluasi":
		return "", fold(s) != "" || strings.Trim(strings.TrimSpace(s), "-–") == ""
	case "sangatbaik":
		return SangatBaik, true
	case "baik":
		return Baik, true
	case "butuhperbaikan", "perluperbaikan":
		return ButuhPerbaikan, true
	case "kurang", "kurangmisconduct", "misconduct":
		return Kurang, true
	case "sangatkurang":
		return SangatKurang, true
	}
	return "", false
}

// bknEkspektasi reads a rating cell ("Di Atas Ekspektasi", "DIATAS
// EKSPEKTASI", "Sesuai Ekspektasi", "Di Bawah Ekspektasi", "Sesuai"); empty
// is not given.
func bknEkspektasi(s string) (Ekspektasi, bool) {
	f := strings.TrimSuffix(fold(s), "ekspektasi")
	switch f {
	case "":
		return "", fold(s) == ""
	case "diatas", "atas":
		return DiAtas, true
	case "sesuai":
		return Sesuai, true
	case "dibawah", "bawah":
		return DiBawah, true
	}
	return "", false
}

var bulanNames = map[string]int{
	"januari": 1, "februari": 2, "pebruari": 2, "maret": 3, "april": 4, "mei": 5, "juni": 6,
	"juli": 7, "agustus": 8, "september": 9, "oktober": 10, "november": 11, "nopember": 11, "desember": 12,
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "agu": 8, "agt": 8, "sep": 9, "okt": 10, "nov": 11, "des": 12,
}

// bknMonth reads a month cell: 1-12, "11", or a month name.
func bknMonth(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil {
		return n, n >= 1 && n <= 12
	}
	n, ok := bulanNames[fold(s)]
	return n, ok
}

// bknPeriod reads a period cell as exports write it: "2026-11", "11/2026",
// "11-2026", "November 2026", "2026-11-01", or an Excel date serial.
func bknPeriod(s string) (tpp.Period, bool) {
	s = strings.TrimSpace(s)
	if p, err := tpp.ParsePeriod(s); err == nil {
		return p, true
	}
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		if p, err := tpp.ParsePeriod(s[:7]); err == nil {
			return p, true
		}
	}
	if t, ok := tabular.ExcelDateTime(s); ok && !strings.ContainsAny(s, "/- ") {
		return tpp.PeriodOf(t), true
	}
	for _, sep := range []string{"/", "-", " "} {
		a, b, found := strings.Cut(s, sep)
		if !found {
			continue
		}
		m, okM := bknMonth(a)
		y, err := strconv.Atoi(strings.TrimSpace(b))
		if okM && err == nil {
			p := tpp.Period{Year: y, Month: m}
			return p, p.Valid()
		}
	}
	return tpp.Period{}, false
}

// ParseBKN reads the rows of an e-Kinerja predikat export for month want:
// the header is the first of the first ten rows naming an NIP and a
// predikat column (a title above it is skipped). A row of another month,
// an unreadable NIP or predikat, a repeated NIP or a formula is refused with
// its line and an Indonesian reason; the others are records.
func ParseBKN(t *tabular.Table, want tpp.Period) (BKNParsed, error) {
	var out BKNParsed
	start := -1
	for i := 0; i < len(t.Rows) && i < 10; i++ {
		if h, ok := MapBKNHeader(t.Rows[i]); ok {
			out.Header, start = h, i
			break
		}
	}
	if start < 0 {
		return out, &tabular.FileError{Reason: "Baris judul tidak dikenali: berkas predikat e-Kinerja harus punya kolom NIP dan PREDIKAT."}
	}
	h := &out.Header
	h.Line = t.Lines[start]
	seen := map[string]int{}
	for i := start + 1; i < len(t.Rows); i++ {
		row, line := t.Rows[i], t.Lines[i]
		cell := func(f BKNField) string {
			return strings.TrimPrefix(strings.TrimSpace(tabular.Cell(row, h.Col[f])), "'")
		}
		nb := len(out.Refused)
		refuse := func(f BKNField, reason string) {
			out.Refused = append(out.Refused, BKNRowError{Line: line, Column: h.Names[f], Reason: reason})
		}
		for f := BKNNIP; f < bknFieldCount; f++ {
			if h.Has(f) && csvsafe.IsFormula(tabular.Cell(row, h.Col[f])) {
				refuse(f, "Sel berisi rumus (diawali =, +, - atau @); simpan nilainya saja.")
			}
		}
		r := BKNRecord{Line: line, NIP: strings.ReplaceAll(cell(BKNNIP), " ", "")}
		if tabular.LooksExcelNumber(r.NIP) {
			refuse(BKNNIP, tabular.NumberAsTextMessage("NIP", r.NIP))
		} else if _, err := org.ParseNIP(r.NIP); err != nil {
			refuse(BKNNIP, fmt.Sprintf("%s (tertulis %q).", err.Error(), clip(r.NIP, 40)))
		} else if prev, dup := seen[r.NIP]; dup {
			refuse(BKNNIP, fmt.Sprintf("NIP yang sama sudah ada di baris %d.", prev))
		}
		if n := strings.Join(strings.Fields(cell(BKNNama)), " "); utf8.ValidString(n) {
			r.Nama = clip(n, 200)
		}
		var ok bool
		if r.Predikat, ok = bknPredikat(cell(BKNPredikat)); !ok {
			refuse(BKNPredikat, fmt.Sprintf("Predikat %q tidak dikenal: tulis Sangat Baik, Baik, Butuh Perbaikan, Kurang atau Sangat Kurang (kosong bila belum dinilai).", clip(cell(BKNPredikat), 40)))
		}
		for _, x := range []struct {
			f   BKNField
			dst *Ekspektasi
		}{{BKNHasilKerja, &r.HasilKerja}, {BKNPerilakuKerja, &r.PerilakuKerja}} {
			v, ok := bknEkspektasi(cell(x.f))
			if !ok {
				refuse(x.f, fmt.Sprintf("%s %q tidak dikenal: tulis Di Atas Ekspektasi, Sesuai Ekspektasi atau Di Bawah Ekspektasi.",
					strings.ToUpper(x.f.Label()[:1])+x.f.Label()[1:], clip(cell(x.f), 40)))
			}
			*x.dst = v
		}
		if got, ok, given := rowPeriod(h, cell); given && !ok {
			refuse(BKNPeriode, "Periode tidak dapat dibaca: tulis misalnya 2026-11, 11/2026 atau November 2026.")
		} else if given && got != want {
			refuse(BKNPeriode, fmt.Sprintf("Baris ini untuk %s, bukan %s yang dipilih. Impor setiap bulan tersendiri.", got, want))
		}
		if len(out.Refused) > nb {
			continue
		}
		seen[r.NIP] = line
		out.Records = append(out.Records, r)
	}
	return out, nil
}

// rowPeriod reads the month of a row from its PERIODE column, or its BULAN
// and TAHUN columns; given is false when the file names no month at all
// (the month chosen on the form is meant).
func rowPeriod(h *BKNHeader, cell func(BKNField) string) (p tpp.Period, ok, given bool) {
	if h.Has(BKNPeriode) && cell(BKNPeriode) != "" {
		p, ok = bknPeriod(cell(BKNPeriode))
		return p, ok, true
	}
	if h.Has(BKNBulan) && cell(BKNBulan) != "" {
		if p, ok := bknPeriod(cell(BKNBulan)); ok { // "November 2026" in a BULAN column
			return p, true, true
		}
		m, okM := bknMonth(cell(BKNBulan))
		y, err := strconv.Atoi(cell(BKNTahun))
		p = tpp.Period{Year: y, Month: m}
		return p, okM && err == nil && p.Valid(), true
	}
	return tpp.Period{}, false, false
}

// clip shortens s to n runes for a message.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
