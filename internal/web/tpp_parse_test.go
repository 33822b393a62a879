package web

import "testing"

func TestParsePercent(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"3", 300, true}, {"0,5", 50, true}, {"1,25%", 125, true}, {"1.25", 125, true}, {" 100 ", 10000, true},
		{"", 0, false}, {"-1", 0, false}, {"1,255", 0, false}, {"abc", 0, false}, {",5", 0, false}, {"1,2,3", 0, false},
	} {
		got, err := parsePercent(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parsePercent(%q) = %d, %v", tt.in, got, err)
		}
	}
}

func TestParseRupiah(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"5.000.000", 5_000_000, true}, {"Rp 5.000.000", 5_000_000, true}, {"5000000", 5_000_000, true},
		{"", 0, false}, {"5,5", 0, false}, {"-5", 0, false}, {"1e6", 0, false},
	} {
		got, err := parseRupiah(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseRupiah(%q) = %d, %v", tt.in, got, err)
		}
	}
}

func FuzzParsePercent(f *testing.F) {
	for _, s := range []string{"3", "0,5", "1,25%", "100", "", "9999999", "1.5.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parsePercent(s)
		if err != nil {
			return
		}
		if v < 0 {
			t.Fatalf("negative %d from %q", v, s)
		}
		// What we write back reads the same.
		if back, err := parsePercent(formatPercentInput(v)); err != nil || back != v {
			t.Fatalf("round trip %q -> %d -> %q -> %d %v", s, v, formatPercentInput(v), back, err)
		}
	})
}

func FuzzParseRupiah(f *testing.F) {
	for _, s := range []string{"5.000.000", "Rp 1", "0", "", "999999999999999", "1 000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if v, err := parseRupiah(s); err == nil && v < 0 {
			t.Fatalf("negative %d from %q", v, s)
		}
	})
}
