package auth

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"io"
	"strings"
	"sync"
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

// The larger lists (passwords/README.md: sources and licences), gzip-compressed:
// 49,233 breached passwords and 11,535 Indonesian given names and common words.
//
//go:embed passwords/breached.txt.gz
var breachedGz []byte

//go:embed passwords/indonesia.txt.gz
var indonesiaGz []byte

// commonWords is every embedded list, lower-cased, built on first use (a
// few milliseconds; commands that never check a password never pay it).
var commonWords = sync.OnceValue(func() map[string]bool {
	m := make(map[string]bool, 64000)
	add := func(text string) {
		for _, l := range strings.Split(text, "\n") {
			l = strings.ToLower(strings.TrimSpace(l))
			if l != "" && !strings.HasPrefix(l, "#") {
				m[l] = true
			}
		}
	}
	add(commonPasswordsTxt)
	for _, gz := range [][]byte{breachedGz, indonesiaGz} {
		add(gunzip(gz))
	}
	return m
})

// gunzip reads an embedded list; a corrupt one is a build defect.
func gunzip(b []byte) string {
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		panic("auth: embedded password list: " + err.Error())
	}
	out, err := io.ReadAll(r)
	if err != nil {
		panic("auth: embedded password list: " + err.Error())
	}
	return string(out)
}

// CommonPasswordCount is how many listed passwords the policy knows (for
// tests and SECURITY.md); decorated variants are refused on top of these.
func CommonPasswordCount() int { return len(commonWords()) }

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
	words := commonWords()
	l := strings.ToLower(strings.TrimSpace(pw))
	if words[l] {
		return true
	}
	core := strings.Trim(l, decoration)
	if len(core) >= 3 && (words[core] || words[deleet.Replace(core)]) {
		return true
	}
	return words[deleet.Replace(l)]
}

// Check returns a ValidationError on field when pw is not acceptable for the
// account nip. Messages are in Bahasa Indonesia, shown next to the field.
func (p PasswordPolicy) Check(field, pw, nip string) error {
	return p.CheckFor(field, pw, nip, "")
}

// CheckFor is Check knowing the person's name as well: outside dev mode it
// also refuses repetition ("Aaaaaaaa", "abcabcabc"), keyboard and
// alphabet walks ("Asdfghjk", "qwerty123") and passwords that are little
// more than the person's name and parts of their NIP (birth date and year,
// appointment year): "Maya1985!".
func (p PasswordPolicy) CheckFor(field, pw, nip, nama string) error {
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
	if strings.Count(pw, string([]rune(pw)[0])) == n || isRepetition(pw) {
		return apperr.Invalid(field, "Kata sandi tidak boleh berupa karakter atau pola yang diulang.")
	}
	if isKeyboardWalk(pw) {
		return apperr.Invalid(field, "Kata sandi tidak boleh berupa urutan tombol atau huruf (qwerty, asdf, abcd, 1234).")
	}
	if isPersonal(pw, nip, nama) {
		return apperr.Invalid(field, "Kata sandi terlalu mirip nama atau NIP Anda (nama, tanggal atau tahun lahir). Pilih frasa lain.")
	}
	return nil
}

// isRepetition: few distinct characters, or one short pattern repeated.
func isRepetition(pw string) bool {
	r := []rune(strings.ToLower(pw))
	distinct := map[rune]bool{}
	for _, c := range r {
		distinct[c] = true
	}
	if len(distinct) <= 2 {
		return true
	}
	for k := 1; k <= 4 && k < len(r); k++ {
		periodic := true
		for i := k; i < len(r); i++ {
			if r[i] != r[i%k] {
				periodic = false
				break
			}
		}
		if periodic {
			return true
		}
	}
	return false
}

// walks are keyboard rows and sequences people type as a password.
var walks = []string{"qwertyuiop", "asdfghjkl", "zxcvbnm", "qazwsxedcrfvtgbyhnujmikolp", "1qaz2wsx3edc4rfv5tgb",
	"abcdefghijklmnopqrstuvwxyz", "01234567890", "1q2w3e4r5t6y7u8i9o0p", "!@#$%^&*()"}

// isKeyboardWalk: the password without decoration is a stretch of a walk
// (either direction), or a walk followed or preceded by digits.
func isKeyboardWalk(pw string) bool {
	l := strings.ToLower(strings.TrimSpace(pw))
	for _, core := range []string{l, strings.Trim(l, decoration), strings.TrimRight(l, "0123456789!@#$%^&*()_+-=.,?~ "), strings.TrimLeft(l, "0123456789!@#$%^&*()_+-=.,?~ ")} {
		if utf8.RuneCountInString(core) < 4 {
			continue
		}
		for _, w := range walks {
			if strings.Contains(w, core) || strings.Contains(reverse(w), core) {
				return true
			}
		}
	}
	return false
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

// isPersonal: once the person's name words (4 letters or more, also in
// leetspeak) and NIP parts are taken out, fewer than 4 letters are left.
func isPersonal(pw, nip, nama string) bool {
	l := deleet.Replace(strings.ToLower(pw))
	raw := strings.ToLower(pw)
	removed := false
	var parts []string
	for _, w := range strings.FieldsFunc(strings.ToLower(nama), func(r rune) bool { return !(r >= 'a' && r <= 'z') }) {
		if len(w) >= 4 {
			parts = append(parts, w)
		}
	}
	if len(nip) == 18 {
		// NIP: birth date YYYYMMDD, appointment YYYYMM, sex, number.
		y, m, d, tmt := nip[0:4], nip[4:6], nip[6:8], nip[8:12]
		parts = append(parts, nip[0:8], d+m+y, d+m+y[2:], y[2:]+m+d, y, tmt, nip[8:14])
	}
	for _, part := range parts {
		for _, s := range []*string{&l, &raw} {
			if strings.Contains(*s, part) {
				*s = strings.ReplaceAll(*s, part, " ")
				removed = true
			}
		}
	}
	if !removed {
		return false
	}
	letters := 0
	for _, c := range raw {
		if c >= 'a' && c <= 'z' {
			letters++
		}
	}
	lettersL := 0
	for _, c := range l {
		if c >= 'a' && c <= 'z' {
			lettersL++
		}
	}
	return min(letters, lettersL) < 4
}
