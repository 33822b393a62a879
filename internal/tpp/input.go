package tpp

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ekinerja/ekinerja/internal/apperr"
)

// Status is an employee's ASN status.
type Status string

// The ASN statuses.
const (
	// StatusPNS is a permanent civil servant.
	StatusPNS Status = "pns"
	// StatusCPNS is a civil servant on probation.
	StatusCPNS Status = "cpns"
	// StatusPPPK is a government employee on contract.
	StatusPPPK Status = "pppk"
)

// Label returns the status as people write it, e.g. "CPNS".
func (s Status) Label() string { return strings.ToUpper(string(s)) }

// PltLevel says whether an acting post is at the same level as the employee's own or higher.
type PltLevel string

// The kinds of acting assignment in spec 4.1.
const (
	// PltSetingkat is acting in a post of the same level: own base plus a share of the post's.
	PltSetingkat PltLevel = "setingkat"
	// PltLebihTinggi is acting in a higher post: the higher post's base.
	PltLebihTinggi PltLevel = "lebih_tinggi"
	// PltLebihRendah is acting in a lower post: nothing extra, own base only.
	PltLebihRendah PltLevel = "lebih_rendah"
)

// LeaveKind is a kind of cuti (PP 11/2017) or official absence.
type LeaveKind string

// The leave kinds the computation knows.
const (
	// CutiTahunan is annual leave; it pays in full.
	CutiTahunan LeaveKind = "tahunan"
	// DinasLuar is official duty away from the office; it pays in full.
	DinasLuar LeaveKind = "dinas_luar"
	// CutiSakit is sick leave, paid by LeaveRule.Sick.
	CutiSakit LeaveKind = "sakit"
	// CutiBesar is long-service leave, paid by LeaveRule.Besar.
	CutiBesar LeaveKind = "besar"
	// CutiAlasanPenting is leave for an important reason, paid by LeaveRule.AlasanPenting.
	CutiAlasanPenting LeaveKind = "alasan_penting"
	// CutiMelahirkan is maternity leave for a first or second child, paid by LeaveRule.Melahirkan.
	CutiMelahirkan LeaveKind = "melahirkan"
	// CutiMelahirkanAnakKetiga is maternity leave for a third or later child, paid by LeaveRule.MelahirkanAnakKetiga.
	CutiMelahirkanAnakKetiga LeaveKind = "melahirkan_anak_ketiga"
)

// leaveKinds is the fixed order leave lines appear in.
var leaveKinds = []LeaveKind{
	CutiTahunan, DinasLuar, CutiSakit, CutiBesar,
	CutiAlasanPenting, CutiMelahirkan, CutiMelahirkanAnakKetiga,
}

// Label returns the leave kind in Bahasa Indonesia, e.g. "Cuti alasan penting".
func (k LeaveKind) Label() string {
	switch k {
	case CutiTahunan:
		return "Cuti tahunan"
	case DinasLuar:
		return "Dinas luar"
	case CutiSakit:
		return "Cuti sakit"
	case CutiBesar:
		return "Cuti besar"
	case CutiAlasanPenting:
		return "Cuti alasan penting"
	case CutiMelahirkan:
		return "Cuti melahirkan"
	case CutiMelahirkanAnakKetiga:
		return "Cuti melahirkan anak ketiga"
	}
	return string(k)
}

// Code returns the line code for the kind: "DINAS_LUAR", or "CUTI_" and the kind ("CUTI_SAKIT").
func (k LeaveKind) Code() string {
	if k == DinasLuar {
		return "DINAS_LUAR"
	}
	return "CUTI_" + strings.ToUpper(string(k))
}

// byMonth reports whether the kind pays by the month of the leave (Leave.MonthIndex).
func (k LeaveKind) byMonth() bool {
	return k == CutiBesar || k == CutiAlasanPenting || k == CutiMelahirkan || k == CutiMelahirkanAnakKetiga
}

