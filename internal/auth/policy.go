package auth

import (
	_ "embed"
	"strings"
	"unicode/utf8"

	"github.com/ekinerja/ekinerja/internal/apperr"
)

// Password length bounds (ASVS 6.2.1, 6.2.9): at least 8 characters, and
// long passphrases up to 128 are welcome.
const (
	PasswordMin = 8
	PasswordMax = 128
)

//go:embed common_passwords.txt
var commonPasswordsTxt string

// commonWords is the embedded list, lower-cased.
var commonWords = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(commonPasswordsTxt, "\n") {
		l = strings.ToLower(strings.TrimSpace(l))
		if l != "" && !strings.HasPrefix(l, "#") {
			m[l] = true
		}
	}
	return m
}()

// CommonPasswordCount is how many listed passwords the policy knows (for
// tests and SECURITY.md); decorated variants are refused on top of these.
func CommonPasswordCount() int { return len(commonWords) }

// deleet undoes the usual character swaps (p@ssw0rd -> password).
var deleet = strings.NewReplacer("@", "a", "4", "a", "0", "o", "1", "i", "3", "e", "$", "s", "5", "s", "7", "t", "!", "i")

// decoration is what people put around a common word: digits and symbols.
const decoration = "0123456789!@#$%^&*()_+-=.,?~ "

// PasswordPolicy decides which new passwords are acceptable.
type PasswordPolicy struct {
	// Dev relaxes the list checks so demo accounts keep working locally;
	// the length bounds hold in every mode.
	Dev bool
	// Banned are further refused passwords: the demo accounts' ones.
	Banned []string
}

// IsCommon reports whether pw is a listed password, or a listed word with
// digits and symbols around it, or its leetspeak spelling.
func IsCommon(pw string) bool {
	l := strings.ToLower(strings.TrimSpace(pw))
	if commonWords[l] {
		return true
	}
	core := strings.Trim(l, decoration)
	if len(core) >= 3 && (commonWords[core] || commonWords[deleet.Replace(core)]) {
		return true
	}
	return commonWords[deleet.Replace(l)]
}

// Check returns a ValidationError on field when pw is not acceptable for the
// account nip. Messages are in Bahasa Indonesia, shown next to the field.
func (p PasswordPolicy) Check(field, pw, nip string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < PasswordMin:
		return apperr.Invalid(field, "Kata sandi minimal 8 karakter. Frasa beberapa kata lebih mudah diingat dan lebih kuat.")
	case n > PasswordMax:
		return apperr.Invalid(field, "Kata sandi maksimal 128 karakter.")
	case !utf8.ValidString(pw):
		return apperr.Invalid(field, "Kata sandi mengandung karakter yang tidak sah.")
	}
	if p.Dev {
		return nil
	}
	for _, b := range p.Banned {
		if strings.EqualFold(pw, b) {
			return apperr.Invalid(field, "Kata sandi ini adalah kata sandi demo yang diketahui umum. Pilih kata sandi lain.")
		}
	}
	if IsCommon(pw) {
		return apperr.Invalid(field, "Kata sandi ini terlalu umum dan mudah ditebak. Pilih kata sandi lain.")
	}
	if nip != "" && strings.Contains(pw, nip) {
		return apperr.Invalid(field, "Kata sandi tidak boleh memuat NIP Anda.")
	}
	if strings.Count(pw, string([]rune(pw)[0])) == n {
		return apperr.Invalid(field, "Kata sandi tidak boleh satu karakter yang diulang.")
	}
	return nil
}
