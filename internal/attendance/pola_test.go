package attendance

import "testing"

func TestParseWindow(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"07:30-16:00", "07:30-16:00", true},
		{"", "00:00-00:00", true},
		{"21:00-07:00", "21:00-07:00+1", true},
		{"07:30", "", false},
		{"25:00-26:00", "", false},
		{"07:30-07:30", "07:30-07:30+1", true},
	} {
		w, err := ParseWindow(c.in)
		if (err == nil) != c.ok || (c.ok && w.String() != c.want) {
			t.Errorf("ParseWindow(%q) = %v, %v; want %s ok=%v", c.in, w, err, c.want, c.ok)
		}
	}
}

func FuzzParseWindow(f *testing.F) {
	for _, s := range []string{"07:30-16:00", "", "21:00-07:00", "x-y", "07.30 - 16.00", "-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseWindow(s)
		if err == nil && w.Validate() != nil {
			t.Fatalf("accepted invalid window %q: %v", s, w)
		}
	})
}
