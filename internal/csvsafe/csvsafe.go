// Package csvsafe holds the one rule against spreadsheet formula injection
// (CWE-1236) for every file the application reads or writes that a person
// may open in a spreadsheet: the employee/position/unit import (org), the
// fingerprint import (attendance) and the bank CSV and daftar nominatif
// exports (tpp/claim).
package csvsafe

import "strings"

// formulaLead are the characters that make a spreadsheet run a cell as a
// formula (OWASP's list: = + - @ TAB CR).
const formulaLead = "=+-@\t\r"

// IsFormula reports whether a spreadsheet would run cell s as a formula: its
// first character after leading spaces is one of = + - @ TAB CR. A lone "-"
// (after spaces), the usual "no value" mark of fingerprint exports, is text
// to a spreadsheet and is not a formula. Inputs refuse such a cell (never
// silently change it); outputs write it through Neutralise.
func IsFormula[T string | []byte](s T) bool {
	i := 0
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i == len(s) || strings.IndexByte(formulaLead, s[i]) < 0 {
		return false
	}
	lone := s[i] == '-'
	for j := i + 1; j < len(s) && lone; j++ {
		lone = s[j] == ' '
	}
	return !lone
}

// Neutralise makes a cell a spreadsheet would run as a formula plain text,
// with the OWASP-recommended leading apostrophe, so data stored before the
// input rule (or that came another way) never runs in the finance office's
// spreadsheet. Any other cell is returned unchanged.
func Neutralise(s string) string {
	if IsFormula(s) {
		return "'" + s
	}
	return s
}
