package tpp

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ekinerja/ekinerja/internal/apperr"
)

// KelasCount is the number of kelas jabatan, numbered 1 to 17.
const KelasCount = 17

// ErrRuleSet marks an error caused by an invalid rule set rather than by the input.
var ErrRuleSet = errors.New("aturan TPP tidak valid")

// RuleSet holds every parameter of the TPP computation (spec section 4) for
// one effective period. A rule set used by an approved claim is never edited
// in place; a new Version is made instead.
type RuleSet struct {
	// Name is the rule set's title, e.g. the Perbup it implements.
	Name string `json:"name"`
	// Version increases by one for each new version of the rules.
	Version int `json:"version"`
	// EffectiveFrom is the first month the rules apply to.
	EffectiveFrom Period `json:"effective_from"`
	// EffectiveUntil is the last month the rules apply to; zero means open-ended.
	EffectiveUntil Period `json:"effective_until,omitzero"`

	Base          BaseRule          `json:"base"`
	Status        StatusFactors     `json:"status"`
	Plt           PltRule           `json:"plt"`
	Split         SplitRule         `json:"split"`
	Produktivitas ProduktivitasRule `json:"produktivitas"`
	Disiplin      DisiplinRule      `json:"disiplin"`
	Leave         LeaveRule         `json:"leave"`
	Hukdis        HukdisRule        `json:"hukdis"`
	PPh21         TaxRule           `json:"pph21"`
	BPJS          BPJSRule          `json:"bpjs"`
}

// BaseMode says how the base amount of a kelas jabatan is found.
type BaseMode string

// The two ways a rule set fixes the amount per kelas.
const (
	// BaseModeTable lists the amount per kelas directly (BaseRule.Table).
	BaseModeTable BaseMode = "tabel"
	// BaseModeIndeks derives it as BaseRule.Reference times BaseRule.IndeksTPP, rounded to rupiah.
	BaseModeIndeks BaseMode = "indeks"
)

// BaseRule fixes the monthly TPP base per kelas jabatan (spec 4.1).
type BaseRule struct {
	Mode BaseMode `json:"mode"`
	// Table is the amount per kelas in BaseModeTable; index 0 is kelas 1.
	Table [KelasCount]Rupiah `json:"table"`
	// Reference is the national tunjangan kinerja per kelas in BaseModeIndeks; index 0 is kelas 1.
	Reference [KelasCount]Rupiah `json:"reference"`
	// IndeksTPP is the regency's index applied to Reference, e.g. 0,59112978.
	IndeksTPP Ratio `json:"indeks_tpp"`
	// MaxExtraCriteria caps the per-position extra criteria percentage
	// (kondisi kerja, tempat bertugas, kelangkaan profesi); 0 disables them.
	MaxExtraCriteria BasisPoints `json:"max_extra_criteria"`
}

// KelasAmount returns the monthly base of kelas k (1..17), rounded to rupiah.
func (b BaseRule) KelasAmount(k int) (int64, error) {
	if k < 1 || k > KelasCount {
		return 0, fmt.Errorf("tpp: kelas jabatan %d di luar 1-%d", k, KelasCount)
	}
	if b.Mode == BaseModeIndeks {
		return b.IndeksTPP.Of(int64(b.Reference[k-1]))
	}
	return int64(b.Table[k-1]), nil
}

// StatusFactors is the share of the base paid per employment status (spec 4.1).
type StatusFactors struct {
	PNS  BasisPoints `json:"pns"`
	CPNS BasisPoints `json:"cpns"`
	PPPK BasisPoints `json:"pppk"`
	// TugasBelajar applies instead of the status factor while on study assignment.
	TugasBelajar BasisPoints `json:"tugas_belajar"`
}

// PltRule is how an acting assignment (Plt/Plh) adds to the base (spec 4.1).
type PltRule struct {
	// EqualLevelShare is the share of the acting post's base added for an equal-level post.
	EqualLevelShare BasisPoints `json:"equal_level_share"`
	// MinWorkingDays is the least number of working days acting for anything to be added.
	MinWorkingDays int `json:"min_working_days"`
}

// SplitRule divides the base into the produktivitas and disiplin shares (spec 4.2).
type SplitRule struct {
	Produktivitas BasisPoints `json:"produktivitas"`
	Disiplin      BasisPoints `json:"disiplin"`
}

