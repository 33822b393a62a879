package org

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/csvsafe"
)

// golonganPNS are the ranks of PNS and CPNS (I/a .. IV/e).
var golonganPNS = func() map[string]bool {
	m := map[string]bool{}
	for _, g := range []string{"I", "II", "III"} {
		for _, r := range "abcd" {
			m[g+"/"+string(r)] = true
		}
	}
	for _, r := range "abcde" {
		m["IV/"+string(r)] = true
	}
	return m
}()

// golonganPPPK are the PPPK grades I .. XVII.
var golonganPPPK = map[string]bool{"I": true, "II": true, "III": true, "IV": true, "V": true, "VI": true, "VII": true, "VIII": true,
	"IX": true, "X": true, "XI": true, "XII": true, "XIII": true, "XIV": true, "XV": true, "XVI": true, "XVII": true}

// NormalizeGolongan returns g in canonical form ("III/c", "IX") or "".
func NormalizeGolongan(status StatusASN, g string) (string, bool) {
	g = strings.TrimSpace(g)
	if status == PPPK {
		g = strings.ToUpper(g)
		return g, golonganPPPK[g]
	}
	if i := strings.IndexByte(g, '/'); i > 0 {
		g = strings.ToUpper(g[:i]) + "/" + strings.ToLower(g[i+1:])
	}
	return g, golonganPNS[g]
}

// GolonganOptions lists the valid ranks for a form: PNS ranks, then PPPK grades.
func GolonganOptions() []string {
	out := []string{}
	for _, g := range []string{"I", "II", "III", "IV"} {
		rs := "abcd"
		if g == "IV" {
			rs = "abcde"
		}
		for _, r := range rs {
			out = append(out, g+"/"+string(r))
		}
	}
	return append(out, "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII")
}

// cleanText trims s and reports whether it is printable text of 1..max runes.
func cleanText(s string, max int) (string, bool) {
	if csvsafe.IsFormula(s) {
		return strings.TrimSpace(s), false
	}
	s = strings.TrimSpace(s)
	if s == "" || !utf8.ValidString(s) || utf8.RuneCountInString(s) > max {
		return s, false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return s, false
		}
	}
	return s, true
}

// formulaMessage explains a csvsafe.IsFormula refusal.
const formulaMessage = "Isi tidak boleh diawali =, +, -, @, tab atau baris baru (mencegah injeksi formula di spreadsheet)."

var kodeRe = regexp.MustCompile(`^[A-Z0-9._-]{1,32}$`)
var unitKodeRe = regexp.MustCompile(`^[A-Z0-9._-]{1,40}$`)
var digitsRe = regexp.MustCompile(`^[0-9]*$`)

// normalizeKode upper-cases and trims a code.
func normalizeKode(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// normalizeNPWP keeps the digits of an NPWP written as 12.345.678.9-012.345.
func normalizeNPWP(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '.' || r == '-' || r == ' ':
		default:
			return s, false
		}
	}
	d := b.String()
	return d, len(d) == 15 || len(d) == 16
}

// ParseDate reads a date as YYYY-MM-DD (a form's date input) or DD-MM-YYYY
// / DD/MM/YYYY (as spreadsheets in Indonesia write it).
func ParseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.DateOnly, "02-01-2006", "02/01/2006"} {
		if t, err := time.Parse(layout, s); err == nil && t.Year() >= 1950 && t.Year() <= 2100 {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseBool reads a yes/no cell or checkbox.
func parseBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "0", "tidak", "t", "false", "no", "n":
		return false, true
	case "1", "ya", "y", "true", "yes", "on":
		return true, true
	}
	return false, false
}

// PegawaiInput is an employee as typed in a form or a CSV row: raw strings,
// validated by Validate into a Pegawai.
type PegawaiInput struct {
	NIP          string
	Nama         string
	StatusASN    string
	Golongan     string
	OPDID        int64
	Keadaan      string
	TugasBelajar string
	BankNama     string
	BankRekening string
	BankAtasNama string
	NPWP         string
}

