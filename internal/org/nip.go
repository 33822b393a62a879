package org

import (
	"errors"
	"time"
)

// NIP is a parsed 18-digit employee number: birth date YYYYMMDD, appointment
// YYYYMM, sex digit (1 male, 2 female) and a 3-digit serial.
type NIP struct {
	Lahir      time.Time
	Pengangkat time.Time
	// PPPK is set for an NI PPPK, whose digits 13-14 are the PPPK code 2 and
	// a sequence digit (e.g. 198501012023211001) instead of a month.
	PPPK     bool
	JenisKel int
	Urut     string
}

// ParseNIP validates s as an 18-digit NIP (or NI PPPK, same layout) and
// returns its parts, or an error with a Bahasa Indonesia message.
func ParseNIP(s string) (NIP, error) {
	if len(s) != 18 {
		return NIP{}, errors.New("NIP harus 18 digit angka")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return NIP{}, errors.New("NIP harus 18 digit angka")
		}
	}
	lahir, err := time.Parse("20060102", s[0:8])
	if err != nil || lahir.Year() < 1900 {
		return NIP{}, errors.New("8 digit pertama NIP harus tanggal lahir yang valid (TTTTBBHH)")
	}
	pppk := s[12] == '2' && s[13] >= '1' && s[13] <= '9'
	angkatText := s[8:14]
	if pppk {
		angkatText = s[8:12] + "01"
	}
	angkat, err := time.Parse("200601", angkatText)
	if err != nil || angkat.Year() < 1950 || angkat.Year() <= lahir.Year() {
		return NIP{}, errors.New("digit 9-14 NIP harus tahun dan bulan pengangkatan yang valid (TTTTBB), setelah tahun lahir")
	}
	if s[14] != '1' && s[14] != '2' {
		return NIP{}, errors.New("digit ke-15 NIP (jenis kelamin) harus 1 atau 2")
	}
	return NIP{Lahir: lahir, Pengangkat: angkat, PPPK: pppk, JenisKel: int(s[14] - '0'), Urut: s[15:]}, nil
}