// ProduktivitasMode says how the produktivitas factor is found.
type ProduktivitasMode string

// The two produktivitas modes of spec 4.3.
const (
	// ProduktivitasPredikat uses a factor per monthly predikat.
	ProduktivitasPredikat ProduktivitasMode = "predikat"
	// ProduktivitasMenit uses approved aktivitas minutes against a monthly target, capped at 100%.
	ProduktivitasMenit ProduktivitasMode = "menit"
)

// PredikatSource says which system rated an employee's month.
type PredikatSource string

// The predikat sources a rule set may choose.
const (
	// SumberLokal is the atasan's monthly rating in this application.
	SumberLokal PredikatSource = "lokal"
	// SumberEKinerjaBKN is the predikat imported from the national
	// e-Kinerja BKN export (kinerja.Store.ImportBKN).
	SumberEKinerjaBKN PredikatSource = "ekinerja_bkn"
)

// Label is the source as the slip names it.
func (s PredikatSource) Label() string {
	switch s {
	case SumberEKinerjaBKN:
		return "e-Kinerja BKN"
	case SumberLokal:
		return "penilaian atasan"
	}
	return ""
}

// Source is the rule's predikat source, SumberLokal when not set.
func (p ProduktivitasRule) Source() PredikatSource {
	if p.Sumber == "" {
		return SumberLokal
	}
	return p.Sumber
}

// ProduktivitasRule fixes the produktivitas factor (spec 4.3).
type ProduktivitasRule struct {
	Mode ProduktivitasMode `json:"mode"`
	// Sumber is where the monthly predikat comes from in ProduktivitasPredikat
	// mode: the atasan's rating in this application (SumberLokal, also the
	// meaning of empty, which every rule set written before it has) or the
	// imported national e-Kinerja BKN predikat (SumberEKinerjaBKN).
	Sumber   PredikatSource  `json:"sumber,omitempty"`
	Predikat PredikatFactors `json:"predikat"`
	// MonthlyMinutesTarget is the minutes of approved aktivitas that earn 100% in ProduktivitasMenit.
	MonthlyMinutesTarget int64 `json:"monthly_minutes_target"`
}

// Predikat is the monthly performance rating (PermenPANRB 6/2022).
type Predikat string

// The predikat values, plus PredikatTidakAda for a month not submitted or not rated.
const (
	// PredikatSangatBaik is "Sangat Baik".
	PredikatSangatBaik Predikat = "sangat_baik"
	// PredikatBaik is "Baik".
	PredikatBaik Predikat = "baik"
	// PredikatButuhPerbaikan is "Butuh Perbaikan".
	PredikatButuhPerbaikan Predikat = "butuh_perbaikan"
	// PredikatKurang is "Kurang" (or misconduct).
	PredikatKurang Predikat = "kurang"
	// PredikatSangatKurang is "Sangat Kurang".
	PredikatSangatKurang Predikat = "sangat_kurang"
	// PredikatTidakAda means the month was not submitted (or not rated) by the time TPP is computed.
	PredikatTidakAda Predikat = "tidak_ada"
)

// Predikats lists every Predikat from best to worst, then PredikatTidakAda.
var Predikats = []Predikat{
	PredikatSangatBaik, PredikatBaik, PredikatButuhPerbaikan,
	PredikatKurang, PredikatSangatKurang, PredikatTidakAda,
}

// Label returns the predikat as people write it, e.g. "Butuh Perbaikan".
func (p Predikat) Label() string {
	switch p {
	case PredikatSangatBaik:
		return "Sangat Baik"
	case PredikatBaik:
		return "Baik"
	case PredikatButuhPerbaikan:
		return "Butuh Perbaikan"
	case PredikatKurang:
		return "Kurang"
	case PredikatSangatKurang:
		return "Sangat Kurang"
	case PredikatTidakAda:
		return "Tidak ada predikat"
	}
	return string(p)
}

// PredikatFactors is the produktivitas factor per predikat.
type PredikatFactors struct {
	SangatBaik     BasisPoints `json:"sangat_baik"`
	Baik           BasisPoints `json:"baik"`
	ButuhPerbaikan BasisPoints `json:"butuh_perbaikan"`
	Kurang         BasisPoints `json:"kurang"`
	SangatKurang   BasisPoints `json:"sangat_kurang"`
	TidakAda       BasisPoints `json:"tidak_ada"`
}