// Input is everything about one employee and month that the computation needs,
// as plain data gathered by the org, kinerja and attendance packages.
type Input struct {
	NIP  string `json:"nip"`
	Name string `json:"name"`
	// Period is the month computed; it must fall inside the rule set's effective period.
	Period Period `json:"period"`
	Status Status `json:"status"`
	// Golongan is "III/c" for PNS and CPNS, "IX" (or "9") for PPPK.
	Golongan string `json:"golongan"`
	// TugasBelajar: on study assignment; StatusFactors.TugasBelajar replaces the status factor.
	TugasBelajar bool `json:"tugas_belajar"`
	// Segments are the positions held during the month, one per position; days
	// of the month not covered (joined or left mid-month) earn nothing.
	Segments []Segment `json:"segments"`
	// Plt is an acting assignment in the month, if any.
	Plt *Plt `json:"plt,omitempty"`
	// Predikat is the month's rating, used in ProduktivitasPredikat mode.
	Predikat Predikat `json:"predikat"`
	// PredikatSumber is the system that rated the month (the rule set's
	// ProduktivitasRule.Sumber when the inputs were gathered); the slip names
	// it. Empty in inputs gathered before the choice existed.
	PredikatSumber PredikatSource `json:"predikat_sumber,omitempty"`
	// ApprovedMinutes is the sum of approved aktivitas minutes, used in ProduktivitasMenit mode.
	ApprovedMinutes int64 `json:"approved_minutes"`
	// Attendance counts the disciplinary events of the month.
	Attendance Attendance `json:"attendance"`
	// Leave lists the leave taken in the month.
	Leave []Leave `json:"leave,omitempty"`
	// WorkingDaysInMonth is the month's working days (default schedule less
	// holidays). Leave kinds paid by the month are prorated by their days over
	// it (spec 4); 0 means not known, and such leave counts as a whole month.
	WorkingDaysInMonth int `json:"working_days_in_month,omitempty"`
	// Hukdis is the disciplinary sanction in force this month, if any (the heaviest, when several).
	Hukdis *HukdisInForce `json:"hukdis,omitempty"`
	// OtherBPJSIncome is the monthly income already counted toward the BPJS
	// Kesehatan cap by the salary payroll (gaji and tunjangan); 0 when unknown,
	// so TPP alone is held against the cap.
	OtherBPJSIncome int64 `json:"other_bpjs_income"`
	// Special, when set, computes the THR or gaji-13 TPP of this basis month
	// instead of the month's TPP (SPEC 4a).
	Special *Special `json:"special,omitempty"`
	// Adjustments are earlier months' differences settled this month.
	Adjustments []Adjustment `json:"adjustments,omitempty"`
}

// Segment is a position held for a run of calendar days in the month.
type Segment struct {
	// Jabatan is the position's name, for the reason text only.
	Jabatan string `json:"jabatan,omitempty"`
	Kelas   int    `json:"kelas"`
	// ExtraCriteria is the position's extra criteria percentage (kondisi kerja, tempat bertugas, kelangkaan profesi).
	ExtraCriteria BasisPoints `json:"extra_criteria,omitempty"`
	// FromDay and ToDay are the first and last day of the month in the position, inclusive.
	FromDay int `json:"from_day"`
	ToDay   int `json:"to_day"`
}

// Days returns how many days the segment covers.
func (s Segment) Days() int { return s.ToDay - s.FromDay + 1 }

// Plt is an acting assignment (Plt or Plh) held during the month.
type Plt struct {
	Jabatan       string      `json:"jabatan,omitempty"`
	Kelas         int         `json:"kelas"`
	ExtraCriteria BasisPoints `json:"extra_criteria,omitempty"`
	Level         PltLevel    `json:"level"`
	// WorkingDays is how many working days of the month the employee was acting.
	WorkingDays int `json:"working_days"`
}

// Attendance counts a month's disciplinary events as judged by the attendance
// package against the schedule, the holiday calendar and approved leave (days
// on leave or dinas luar are never counted here).
type Attendance struct {
	// TK is days absent without leave (tanpa keterangan).
	TK int `json:"tk"`
	// TL counts late arrivals per band TL1..TL4 (index 0 is TL1).
	TL [4]int `json:"tl"`
	// PSW counts early departures per band PSW1..PSW4 (index 0 is PSW1).
	PSW [4]int `json:"psw"`
	// MissingBoth is working days present but with neither an arrival nor a departure record.
	MissingBoth int `json:"missing_both"`
}

// Leave is leave of one kind taken in the month.
type Leave struct {
	Kind LeaveKind `json:"kind"`
	// Days is the number of days of this leave in the month.
	Days int `json:"days"`
	// MonthIndex is which month of the leave this is (1 = its first month), for
	// cuti besar, alasan penting and melahirkan; ignored for the other kinds.
	MonthIndex int `json:"month_index,omitempty"`
}

// HukdisInForce is a disciplinary sanction in force during the month.
type HukdisInForce struct {
	Kind HukdisKind `json:"kind"`
	// MonthIndex is which month of the sanction this is (1 = the first); 0 when not known.
	MonthIndex int `json:"month_index,omitempty"`
	// Months is the sanction's duration as its SK decides it (PP 94/2021:
	// e.g. sedang 6, 9 or 12 months); 0 when not known. The rule set decides
	// only the percentage, so a duration longer than the rule set's months is
	// computed, not refused (spec 4).
	Months int `json:"months,omitempty"`
	// Decree is the SK's number, shown in the reason.
	Decree string `json:"decree,omitempty"`
}

