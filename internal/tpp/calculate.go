package tpp

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// LineKind says how a Line's Amount takes part in the sums. Every Amount is
// zero or positive; the sign lives in the Kind, so a view can show
// "- Rp 60.000" without guessing and totals never hide a negative number.
type LineKind string

// The line kinds.
const (
	// KindAdd is added into the next KindTotal line (a base component).
	KindAdd LineKind = "tambah"
	// KindDeduct is subtracted in the next KindTotal line (a deduction or withholding).
	KindDeduct LineKind = "kurang"
	// KindTotal is a computed amount: a share, a subtotal or a total.
	KindTotal LineKind = "jumlah"
	// KindInfo is shown for information and takes part in no sum
	// (the government's BPJS share, PPh 21 borne by the budget, leave that pays in full).
	KindInfo LineKind = "info"
)

// Line codes, stable for views, exports and tests, in the order lines appear.
// Band codes are built as CodeTL+"2" ("POT_TL2"); leave codes come from LeaveKind.Code.
const (
	// CodeJabatan is a position held in the month (one line per position).
	CodeJabatan = "JABATAN"
	// CodeKriteria is a position's extra criteria percentage.
	CodeKriteria = "KRITERIA"
	// CodePlt is what an acting assignment adds.
	CodePlt = "PLT"
	// CodeStatus is the part of the base not paid for the status (CPNS, PPPK, tugas belajar).
	CodeStatus = "STATUS"
	// CodeBase is the TPP dasar.
	CodeBase = "BASE"
	// CodeProduktivitasPagu is the produktivitas share of the base.
	CodeProduktivitasPagu = "PRODUKTIVITAS_PAGU"
	// CodeProduktivitas is the produktivitas share times its factor.
	CodeProduktivitas = "PRODUKTIVITAS"
	// CodeDisiplinPagu is the disiplin share of the base.
	CodeDisiplinPagu = "DISIPLIN_PAGU"
	// CodeTK is the deduction for days absent without leave.
	CodeTK = "POT_TK"
	// CodeTL prefixes the late-arrival deductions POT_TL1..POT_TL4.
	CodeTL = "POT_TL"
	// CodePSW prefixes the early-leave deductions POT_PSW1..POT_PSW4.
	CodePSW = "POT_PSW"
	// CodeMissingBoth is the deduction for days with no attendance record at all.
	CodeMissingBoth = "POT_TANPA_REKAM"
	// CodeDeductionCap gives back what the disiplin deductions took beyond the cap.
	CodeDeductionCap = "BATAS_POTONGAN"
	// CodeDisiplin is the disiplin share after deductions.
	CodeDisiplin = "DISIPLIN"
	// CodeHukdis is the disciplinary sanction's reduction.
	CodeHukdis = "HUKDIS"
	// CodeGross is the TPP before withholdings.
	CodeGross = "GROSS"
	// CodePPh21 is the income tax, withheld or borne by the budget.
	CodePPh21 = "PPH21"
	// CodeBPJS is the employee's BPJS Kesehatan contribution.
	CodeBPJS = "BPJS"
	// CodeBPJSGovernment is the government's BPJS Kesehatan contribution (information only).
	CodeBPJSGovernment = "BPJS_PEMDA"
	// CodeNet is the amount transferred.
	CodeNet = "NET"
)

// Line is one row of an employee's TPP breakdown, with the reason a person reads.
type Line struct {
	Code string   `json:"code"`
	Kind LineKind `json:"kind"`
	// Label names the line, e.g. "Potongan terlambat masuk TL2".
	Label string `json:"label"`
	// Reason shows the arithmetic, e.g. "Terlambat masuk 31-60 menit 2 kali x 1% x Rp 2.000.000".
	Reason string `json:"reason"`
	// Count is the days, occurrences or minutes the line is for, 0 when not a count.
	Count int64 `json:"count,omitempty"`
	// Rate is the percentage applied per count, 0 when none.
	Rate BasisPoints `json:"rate,omitempty"`
	// Basis is the amount Rate applies to, 0 when none.
	Basis int64 `json:"basis,omitempty"`
	// Amount is whole rupiah, never negative.
	Amount int64 `json:"amount"`
}

