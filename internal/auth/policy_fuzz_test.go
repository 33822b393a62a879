package auth_test

import (
	"testing"
	"unicode/utf8"

	"github.com/ekinerja/ekinerja/internal/auth"
)

func FuzzPasswordPolicy(f *testing.F) {
	for _, s := range []string{"password", "P@ssw0rd!", "kopi susu di teras rumah", "", "\xff\xfe", "ééééééééé"} {
		f.Add(s)
	}
	p := auth.PasswordPolicy{Banned: []string{"Pegawai!Demo2026"}}
	f.Fuzz(func(t *testing.T, pw string) {
		err := p.Check("sandi", pw, "198503122010011001")
		n := utf8.RuneCountInString(pw)
		if err == nil && (n < auth.PasswordMin || n > auth.PasswordMax || auth.IsCommon(pw) || !utf8.ValidString(pw)) {
			t.Fatalf("accepted %q", pw)
		}
	})
}