// Factor returns the factor for p, and false for an unknown predikat.
func (f PredikatFactors) Factor(p Predikat) (BasisPoints, bool) {
	switch p {
	case PredikatSangatBaik:
		return f.SangatBaik, true
	case PredikatBaik:
		return f.Baik, true
	case PredikatButuhPerbaikan:
		return f.ButuhPerbaikan, true
	case PredikatKurang:
		return f.Kurang, true
	case PredikatSangatKurang:
		return f.SangatKurang, true
	case PredikatTidakAda:
		return f.TidakAda, true
	}
	return 0, false
}

// DisiplinRule fixes the deductions from the disiplin share (spec 4.4).
type DisiplinRule struct {
	// TKPerDay is deducted per day absent without leave (tanpa keterangan).
	TKPerDay BasisPoints `json:"tk_per_day"`
	// TL is deducted per late arrival in bands TL1..TL4 (index 0 is TL1).
	TL [4]BasisPoints `json:"tl"`
	// PSW is deducted per early leave in bands PSW1..PSW4 (index 0 is PSW1).
	PSW [4]BasisPoints `json:"psw"`
	// MissingBothPerDay is deducted per working day with neither an arrival nor a departure record.
	MissingBothPerDay BasisPoints `json:"missing_both_per_day"`
	// Cap is the most all deductions together may take from the disiplin share.
	Cap BasisPoints `json:"cap"`
	// BandMinutes are the upper bounds in minutes of bands 1 to 3 (demo 30, 60, 90);
	// band 4 is anything longer or a missing record.
	BandMinutes [3]int `json:"band_minutes"`
}

// Band returns the TL/PSW band (1..4) for minutes late or early, or 0 for none.
// The attendance package uses it so the bands are judged by the same rule set.
func (d DisiplinRule) Band(minutes int) int {
	if minutes <= 0 {
		return 0
	}
	for i, upper := range d.BandMinutes {
		if minutes <= upper {
			return i + 1
		}
	}
	return 4
}

// bandText describes band b (1..4), e.g. "31-60 menit"; record is "masuk" or "pulang".
func (d DisiplinRule) bandText(b int, record string) string {
	switch {
	case b == 1:
		return fmt.Sprintf("1-%d menit", d.BandMinutes[0])
	case b >= 2 && b <= 3:
		return fmt.Sprintf("%d-%d menit", d.BandMinutes[b-2]+1, d.BandMinutes[b-1])
	}
	return fmt.Sprintf("lebih dari %d menit atau tidak rekam %s", d.BandMinutes[2], record)
}

// LeaveRule is the share of the month's disiplin share paid during each kind
// of leave (spec 4.4). Cuti tahunan and dinas luar always pay 100%. Every list
// is indexed by the month of the leave (index 0 is its first month) and its
// last entry repeats for later months.
type LeaveRule struct {
	// Sick pays by the number of sick days in the month.
	Sick []SickBand `json:"sick"`
	// Besar is cuti besar.
	Besar []BasisPoints `json:"besar"`
	// AlasanPenting is cuti karena alasan penting.
	AlasanPenting []BasisPoints `json:"alasan_penting"`
	// Melahirkan is maternity leave for a first or second child.
	Melahirkan []BasisPoints `json:"melahirkan"`
	// MelahirkanAnakKetiga is maternity leave for a third or later child.
	MelahirkanAnakKetiga []BasisPoints `json:"melahirkan_anak_ketiga"`
}

// SickBand pays Pay for a month with MinDays..MaxDays days of sick leave.
type SickBand struct {
	MinDays int         `json:"min_days"`
	MaxDays int         `json:"max_days"`
	Pay     BasisPoints `json:"pay"`
}

// HukdisKind is the severity of a disciplinary sanction (PP 94/2021).
type HukdisKind string

// The three sanction severities.
const (
	// HukdisRingan is a light sanction.
	HukdisRingan HukdisKind = "ringan"
	// HukdisSedang is a moderate sanction.
	HukdisSedang HukdisKind = "sedang"
	// HukdisBerat is a severe sanction.
	HukdisBerat HukdisKind = "berat"
)