// Result is one employee-month's TPP: the itemised lines in order and the totals.
type Result struct {
	NIP            string `json:"nip"`
	Name           string `json:"name"`
	Period         Period `json:"period"`
	RuleSetName    string `json:"rule_set_name"`
	RuleSetVersion int    `json:"rule_set_version"`
	Lines          []Line `json:"lines"`

	// Base is the TPP dasar after positions, extra criteria, Plt and status factor.
	Base int64 `json:"base"`
	// ProduktivitasPagu and DisiplinPagu are the two shares of Base; they add up to Base.
	ProduktivitasPagu int64 `json:"produktivitas_pagu"`
	DisiplinPagu      int64 `json:"disiplin_pagu"`
	// Produktivitas is the produktivitas share times its factor.
	Produktivitas int64 `json:"produktivitas"`
	// DisiplinDeductions is what was taken from DisiplinPagu after the cap.
	DisiplinDeductions int64 `json:"disiplin_deductions"`
	// Disiplin is DisiplinPagu minus DisiplinDeductions.
	Disiplin int64 `json:"disiplin"`
	// Hukdis is what the disciplinary sanction took from produktivitas + disiplin.
	Hukdis int64 `json:"hukdis"`
	// Gross is Produktivitas + Disiplin - Hukdis.
	Gross int64 `json:"gross"`
	// PPh21 is the income tax on Gross, whoever bears it.
	PPh21 int64 `json:"pph21"`
	// PPh21Withheld is true when the employee bears the tax, so it is taken from Net.
	PPh21Withheld bool `json:"pph21_withheld"`
	// BPJS is the employee's BPJS Kesehatan contribution, withheld.
	BPJS int64 `json:"bpjs"`
	// BPJSGovernment is the government's BPJS Kesehatan contribution, shown and not withheld.
	BPJSGovernment int64 `json:"bpjs_government"`
	// Net is what is transferred to the employee.
	Net int64 `json:"net"`
	// Adjustment is what the month's differences (Input.Adjustments) changed
	// Net by; Applied says how much of each was settled.
	Adjustment int64     `json:"adjustment,omitempty"`
	Applied    []Applied `json:"applied,omitempty"`
}

// LineByCode returns the first line with code, and false when there is none.
func (r Result) LineByCode(code string) (Line, bool) {
	for _, l := range r.Lines {
		if l.Code == code {
			return l, true
		}
	}
	return Line{}, false
}

// Calculate computes one employee-month's TPP under rs.
//
// It returns an error wrapping ErrRuleSet (and a *apperr.ValidationError) when rs is
// invalid, a *apperr.ValidationError when in is, and ErrOverflow only if validation
// missed an impossible amount. The steps follow spec section 4; every line is
// rounded half-up to whole rupiah and computed from the rounded lines before it.
func Calculate(rs RuleSet, in Input) (Result, error) {
	k, err := NewCalculator(rs)
	if err != nil {
		return Result{}, err
	}
	return k.Calculate(in)
}

// Calculator is a rule set validated once, for computing many employees
// under it (a claim of 20,000 employees validates its rules once, not 20,000
// times). It is read-only after NewCalculator and safe for concurrent use.
type Calculator struct{ rs RuleSet }

// NewCalculator validates rs; the error wraps ErrRuleSet as Calculate's does.
func NewCalculator(rs RuleSet) (*Calculator, error) {
	if err := rs.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRuleSet, err)
	}
	return &Calculator{rs: rs}, nil
}

// Calculate computes one employee-month under the calculator's rules; it is
// Calculate(rs, in) without validating rs again.
func (k *Calculator) Calculate(in Input) (Result, error) {
	rs := k.rs // a copy: the steps below take its address
	if err := in.validate(&rs); err != nil {
		return Result{}, err
	}
	c := &calc{rs: &rs, in: &in}
	c.res = Result{
		NIP: in.NIP, Name: in.Name, Period: in.Period,
		RuleSetName: rs.Name, RuleSetVersion: rs.Version,
		Lines: make([]Line, 0, 16),
	}
	c.base()
	c.shares()
	c.hukdisGrossNet()
	if in.Special != nil {
		c.special()
	} else {
		c.adjust()
	}
	if c.err != nil {
		return Result{}, c.err
	}
	return c.res, nil
}

// calc carries one computation; err is sticky so the arithmetic reads straight.
type calc struct {
	rs  *RuleSet
	in  *Input
	res Result
	err error
}

