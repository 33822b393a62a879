package tpp

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/apperr"
)

func TestMulDivRound(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		amount, n, d int64
		want         int64
		wantErr      error
	}{
		{"half rounds up", 5, 1, 2, 3, nil},
		{"exact", 4, 1, 2, 2, nil},
		{"3,5 rounds up", 7, 1, 2, 4, nil},
		{"below half rounds down", 1, 1, 3, 0, nil},
		{"above half rounds up", 2, 1, 3, 1, nil},
		{"0,4999 rounds down", 4999, 1, 10000, 0, nil},
		{"0,5 of a rupiah in bp rounds up", 1, 5000, 10000, 1, nil},
		{"TL1 0,5% of Rp 2.000.100 is 10.000,5", 2_000_100, 50, 10000, 10_001, nil},
		{"TL1 0,5% of Rp 2.000.099 is 10.000,495", 2_000_099, 50, 10000, 10_000, nil},
		{"negative amount half away from zero", -5, 1, 2, -3, nil},
		{"negative numerator", 5, -1, 2, -3, nil},
		{"negative denominator", 5, 1, -2, -3, nil},
		{"two negatives", -5, -1, 2, 3, nil},
		{"zero amount", 0, 7, 3, 0, nil},
		{"indeks on Rp 1 triliun", MaxAmount, 59_112_978, 100_000_000, 591_129_780_000, nil},
		{"128-bit intermediate", MaxAmount, math.MaxInt64, math.MaxInt64, MaxAmount, nil},
		{"largest result", math.MaxInt64, 1, 1, math.MaxInt64, nil},
		{"overflow", math.MaxInt64, 2, 1, 0, ErrOverflow},
		{"overflow after division", math.MaxInt64, 3, 2, 0, ErrOverflow},
		{"overflow by rounding up", 6148914691236517205, 3, 2, 0, ErrOverflow},
		{"largest rounded result", 6148914691236517205, 3, 2 * 3, 3074457345618258603, nil},
		{"min int treated as overflow", math.MinInt64, 1, 1, 0, ErrOverflow},
		{"division by zero", 1, 1, 0, 0, ErrDivisionByZero},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := MulDivRound(tt.amount, tt.n, tt.d)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("MulDivRound(%d, %d, %d) = %d, want %d", tt.amount, tt.n, tt.d, got, tt.want)
			}
		})
	}
}

// TestMulDivRoundMatchesBigRat checks the 128-bit path against math/big on random operands.
func TestMulDivRoundMatchesBigRat(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	half := big.NewRat(1, 2)
	for range 20000 {
		a := r.Int64N(2*MaxAmount) - MaxAmount
		n := r.Int64N(200_000_000) - 100_000_000
		d := r.Int64N(100_000_000) + 1
		got, err := MulDivRound(a, n, d)
		if err != nil {
			t.Fatalf("MulDivRound(%d, %d, %d): %v", a, n, d, err)
		}
		x := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(a), big.NewInt(n)), big.NewInt(d))
		neg := x.Sign() < 0
		x.Abs(x).Add(x, half)
		want := new(big.Int).Quo(x.Num(), x.Denom()) // floor of |x| + 1/2
		if neg {
			want.Neg(want)
		}
		if want.Int64() != got {
			t.Fatalf("MulDivRound(%d, %d, %d) = %d, want %d", a, n, d, got, want)
		}
	}
}

func TestRupiahString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   Rupiah
		want string
	}{
		{0, "Rp 0"},
		{1, "Rp 1"},
		{999, "Rp 999"},
		{1000, "Rp 1.000"},
		{49_000, "Rp 49.000"},
		{123_456, "Rp 123.456"},
		{4_606_000, "Rp 4.606.000"},
		{12_000_000, "Rp 12.000.000"},
		{-1, "-Rp 1"},
		{-123, "-Rp 123"},
		{-5000, "-Rp 5.000"},
		{-123_456, "-Rp 123.456"},
		{math.MaxInt64, "Rp 9.223.372.036.854.775.807"},
		{math.MinInt64 + 1, "-Rp 9.223.372.036.854.775.807"},
		{math.MinInt64, "-Rp 9.223.372.036.854.775.808"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("Rupiah(%d).String() = %q, want %q", int64(tt.in), got, tt.want)
		}
		if got := fmt.Sprint(tt.in); got != tt.want {
			t.Errorf("Sprint(Rupiah(%d)) = %q, want %q", int64(tt.in), got, tt.want)
		}
	}
}

func TestFormatNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   int64
		want string
	}{
		{0, "0"},
		{7, "7"},
		{123, "123"},
		{-123, "-123"}, // once printed "-.123"
		{1000, "1.000"},
		{-1000, "-1.000"},
		{6750, "6.750"},
		{-123_456, "-123.456"},
		{1_234_567, "1.234.567"},
		{math.MaxInt64, "9.223.372.036.854.775.807"},
		{math.MinInt64, "-9.223.372.036.854.775.808"},
	}
	for _, tt := range tests {
		if got := FormatNumber(tt.in); got != tt.want {
			t.Errorf("FormatNumber(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatPercent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   BasisPoints
		want string
	}{
		{0, "0%"},
		{300, "3%"},
		{50, "0,5%"},
		{125, "1,25%"},
		{5, "0,05%"},
		{10000, "100%"},
		{8889, "88,89%"},
		{100000, "1.000%"},
		{-50, "-0,5%"},
	}
	for _, tt := range tests {
		if got := FormatPercent(tt.in); got != tt.want {
			t.Errorf("FormatPercent(%d) = %q, want %q", tt.in, got, tt.want)
		}
		if got := tt.in.String(); got != tt.want {
			t.Errorf("BasisPoints(%d).String() = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRatio(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Ratio
		str     string
		text    string
		wantErr bool
	}{
		{in: "0,59112978", want: Ratio{59112978, 100000000}, str: "0,59112978", text: "0.59112978"},
		{in: "0.59112978", want: Ratio{59112978, 100000000}, str: "0,59112978", text: "0.59112978"},
		{in: " 1 ", want: Ratio{1, 1}, str: "1", text: "1"},
		{in: "0,50", want: Ratio{50, 100}, str: "0,5", text: "0.5"},
		{in: "2,05", want: Ratio{205, 100}, str: "2,05", text: "2.05"},
		{in: "1/3", want: Ratio{1, 3}, str: "1/3", text: "1/3"},
		{in: "", wantErr: true},
		{in: "abc", wantErr: true},
		{in: "-0,5", wantErr: true},
		{in: "1.000,5", wantErr: true},
		{in: "1/0", wantErr: true},
		{in: ",5", wantErr: true},
		{in: "0,1234567890123456789", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseRatio(tt.in)
		if tt.wantErr {
			if err == nil {
				t.Errorf("ParseRatio(%q) = %v, want error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseRatio(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			continue
		}
		if s := got.String(); s != tt.str {
			t.Errorf("%v.String() = %q, want %q", got, s, tt.str)
		}
		b, err := got.MarshalText()
		if err != nil || string(b) != tt.text {
			t.Errorf("%v.MarshalText() = %q, %v; want %q", got, b, err, tt.text)
		}
	}

	var r struct {
		I Ratio `json:"i"`
	}
	if err := json.Unmarshal([]byte(`{"i":"0.59112978"}`), &r); err != nil || r.I != (Ratio{59112978, 100000000}) {
		t.Errorf("json ratio = %v, %v", r.I, err)
	}
	if v, _ := (Ratio{59112978, 100000000}).Of(5_079_200); v != 3_002_466 {
		t.Errorf("indeks of Rp 5.079.200 = %d, want 3.002.466", v)
	}
}

func TestPeriod(t *testing.T) {
	t.Parallel()
	if d := (Period{2024, 2}).Days(); d != 29 {
		t.Errorf("Februari 2024 has %d days, want 29", d)
	}
	if d := (Period{2026, 2}).Days(); d != 28 {
		t.Errorf("Februari 2026 has %d days, want 28", d)
	}
	if d := (Period{2026, 12}).Days(); d != 31 {
		t.Errorf("Desember 2026 has %d days, want 31", d)
	}
	if s := (Period{2026, 11}).String(); s != "November 2026" {
		t.Errorf("String = %q", s)
	}
	p, err := ParsePeriod("2026-11")
	if err != nil || p != (Period{2026, 11}) {
		t.Errorf("ParsePeriod = %v, %v", p, err)
	}
	for _, bad := range []string{"2026-13", "2026-00", "26-11", "2026/11", "1999-01", "abcd-ef"} {
		if _, err := ParsePeriod(bad); err == nil {
			t.Errorf("ParsePeriod(%q) succeeded", bad)
		}
	}
	for _, bad := range []string{"2026-13", " 2026-1", ""} {
		_, err := ParsePeriod(bad)
		var ve *apperr.ValidationError
		if !errors.As(err, &ve) || ve.Fields["bulan"] != PeriodMessage {
			t.Errorf("ParsePeriod(%q) error = %v, want the one month message on field bulan", bad, err)
		}
	}
	if p, err := ParsePeriod(" 2026-01 "); err != nil || p != (Period{2026, 1}) {
		t.Errorf("ParsePeriod with spaces = %v, %v", p, err)
	}
	if got := (Period{2026, 1}).Prev(); got != (Period{2025, 12}) {
		t.Errorf("Prev = %v", got)
	}
	if got := (Period{2026, 12}).Next(); got != (Period{2027, 1}) {
		t.Errorf("Next = %v", got)
	}
	if got := (Period{2026, 3}).Param(); got != "2026-03" || (Period{}).Param() != "" {
		t.Errorf("Param = %q", got)
	}
	if got := (Period{2026, 3}).First(); !got.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)) || PeriodOf(got) != (Period{2026, 3}) {
		t.Errorf("First = %v", got)
	}
	if !(Period{2025, 12}).Before(Period{2026, 1}) || (Period{2026, 1}).Before(Period{2026, 1}) {
		t.Error("Before is wrong")
	}
	b, err := json.Marshal(Period{2026, 1})
	if err != nil || string(b) != `"2026-01"` {
		t.Errorf("json = %s, %v", b, err)
	}
}
