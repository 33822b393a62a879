package tpp

import (
	"fmt"

	"github.com/ekinerja/ekinerja/internal/apperr"
)

// SpecialKind is a payment of TPP beyond the monthly one (SPEC 4a): the TPP
// paid with the THR or with the thirteenth salary (gaji ketiga belas).
type SpecialKind string

// The special payments.
const (
	// SpecialTHR is the TPP paid with the THR (tunjangan hari raya).
	SpecialTHR SpecialKind = "thr"
	// SpecialGaji13 is the TPP paid with the thirteenth salary.
	SpecialGaji13 SpecialKind = "gaji13"
)

// Valid reports whether k is a known special payment.
func (k SpecialKind) Valid() bool { return k == SpecialTHR || k == SpecialGaji13 }

// Label names the payment as people read it.
func (k SpecialKind) Label() string {
	switch k {
	case SpecialTHR:
		return "THR"
	case SpecialGaji13:
		return "Gaji ketiga belas"
	}
	return string(k)
}

// Special makes Calculate compute a THR or gaji-13 TPP from the basis
// month's input: Rate (at most one month, 100%) of the basis month's TPP
// dasar, or of its TPP kotor after the month's deductions when
// WithDeductions. PPh 21 applies at the golongan's rate; BPJS Kesehatan is
// a monthly contribution and is not taken from it.
type Special struct {
	Kind SpecialKind `json:"kind"`
	Year int         `json:"year"`
	Rate BasisPoints `json:"rate"`
	// WithDeductions carries the basis month's deductions (produktivitas,
	// disiplin, hukdis) over into the payment.
	WithDeductions bool `json:"with_deductions"`
	// Decision names the regulation or decree the payment follows.
	Decision string `json:"decision,omitempty"`
}

// Adjustment is a difference of an earlier, paid month settled in this
// month (SPEC 4a): a kekurangan bayar (Amount > 0, added) or what is still
// open of a kelebihan bayar (Amount < 0, deducted as far as the month's net
// allows; the rest carries forward).
type Adjustment struct {
	// ID is the difference's record (tpp_selisih), so what was settled can be traced.
	ID     int64  `json:"id"`
	Period Period `json:"period"`
	Amount int64  `json:"amount"`
	// Cause says what changed after the month was paid.
	Cause string `json:"cause"`
}

// Applied is how much of an Adjustment a month settled (signed like Amount).
type Applied struct {
	ID     int64 `json:"id"`
	Amount int64 `json:"amount"`
}

// Code lines of special payments and adjustments.
const (
	// CodeSpecialBasis is the basis month's amount a special payment is a share of.
	CodeSpecialBasis = "DASAR_KHUSUS"
	// CodeSpecial is the special payment.
	CodeSpecial = "TPP_KHUSUS"
	// CodeKekurangan is a kekurangan bayar of an earlier month, added.
	CodeKekurangan = "KEKURANGAN_BAYAR"
	// CodeKelebihan is a kelebihan bayar of an earlier month, deducted.
	CodeKelebihan = "KELEBIHAN_BAYAR"
)

func (sp *Special) validate(ve *apperr.ValidationError) {
	if !sp.Kind.Valid() {
		ve.Add("special.kind", "jenis pembayaran harus thr atau gaji13")
	}
	if sp.Rate < 0 || sp.Rate > Whole {
		ve.Add("special.rate", "persentase harus antara 0% dan 100% (paling banyak satu bulan TPP)")
	}
	if sp.Year < 2000 || sp.Year > 9999 {
		ve.Add("special.year", "tahun wajib diisi")
	}
}

func validateAdjustments(ve *apperr.ValidationError, as []Adjustment) {
	for i, a := range as {
		if a.Amount == 0 || a.Amount > MaxAmount || a.Amount < -MaxAmount {
			ve.Add(fmt.Sprintf("adjustments[%d].amount", i), "selisih harus bukan nol dan paling banyak "+Rupiah(MaxAmount).String())
		}
		if !a.Period.Valid() {
			ve.Add(fmt.Sprintf("adjustments[%d].period", i), "bulan selisih wajib diisi")
		}
	}
}

