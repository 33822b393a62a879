package csvsafe

import "testing"

func TestIsFormula(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"=1+2", true}, {"+62 812", true}, {"-1+1", true}, {"@SUM(A1)", true},
		{"\t=1", true}, {"\r=1", true}, {"  =HYPERLINK(\"x\")", true}, {"--", true}, {"-5", true},
		{"", false}, {"   ", false}, {"-", false}, {" - ", false}, {"Budi", false}, {"a=b", false},
		{"07:30", false}, {"1-2", false}, {"'=1", false},
	} {
		if got := IsFormula(tt.in); got != tt.want {
			t.Errorf("IsFormula(%q) = %v, want %v", tt.in, got, tt.want)
		}
		if got := IsFormula([]byte(tt.in)); got != tt.want {
			t.Errorf("IsFormula([]byte %q) = %v, want %v", tt.in, got, tt.want)
		}
		want := tt.in
		if tt.want {
			want = "'" + tt.in
		}
		if got := Neutralise(tt.in); got != want {
			t.Errorf("Neutralise(%q) = %q, want %q", tt.in, got, want)
		}
	}
}

func FuzzIsFormula(f *testing.F) {
	for _, s := range []string{"=1", "-", " -", "x", "\t@"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// Neutralised, nothing is a formula any more.
		if IsFormula(Neutralise(s)) {
			t.Fatalf("Neutralise(%q) = %q is still a formula", s, Neutralise(s))
		}
	})
}