// mul is MulDivRound with the error kept in c.
func (c *calc) mul(amount, num, den int64) int64 {
	v, err := MulDivRound(amount, num, den)
	if err != nil && c.err == nil {
		c.err = err
	}
	return v
}

// pct is amount x rate, rounded.
func (c *calc) pct(amount int64, rate BasisPoints) int64 {
	return c.mul(amount, int64(rate), int64(Whole))
}

func (c *calc) add(l Line) { c.res.Lines = append(c.res.Lines, l) }

// kelasAmount returns the base of kelas k and how it was found.
func (c *calc) kelasAmount(k int) (int64, string) {
	b := c.rs.Base
	v, err := b.KelasAmount(k)
	if err != nil && c.err == nil {
		c.err = err
	}
	if b.Mode == BaseModeIndeks {
		return v, fmt.Sprintf("%s (tukin acuan %s x indeks TPP %s)",
			Rupiah(v), Rupiah(b.Reference[k-1]), b.IndeksTPP)
	}
	return v, Rupiah(v).String()
}

// base is spec 4.1: positions held, extra criteria, Plt, status factor.
func (c *calc) base() {
	rs, in := c.rs, c.in
	dim := in.Period.Days()
	// Segments appear in calendar order whatever order the caller listed them.
	segs := slices.Clone(in.Segments)
	slices.SortFunc(segs, func(a, b Segment) int { return a.FromDay - b.FromDay })

	var sub int64 // the running base before the status factor
	for _, s := range segs {
		amt, how := c.kelasAmount(s.Kelas)
		l := Line{
			Code:   CodeJabatan,
			Kind:   KindAdd,
			Label:  withName("TPP jabatan kelas "+strconv.Itoa(s.Kelas), s.Jabatan),
			Reason: "Kelas jabatan " + strconv.Itoa(s.Kelas) + ": " + how,
			Amount: amt,
		}
		if d := s.Days(); d < dim {
			// Days in position over days in the month (calendar days).
			l.Count = int64(d)
			l.Basis = amt
			l.Amount = c.mul(amt, int64(d), int64(dim))
			l.Reason += fmt.Sprintf(" x %d/%d hari (tanggal %d-%d) = %s", d, dim, s.FromDay, s.ToDay, Rupiah(l.Amount))
		}
		c.add(l)
		sub += l.Amount
		if s.ExtraCriteria > 0 {
			k := c.pct(l.Amount, s.ExtraCriteria)
			c.add(Line{
				Code: CodeKriteria, Kind: KindAdd,
				Label:  fmt.Sprintf("Kriteria tambahan jabatan kelas %d", s.Kelas),
				Reason: fmt.Sprintf("Kondisi kerja, tempat bertugas atau kelangkaan profesi: %s x %s", FormatPercent(s.ExtraCriteria), Rupiah(l.Amount)),
				Rate:   s.ExtraCriteria, Basis: l.Amount, Amount: k,
			})
			sub += k
		}
	}

	if p := in.Plt; p != nil {
		sub += c.plt(p, sub)
	}

	factor, label, who := rs.Status.PNS, "Faktor status PNS", "PNS"
	switch {
	case in.TugasBelajar:
		factor, label, who = rs.Status.TugasBelajar, "Faktor tugas belajar", "Pegawai tugas belajar"
	case in.Status == StatusCPNS:
		factor, label, who = rs.Status.CPNS, "Faktor status CPNS", "CPNS"
	case in.Status == StatusPPPK:
		factor, label, who = rs.Status.PPPK, "Faktor status PPPK", "PPPK"
	}
	if factor != Whole {
		// Shown as a deduction of the unpaid part, like every other reduction.
		// The paid part is rounded (spec 4: round_half_up(base x factor)) and the
		// unpaid part is the remainder, so a ,5 tie never takes Rp 1 too much.
		cut := Whole - factor
		paid := c.pct(sub, factor)
		amt := sub - paid
		c.add(Line{
			Code: CodeStatus, Kind: KindDeduct,
			Label: label,
			Reason: fmt.Sprintf("%s dibayar %s x %s = %s: dikurangi bagian tidak dibayar %s - %s = %s", who,
				FormatPercent(factor), Rupiah(sub), Rupiah(paid), Rupiah(sub), Rupiah(paid), Rupiah(amt)),
			Rate: cut, Basis: sub, Amount: amt,
		})
		sub -= amt
	}
	c.res.Base = sub
	c.add(Line{Code: CodeBase, Kind: KindTotal, Label: "TPP dasar", Reason: c.sumSinceTotal(), Amount: sub})
}