// Label returns e.g. "hukuman disiplin sedang".
func (k HukdisKind) Label() string { return "hukuman disiplin " + string(k) }

// Sanction is what one severity of hukdis takes, and for how long.
type Sanction struct {
	// Rate is taken from produktivitas + disiplin for every month in force.
	Rate BasisPoints `json:"rate"`
	// Months is how long the reduction lasts.
	Months int `json:"months"`
}

// HukdisRule fixes the sanction per severity (spec 4.5).
type HukdisRule struct {
	Ringan Sanction `json:"ringan"`
	Sedang Sanction `json:"sedang"`
	Berat  Sanction `json:"berat"`
}

// For returns the sanction of kind k, and false for an unknown kind.
func (h HukdisRule) For(k HukdisKind) (Sanction, bool) {
	switch k {
	case HukdisRingan:
		return h.Ringan, true
	case HukdisSedang:
		return h.Sedang, true
	case HukdisBerat:
		return h.Berat, true
	}
	return Sanction{}, false
}

// TaxRule fixes the PPh 21 rate per golongan group (spec 4.7).
type TaxRule struct {
	GolonganI   BasisPoints `json:"golongan_i"`
	GolonganII  BasisPoints `json:"golongan_ii"`
	GolonganIII BasisPoints `json:"golongan_iii"`
	GolonganIV  BasisPoints `json:"golongan_iv"`
	// PPPK maps PPPK golongan I..XVII to the PNS group whose rate applies;
	// the ranges must cover 1..17 exactly once.
	PPPK []PPPKRange `json:"pppk"`
	// BorneByBudget: the regional budget pays the tax, so it is shown but not withheld from net.
	BorneByBudget bool `json:"borne_by_budget"`
}

// PPPKRange maps PPPK golongan From..To (1..17) to PNS golongan group Group (1..4).
type PPPKRange struct {
	From  int `json:"from"`
	To    int `json:"to"`
	Group int `json:"group"`
}

// rate returns the tax rate of PNS golongan group 1..4.
func (t TaxRule) rate(group int) BasisPoints {
	switch group {
	case 1:
		return t.GolonganI
	case 2:
		return t.GolonganII
	case 3:
		return t.GolonganIII
	}
	return t.GolonganIV
}

// BPJSRule fixes the BPJS Kesehatan contribution on TPP (spec 4.7).
type BPJSRule struct {
	// EmployeeRate is withheld from the employee's TPP.
	EmployeeRate BasisPoints `json:"employee_rate"`
	// GovernmentRate is paid by the regional government on top; shown, not withheld.
	GovernmentRate BasisPoints `json:"government_rate"`
	// Cap is the most monthly income the contribution is computed on.
	Cap Rupiah `json:"cap"`
}

