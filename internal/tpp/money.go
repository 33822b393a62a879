// Package tpp computes the monthly performance allowance (Tambahan Penghasilan
// Pegawai) of one employee from a rule set and plain input data. It is pure:
// no database, no clock, no I/O, only the standard library (and apperr for
// its ValidationError), so every rupiah it produces can be reproduced and
// reasoned about from its inputs alone.
//
// Money is int64 whole rupiah. Percentages are BasisPoints (10000 = 100%) or,
// where the regulation uses more decimals (the Indeks TPP 0,59112978), an exact
// Ratio. Every product is computed exactly in 128 bits and rounded half-up to
// whole rupiah once per line by MulDivRound.
package tpp

import (
	"errors"
	"math"
	"math/bits"
	"strconv"
	"strings"
)

// MaxAmount is the largest rupiah amount a rule set or input may hold (Rp 1 triliun).
const MaxAmount int64 = 1_000_000_000_000

// ErrOverflow reports a product whose rounded result does not fit in int64.
var ErrOverflow = errors.New("tpp: hasil perhitungan melampaui batas")

// ErrDivisionByZero reports a ratio with a zero denominator.
var ErrDivisionByZero = errors.New("tpp: pembagian dengan nol")

// MulDivRound returns amount*num/den rounded half-up to a whole number, exactly.
// The product is held in 128 bits, so amount up to MaxAmount times any int64
// numerator cannot overflow before the division. Negative results round half
// away from zero (the mirror image of half-up), so MulDivRound(-x) == -MulDivRound(x).
func MulDivRound(amount, num, den int64) (int64, error) {
	if den == 0 {
		return 0, ErrDivisionByZero
	}
	if amount == 0 || num == 0 {
		return 0, nil
	}
	neg := (amount < 0) != (num < 0) != (den < 0)
	a, n, d := absU(amount), absU(num), absU(den)
	hi, lo := bits.Mul64(a, n)
	if hi >= d {
		// The quotient needs more than 64 bits.
		return 0, ErrOverflow
	}
	q, r := bits.Div64(hi, lo, d)
	if q > math.MaxInt64 {
		return 0, ErrOverflow
	}
	// 2r >= d, written so that 2r cannot overflow.
	if r >= d-r {
		q++
	}
	if q > math.MaxInt64 {
		return 0, ErrOverflow
	}
	if neg {
		return -int64(q), nil
	}
	return int64(q), nil
}

func absU(x int64) uint64 {
	if x < 0 {
		return uint64(-x) // wraps correctly for math.MinInt64
	}
	return uint64(x)
}

// BasisPoints is an exact percentage in hundredths of a percent: 10000 is 100%, 50 is 0,5%.
type BasisPoints int64

// Whole is 100% in basis points.
const Whole BasisPoints = 10000

// Ratio returns b as the exact fraction b/10000.
func (b BasisPoints) Ratio() Ratio { return Ratio{Num: int64(b), Den: int64(Whole)} }

// String formats b the Indonesian way, e.g. "1,25%".
func (b BasisPoints) String() string { return FormatPercent(b) }

// Ratio is an exact non-negative fraction Num/Den, used where basis points are
// too coarse (the Indeks TPP has eight decimals). Its text form is a decimal
// ("0.59112978") when Den is a power of ten, else "Num/Den".
type Ratio struct {
	Num int64
	Den int64
}

// Valid reports whether r has a positive denominator and a non-negative numerator.
func (r Ratio) Valid() bool { return r.Den > 0 && r.Num >= 0 }

// Of returns amount*r rounded half-up to whole rupiah.
func (r Ratio) Of(amount int64) (int64, error) { return MulDivRound(amount, r.Num, r.Den) }

// String formats r for people with a decimal comma, e.g. "0,59112978".
func (r Ratio) String() string { return r.format(",") }

// MarshalText writes r as a decimal with a point ("0.59112978") or as "Num/Den".
func (r Ratio) MarshalText() ([]byte, error) {
	if !r.Valid() {
		return nil, errors.New("tpp: rasio tidak valid")
	}
	return []byte(r.format(".")), nil
}