// plt returns what an acting assignment adds to own (the base so far) and writes its line.
// It is not prorated by days: reaching the minimum working days already means
// the post was held for (nearly) the whole month. The status factor is applied
// after it, so it scales the Plt addition like the rest of the base.
func (c *calc) plt(p *Plt, own int64) int64 {
	rule := c.rs.Plt
	acting, how := c.kelasAmount(p.Kelas)
	if p.ExtraCriteria > 0 {
		extra := c.pct(acting, p.ExtraCriteria)
		how = fmt.Sprintf("%s + kriteria tambahan %s = %s", how, FormatPercent(p.ExtraCriteria), Rupiah(acting+extra))
		acting += extra
	}
	post := withName(fmt.Sprintf("kelas %d", p.Kelas), p.Jabatan)
	label := map[PltLevel]string{PltSetingkat: "Tambahan Plt jabatan setingkat", PltLebihTinggi: "Tambahan Plt jabatan lebih tinggi",
		PltLebihRendah: "Plt jabatan lebih rendah (tanpa tambahan)"}[p.Level]
	l := Line{Code: CodePlt, Kind: KindAdd, Label: label, Count: int64(p.WorkingDays)}
	switch {
	case p.WorkingDays < rule.MinWorkingDays:
		l.Reason = fmt.Sprintf("Plt %s selama %d hari kerja, kurang dari %d hari kerja: tidak ada tambahan", post, p.WorkingDays, rule.MinWorkingDays)
	case p.Level == PltLebihRendah:
		// Acting in a lower post pays nothing extra: the employee keeps own TPP.
		l.Basis = acting
		l.Reason = fmt.Sprintf("Plt jabatan lebih rendah %s selama %d hari kerja: tetap menerima TPP jabatan sendiri %s, tidak ada tambahan", post, p.WorkingDays, Rupiah(own))
	case p.Level == PltSetingkat:
		l.Rate, l.Basis = rule.EqualLevelShare, acting
		l.Amount = c.pct(acting, rule.EqualLevelShare)
		l.Reason = fmt.Sprintf("Plt jabatan setingkat %s selama %d hari kerja: %s x TPP jabatan Plt %s", post, p.WorkingDays, FormatPercent(rule.EqualLevelShare), how)
	case acting > own:
		// A higher post pays its own base instead; added as the difference so
		// the lines still sum to the base.
		l.Basis = acting
		l.Amount = acting - own
		l.Reason = fmt.Sprintf("Plt jabatan lebih tinggi %s selama %d hari kerja: menerima TPP jabatan Plt %s, tambahan selisih dari %s", post, p.WorkingDays, how, Rupiah(own))
	default:
		l.Basis = acting
		l.Reason = fmt.Sprintf("Plt jabatan lebih tinggi %s selama %d hari kerja: TPP jabatan Plt %s tidak lebih besar dari TPP jabatan sendiri %s, tidak ada tambahan", post, p.WorkingDays, how, Rupiah(own))
	}
	c.add(l)
	return l.Amount
}

