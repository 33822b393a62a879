package attendance

import (
	"errors"

	"github.com/ekinerja/ekinerja/internal/org"
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
	if _, err := org.ParseNIP(s); err != nil {
		return nipError(err.Error())
	}
	return nil
}
