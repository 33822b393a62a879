package testdb

import (
	"net/url"
	"strings"
	"testing"
)

// TestPrefixNamesTheDatabase: a database made under EKINERJA_TEST_DB_PREFIX
// carries that prefix, Suffix gives back its random part, and a prefix that is
// not a plain identifier is refused rather than replaced by the default.
func TestPrefixNamesTheDatabase(t *testing.T) {
	for _, tc := range []struct {
		env, want string
	}{
		{"", DefaultPrefix},
		{"hc_t_", "hc_t_"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			t.Setenv("EKINERJA_TEST_DB_PREFIX", tc.env)
			u, err := url.Parse(NewURL(t))
			if err != nil {
				t.Fatal(err)
			}
			name := strings.TrimPrefix(u.Path, "/")
			if !strings.HasPrefix(name, tc.want) {
				t.Fatalf("database %q does not start with %q", name, tc.want)
			}
			if s := Suffix(u.String()); len(s) != 12 || tc.want+s != name {
				t.Fatalf("Suffix = %q for %q", s, name)
			}
		})
	}
	for _, bad := range []string{"Bad", "1x_", "a-b", "a;drop", strings.Repeat("a", 31)} {
		t.Run("invalid "+bad, func(t *testing.T) {
			t.Setenv("EKINERJA_TEST_DB_PREFIX", bad)
			defer func() {
				if recover() == nil {
					t.Fatalf("prefix %q accepted", bad)
				}
			}()
			Prefix()
		})
	}
}