// special replaces the month's result by the special payment computed from it.
func (c *calc) special() {
	sp, in, month := c.in.Special, c.in, c.res
	basis, what := month.Base, "TPP dasar bulan "+in.Period.String()+"; potongan bulan itu tidak diperhitungkan"
	if sp.WithDeductions {
		basis, what = month.Gross, "TPP kotor bulan "+in.Period.String()+" setelah potongan bulan itu"
	}
	r := Result{NIP: month.NIP, Name: month.Name, Period: month.Period, RuleSetName: month.RuleSetName,
		RuleSetVersion: month.RuleSetVersion, Base: month.Base, Lines: make([]Line, 0, 8)}
	c.res = r
	title := fmt.Sprintf("TPP %s %d", sp.Kind.Label(), sp.Year)
	if sp.Kind == SpecialGaji13 {
		title = fmt.Sprintf("TPP gaji ketiga belas %d", sp.Year)
	}
	for _, l := range month.Lines {
		if l.Code == CodeBase || (sp.WithDeductions && l.Code == CodeGross) {
			l.Kind = KindInfo
			l.Label += " bulan dasar (" + in.Period.String() + ")"
			c.add(l)
		}
	}
	c.res.Gross = c.pct(basis, sp.Rate)
	reason := fmt.Sprintf("%s x %s (%s)", FormatPercent(sp.Rate), Rupiah(basis).String(), what)
	if sp.Decision != "" {
		reason += "; " + sp.Decision
	}
	c.add(Line{Code: CodeSpecial, Kind: KindAdd, Label: title, Reason: reason, Rate: sp.Rate, Basis: basis, Amount: c.res.Gross})
	c.add(Line{Code: CodeGross, Kind: KindTotal, Label: "Jumlah kotor", Reason: title, Amount: c.res.Gross})
	c.tax()
	c.add(Line{Code: CodeBPJS, Kind: KindInfo, Label: "Iuran BPJS Kesehatan",
		Reason: "Iuran BPJS Kesehatan adalah iuran bulanan; tidak dipotong dari " + title, Amount: 0})
	c.res.Net = c.res.Gross
	reason = Rupiah(c.res.Gross).String()
	if c.res.PPh21Withheld {
		c.res.Net -= c.res.PPh21
		reason += " - PPh 21 " + Rupiah(c.res.PPh21).String()
	}
	c.add(Line{Code: CodeNet, Kind: KindTotal, Label: "Bersih diterima", Reason: reason, Amount: c.res.Net})
}

// tax adds the PPh 21 line on c.res.Gross at the golongan's rate.
func (c *calc) tax() {
	rs, in, r := c.rs, c.in, &c.res
	g, _ := parseGolongan(rs, in.Status, in.Golongan)
	rate := rs.PPh21.rate(g.group)
	r.PPh21 = c.pct(r.Gross, rate)
	r.PPh21Withheld = !rs.PPh21.BorneByBudget
	gol := "golongan " + g.text
	if in.Status == StatusPPPK {
		gol = fmt.Sprintf("PPPK golongan %s (setara golongan %s)", g.text, roman(g.group))
	}
	t := Line{
		Code: CodePPh21, Kind: KindDeduct, Label: "PPh 21",
		Reason: fmt.Sprintf("PPh 21 %s: %s x %s", gol, FormatPercent(rate), Rupiah(r.Gross).String()),
		Rate:   rate, Basis: r.Gross, Amount: r.PPh21,
	}
	if !r.PPh21Withheld {
		t.Kind = KindInfo
		t.Label = "PPh 21 ditanggung pemerintah daerah"
		t.Reason += "; ditanggung anggaran pemerintah daerah, tidak dipotong dari TPP"
	}
	c.add(t)
}

// adjust settles the month's differences against its net: every kekurangan
// is added, then each kelebihan is deducted as far as the net allows (never
// below zero); what a kelebihan cannot take this month stays open.
func (c *calc) adjust() {
	r := &c.res
	if len(c.in.Adjustments) == 0 {
		return
	}
	// The net line is last; the adjustments come after it, then a new net.
	before := r.Net
	net := before
	var parts []string
	for _, a := range c.in.Adjustments {
		if a.Amount > 0 {
			net += a.Amount
			r.Applied = append(r.Applied, Applied{ID: a.ID, Amount: a.Amount})
			c.add(Line{Code: CodeKekurangan, Kind: KindAdd, Label: "Kekurangan bayar TPP " + a.Period.String(),
				Reason: a.Cause, Amount: a.Amount})
			parts = append(parts, "+ "+Rupiah(a.Amount).String())
		}
	}
	for _, a := range c.in.Adjustments {
		if a.Amount >= 0 {
			continue
		}
		open := -a.Amount
		take := min(open, net)
		net -= take
		reason := a.Cause
		if take < open {
			reason += fmt.Sprintf("; dipotong %s dari %s, sisa %s dipotong bulan berikutnya (TPP bersih tidak boleh negatif)",
				Rupiah(take).String(), Rupiah(open).String(), Rupiah(open-take).String())
		}
		if take > 0 {
			r.Applied = append(r.Applied, Applied{ID: a.ID, Amount: -take})
		}
		c.add(Line{Code: CodeKelebihan, Kind: KindDeduct, Label: "Kelebihan bayar TPP " + a.Period.String(),
			Reason: reason, Amount: take})
		parts = append(parts, "- "+Rupiah(take).String())
	}
	r.Adjustment = net - before
	r.Net = net
	reason := Rupiah(before).String()
	for _, p := range parts {
		reason += " " + p
	}
	c.add(Line{Code: CodeNet, Kind: KindTotal, Label: "TPP bersih diterima setelah selisih", Reason: reason, Amount: r.Net})
}
