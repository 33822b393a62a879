package web

import (
	"errors"
	"strconv"
	"strings"
)

var errNumber = errors.New("bukan angka")

// parsePercent reads a percentage as people type it ("3", "0,5", "1,25%",
// "1.25") into basis points (1% = 100). At most two decimals.
func parsePercent(s string) (int64, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	whole, frac, _ := strings.Cut(strings.Replace(s, ",", ".", 1), ".")
	if whole == "" || len(whole) > 6 || len(frac) > 2 || !digits(whole) || !digits(frac) {
		return 0, errNumber
	}
	frac += strings.Repeat("0", 2-len(frac))
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt(frac, 10, 64)
	return w*100 + f, nil
}

// formatPercentInput writes basis points back the way parsePercent reads them.
func formatPercentInput(bp int64) string {
	s := strconv.FormatInt(bp/100, 10)
	if f := bp % 100; f != 0 {
		s += "," + strings.TrimRight(strconv.FormatInt(100+f, 10)[1:], "0")
	}
	return s
}

// parseRupiah reads an amount in whole rupiah as people type it: "5.000.000",
// "Rp 5.000.000", "5000000". Dots (and spaces) group thousands; a decimal
// part is refused, since money is whole rupiah.
func parseRupiah(s string) (int64, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(s, "Rp"), "."))
	s = strings.NewReplacer(".", "", " ", "").Replace(s)
	if s == "" || len(s) > 15 || !digits(s) {
		return 0, errNumber
	}
	return strconv.ParseInt(s, 10, 64)
}

// parseCount reads a whole non-negative number, allowing thousands dots.
func parseCount(s string) (int64, error) { return parseRupiah(s) }

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