// golongan is a parsed golongan: its PNS group (1..4) for the tax rate and how to show it.
type golongan struct {
	group int
	text  string
}

// parseGolongan reads "III/c" (PNS, CPNS) or "IX"/"9" (PPPK).
func parseGolongan(rs *RuleSet, s Status, g string) (golongan, bool) {
	g = strings.TrimSpace(g)
	if s == StatusPPPK {
		n, err := strconv.Atoi(g)
		if err != nil {
			n = slices.Index(romans[:], strings.ToUpper(g))
		}
		if n < 1 || n > 17 {
			return golongan{}, false
		}
		for _, r := range rs.PPh21.PPPK {
			if n >= r.From && n <= r.To {
				return golongan{group: r.Group, text: roman(n)}, true
			}
		}
		return golongan{}, false
	}
	grp, ruang, ok := strings.Cut(g, "/")
	if !ok {
		return golongan{}, false
	}
	grp = strings.ToUpper(strings.TrimSpace(grp))
	ruang = strings.ToLower(strings.TrimSpace(ruang))
	n := slices.Index(romans[:5], grp)
	maxRuang := "d"
	if n == 4 {
		maxRuang = "e"
	}
	if n < 1 || len(ruang) != 1 || ruang < "a" || ruang > maxRuang {
		return golongan{}, false
	}
	return golongan{group: n, text: grp + "/" + ruang}, true
}