// shares is spec 4.2 to 4.4: the split, produktivitas and disiplin.
func (c *calc) shares() {
	rs, in, base := c.rs, c.in, c.res.Base

	prodPagu := c.pct(base, rs.Split.Produktivitas)
	// The disiplin share is the remainder, so the two shares always add up to
	// the base exactly (rounding both halves up at x,5 would pay Rp 1 too much).
	discPagu := base - prodPagu
	c.res.ProduktivitasPagu, c.res.DisiplinPagu = prodPagu, discPagu
	c.add(Line{
		Code: CodeProduktivitasPagu, Kind: KindTotal, Label: "Bagian produktivitas",
		Reason: FormatPercent(rs.Split.Produktivitas) + " x " + Rupiah(base).String(),
		Rate:   rs.Split.Produktivitas, Basis: base, Amount: prodPagu,
	})

	prod := Line{Code: CodeProduktivitas, Kind: KindTotal, Label: "TPP produktivitas", Basis: prodPagu}
	switch rs.Produktivitas.Mode {
	case ProduktivitasPredikat:
		f, _ := rs.Produktivitas.Predikat.Factor(in.Predikat)
		prod.Rate = f
		prod.Amount = c.pct(prodPagu, f)
		src := ""
		if l := in.PredikatSumber.Label(); l != "" {
			src = " (" + l + ")"
		}
		prod.Reason = "Predikat " + in.Predikat.Label() + src + ": " + FormatPercent(f) + " x " + Rupiah(prodPagu).String()
	case ProduktivitasMenit:
		target := rs.Produktivitas.MonthlyMinutesTarget
		m := min(in.ApprovedMinutes, target)
		prod.Count = in.ApprovedMinutes
		// Rate is for display only (rounded to 0,01%); the amount uses the exact fraction.
		prod.Rate = BasisPoints(c.mul(int64(Whole), m, target))
		prod.Amount = c.mul(prodPagu, m, target)
		prod.Reason = fmt.Sprintf("Aktivitas disetujui %s dari target %s menit (%s",
			FormatNumber(in.ApprovedMinutes), FormatNumber(target), FormatPercent(prod.Rate))
		if in.ApprovedMinutes > target {
			prod.Reason += ", dibatasi 100%"
		}
		prod.Reason += ") x " + Rupiah(prodPagu).String()
	}
	c.add(prod)
	c.res.Produktivitas = prod.Amount

	c.add(Line{
		Code: CodeDisiplinPagu, Kind: KindTotal, Label: "Bagian disiplin",
		Reason: disiplinPaguReason(rs.Split.Disiplin, base, prodPagu, discPagu),
		Rate:   rs.Split.Disiplin, Basis: base, Amount: discPagu,
	})
	deducted, capped := c.deductions(discPagu)
	c.res.Disiplin = discPagu - deducted
	reason := Rupiah(discPagu).String() + " - potongan " + Rupiah(deducted).String()
	if capped {
		reason += fmt.Sprintf(" (potongan dibatasi %s)", FormatPercent(rs.Disiplin.Cap))
	}
	c.add(Line{Code: CodeDisiplin, Kind: KindTotal, Label: "TPP disiplin", Reason: reason, Amount: c.res.Disiplin})
}

// disiplinPaguReason says how the disiplin share was found. It is the base
// minus the rounded produktivitas share; when that differs from share x base
// rounded (a ,5 tie), the text says the remainder so it always matches the amount.
func disiplinPaguReason(share BasisPoints, base, prodPagu, discPagu int64) string {
	if v, err := MulDivRound(base, int64(share), int64(Whole)); err == nil && v == discPagu {
		return FormatPercent(share) + " x " + Rupiah(base).String()
	}
	return fmt.Sprintf("%s x %s, sisa dasar setelah bagian produktivitas: %s - %s = %s", FormatPercent(share), Rupiah(base),
		Rupiah(base), Rupiah(prodPagu), Rupiah(discPagu))
}

