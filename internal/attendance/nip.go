package attendance

import (
	"errors"
	"time"
)

// ErrInvalidNIP is matched (errors.Is) by every error ValidNIP returns; the
// error's own text is a Bahasa Indonesia reason fit to show.
var ErrInvalidNIP = errors.New("NIP tidak valid")

type nipError string

func (e nipError) Error() string        { return string(e) }
func (e nipError) Is(target error) bool { return target == ErrInvalidNIP }

// ValidNIP checks the structure of an 18-digit NIP or NI PPPK.
//
// Digits 1-8 are a real birth date YYYYMMDD (year 1900 or later); 9-12 the year
// of appointment, later than the birth year; 13-14 the month of appointment
// (01-12) for a PNS NIP, or for an NI PPPK the PPPK code 2 followed by a digit
// 1-9 (e.g. 198501012023211001: appointed 2023, "21"); 15 the sex, 1 or 2;
// 16-18 a serial number. Months never reach 21, so the two forms cannot be
// mistaken for each other. The NI PPPK rule follows the published numbering
// (code 2 plus sequence digit): without it every PPPK employee (SPEC §1) would
// be refused.
//
// It checks form only, not that the number was ever issued; spaces are not
// allowed (a caller may strip the "19900101 201503 1 001" display spacing).
func ValidNIP(s string) error {
	if len(s) != 18 {
		return nipError("NIP harus 18 digit angka")
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return nipError("NIP harus 18 digit angka")
		}
	}
	b := s
	by, _ := atoi(b[0:4])
	bm, _ := atoi(b[4:6])
	bd, _ := atoi(b[6:8])
	if by < 1900 || !(Date{by, time.Month(bm), bd}).Valid() {
		return nipError("NIP: tanggal lahir (digit 1-8) tidak valid")
	}
	ay, _ := atoi(b[8:12])
	if ay <= by {
		return nipError("NIP: tahun pengangkatan (digit 9-12) harus setelah tahun lahir")
	}
	am, _ := atoi(b[12:14])
	pns := am >= 1 && am <= 12
	pppk := b[12] == '2' && b[13] >= '1' && b[13] <= '9'
	if !pns && !pppk {
		return nipError("NIP: bulan pengangkatan (digit 13-14) tidak valid")
	}
	if b[14] != '1' && b[14] != '2' {
		return nipError("NIP: digit ke-15 (jenis kelamin) harus 1 atau 2")
	}
	return nil
}