// Validate checks every parameter and returns a *apperr.ValidationError keyed by the
// JSON path of each bad field, or nil.
func (rs RuleSet) Validate() error {
	ve := &apperr.ValidationError{}
	if strings.TrimSpace(rs.Name) == "" {
		ve.Add("name", "nama aturan wajib diisi")
	}
	if rs.Version < 1 {
		ve.Add("version", "versi harus 1 atau lebih")
	}
	if !rs.EffectiveFrom.Valid() {
		ve.Add("effective_from", "bulan mulai berlaku wajib diisi")
	}
	if !rs.EffectiveUntil.IsZero() {
		if !rs.EffectiveUntil.Valid() {
			ve.Add("effective_until", "bulan akhir berlaku tidak valid")
		} else if rs.EffectiveUntil.Before(rs.EffectiveFrom) {
			ve.Add("effective_until", "bulan akhir berlaku tidak boleh sebelum bulan mulai berlaku")
		}
	}

	b := rs.Base
	switch b.Mode {
	case BaseModeTable:
		for i, v := range b.Table {
			checkAmountAt(ve, "base.table", "TPP kelas", i, v)
		}
	case BaseModeIndeks:
		for i, v := range b.Reference {
			checkAmountAt(ve, "base.reference", "tukin acuan kelas", i, v)
		}
		// Indeks TPP reflects a regency's fiscal capacity; above 10 is surely a typing error.
		if !b.IndeksTPP.Valid() || b.IndeksTPP.Num == 0 || b.IndeksTPP.Num/b.IndeksTPP.Den >= 10 {
			ve.Add("base.indeks_tpp", "indeks TPP harus lebih dari 0 dan kurang dari 10")
		}
	default:
		ve.Add("base.mode", "cara penetapan TPP dasar harus \"tabel\" atau \"indeks\"")
	}
	checkRate(ve, "base.max_extra_criteria", b.MaxExtraCriteria)

	checkRate(ve, "status.pns", rs.Status.PNS)
	checkRate(ve, "status.cpns", rs.Status.CPNS)
	checkRate(ve, "status.pppk", rs.Status.PPPK)
	checkRate(ve, "status.tugas_belajar", rs.Status.TugasBelajar)

	checkRate(ve, "plt.equal_level_share", rs.Plt.EqualLevelShare)
	if rs.Plt.MinWorkingDays < 0 || rs.Plt.MinWorkingDays > 31 {
		ve.Add("plt.min_working_days", "harus antara 0 dan 31 hari kerja")
	}

	checkRate(ve, "split.produktivitas", rs.Split.Produktivitas)
	checkRate(ve, "split.disiplin", rs.Split.Disiplin)
	if rs.Split.Produktivitas+rs.Split.Disiplin != Whole {
		ve.Add("split", "bagian produktivitas dan disiplin harus berjumlah 100%")
	}

	p := rs.Produktivitas
	switch p.Mode {
	case ProduktivitasPredikat, ProduktivitasMenit:
	default:
		ve.Add("produktivitas.mode", "cara penilaian produktivitas harus \"predikat\" atau \"menit\"")
	}
	switch p.Sumber {
	case "", SumberLokal:
	case SumberEKinerjaBKN:
		if p.Mode != ProduktivitasPredikat {
			ve.Add("produktivitas.sumber", "predikat e-Kinerja BKN hanya dipakai bila cara penilaian \"predikat\"")
		}
	default:
		ve.Add("produktivitas.sumber", "sumber predikat harus \"lokal\" atau \"ekinerja_bkn\"")
	}
	for _, pk := range Predikats {
		f, _ := p.Predikat.Factor(pk)
		checkRate(ve, "produktivitas.predikat."+string(pk), f)
	}
	if p.Mode == ProduktivitasMenit && (p.MonthlyMinutesTarget < 1 || p.MonthlyMinutesTarget > 31*24*60) {
		ve.Add("produktivitas.monthly_minutes_target", "target menit sebulan harus antara 1 dan 44.640")
	}

	d := rs.Disiplin
	checkRate(ve, "disiplin.tk_per_day", d.TKPerDay)
	for i := range 4 {
		checkRateAt(ve, "disiplin.tl", i, d.TL[i])
		checkRateAt(ve, "disiplin.psw", i, d.PSW[i])
	}
	checkRate(ve, "disiplin.missing_both_per_day", d.MissingBothPerDay)
	checkRate(ve, "disiplin.cap", d.Cap)
	for i, m := range d.BandMinutes {
		prev := 0
		if i > 0 {
			prev = d.BandMinutes[i-1]
		}
		if m <= prev || m > 24*60 {
			ve.Add(fmt.Sprintf("disiplin.band_minutes[%d]", i), "batas menit kategori harus naik dan lebih dari 0")
		}
	}

	l := rs.Leave
	if len(l.Sick) == 0 {
		ve.Add("leave.sick", "pembayaran cuti sakit wajib diisi")
	}
	next := 1
	for i, band := range l.Sick {
		if band.MinDays != next || band.MaxDays < band.MinDays {
			ve.Add(fmt.Sprintf("leave.sick[%d]", i), fmt.Sprintf("rentang hari harus mulai dari %d dan tidak terbalik", next))
		}
		if !rateOK(band.Pay) {
			ve.Add(fmt.Sprintf("leave.sick[%d].pay", i), msgRate)
		}
		next = band.MaxDays + 1
	}
	checkShares(ve, "leave.besar", l.Besar)
	checkShares(ve, "leave.alasan_penting", l.AlasanPenting)
	checkShares(ve, "leave.melahirkan", l.Melahirkan)
	checkShares(ve, "leave.melahirkan_anak_ketiga", l.MelahirkanAnakKetiga)

	for _, k := range []HukdisKind{HukdisRingan, HukdisSedang, HukdisBerat} {
		s, _ := rs.Hukdis.For(k)
		checkRate(ve, "hukdis."+string(k)+".rate", s.Rate)
		if s.Months < 1 || s.Months > 120 {
			ve.Add("hukdis."+string(k)+".months", "lama hukuman harus antara 1 dan 120 bulan")
		}
	}

	t := rs.PPh21
	for g, name := range []string{"golongan_i", "golongan_ii", "golongan_iii", "golongan_iv"} {
		r := t.rate(g + 1)
		checkRate(ve, "pph21."+name, r)
		// Tax plus the employee's BPJS must leave net at or above zero.
		if r >= 0 && r <= Whole && r+rs.BPJS.EmployeeRate > Whole {
			ve.Add("pph21."+name, "tarif PPh 21 ditambah iuran BPJS pegawai tidak boleh melebihi 100%")
		}
	}
	var covered [KelasCount + 1]int
	for i, r := range t.PPPK {
		f := fmt.Sprintf("pph21.pppk[%d]", i)
		if r.From < 1 || r.To > 17 || r.From > r.To {
			ve.Add(f, "rentang golongan PPPK harus di antara I dan XVII")
			continue
		}
		if r.Group < 1 || r.Group > 4 {
			ve.Add(f+".group", "golongan setara harus I, II, III atau IV")
		}
		for g := r.From; g <= r.To; g++ {
			covered[g]++
		}
	}
	for g := 1; g <= 17; g++ {
		if covered[g] != 1 {
			ve.Add("pph21.pppk", fmt.Sprintf("golongan PPPK %s harus tercakup tepat satu kali", roman(g)))
			break
		}
	}

	checkRate(ve, "bpjs.employee_rate", rs.BPJS.EmployeeRate)
	checkRate(ve, "bpjs.government_rate", rs.BPJS.GovernmentRate)
	if rs.BPJS.Cap < 1 || int64(rs.BPJS.Cap) > MaxAmount {
		ve.Add("bpjs.cap", "batas dasar iuran harus antara Rp 1 dan "+Rupiah(MaxAmount).String())
	}
	return ve.OrNil()
}