// Validate checks the input and returns the employee it describes, or a
// ValidationError with one Bahasa Indonesia message per field.
func (in PegawaiInput) Validate() (Pegawai, *apperr.ValidationError) {
	ve := &apperr.ValidationError{}
	p := Pegawai{NIP: strings.TrimSpace(in.NIP), OPDID: in.OPDID}
	for field, v := range map[string]string{"nama": in.Nama, "bank_nama": in.BankNama, "bank_atas_nama": in.BankAtasNama} {
		if csvsafe.IsFormula(v) {
			ve.Add(field, formulaMessage)
		}
	}
	if _, err := ParseNIP(p.NIP); err != nil {
		ve.Add("nip", err.Error())
	}
	var ok bool
	if p.Nama, ok = cleanText(in.Nama, 200); !ok {
		ve.Add("nama", "Nama wajib diisi (paling banyak 200 huruf), gelar ditulis apa adanya.")
	}
	p.StatusASN = StatusASN(strings.ToUpper(strings.TrimSpace(in.StatusASN)))
	switch p.StatusASN {
	case PNS, CPNS, PPPK:
		if p.Golongan, ok = NormalizeGolongan(p.StatusASN, in.Golongan); !ok {
			if p.StatusASN == PPPK {
				ve.Add("golongan", "Golongan PPPK harus I sampai XVII.")
			} else {
				ve.Add("golongan", "Golongan/ruang harus I/a sampai IV/e, misalnya III/c.")
			}
		}
	default:
		ve.Add("status_asn", "Status harus PNS, CPNS, atau PPPK.")
	}
	if p.OPDID <= 0 {
		ve.Add("opd_id", "Pilih OPD.")
	}
	p.Keadaan = strings.ToLower(strings.TrimSpace(in.Keadaan))
	if p.Keadaan == "" {
		p.Keadaan = "aktif"
	}
	if p.Keadaan != "aktif" && p.Keadaan != "pensiun" && p.Keadaan != "pindah" {
		ve.Add("keadaan", "Keadaan harus aktif, pensiun, atau pindah.")
	}
	if p.TugasBelajar, ok = parseBool(in.TugasBelajar); !ok {
		ve.Add("tugas_belajar", "Tugas belajar harus ya atau tidak.")
	}
	p.BankNama = strings.TrimSpace(in.BankNama)
	p.BankRekening = strings.ReplaceAll(strings.ReplaceAll(strings.TrimSpace(in.BankRekening), " ", ""), ".", "")
	p.BankAtasNama = strings.TrimSpace(in.BankAtasNama)
	if !digitsRe.MatchString(p.BankRekening) || len(p.BankRekening) > 30 {
		ve.Add("bank_rekening", "Nomor rekening hanya angka, paling banyak 30 digit.")
	} else if p.BankRekening != "" && len(p.BankRekening) < 6 {
		ve.Add("bank_rekening", "Nomor rekening terlalu pendek (paling sedikit 6 digit).")
	}
	if p.BankRekening != "" {
		if _, ok := cleanText(p.BankNama, 100); !ok {
			ve.Add("bank_nama", "Nama bank wajib diisi bila nomor rekening diisi.")
		}
		if _, ok := cleanText(p.BankAtasNama, 200); !ok {
			ve.Add("bank_atas_nama", "Nama pemilik rekening wajib diisi bila nomor rekening diisi.")
		}
	} else if p.BankNama != "" || p.BankAtasNama != "" {
		ve.Add("bank_rekening", "Isi nomor rekening, atau kosongkan nama bank dan pemilik rekening.")
	}
	if p.NPWP, ok = normalizeNPWP(in.NPWP); !ok {
		ve.Add("npwp", "NPWP harus 15 atau 16 digit (titik dan tanda hubung boleh).")
	}
	return p, ve
}

