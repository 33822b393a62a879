package kinerja

import (
	"fmt"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ekinerja/ekinerja/internal/apperr"
)

// predikatMatrix is SPEC section 3: hasil kerja rows x perilaku kerja columns.
var predikatMatrix = map[Ekspektasi]map[Ekspektasi]Predikat{
	DiAtas:  {DiAtas: SangatBaik, Sesuai: Baik, DiBawah: Kurang},
	Sesuai:  {DiAtas: Baik, Sesuai: Baik, DiBawah: Kurang},
	DiBawah: {DiAtas: ButuhPerbaikan, Sesuai: ButuhPerbaikan, DiBawah: SangatKurang},
}

// PredikatFor returns the predikat that hasil kerja and perilaku kerja give.
func PredikatFor(hasil, perilaku Ekspektasi) (Predikat, error) {
	row, ok := predikatMatrix[hasil]
	if !ok {
		return "", apperr.Invalid("hasil_kerja", "Pilih penilaian hasil kerja.")
	}
	p, ok := row[perilaku]
	if !ok {
		return "", apperr.Invalid("perilaku_kerja", "Pilih penilaian perilaku kerja.")
	}
	return p, nil
}

// Day is a calendar date at midnight UTC, the way dates are kept.
func Day(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }

// ClosesAt is the moment logging for month (year, m) closes: the end of day
// closingDay of the next month, in the regency's time zone.
func ClosesAt(year int, m time.Month, closingDay int, loc *time.Location) time.Time {
	return time.Date(year, m+1, closingDay+1, 0, 0, 0, 0, loc)
}

// AktivitasInput is an aktivitas as typed in a form or sent to the API:
// raw text, checked by Parse.
type AktivitasInput struct {
	Tanggal      string
	RHKID        string
	Uraian       string
	OutputJumlah string
	OutputSatuan string
	Menit        string
	BuktiLink    string
}

// aktivitasValues is a parsed, field-valid aktivitas.
type aktivitasValues struct {
	tanggal      time.Time
	rhkID        int64
	uraian       string
	outputJumlah int
	outputSatuan string
	menit        int
	buktiLink    string
}

// Parse checks every field on its own and against today (the regency's
// date): the date may not lie in the future. Rules across rows (24 hours a
// day, closed months, the RHK's owner) are checked by the Store.
func (in AktivitasInput) Parse(today time.Time) (aktivitasValues, error) {
	var v aktivitasValues
	ve := &apperr.ValidationError{}
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(in.Tanggal))
	switch {
	case err != nil:
		ve.Add("tanggal", "Isi tanggal dengan format TTTT-BB-HH.")
	case t.After(Day(today)):
		ve.Add("tanggal", "Tanggal aktivitas tidak boleh di masa depan.")
	case t.Year() < 2000:
		ve.Add("tanggal", "Tanggal aktivitas tidak masuk akal.")
	}
	v.tanggal = t
	if v.rhkID, err = strconv.ParseInt(strings.TrimSpace(in.RHKID), 10, 64); err != nil || v.rhkID <= 0 {
		ve.Add("rhk_id", "Pilih RHK yang didukung aktivitas ini.")
	}
	v.uraian = strings.TrimSpace(in.Uraian)
	if msg := checkText(v.uraian, 2000); msg != "" {
		ve.Add("uraian", "Uraian aktivitas "+msg)
	}
	n, err := strconv.Atoi(strings.TrimSpace(in.OutputJumlah))
	if err != nil || n < 1 || n > 100000 {
		ve.Add("output_jumlah", "Jumlah output harus bilangan bulat 1 sampai 100.000.")
	}
	v.outputJumlah = n
	v.outputSatuan = strings.TrimSpace(in.OutputSatuan)
	if msg := checkText(v.outputSatuan, 50); msg != "" {
		ve.Add("output_satuan", "Satuan output "+msg)
	}
	m, err := strconv.Atoi(strings.TrimSpace(in.Menit))
	switch {
	case err != nil || m < 1:
		ve.Add("menit", "Durasi harus bilangan bulat menit, paling sedikit 1.")
	case m > MaxMenitHarian:
		ve.Add("menit", "Durasi satu aktivitas paling lama 1.440 menit (24 jam).")
	}
	v.menit = m
	v.buktiLink = strings.TrimSpace(in.BuktiLink)
	if v.buktiLink != "" {
		if msg := checkLink(v.buktiLink); msg != "" {
			ve.Add("bukti_link", msg)
		}
	}
	return v, ve.OrNil()
}

// checkText returns what is wrong with a required text of at most max runes.
func checkText(s string, max int) string {
	switch {
	case s == "":
		return "wajib diisi."
	case !utf8.ValidString(s):
		return "berisi karakter yang tidak sah."
	case utf8.RuneCountInString(s) > max:
		return fmt.Sprintf("paling panjang %d karakter.", max)
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return "berisi karakter yang tidak sah."
		}
	}
	return ""
}

// checkLink accepts only absolute http(s) links: a javascript: or data: link
// would run in the reviewer's browser.
func checkLink(s string) string {
	if len(s) > 500 {
		return "Tautan bukti paling panjang 500 karakter."
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsAny(s, " \t\r\n") {
		return "Tautan bukti harus alamat lengkap yang diawali https:// atau http://."
	}
	return ""
}

// Bukti is an uploaded evidence file.
type Bukti struct {
	Nama string
	Isi  []byte
}

// safeFileName keeps a plain, short file name for the download header.
func safeFileName(name, contentType string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	var b strings.Builder
	for _, r := range name {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '-' || r == '_') {
			b.WriteRune(r)
		} else if r == ' ' {
			b.WriteRune('_')
		}
	}
	s := strings.Trim(b.String(), ".")
	if len(s) > 100 {
		s = s[len(s)-100:]
	}
	ext := map[string]string{"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}[contentType]
	if s == "" {
		s = "bukti"
	}
	if !strings.HasSuffix(strings.ToLower(s), ext) {
		s += ext
	}
	return s
}

// ParseReviewItem reads "id:versi" as sent by the review queue's checkboxes.
func ParseReviewItem(s string) (ReviewItem, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), ":")
	id, err1 := strconv.ParseInt(a, 10, 64)
	v, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || id <= 0 || v <= 0 {
		return ReviewItem{}, apperr.Invalid("pilih", "Pilihan aktivitas tidak sah. Muat ulang halaman.")
	}
	return ReviewItem{ID: id, Versi: v}, nil
}

// ReviewItem names an aktivitas and the version the reviewer saw.
type ReviewItem struct {
	ID    int64
	Versi int
}
