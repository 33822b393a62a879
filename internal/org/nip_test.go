package org

import "testing"

func TestParseNIP(t *testing.T) {
	t.Parallel()
	cases := []struct {
		nip string
		ok  bool
	}{
		{"198503152010011001", true},
		{"199012312015032002", true},
		{"19850315201001100", false},   // 17 digits
		{"1985031520100110011", false}, // 19 digits
		{"19850315201001100a", false},
		{"198502302010011001", false}, // 30 February
		{"198513012010011001", false}, // month 13
		{"198503152010131001", false}, // appointment month 13
		{"198503152010013001", false}, // sex digit 3
		{"198503151980011001", false}, // appointed before birth
		{"198501012023211001", true},  // NI PPPK: code 2, sequence 1
		{"198501012023201001", false}, // "20" is neither a month nor a PPPK code
		{"", false},
		{"١٩٨٥٠٣١٥٢٠١٠٠١١٠٠١", false}, // Arabic-Indic digits are not ASCII digits
	}
	for _, tc := range cases {
		_, err := ParseNIP(tc.nip)
		if (err == nil) != tc.ok {
			t.Errorf("ParseNIP(%q) err=%v, want ok=%v", tc.nip, err, tc.ok)
		}
	}
}

func FuzzParseNIP(f *testing.F) {
	for _, s := range []string{"198503152010011001", "000000000000000000", "19850315201001100x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseNIP(s)
		if err != nil {
			return
		}
		if len(s) != 18 || (n.JenisKel != 1 && n.JenisKel != 2) || n.Lahir.Format("20060102") != s[:8] {
			t.Fatalf("accepted invalid NIP %q: %+v", s, n)
		}
	})
}
