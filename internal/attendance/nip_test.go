package attendance

import (
	"errors"
	"strconv"
	"testing"
	"time"
)

func TestValidNIP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		nip    string
		reason string // "" for valid
	}{
		{"199001012015031001", ""},
		{"198712312010122002", ""},
		{"200002292024011001", ""}, // 29 Feb 2000 exists
		{"198501012023211001", ""}, // NI PPPK: 2023, code 2, sequence 1
		{"199505172024291123", ""}, // NI PPPK, ninth intake
		{"19900101201503100", "NIP harus 18 digit angka"},
		{"1990010120150310011", "NIP harus 18 digit angka"},
		{"19900101 201503 1 001", "NIP harus 18 digit angka"},
		{"19900101201503100a", "NIP harus 18 digit angka"},
		{"１99001012015031001", "NIP harus 18 digit angka"},
		{"", "NIP harus 18 digit angka"},
		{"199002302015031001", "8 digit pertama NIP harus tanggal lahir yang valid (TTTTBBHH)"},
		{"199013012015031001", "8 digit pertama NIP harus tanggal lahir yang valid (TTTTBBHH)"},
		{"190002292015031001", "8 digit pertama NIP harus tanggal lahir yang valid (TTTTBBHH)"}, // 1900 not leap
		{"189912312015031001", "8 digit pertama NIP harus tanggal lahir yang valid (TTTTBBHH)"},
		{"199001011990031001", "digit 9-14 NIP harus tahun dan bulan pengangkatan yang valid (TTTTBB), setelah tahun lahir"},
		{"199001012015001001", "digit 9-14 NIP harus tahun dan bulan pengangkatan yang valid (TTTTBB), setelah tahun lahir"},
		{"199001012015131001", "digit 9-14 NIP harus tahun dan bulan pengangkatan yang valid (TTTTBB), setelah tahun lahir"},
		{"199001012015201001", "digit 9-14 NIP harus tahun dan bulan pengangkatan yang valid (TTTTBB), setelah tahun lahir"},
		{"199001012015301001", "digit 9-14 NIP harus tahun dan bulan pengangkatan yang valid (TTTTBB), setelah tahun lahir"},
		{"199001012015030001", "digit ke-15 NIP (jenis kelamin) harus 1 atau 2"},
		{"199001012015033001", "digit ke-15 NIP (jenis kelamin) harus 1 atau 2"},
	}
	for _, tt := range tests {
		err := ValidNIP(tt.nip)
		switch {
		case tt.reason == "" && err != nil:
			t.Errorf("ValidNIP(%q) = %v, want nil", tt.nip, err)
		case tt.reason != "" && (err == nil || err.Error() != tt.reason || !errors.Is(err, ErrInvalidNIP)):
			t.Errorf("ValidNIP(%q) = %v, want %q", tt.nip, err, tt.reason)
		}
	}
}

// refValidNIP is an independent statement of the NIP rules for the fuzz test.
func refValidNIP(s string) bool {
	if len(s) != 18 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	birth, err := time.Parse("20060102", s[:8])
	if err != nil || birth.Year() < 1900 {
		return false
	}
	year, _ := strconv.Atoi(s[8:12])
	mm, _ := strconv.Atoi(s[12:14])
	return year > birth.Year() && ((mm >= 1 && mm <= 12) || (mm >= 21 && mm <= 29)) && (s[14] == '1' || s[14] == '2')
}

func FuzzValidNIP(f *testing.F) {
	for _, s := range []string{
		"199001012015031001", "198501012023211001", "199002302015031001", "199001012015131001",
		"199001012015033001", "19900101201503100", "", "000000000000000000", "999999999999999999",
		"20000229202401100x", "+99001012015031001",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidNIP(s)
		if got, want := err == nil, refValidNIP(s); got != want {
			t.Fatalf("ValidNIP(%q) = %v, reference says valid=%v", s, err, want)
		}
		if err != nil && (!errors.Is(err, ErrInvalidNIP) || err.Error() == "") {
			t.Fatalf("ValidNIP(%q) error %v lacks ErrInvalidNIP or reason", s, err)
		}
	})
}