// deductions writes one line per kind of deduction from the disiplin share
// (each count x rate x the rounded share, rounded once) and returns their sum
// after the cap, and whether the cap was reached.
func (c *calc) deductions(pagu int64) (int64, bool) {
	d, a := c.rs.Disiplin, c.in.Attendance
	var total int64
	perCount := func(code, label, what string, n int, rate BasisPoints, unit string) {
		if n == 0 {
			return
		}
		amt := c.mul(pagu, int64(n)*int64(rate), int64(Whole))
		c.add(Line{
			Code: code, Kind: KindDeduct, Label: label,
			Reason: what + " " + strconv.Itoa(n) + " " + unit + " x " + FormatPercent(rate) + " x " + Rupiah(pagu).String(),
			Count:  int64(n), Rate: rate, Basis: pagu, Amount: amt,
		})
		total += amt
	}
	perCount(CodeTK, "Potongan tanpa keterangan (TK)", "Tanpa keterangan", a.TK, d.TKPerDay, "hari")
	// A band with no count writes no line: skip building its texts.
	for i := range 4 {
		if a.TL[i] == 0 {
			continue
		}
		b := strconv.Itoa(i + 1)
		perCount(CodeTL+b, "Potongan terlambat masuk TL"+b, "Terlambat masuk "+d.bandText(i+1, "masuk"), a.TL[i], d.TL[i], "kali")
	}
	for i := range 4 {
		if a.PSW[i] == 0 {
			continue
		}
		b := strconv.Itoa(i + 1)
		perCount(CodePSW+b, "Potongan pulang sebelum waktunya PSW"+b, "Pulang sebelum waktunya "+d.bandText(i+1, "pulang"), a.PSW[i], d.PSW[i], "kali")
	}
	perCount(CodeMissingBoth, "Potongan tidak rekam kehadiran", "Tidak rekam masuk dan pulang", a.MissingBoth, d.MissingBothPerDay, "hari")

	total += c.leave(pagu)

	c.res.DisiplinDeductions = total
	limit := c.pct(pagu, d.Cap)
	if total > limit {
		c.add(Line{
			Code: CodeDeductionCap, Kind: KindAdd, Label: "Batas potongan disiplin",
			Reason: fmt.Sprintf("Jumlah potongan %s melebihi batas %s dari %s; yang dipotong hanya %s",
				Rupiah(total), FormatPercent(d.Cap), Rupiah(pagu), Rupiah(limit)),
			Rate: d.Cap, Basis: pagu, Amount: total - limit,
		})
		c.res.DisiplinDeductions = limit
		return limit, true
	}
	return total, false
}

// leave writes one line per leave kind and returns what leave takes from the disiplin share.
//
// Interpretation of spec 4.4: the central-government table gives the share of
// the month's allowance paid while on leave ("% bulan berjalan"). The spec puts
// leave under the disiplin step, so the share is applied to the disiplin share
// only: a month of leave that pays P% deducts (100% - P%) x disiplin share,
// once for the month, prorated by working days on leave over the month's
// working days when the month's working days are known. The produktivitas share is
// left to its own factor (predikat or minutes) so leave is not punished twice.
// Sick leave is banded by the total sick days in the month; the other kinds by
// the month of the leave (Leave.MonthIndex). Tahunan and dinas luar show as
// information lines. Leave deductions count toward the cap like the others.
func (c *calc) leave(pagu int64) int64 {
	if len(c.in.Leave) == 0 {
		return 0
	}
	rule := c.rs.Leave
	// Aggregate per kind so input order cannot change the lines. Several
	// requests of one kind in a month are one line (spec 4); for the kinds
	// paid by the month each month of leave keeps its own share.
	days := map[LeaveKind]int{}
	parts := map[LeaveKind][]leavePart{}
	requests := map[LeaveKind]int{}
	for _, l := range c.in.Leave {
		days[l.Kind] += l.Days
		requests[l.Kind]++
		parts[l.Kind] = addLeavePart(parts[l.Kind], l.MonthIndex, l.Days)
	}
	payOf := func(k LeaveKind, m int) BasisPoints {
		switch k {
		case CutiBesar:
			return monthShare(rule.Besar, m)
		case CutiAlasanPenting:
			return monthShare(rule.AlasanPenting, m)
		case CutiMelahirkan:
			return monthShare(rule.Melahirkan, m)
		case CutiMelahirkanAnakKetiga:
			return monthShare(rule.MelahirkanAnakKetiga, m)
		}
		return Whole
	}
	var total int64
	for _, k := range leaveKinds {
		n, ok := days[k]
		if !ok {
			continue
		}
		code := k.Code()
		var pay BasisPoints
		var why string
		switch k {
		case CutiTahunan, DinasLuar:
			c.add(Line{
				Code: code, Kind: KindInfo, Label: k.Label(),
				Reason: fmt.Sprintf("%s %d hari: tidak mengurangi TPP", k.Label(), n),
				Count:  int64(n),
			})
			continue
		case CutiSakit:
			band := rule.sickPay(n)
			pay = band.Pay
			why = fmt.Sprintf("%s %d hari (%d-%d hari sebulan dibayar %s)", k.Label(), n, band.MinDays, band.MaxDays, FormatPercent(pay))
		default:
			if ps := parts[k]; len(ps) > 1 {
				total += c.leaveMonths(k, ps, n, requests[k], pagu, payOf)
				continue
			}
			m := parts[k][0].month
			pay = payOf(k, m)
			many := ""
			if requests[k] > 1 {
				many = fmt.Sprintf(" dari %d permohonan", requests[k])
			}
			why = fmt.Sprintf("%s bulan ke-%d, %d hari%s (dibayar %s)", k.Label(), m, n, many, FormatPercent(pay))
		}
		cut := Whole - pay
		l := Line{
			Code: code, Kind: KindDeduct, Label: "Potongan " + strings.ToLower(k.Label()),
			Count: int64(n), Rate: cut, Basis: pagu, Amount: c.pct(pagu, cut),
		}
		// Kinds paid by the month are prorated by the working days on leave over
		// the working days of the month (spec 4): 7 days of cuti besar are not a month.
		wdm := c.in.WorkingDaysInMonth
		prorate := k != CutiSakit && wdm > 0 && n < wdm
		if prorate {
			l.Amount = c.mul(pagu, int64(cut)*int64(n), int64(Whole)*int64(wdm))
		}
		switch {
		case cut == 0:
			l.Reason = why + ": tidak ada potongan"
		case prorate:
			l.Reason = fmt.Sprintf("%s: %s x %s x %d/%d hari kerja", why, FormatPercent(cut), Rupiah(pagu), n, wdm)
		default:
			l.Reason = fmt.Sprintf("%s: %s x %s", why, FormatPercent(cut), Rupiah(pagu))
		}
		c.add(l)
		total += l.Amount
	}
	return total
}

