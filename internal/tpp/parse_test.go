package tpp

import "testing"

func TestParsePercent(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want BasisPoints
		ok   bool
	}{
		{"3", 300, true}, {"0,5", 50, true}, {"1,25%", 125, true}, {"1.25", 125, true}, {" 100 ", 10000, true},
		{"", 0, false}, {"-1", 0, false}, {"1,255", 0, false}, {"abc", 0, false}, {",5", 0, false}, {"1,2,3", 0, false},
	} {
		got, err := ParsePercent(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParsePercent(%q) = %d, %v", tt.in, got, err)
		}
	}
}

func TestParseRupiah(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want Rupiah
		ok   bool
	}{
		{"5.000.000", 5_000_000, true}, {"Rp 5.000.000", 5_000_000, true}, {"5000000", 5_000_000, true},
		{"", 0, false}, {"5,5", 0, false}, {"-5", 0, false}, {"1e6", 0, false},
	} {
		got, err := ParseRupiah(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseRupiah(%q) = %d, %v", tt.in, got, err)
		}
	}
}

func FuzzParsePercent(f *testing.F) {
	for _, s := range []string{"3", "0,5", "1,25%", "100", "", "9999999", "1.5.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParsePercent(s)
		if err != nil {
			return
		}
		if v < 0 {
			t.Fatalf("negative %d from %q", v, s)
		}
		// What we write back reads the same.
		if back, err := ParsePercent(FormatPercentInput(v)); err != nil || back != v {
			t.Fatalf("round trip %q -> %d -> %q -> %d %v", s, v, FormatPercentInput(v), back, err)
		}
	})
}

func FuzzParseRupiah(f *testing.F) {
	for _, s := range []string{"5.000.000", "Rp 1", "0", "", "999999999999999", "1 000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if v, err := ParseRupiah(s); err == nil && v < 0 {
			t.Fatalf("negative %d from %q", v, s)
		}
	})
}