const msgRate = "harus antara 0% dan 100%"

func rateOK(v BasisPoints) bool { return v >= 0 && v <= Whole }

func checkRate(ve *apperr.ValidationError, field string, v BasisPoints) {
	if !rateOK(v) {
		ve.Add(field, msgRate)
	}
}

// checkRateAt checks list[i]; the field name is only built for a message,
// because Calculate validates the rule set on every call.
func checkRateAt(ve *apperr.ValidationError, list string, i int, v BasisPoints) {
	if !rateOK(v) {
		ve.Add(fmt.Sprintf("%s[%d]", list, i), msgRate)
	}
}

// checkAmountAt checks a per-kelas amount list[i] (kelas i+1).
func checkAmountAt(ve *apperr.ValidationError, list, what string, i int, v Rupiah) {
	if v < 1 || int64(v) > MaxAmount {
		ve.Add(fmt.Sprintf("%s[%d]", list, i), fmt.Sprintf("%s %d harus antara Rp 1 dan %s", what, i+1, Rupiah(MaxAmount)))
	}
}

func checkShares(ve *apperr.ValidationError, field string, shares []BasisPoints) {
	if len(shares) == 0 {
		ve.Add(field, "persentase pembayaran per bulan cuti wajib diisi")
	}
	for i, s := range shares {
		checkRateAt(ve, field, i, s)
	}
}

// monthShare returns the share for month index m (1-based); the last entry repeats.
func monthShare(shares []BasisPoints, m int) BasisPoints {
	if m > len(shares) {
		m = len(shares)
	}
	return shares[m-1]
}

// sickPay returns the band for days of sick leave; days past the last band use the last band.
func (l LeaveRule) sickPay(days int) SickBand {
	for _, b := range l.Sick {
		if days >= b.MinDays && days <= b.MaxDays {
			return b
		}
	}
	return l.Sick[len(l.Sick)-1]
}

var romans = [...]string{"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX",
	"X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII"}

// roman returns 1..17 as a Roman numeral.
func roman(n int) string {
	if n < 1 || n >= len(romans) {
		return fmt.Sprint(n)
	}
	return romans[n]
}