// validate checks in against rs; field keys follow the JSON names.
func (in Input) validate(rs *RuleSet) error {
	ve := &apperr.ValidationError{}
	dim := 31 // so the other fields are still checked when the period is missing
	if !in.Period.Valid() {
		ve.Add("period", "periode wajib diisi")
	} else {
		dim = in.Period.Days()
		if in.Period.Before(rs.EffectiveFrom) || (!rs.EffectiveUntil.IsZero() && rs.EffectiveUntil.Before(in.Period)) {
			ve.Add("period", fmt.Sprintf("aturan TPP %q versi %d tidak berlaku untuk %s", rs.Name, rs.Version, in.Period))
		}
	}

	switch in.Status {
	case StatusPNS, StatusCPNS, StatusPPPK:
		if _, ok := parseGolongan(rs, in.Status, in.Golongan); !ok {
			if in.Status == StatusPPPK {
				ve.Add("golongan", "golongan PPPK harus I sampai XVII")
			} else {
				ve.Add("golongan", "golongan harus berbentuk seperti III/c (I/a sampai IV/e)")
			}
		}
	default:
		ve.Add("status", "status pegawai harus PNS, CPNS atau PPPK")
	}

	if len(in.Segments) == 0 {
		ve.Add("segments", "jabatan dalam bulan ini wajib diisi")
	}
	for i, s := range in.Segments {
		f := "segments[" + strconv.Itoa(i) + "]"
		checkKelas(ve, f+".kelas", s.Kelas)
		checkExtra(ve, rs, f+".extra_criteria", s.ExtraCriteria)
		if s.FromDay < 1 || s.ToDay > dim || s.FromDay > s.ToDay {
			ve.Add(f, fmt.Sprintf("tanggal menjabat harus di antara 1 dan %d dan tidak terbalik", dim))
		}
	}
	sorted := slices.Clone(in.Segments)
	slices.SortFunc(sorted, func(a, b Segment) int { return a.FromDay - b.FromDay })
	for i := 1; i < len(sorted); i++ {
		if sorted[i].FromDay <= sorted[i-1].ToDay {
			ve.Add("segments", "masa jabatan dalam bulan ini tidak boleh tumpang tindih")
		}
	}

	if in.WorkingDaysInMonth < 0 || in.WorkingDaysInMonth > dim {
		ve.Add("working_days_in_month", fmt.Sprintf("hari kerja bulan ini harus antara 0 dan %d", dim))
	}
	if p := in.Plt; p != nil {
		checkKelas(ve, "plt.kelas", p.Kelas)
		checkExtra(ve, rs, "plt.extra_criteria", p.ExtraCriteria)
		if p.Level != PltSetingkat && p.Level != PltLebihTinggi && p.Level != PltLebihRendah {
			ve.Add("plt.level", "jenis Plt harus setingkat, lebih tinggi atau lebih rendah")
		}
		if p.WorkingDays < 0 || p.WorkingDays > dim {
			ve.Add("plt.working_days", fmt.Sprintf("hari kerja Plt harus antara 0 dan %d", dim))
		}
	}

	switch rs.Produktivitas.Mode {
	case ProduktivitasPredikat:
		if _, ok := rs.Produktivitas.Predikat.Factor(in.Predikat); !ok {
			ve.Add("predikat", "predikat wajib diisi (gunakan tidak_ada bila bulan ini tidak disampaikan atau belum dinilai)")
		}
		switch in.PredikatSumber {
		case "", SumberLokal, SumberEKinerjaBKN:
		default:
			ve.Add("predikat_sumber", "sumber predikat harus lokal atau ekinerja_bkn")
		}
	case ProduktivitasMenit:
		if in.ApprovedMinutes < 0 {
			ve.Add("approved_minutes", "menit aktivitas tidak boleh negatif")
		}
	}

	a := in.Attendance
	checkCount(ve, "attendance.tk", a.TK, dim)
	for i := range 4 {
		checkCount(ve, tlFields[i], a.TL[i], dim)
		checkCount(ve, pswFields[i], a.PSW[i], dim)
	}
	checkCount(ve, "attendance.missing_both", a.MissingBoth, dim)

	daysByKind := map[LeaveKind]int{}
	for i, l := range in.Leave {
		f := fmt.Sprintf("leave[%d]", i)
		if !slices.Contains(leaveKinds, l.Kind) {
			ve.Add(f+".kind", "jenis cuti tidak dikenal")
			continue
		}
		if l.Days < 1 || l.Days > dim {
			ve.Add(f+".days", fmt.Sprintf("jumlah hari cuti harus antara 1 dan %d", dim))
		}
		if l.Kind.byMonth() {
			if l.MonthIndex < 1 || l.MonthIndex > 120 {
				ve.Add(f+".month_index", "bulan ke berapa cuti ini wajib diisi (1 untuk bulan pertama)")
			}
			// Several requests of one kind in a month are allowed (two
			// approved requests of cuti alasan penting): they are one line
			// (spec 4), never a reason the employee cannot be computed.
		}
		daysByKind[l.Kind] += l.Days
		if daysByKind[l.Kind] > dim {
			ve.Add(f+".days", fmt.Sprintf("jumlah hari %s melebihi %d hari", strings.ToLower(l.Kind.Label()), dim))
		}
	}

	if h := in.Hukdis; h != nil {
		if _, ok := rs.Hukdis.For(h.Kind); !ok {
			ve.Add("hukdis.kind", "jenis hukuman disiplin harus ringan, sedang atau berat")
		} else {
			switch {
			case h.Months < 0 || h.Months > 120:
				ve.Add("hukdis.months", "lama hukuman disiplin harus antara 1 dan 120 bulan")
			case h.MonthIndex < 0 || h.MonthIndex > 120 || (h.Months > 0 && h.MonthIndex > h.Months):
				ve.Add("hukdis.month_index", fmt.Sprintf("bulan ke-%d di luar lama hukuman disiplin (%d bulan)", h.MonthIndex, h.Months))
			}
		}
	}

	if in.OtherBPJSIncome < 0 || in.OtherBPJSIncome > MaxAmount {
		ve.Add("other_bpjs_income", "penghasilan lain untuk BPJS harus antara Rp 0 dan "+Rupiah(MaxAmount).String())
	}
	if in.Special != nil {
		in.Special.validate(ve)
		if len(in.Adjustments) > 0 {
			ve.Add("adjustments", "selisih bulan lalu dibayar di klaim bulanan, bukan di THR atau gaji ketiga belas")
		}
	}
	validateAdjustments(ve, in.Adjustments)
	return ve.OrNil()
}

// The attendance bands' field names, written once rather than per employee.
var (
	tlFields  = [4]string{"attendance.tl[0]", "attendance.tl[1]", "attendance.tl[2]", "attendance.tl[3]"}
	pswFields = [4]string{"attendance.psw[0]", "attendance.psw[1]", "attendance.psw[2]", "attendance.psw[3]"}
)

func checkKelas(ve *apperr.ValidationError, field string, k int) {
	if k < 1 || k > KelasCount {
		ve.Add(field, "kelas jabatan harus antara 1 dan 17")
	}
}

func checkExtra(ve *apperr.ValidationError, rs *RuleSet, field string, v BasisPoints) {
	if v < 0 || v > rs.Base.MaxExtraCriteria {
		ve.Add(field, "kriteria tambahan harus antara 0% dan "+FormatPercent(rs.Base.MaxExtraCriteria))
	}
}

func checkCount(ve *apperr.ValidationError, field string, n, dim int) {
	if n < 0 || n > dim {
		ve.Add(field, fmt.Sprintf("harus antara 0 dan %d", dim))
	}
}