// leavePart is the days of one kind of leave that are in one month of their leave.
type leavePart struct{ month, days int }

// addLeavePart adds days in month m of the leave to ps, keeping ps sorted by month.
func addLeavePart(ps []leavePart, m, days int) []leavePart {
	for i := range ps {
		if ps[i].month == m {
			ps[i].days += days
			return ps
		}
	}
	ps = append(ps, leavePart{month: m, days: days})
	slices.SortFunc(ps, func(a, b leavePart) int { return a.month - b.month })
	return ps
}

// leaveMonths writes the one line of a kind paid by the month whose days in
// this month belong to different months of leave (a cuti besar ending in its
// third month and another starting): each part deducts its own unpaid share
// for its own days, over the working days of the month (or over the days on
// leave when they fill the month or the month's working days are unknown),
// rounded once for the line.
func (c *calc) leaveMonths(k LeaveKind, ps []leavePart, n, requests int, pagu int64, payOf func(LeaveKind, int) BasisPoints) int64 {
	wdm := c.in.WorkingDaysInMonth
	den := n
	if wdm > 0 && n < wdm {
		den = wdm
	}
	var num int64
	var terms, whys []string
	for _, p := range ps {
		pay := payOf(k, p.month)
		cut := Whole - pay
		num += int64(cut) * int64(p.days)
		whys = append(whys, fmt.Sprintf("bulan ke-%d %d hari dibayar %s", p.month, p.days, FormatPercent(pay)))
		terms = append(terms, fmt.Sprintf("%s x %d", FormatPercent(cut), p.days))
	}
	l := Line{
		Code: k.Code(), Kind: KindDeduct, Label: "Potongan " + strings.ToLower(k.Label()),
		Count: int64(n), Rate: BasisPoints(num / int64(n)), Basis: pagu,
		Amount: c.mul(pagu, num, int64(Whole)*int64(den)),
	}
	why := fmt.Sprintf("%s %d hari dari %d permohonan (%s)", k.Label(), n, requests, strings.Join(whys, ", "))
	unit := "hari kerja"
	if den == n {
		unit = "hari cuti"
	}
	if num == 0 {
		l.Reason = why + ": tidak ada potongan"
	} else {
		l.Reason = fmt.Sprintf("%s: (%s)/%d %s x %s", why, strings.Join(terms, " + "), den, unit, Rupiah(pagu))
	}
	c.add(l)
	return l.Amount
}