// JabatanInput is a position as typed in a form or CSV row.
type JabatanInput struct {
	Kode            string
	Nama            string
	Jenis           string
	Kelas           string
	OPDID           int64
	UnitKerjaID     int64
	AtasanJabatanID int64
}

// Validate checks the input and returns the position it describes.
func (in JabatanInput) Validate() (Jabatan, *apperr.ValidationError) {
	ve := &apperr.ValidationError{}
	j := Jabatan{Kode: normalizeKode(in.Kode), OPDID: in.OPDID}
	if !kodeRe.MatchString(j.Kode) {
		ve.Add("kode", "Kode jabatan 1-32 karakter: huruf besar, angka, titik, garis bawah, tanda hubung.")
	}
	var ok bool
	if j.Nama, ok = cleanText(in.Nama, 300); !ok {
		ve.Add("nama", "Nama jabatan wajib diisi (paling banyak 300 huruf).")
	}
	j.Jenis = JenisJabatan(strings.ToLower(strings.TrimSpace(in.Jenis)))
	if j.Jenis != Struktural && j.Jenis != Fungsional && j.Jenis != Pelaksana {
		ve.Add("jenis", "Jenis jabatan harus struktural, fungsional, atau pelaksana.")
	}
	k, err := strconv.Atoi(strings.TrimSpace(in.Kelas))
	if err != nil || k < 1 || k > 17 {
		ve.Add("kelas", "Kelas jabatan harus angka 1 sampai 17.")
	}
	j.Kelas = k
	if j.OPDID <= 0 {
		ve.Add("opd_id", "Pilih OPD.")
	}
	if in.UnitKerjaID > 0 {
		u := in.UnitKerjaID
		j.UnitKerjaID = &u
	}
	if in.AtasanJabatanID > 0 {
		a := in.AtasanJabatanID
		j.AtasanJabatanID = &a
	}
	return j, ve
}

// OPDInput is an agency as typed in a form or CSV row.
type OPDInput struct {
	Kode      string
	Nama      string
	Singkatan string
	Aktif     bool
}

// Validate checks the input and returns the agency it describes.
func (in OPDInput) Validate() (OPD, *apperr.ValidationError) {
	ve := &apperr.ValidationError{}
	o := OPD{Kode: normalizeKode(in.Kode), Aktif: in.Aktif, Singkatan: strings.TrimSpace(in.Singkatan)}
	if !kodeRe.MatchString(o.Kode) {
		ve.Add("kode", "Kode OPD 1-32 karakter: huruf besar, angka, titik, garis bawah, tanda hubung.")
	}
	var ok bool
	if o.Nama, ok = cleanText(in.Nama, 200); !ok {
		ve.Add("nama", "Nama OPD wajib diisi (paling banyak 200 huruf).")
	}
	if o.Singkatan != "" {
		if _, ok := cleanText(o.Singkatan, 40); !ok {
			ve.Add("singkatan", "Singkatan paling banyak 40 huruf.")
		}
	}
	return o, ve
}

// UnitInput is a sub-unit as typed in a form or CSV row.
type UnitInput struct {
	Kode     string
	Nama     string
	OPDID    int64
	ParentID int64
}

// Validate checks the input and returns the unit it describes.
func (in UnitInput) Validate() (UnitKerja, *apperr.ValidationError) {
	ve := &apperr.ValidationError{}
	u := UnitKerja{Kode: normalizeKode(in.Kode), OPDID: in.OPDID}
	if !unitKodeRe.MatchString(u.Kode) {
		ve.Add("kode", "Kode unit 1-40 karakter: huruf besar, angka, titik, garis bawah, tanda hubung.")
	}
	var ok bool
	if u.Nama, ok = cleanText(in.Nama, 200); !ok {
		ve.Add("nama", "Nama unit kerja wajib diisi (paling banyak 200 huruf).")
	}
	if u.OPDID <= 0 {
		ve.Add("opd_id", "Pilih OPD.")
	}
	if in.ParentID > 0 {
		p := in.ParentID
		u.ParentID = &p
	}
	return u, ve
}