// UnmarshalText reads the forms ParseRatio accepts.
func (r *Ratio) UnmarshalText(b []byte) error {
	v, err := ParseRatio(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

func (r Ratio) format(sep string) string {
	if r.Den <= 0 {
		return strconv.FormatInt(r.Num, 10) + "/" + strconv.FormatInt(r.Den, 10)
	}
	digits := 0
	for d := r.Den; d > 1; d /= 10 {
		if d%10 != 0 {
			return strconv.FormatInt(r.Num, 10) + "/" + strconv.FormatInt(r.Den, 10)
		}
		digits++
	}
	sign := ""
	n := absU(r.Num)
	if r.Num < 0 {
		sign = "-"
	}
	ip, fp := n/uint64(r.Den), n%uint64(r.Den)
	s := sign + strconv.FormatUint(ip, 10)
	if fp == 0 {
		return s
	}
	frac := strconv.FormatUint(fp, 10)
	frac = strings.Repeat("0", digits-len(frac)) + frac
	return s + sep + strings.TrimRight(frac, "0")
}

// ParseRatio reads a non-negative decimal ("0,59112978" or "0.59112978", no
// thousands separators) or a fraction ("1/3") into an exact Ratio.
func ParseRatio(s string) (Ratio, error) {
	bad := errors.New("tpp: bilangan tidak valid: " + strconv.Quote(s))
	s = strings.TrimSpace(s)
	if num, den, ok := strings.Cut(s, "/"); ok {
		n, err1 := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
		d, err2 := strconv.ParseInt(strings.TrimSpace(den), 10, 64)
		if err1 != nil || err2 != nil || n < 0 || d <= 0 {
			return Ratio{}, bad
		}
		return Ratio{Num: n, Den: d}, nil
	}
	s = strings.Replace(s, ",", ".", 1)
	ip, fp, _ := strings.Cut(s, ".")
	if ip == "" || !allDigits(ip) || !allDigits(fp) || len(fp) > 18 {
		return Ratio{}, bad
	}
	den := int64(1)
	for range len(fp) {
		den *= 10
	}
	n, err := strconv.ParseInt(ip+fp, 10, 64)
	if err != nil {
		return Ratio{}, bad
	}
	return Ratio{Num: n, Den: den}, nil
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Rupiah is an amount of money in whole rupiah. Its String method is the one
// way the application writes an amount for people (pages, slips, exports,
// messages): there is no other rupiah formatter.
type Rupiah int64

// String writes r as Indonesians do: "Rp 4.606.000", "Rp 0", "-Rp 5.000";
// math.MinInt64 too ("-Rp 9.223.372.036.854.775.808").
func (r Rupiah) String() string {
	s := "Rp " + groupThousands(absU(int64(r)))
	if r < 0 {
		return "-" + s
	}
	return s
}

// FormatPercent formats basis points with a decimal comma and no trailing
// zeros: 300 -> "3%", 50 -> "0,5%", 125 -> "1,25%".
func FormatPercent(b BasisPoints) string {
	u := absU(int64(b))
	s := groupThousands(u / 100)
	switch frac := u % 100; {
	case frac == 0:
	case frac%10 == 0:
		s += "," + strconv.FormatUint(frac/10, 10)
	default:
		s += "," + strconv.FormatUint(frac/10, 10) + strconv.FormatUint(frac%10, 10)
	}
	if b < 0 {
		s = "-" + s
	}
	return s + "%"
}

// FormatNumber writes a count with dots as thousands separators:
// 6750 -> "6.750", -1234 -> "-1.234", -123 -> "-123".
func FormatNumber(n int64) string {
	if n < 0 {
		return "-" + groupThousands(absU(n))
	}
	return groupThousands(uint64(n))
}

func groupThousands(u uint64) string {
	s := strconv.FormatUint(u, 10)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	head := len(s) % 3
	if head > 0 {
		b.WriteString(s[:head])
	}
	for i := head; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}