// hukdisGrossNet is spec 4.5 to 4.7.
func (c *calc) hukdisGrossNet() {
	rs, in, r := c.rs, c.in, &c.res
	whole := r.Produktivitas + r.Disiplin
	if h := in.Hukdis; h != nil {
		s, _ := rs.Hukdis.For(h.Kind)
		r.Hukdis = c.pct(whole, s.Rate)
		// The SK decides the duration, the rule set the percentage (spec 4):
		// the rule set's months are only what is said when the SK's are unknown.
		dur := fmt.Sprintf(" selama %d bulan", s.Months)
		switch {
		case h.Months > 0:
			dur = fmt.Sprintf(" selama %d bulan menurut SK", h.Months)
			if h.Decree != "" {
				dur += " " + h.Decree
			}
		case h.MonthIndex > s.Months:
			dur = ""
		}
		when := ""
		if h.MonthIndex > 0 {
			when = fmt.Sprintf(", bulan ke-%d", h.MonthIndex)
		}
		c.add(Line{
			Code: CodeHukdis, Kind: KindDeduct, Label: "Potongan " + h.Kind.Label(),
			Reason: fmt.Sprintf("Hukuman disiplin %s (%s%s%s): %s x %s",
				h.Kind, FormatPercent(s.Rate), dur, when, FormatPercent(s.Rate), Rupiah(whole)),
			Rate: s.Rate, Basis: whole, Amount: r.Hukdis,
		})
	}
	r.Gross = whole - r.Hukdis
	reason := "Produktivitas " + Rupiah(r.Produktivitas).String() + " + disiplin " + Rupiah(r.Disiplin).String()
	if r.Hukdis > 0 {
		reason += " - hukuman disiplin " + Rupiah(r.Hukdis).String()
	}
	c.add(Line{Code: CodeGross, Kind: KindTotal, Label: "TPP kotor", Reason: reason, Amount: r.Gross})

	c.tax()

	b := rs.BPJS
	room := max(0, int64(b.Cap)-in.OtherBPJSIncome)
	basis := min(r.Gross, room)
	note := ""
	switch {
	case in.OtherBPJSIncome > 0 && r.Gross > room:
		note = fmt.Sprintf(" (batas %s dikurangi penghasilan lain %s)", Rupiah(b.Cap), Rupiah(in.OtherBPJSIncome))
	case r.Gross > room:
		note = fmt.Sprintf(" (dibatasi %s)", Rupiah(b.Cap))
	}
	r.BPJS = c.pct(basis, b.EmployeeRate)
	c.add(Line{
		Code: CodeBPJS, Kind: KindDeduct, Label: "Iuran BPJS Kesehatan",
		Reason: "Iuran BPJS Kesehatan pegawai " + FormatPercent(b.EmployeeRate) + " x " + Rupiah(basis).String() + note,
		Rate:   b.EmployeeRate, Basis: basis, Amount: r.BPJS,
	})
	r.BPJSGovernment = c.pct(basis, b.GovernmentRate)
	c.add(Line{
		Code: CodeBPJSGovernment, Kind: KindInfo, Label: "Iuran BPJS Kesehatan dibayar pemerintah daerah",
		Reason: FormatPercent(b.GovernmentRate) + " x " + Rupiah(basis).String() + note + ", dibayar pemerintah daerah dan tidak dipotong",
		Rate:   b.GovernmentRate, Basis: basis, Amount: r.BPJSGovernment,
	})

	r.Net = r.Gross - r.BPJS
	reason = Rupiah(r.Gross).String()
	if r.PPh21Withheld {
		r.Net -= r.PPh21
		reason += " - PPh 21 " + Rupiah(r.PPh21).String()
	}
	reason += " - BPJS " + Rupiah(r.BPJS).String()
	c.add(Line{Code: CodeNet, Kind: KindTotal, Label: "TPP bersih diterima", Reason: reason, Amount: r.Net})
}

// sumSinceTotal writes the lines since the last total as a sum, e.g.
// "Rp 5.000.000 + Rp 1.000.000 - Rp 1.200.000".
func (c *calc) sumSinceTotal() string {
	var b strings.Builder
	for _, l := range c.res.Lines {
		switch l.Kind {
		case KindTotal:
			b.Reset()
			continue
		case KindInfo:
			continue
		case KindDeduct:
			b.WriteString(" - ")
		case KindAdd:
			if b.Len() > 0 {
				b.WriteString(" + ")
			}
		}
		b.WriteString(Rupiah(l.Amount).String())
	}
	return b.String()
}

// withName appends a position's name in brackets when known.
func withName(s, name string) string {
	if name = strings.TrimSpace(name); name != "" {
		return s + " (" + name + ")"
	}
	return s
}
