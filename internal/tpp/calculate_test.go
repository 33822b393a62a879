package tpp

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/apperr"
)

// clean is the worked example's employee with a spotless month.
func clean() Input {
	in := DemoInput()
	in.Attendance = Attendance{}
	return in
}

// totals are the summary fields a case checks.
type totals struct {
	base, prod, disc, gross, pph, bpjs, net int64
}

func totalsOf(r Result) totals {
	return totals{r.Base, r.Produktivitas, r.Disiplin, r.Gross, r.PPh21, r.BPJS, r.Net}
}

func (t totals) String() string {
	return fmt.Sprintf("base %s, produktivitas %s, disiplin %s, kotor %s, PPh %s, BPJS %s, bersih %s",
		Rupiah(t.base), Rupiah(t.prod), Rupiah(t.disc), Rupiah(t.gross),
		Rupiah(t.pph), Rupiah(t.bpjs), Rupiah(t.net))
}

func TestWorkedExample(t *testing.T) {
	t.Parallel()
	r, err := Calculate(DemoRuleSet(), DemoInput())
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		code   string
		kind   LineKind
		amount int64
		reason string
	}{
		{CodeJabatan, KindAdd, 5_000_000, "Kelas jabatan 9: Rp 5.000.000"},
		{CodeBase, KindTotal, 5_000_000, "Rp 5.000.000"},
		{CodeProduktivitasPagu, KindTotal, 3_000_000, "60% x Rp 5.000.000"},
		{CodeProduktivitas, KindTotal, 3_000_000, "Predikat Baik: 100% x Rp 3.000.000"},
		{CodeDisiplinPagu, KindTotal, 2_000_000, "40% x Rp 5.000.000"},
		{"POT_TK", KindDeduct, 60_000, "Tanpa keterangan 1 hari x 3% x Rp 2.000.000"},
		{"POT_TL2", KindDeduct, 40_000, "Terlambat masuk 31-60 menit 2 kali x 1% x Rp 2.000.000"},
		{CodeDisiplin, KindTotal, 1_900_000, "Rp 2.000.000 - potongan Rp 100.000"},
		{CodeGross, KindTotal, 4_900_000, "Produktivitas Rp 3.000.000 + disiplin Rp 1.900.000"},
		{CodePPh21, KindDeduct, 245_000, "PPh 21 golongan III/c: 5% x Rp 4.900.000"},
		{CodeBPJS, KindDeduct, 49_000, "Iuran BPJS Kesehatan pegawai 1% x Rp 4.900.000"},
		{CodeBPJSGovernment, KindInfo, 196_000, "4% x Rp 4.900.000, dibayar pemerintah daerah dan tidak dipotong"},
		{CodeNet, KindTotal, 4_606_000, "Rp 4.900.000 - PPh 21 Rp 245.000 - BPJS Rp 49.000"},
	}
	if len(r.Lines) != len(want) {
		for _, l := range r.Lines {
			t.Logf("%s %s %s", l.Code, Rupiah(l.Amount), l.Reason)
		}
		t.Fatalf("%d lines, want %d", len(r.Lines), len(want))
	}
	for i, w := range want {
		l := r.Lines[i]
		if l.Code != w.code || l.Kind != w.kind || l.Amount != w.amount || l.Reason != w.reason {
			t.Errorf("line %d = %s %s %s %q\n          want %s %s %s %q", i,
				l.Code, l.Kind, Rupiah(l.Amount), l.Reason, w.code, w.kind, Rupiah(w.amount), w.reason)
		}
	}
	got := totalsOf(r)
	if wantT := (totals{5_000_000, 3_000_000, 1_900_000, 4_900_000, 245_000, 49_000, 4_606_000}); got != wantT {
		t.Errorf("got  %v\nwant %v", got, wantT)
	}
	if r.BPJSGovernment != 196_000 || !r.PPh21Withheld || r.DisiplinDeductions != 100_000 || r.Hukdis != 0 {
		t.Errorf("summary = %+v", r)
	}
	if r.NIP != "199001012015031001" || r.RuleSetVersion != 1 || r.Period != (Period{2026, 11}) {
		t.Errorf("identification = %q %d %v", r.NIP, r.RuleSetVersion, r.Period)
	}
	if l, ok := r.LineByCode("POT_TL2"); !ok || l.Count != 2 || l.Rate != 100 || l.Basis != 2_000_000 {
		t.Errorf("POT_TL2 = %+v", l)
	}
}

func TestCalculate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		rules   func(*RuleSet)
		input   func(*Input)
		want    totals
		lines   map[string]int64  // code -> amount
		reasons map[string]string // code -> part of the reason
		absent  []string          // codes that must not appear
	}{
		{
			name:   "clean month",
			want:   totals{5_000_000, 3_000_000, 2_000_000, 5_000_000, 250_000, 50_000, 4_700_000},
			absent: []string{CodeStatus, CodePlt, CodeKriteria, CodeHukdis, CodeDeductionCap, "POT_TK"},
		},
		{
			name: "mid-month transfer from kelas 9 to kelas 11",
			input: func(in *Input) {
				in.Segments = []Segment{
					{Kelas: 11, FromDay: 15, ToDay: 30},
					{Kelas: 9, FromDay: 1, ToDay: 14},
				}
			},
			// 5.000.000 x 14/30 = 2.333.333,33; 7.750.000 x 16/30 = 4.133.333,33
			want:    totals{6_466_666, 3_880_000, 2_586_666, 6_466_666, 323_333, 64_667, 6_078_666},
			reasons: map[string]string{CodeJabatan: "Kelas jabatan 9: Rp 5.000.000 x 14/30 hari (tanggal 1-14) = Rp 2.333.333"},
		},
		{
			name:  "joined on the 16th",
			input: func(in *Input) { in.Segments = []Segment{{Kelas: 9, FromDay: 16, ToDay: 30}} },
			want:  totals{2_500_000, 1_500_000, 1_000_000, 2_500_000, 125_000, 25_000, 2_350_000},
		},
		{
			name:    "extra criteria 10%",
			input:   func(in *Input) { in.Segments[0].ExtraCriteria = 1000 },
			want:    totals{5_500_000, 3_300_000, 2_200_000, 5_500_000, 275_000, 55_000, 5_170_000},
			lines:   map[string]int64{CodeKriteria: 500_000},
			reasons: map[string]string{CodeBase: "Rp 5.000.000 + Rp 500.000"},
		},
		{
			name:    "base from reference x Indeks TPP",
			rules:   func(rs *RuleSet) { rs.Base.Mode = BaseModeIndeks },
			want:    totals{3_002_466, 1_801_480, 1_200_986, 3_002_466, 150_123, 30_025, 2_822_318},
			reasons: map[string]string{CodeJabatan: "Rp 3.002.466 (tukin acuan Rp 5.079.200 x indeks TPP 0,59112978)"},
		},
		{
			name:    "CPNS 80%",
			input:   func(in *Input) { in.Status, in.Golongan = StatusCPNS, "III/a" },
			want:    totals{4_000_000, 2_400_000, 1_600_000, 4_000_000, 200_000, 40_000, 3_760_000},
			lines:   map[string]int64{CodeStatus: 1_000_000},
			reasons: map[string]string{CodeStatus: "CPNS dibayar 80% x Rp 5.000.000 = Rp 4.000.000: dikurangi bagian tidak dibayar Rp 5.000.000 - Rp 4.000.000 = Rp 1.000.000"},
		},
		{
			name:    "PPPK golongan IX taxed as III",
			input:   func(in *Input) { in.Status, in.Golongan = StatusPPPK, "IX" },
			want:    totals{5_000_000, 3_000_000, 2_000_000, 5_000_000, 250_000, 50_000, 4_700_000},
			reasons: map[string]string{CodePPh21: "PPh 21 PPPK golongan IX (setara golongan III): 5%"},
			absent:  []string{CodeStatus},
		},
		{
			name:  "PPPK golongan V taxed as II",
			input: func(in *Input) { in.Status, in.Golongan = StatusPPPK, "v" },
			want:  totals{5_000_000, 3_000_000, 2_000_000, 5_000_000, 0, 50_000, 4_950_000},
		},
		{
			name:  "PPPK golongan 13 (arabic) taxed as IV",
			input: func(in *Input) { in.Status, in.Golongan = StatusPPPK, "13" },
			want:  totals{5_000_000, 3_000_000, 2_000_000, 5_000_000, 750_000, 50_000, 4_200_000},
		},
		{
			name:  "PPPK at a 75% factor",
			rules: func(rs *RuleSet) { rs.Status.PPPK = 7500 },
			input: func(in *Input) { in.Status, in.Golongan = StatusPPPK, "IX" },
			want:  totals{3_750_000, 2_250_000, 1_500_000, 3_750_000, 187_500, 37_500, 3_525_000},
			lines: map[string]int64{CodeStatus: 1_250_000},
		},
		{
			name:    "tugas belajar",
			input:   func(in *Input) { in.TugasBelajar = true },
			want:    totals{},
			lines:   map[string]int64{CodeStatus: 5_000_000, CodeNet: 0},
			reasons: map[string]string{CodeStatus: "Pegawai tugas belajar dibayar 0%"},
		},
		{
			name: "Plt equal level 21 working days",
			input: func(in *Input) {
				in.Plt = &Plt{Jabatan: "Kepala Subbagian Umum", Kelas: 9, Level: PltSetingkat, WorkingDays: 21}
			},
			want:    totals{6_000_000, 3_600_000, 2_400_000, 6_000_000, 300_000, 60_000, 5_640_000},
			lines:   map[string]int64{CodePlt: 1_000_000},
			reasons: map[string]string{CodePlt: "Plt jabatan setingkat kelas 9 (Kepala Subbagian Umum) selama 21 hari kerja: 20% x TPP jabatan Plt Rp 5.000.000"},
		},
		{
			name:  "Plt equal level with extra criteria on the acting post",
			input: func(in *Input) { in.Plt = &Plt{Kelas: 10, ExtraCriteria: 1000, Level: PltSetingkat, WorkingDays: 20} },
			// 20% x (6.250.000 + 625.000)
			lines: map[string]int64{CodePlt: 1_375_000, CodeBase: 6_375_000},
			want:  totals{6_375_000, 3_825_000, 2_550_000, 6_375_000, 318_750, 63_750, 5_992_500},
		},
		{
			name:    "Plt higher post pays the higher base",
			input:   func(in *Input) { in.Plt = &Plt{Kelas: 12, Level: PltLebihTinggi, WorkingDays: 22} },
			want:    totals{9_500_000, 5_700_000, 3_800_000, 9_500_000, 475_000, 95_000, 8_930_000},
			lines:   map[string]int64{CodePlt: 4_500_000},
			reasons: map[string]string{CodePlt: "menerima TPP jabatan Plt Rp 9.500.000, tambahan selisih dari Rp 5.000.000"},
		},
		{
			name:    "Plt higher post that pays less adds nothing",
			input:   func(in *Input) { in.Plt = &Plt{Kelas: 8, Level: PltLebihTinggi, WorkingDays: 22} },
			want:    totals{5_000_000, 3_000_000, 2_000_000, 5_000_000, 250_000, 50_000, 4_700_000},
			lines:   map[string]int64{CodePlt: 0},
			reasons: map[string]string{CodePlt: "tidak ada tambahan"},
		},
		{
			name:    "Plt for 19 working days adds nothing",
			input:   func(in *Input) { in.Plt = &Plt{Kelas: 12, Level: PltLebihTinggi, WorkingDays: 19} },
			want:    totals{5_000_000, 3_000_000, 2_000_000, 5_000_000, 250_000, 50_000, 4_700_000},
			lines:   map[string]int64{CodePlt: 0},
			reasons: map[string]string{CodePlt: "selama 19 hari kerja, kurang dari 20 hari kerja: tidak ada tambahan"},
		},
		{
			name: "Plt share is reduced by the CPNS factor too",
			input: func(in *Input) {
				in.Status, in.Golongan = StatusCPNS, "III/a"
				in.Plt = &Plt{Kelas: 9, Level: PltSetingkat, WorkingDays: 20}
			},
			want:  totals{4_800_000, 2_880_000, 1_920_000, 4_800_000, 240_000, 48_000, 4_512_000},
			lines: map[string]int64{CodeStatus: 1_200_000},
		},
		{
			name: "deductions above 100% are capped at the disiplin share",
			input: func(in *Input) {
				in.Attendance = Attendance{TK: 20, TL: [4]int{0, 0, 0, 8}, PSW: [4]int{0, 0, 0, 8}, MissingBoth: 2}
				in.Leave = []Leave{{Kind: CutiSakit, Days: 3}}
			},
			want: totals{5_000_000, 3_000_000, 0, 3_000_000, 150_000, 30_000, 2_820_000},
			lines: map[string]int64{
				"POT_TK": 1_200_000, "POT_TL4": 240_000, "POT_PSW4": 240_000, CodeMissingBoth: 120_000,
				"CUTI_SAKIT": 500_000, CodeDeductionCap: 300_000, CodeDisiplin: 0,
			},
			reasons: map[string]string{
				CodeDeductionCap: "Jumlah potongan Rp 2.300.000 melebihi batas 100% dari Rp 2.000.000; yang dipotong hanya Rp 2.000.000",
				CodeDisiplin:     "Rp 2.000.000 - potongan Rp 2.000.000 (potongan dibatasi 100%)",
				"POT_TL4":        "Terlambat masuk lebih dari 90 menit atau tidak rekam masuk 8 kali x 1,5% x Rp 2.000.000",
				"POT_PSW4":       "Pulang sebelum waktunya lebih dari 90 menit atau tidak rekam pulang 8 kali x 1,5%",
				CodeMissingBoth:  "Tidak rekam masuk dan pulang 2 hari x 3% x Rp 2.000.000",
			},
		},
		{
			name:  "a lower cap of 50%",
			rules: func(rs *RuleSet) { rs.Disiplin.Cap = 5000 },
			input: func(in *Input) { in.Attendance.TK = 20 },
			want:  totals{5_000_000, 3_000_000, 1_000_000, 4_000_000, 200_000, 40_000, 3_760_000},
			lines: map[string]int64{CodeDeductionCap: 200_000},
		},
		{
			name: "every TL and PSW band",
			input: func(in *Input) {
				in.Attendance = Attendance{TL: [4]int{1, 1, 1, 1}, PSW: [4]int{2, 2, 2, 2}}
			},
			// TL 0,5+1+1,25+1,5 = 4,25%; PSW twice that = 8,5%; 12,75% of 2.000.000 = 255.000
			want: totals{5_000_000, 3_000_000, 1_745_000, 4_745_000, 237_250, 47_450, 4_460_300},
			lines: map[string]int64{
				"POT_TL1": 10_000, "POT_TL2": 20_000, "POT_TL3": 25_000, "POT_TL4": 30_000,
				"POT_PSW1": 20_000, "POT_PSW2": 40_000, "POT_PSW3": 50_000, "POT_PSW4": 60_000,
			},
			reasons: map[string]string{"POT_TL1": "Terlambat masuk 1-30 menit 1 kali x 0,5%", "POT_PSW3": "Pulang sebelum waktunya 61-90 menit 2 kali x 1,25%"},
		},
		{
			name:    "hukdis ringan on the worked example",
			input:   func(in *Input) { *in = DemoInput(); in.Hukdis = &HukdisInForce{Kind: HukdisRingan, MonthIndex: 1} },
			want:    totals{5_000_000, 3_000_000, 1_900_000, 3_675_000, 183_750, 36_750, 3_454_500},
			lines:   map[string]int64{CodeHukdis: 1_225_000},
			reasons: map[string]string{CodeHukdis: "Hukuman disiplin ringan (25% selama 1 bulan, bulan ke-1): 25% x Rp 4.900.000", CodeGross: "- hukuman disiplin Rp 1.225.000"},
		},
		{
			name:    "hukdis sedang",
			input:   func(in *Input) { in.Hukdis = &HukdisInForce{Kind: HukdisSedang, MonthIndex: 6} },
			want:    totals{5_000_000, 3_000_000, 2_000_000, 2_500_000, 125_000, 25_000, 2_350_000},
			reasons: map[string]string{CodeHukdis: "sedang (50% selama 6 bulan, bulan ke-6)"},
		},
		{
			// Issue 18: a sedang of 9 months (PP 94/2021 allows 6, 9 or 12)
			// in its 7th month, past the rule set's 6, was refused at
			// computation; the SK decides the duration, the rule set the rate.
			name: "hukdis sedang longer than the rule set's months",
			input: func(in *Input) {
				in.Hukdis = &HukdisInForce{Kind: HukdisSedang, MonthIndex: 7, Months: 9, Decree: "800/17/BKPSDM/2026"}
			},
			want:    totals{5_000_000, 3_000_000, 2_000_000, 2_500_000, 125_000, 25_000, 2_350_000},
			reasons: map[string]string{CodeHukdis: "sedang (50% selama 9 bulan menurut SK 800/17/BKPSDM/2026, bulan ke-7): 50% x Rp 5.000.000"},
		},
		{
			name:    "hukdis past the rule set's months, duration unknown",
			input:   func(in *Input) { in.Hukdis = &HukdisInForce{Kind: HukdisSedang, MonthIndex: 12} },
			want:    totals{5_000_000, 3_000_000, 2_000_000, 2_500_000, 125_000, 25_000, 2_350_000},
			reasons: map[string]string{CodeHukdis: "sedang (50%, bulan ke-12)"},
		},
		{
			name:  "hukdis berat takes everything",
			input: func(in *Input) { in.Hukdis = &HukdisInForce{Kind: HukdisBerat} },
			want:  totals{5_000_000, 3_000_000, 2_000_000, 0, 0, 0, 0},
			lines: map[string]int64{CodeHukdis: 5_000_000},
		},
		{
			name:    "tax borne by the budget is shown, not withheld",
			rules:   func(rs *RuleSet) { rs.PPh21.BorneByBudget = true },
			input:   func(in *Input) { *in = DemoInput() },
			want:    totals{5_000_000, 3_000_000, 1_900_000, 4_900_000, 245_000, 49_000, 4_851_000},
			reasons: map[string]string{CodePPh21: "ditanggung anggaran pemerintah daerah, tidak dipotong dari TPP", CodeNet: "Rp 4.900.000 - BPJS Rp 49.000"},
		},
		{
			name:  "golongan IV/e 15%",
			input: func(in *Input) { in.Golongan = "IV/e" },
			want:  totals{5_000_000, 3_000_000, 2_000_000, 5_000_000, 750_000, 50_000, 4_200_000},
		},
		{
			name:  "golongan II/a 0%",
			input: func(in *Input) { in.Golongan = " ii / A " },
			want:  totals{5_000_000, 3_000_000, 2_000_000, 5_000_000, 0, 50_000, 4_950_000},
			lines: map[string]int64{CodePPh21: 0},
		},
		{
			name:  "golongan I/d 0%",
			input: func(in *Input) { in.Golongan = "I/d" },
			want:  totals{5_000_000, 3_000_000, 2_000_000, 5_000_000, 0, 50_000, 4_950_000},
		},
		{
			name:    "BPJS on a base capped at Rp 12.000.000",
			input:   func(in *Input) { in.Segments[0].Kelas = 15; in.Golongan = "IV/a" },
			want:    totals{17_500_000, 10_500_000, 7_000_000, 17_500_000, 2_625_000, 120_000, 14_755_000},
			lines:   map[string]int64{CodeBPJSGovernment: 480_000},
			reasons: map[string]string{CodeBPJS: "1% x Rp 12.000.000 (dibatasi Rp 12.000.000)"},
		},
		{
			name:    "BPJS cap shared with the salary",
			input:   func(in *Input) { *in = DemoInput(); in.OtherBPJSIncome = 8_000_000 },
			want:    totals{5_000_000, 3_000_000, 1_900_000, 4_900_000, 245_000, 40_000, 4_615_000},
			lines:   map[string]int64{CodeBPJSGovernment: 160_000},
			reasons: map[string]string{CodeBPJS: "1% x Rp 4.000.000 (batas Rp 12.000.000 dikurangi penghasilan lain Rp 8.000.000)"},
		},
		{
			name:  "salary already above the BPJS cap",
			input: func(in *Input) { in.OtherBPJSIncome = 13_000_000 },
			want:  totals{5_000_000, 3_000_000, 2_000_000, 5_000_000, 250_000, 0, 4_750_000},
		},
		{
			name:  "rounding: 0,5% of Rp 2.000.100 rounds Rp 10.000,5 up",
			rules: func(rs *RuleSet) { rs.Base.Table[8] = 5_000_250 },
			input: func(in *Input) { in.Attendance.TL[0] = 1 },
			// prod 3.000.150; disiplin 2.000.100 - 10.001; PPh 249.512,45; BPJS 49.902,49
			want:  totals{5_000_250, 3_000_150, 1_990_099, 4_990_249, 249_512, 49_902, 4_690_835},
			lines: map[string]int64{"POT_TL1": 10_001},
		},
		{
			name:  "rounding: 0,5% of Rp 2.000.099 rounds Rp 10.000,495 down",
			rules: func(rs *RuleSet) { rs.Base.Table[8] = 5_000_248 },
			input: func(in *Input) { in.Attendance.TL[0] = 1 },
			lines: map[string]int64{CodeDisiplinPagu: 2_000_099, "POT_TL1": 10_000},
			want:  totals{5_000_248, 3_000_149, 1_990_099, 4_990_248, 249_512, 49_902, 4_690_834},
		},
		{
			name:  "rounding: PPh 250.012,5 and BPJS 50.002,5 round up",
			rules: func(rs *RuleSet) { rs.Base.Table[8] = 5_000_250 },
			want:  totals{5_000_250, 3_000_150, 2_000_100, 5_000_250, 250_013, 50_003, 4_700_234},
			lines: map[string]int64{CodeBPJSGovernment: 200_010},
		},
		{
			name: "rounding: a 50/50 split of an odd base still adds up to the base",
			rules: func(rs *RuleSet) {
				rs.Base.Table[8] = 5_000_001
				rs.Split = SplitRule{Produktivitas: 5000, Disiplin: 5000}
			},
			want:  totals{5_000_001, 2_500_001, 2_500_000, 5_000_001, 250_000, 50_000, 4_700_001},
			lines: map[string]int64{CodeProduktivitasPagu: 2_500_001, CodeDisiplinPagu: 2_500_000},
			// The reason text shows the remainder, never "50% x Rp 5.000.001" (which is Rp 2.500.001).
			reasons: map[string]string{CodeDisiplinPagu: "Rp 5.000.001 - Rp 2.500.001 = Rp 2.500.000"},
		},
		{
			name: "rounding: status factor rounds the paid base half up, the unpaid part is the rest",
			rules: func(rs *RuleSet) {
				rs.Base.Table[8] = 5_000_002
				rs.Status.PPPK = 7500
			},
			input: func(in *Input) { in.Status, in.Golongan = StatusPPPK, "IX" },
			// 75% x 5.000.002 = 3.750.001,5 -> 3.750.002 paid; 1.250.000 not paid.
			want:    totals{3_750_002, 2_250_001, 1_500_001, 3_750_002, 187_500, 37_500, 3_525_002},
			lines:   map[string]int64{CodeStatus: 1_250_000, CodeBase: 3_750_002},
			reasons: map[string]string{CodeStatus: "PPPK dibayar 75% x Rp 5.000.002 = Rp 3.750.002: dikurangi bagian tidak dibayar Rp 5.000.002 - Rp 3.750.002 = Rp 1.250.000"},
		},
		{
			name: "Plt in a lower post adds nothing",
			input: func(in *Input) {
				in.Plt = &Plt{Jabatan: "Pengadministrasi", Kelas: 6, Level: PltLebihRendah, WorkingDays: 22}
			},
			want:    totals{5_000_000, 3_000_000, 2_000_000, 5_000_000, 250_000, 50_000, 4_700_000},
			lines:   map[string]int64{CodePlt: 0},
			reasons: map[string]string{CodePlt: "Plt jabatan lebih rendah kelas 6 (Pengadministrasi) selama 22 hari kerja: tetap menerima TPP jabatan sendiri Rp 5.000.000, tidak ada tambahan"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := DemoRuleSet()
			if tt.rules != nil {
				tt.rules(&rs)
			}
			in := clean()
			if tt.input != nil {
				tt.input(&in)
			}
			r, err := Calculate(rs, in)
			if err != nil {
				t.Fatal(err)
			}
			if got := totalsOf(r); got != tt.want {
				t.Errorf("got  %v\nwant %v", got, tt.want)
			}
			for code, amount := range tt.lines {
				if l, ok := r.LineByCode(code); !ok || l.Amount != amount {
					t.Errorf("line %s = %s (present %v), want %s", code, Rupiah(l.Amount), ok, Rupiah(amount))
				}
			}
			for code, part := range tt.reasons {
				if l, _ := r.LineByCode(code); !strings.Contains(l.Reason, part) {
					t.Errorf("reason of %s = %q, want it to contain %q", code, l.Reason, part)
				}
			}
			for _, code := range tt.absent {
				if _, ok := r.LineByCode(code); ok {
					t.Errorf("line %s present, want none", code)
				}
			}
			checkInvariants(t, rs, in, r)
		})
	}
}

func TestPredikat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p         Predikat
		prod, net int64
	}{
		{PredikatSangatBaik, 3_000_000, 4_700_000},
		{PredikatBaik, 3_000_000, 4_700_000},
		{PredikatButuhPerbaikan, 2_250_000, 3_995_000},
		{PredikatKurang, 1_500_000, 3_290_000},
		{PredikatSangatKurang, 750_000, 2_585_000},
		{PredikatTidakAda, 0, 1_880_000},
	}
	if len(tests) != len(Predikats) {
		t.Fatalf("test covers %d predikat, there are %d", len(tests), len(Predikats))
	}
	for _, tt := range tests {
		t.Run(string(tt.p), func(t *testing.T) {
			in := clean()
			in.Predikat = tt.p
			r, err := Calculate(DemoRuleSet(), in)
			if err != nil {
				t.Fatal(err)
			}
			if r.Produktivitas != tt.prod || r.Net != tt.net {
				t.Errorf("produktivitas %s, net %s; want %s, %s",
					Rupiah(r.Produktivitas), Rupiah(r.Net), Rupiah(tt.prod), Rupiah(tt.net))
			}
			if l, _ := r.LineByCode(CodeProduktivitas); !strings.HasPrefix(l.Reason, "Predikat "+tt.p.Label()+": ") {
				t.Errorf("reason %q", l.Reason)
			}
		})
	}
}

func TestProduktivitasMinutes(t *testing.T) {
	t.Parallel()
	rs := DemoRuleSet()
	rs.Produktivitas.Mode = ProduktivitasMenit
	tests := []struct {
		minutes int64
		prod    int64
		rate    BasisPoints
		reason  string
	}{
		{6750, 3_000_000, 10000, "Aktivitas disetujui 6.750 dari target 6.750 menit (100%) x Rp 3.000.000"},
		{8000, 3_000_000, 10000, "Aktivitas disetujui 8.000 dari target 6.750 menit (100%, dibatasi 100%) x Rp 3.000.000"},
		{6000, 2_666_667, 8889, "Aktivitas disetujui 6.000 dari target 6.750 menit (88,89%) x Rp 3.000.000"},
		{3375, 1_500_000, 5000, "(50%)"},
		{1, 444, 1, "(0,01%)"},
		{0, 0, 0, "(0%)"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.minutes), func(t *testing.T) {
			in := clean()
			in.Predikat = "" // not used in minutes mode
			in.ApprovedMinutes = tt.minutes
			r, err := Calculate(rs, in)
			if err != nil {
				t.Fatal(err)
			}
			l, _ := r.LineByCode(CodeProduktivitas)
			if r.Produktivitas != tt.prod || l.Rate != tt.rate || !strings.Contains(l.Reason, tt.reason) {
				t.Errorf("got %s at %s (%q); want %s at %s (%q)", Rupiah(r.Produktivitas), l.Rate, l.Reason,
					Rupiah(tt.prod), tt.rate, tt.reason)
			}
			checkInvariants(t, rs, in, r)
		})
	}
}

func TestLeave(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		leave  []Leave
		code   string
		kind   LineKind
		amount int64
		reason string
	}{
		{"cuti tahunan", []Leave{{Kind: CutiTahunan, Days: 3}}, "CUTI_TAHUNAN", KindInfo, 0, "Cuti tahunan 3 hari: tidak mengurangi TPP"},
		{"dinas luar", []Leave{{Kind: DinasLuar, Days: 4}}, "DINAS_LUAR", KindInfo, 0, "Dinas luar 4 hari: tidak mengurangi TPP"},
		{"sakit 2 hari", []Leave{{Kind: CutiSakit, Days: 2}}, "CUTI_SAKIT", KindDeduct, 0, "Cuti sakit 2 hari (1-2 hari sebulan dibayar 100%): tidak ada potongan"},
		{"sakit 3 hari", []Leave{{Kind: CutiSakit, Days: 3}}, "CUTI_SAKIT", KindDeduct, 500_000, "Cuti sakit 3 hari (3-14 hari sebulan dibayar 75%): 25% x Rp 2.000.000"},
		{"sakit 2 + 3 hari counted together", []Leave{{Kind: CutiSakit, Days: 2}, {Kind: CutiSakit, Days: 3}}, "CUTI_SAKIT", KindDeduct, 500_000, "Cuti sakit 5 hari"},
		{"sakit 14 hari", []Leave{{Kind: CutiSakit, Days: 14}}, "CUTI_SAKIT", KindDeduct, 500_000, "(3-14 hari sebulan dibayar 75%)"},
		{"sakit 15 hari", []Leave{{Kind: CutiSakit, Days: 15}}, "CUTI_SAKIT", KindDeduct, 1_000_000, "(15-30 hari sebulan dibayar 50%): 50%"},
		{"sakit 30 hari", []Leave{{Kind: CutiSakit, Days: 30}}, "CUTI_SAKIT", KindDeduct, 1_000_000, "dibayar 50%"},
		{"cuti besar bulan pertama", []Leave{{Kind: CutiBesar, Days: 30, MonthIndex: 1}}, "CUTI_BESAR", KindDeduct, 1_000_000, "Cuti besar bulan ke-1, 30 hari (dibayar 50%): 50% x Rp 2.000.000"},
		{"cuti besar bulan kedua", []Leave{{Kind: CutiBesar, Days: 30, MonthIndex: 2}}, "CUTI_BESAR", KindDeduct, 1_500_000, "(dibayar 25%): 75%"},
		{"cuti besar bulan ketiga", []Leave{{Kind: CutiBesar, Days: 30, MonthIndex: 3}}, "CUTI_BESAR", KindDeduct, 1_800_000, "(dibayar 10%): 90%"},
		{"cuti besar bulan keempat", []Leave{{Kind: CutiBesar, Days: 10, MonthIndex: 4}}, "CUTI_BESAR", KindDeduct, 1_800_000, "(dibayar 10%)"},
		{"cuti alasan penting", []Leave{{Kind: CutiAlasanPenting, Days: 6, MonthIndex: 1}}, "CUTI_ALASAN_PENTING", KindDeduct, 1_000_000, "Cuti alasan penting bulan ke-1, 6 hari (dibayar 50%)"},
		{"melahirkan anak kedua", []Leave{{Kind: CutiMelahirkan, Days: 30, MonthIndex: 2}}, "CUTI_MELAHIRKAN", KindDeduct, 0, "tidak ada potongan"},
		{"melahirkan anak ketiga bulan pertama", []Leave{{Kind: CutiMelahirkanAnakKetiga, Days: 30, MonthIndex: 1}}, "CUTI_MELAHIRKAN_ANAK_KETIGA", KindDeduct, 800_000, "(dibayar 60%): 40%"},
		{"melahirkan anak ketiga bulan kedua", []Leave{{Kind: CutiMelahirkanAnakKetiga, Days: 30, MonthIndex: 2}}, "CUTI_MELAHIRKAN_ANAK_KETIGA", KindDeduct, 1_400_000, "(dibayar 30%): 70%"},
		{"melahirkan anak ketiga bulan ketiga", []Leave{{Kind: CutiMelahirkanAnakKetiga, Days: 30, MonthIndex: 3}}, "CUTI_MELAHIRKAN_ANAK_KETIGA", KindDeduct, 1_600_000, "(dibayar 20%): 80%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := clean()
			in.Leave = tt.leave
			r, err := Calculate(DemoRuleSet(), in)
			if err != nil {
				t.Fatal(err)
			}
			l, ok := r.LineByCode(tt.code)
			if !ok || l.Kind != tt.kind || l.Amount != tt.amount || !strings.Contains(l.Reason, tt.reason) {
				t.Errorf("line %s = %v %s %s %q, want %s %s %q", tt.code, ok, l.Kind, Rupiah(l.Amount), l.Reason,
					tt.kind, Rupiah(tt.amount), tt.reason)
			}
			if want := 2_000_000 - tt.amount; r.Disiplin != want || r.Produktivitas != 3_000_000 {
				t.Errorf("disiplin %s, want %s; produktivitas %s", Rupiah(r.Disiplin), Rupiah(want), Rupiah(r.Produktivitas))
			}
		})
	}
}

func TestInputValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		rules func(*RuleSet)
		input func(*Input)
		field string
	}{
		{"period missing", nil, func(in *Input) { in.Period = Period{} }, "period"},
		{"working days of the month above its days", nil, func(in *Input) { in.WorkingDaysInMonth = 31 }, "working_days_in_month"},
		{"period missing, other fields still checked", nil, func(in *Input) { in.Period = Period{}; in.Status = "" }, "status"},
		{"period before the rule set", nil, func(in *Input) { in.Period = Period{2025, 12} }, "period"},
		{"period after the rule set", func(rs *RuleSet) { rs.EffectiveUntil = Period{2026, 6} }, nil, "period"},
		{"status", nil, func(in *Input) { in.Status = "honorer" }, "status"},
		{"golongan V/a", nil, func(in *Input) { in.Golongan = "V/a" }, "golongan"},
		{"golongan III/e", nil, func(in *Input) { in.Golongan = "III/e" }, "golongan"},
		{"golongan without ruang", nil, func(in *Input) { in.Golongan = "III" }, "golongan"},
		{"golongan PPPK XVIII", nil, func(in *Input) { in.Status, in.Golongan = StatusPPPK, "XVIII" }, "golongan"},
		{"golongan PPPK given as PNS", nil, func(in *Input) { in.Status, in.Golongan = StatusPPPK, "III/a" }, "golongan"},
		{"no position", nil, func(in *Input) { in.Segments = nil }, "segments"},
		{"kelas 18", nil, func(in *Input) { in.Segments[0].Kelas = 18 }, "segments[0].kelas"},
		{"kelas 0", nil, func(in *Input) { in.Segments[0].Kelas = 0 }, "segments[0].kelas"},
		{"day 31 in November", nil, func(in *Input) { in.Segments[0].ToDay = 31 }, "segments[0]"},
		{"days reversed", nil, func(in *Input) { in.Segments[0].FromDay = 20; in.Segments[0].ToDay = 10 }, "segments[0]"},
		{"overlapping positions", nil, func(in *Input) {
			in.Segments = []Segment{{Kelas: 9, FromDay: 1, ToDay: 15}, {Kelas: 10, FromDay: 15, ToDay: 30}}
		}, "segments"},
		{"extra criteria above the maximum", func(rs *RuleSet) { rs.Base.MaxExtraCriteria = 0 }, func(in *Input) { in.Segments[0].ExtraCriteria = 100 }, "segments[0].extra_criteria"},
		{"Plt kelas", nil, func(in *Input) { in.Plt = &Plt{Kelas: 0, Level: PltSetingkat, WorkingDays: 20} }, "plt.kelas"},
		{"Plt level", nil, func(in *Input) { in.Plt = &Plt{Kelas: 9, Level: "rendah", WorkingDays: 20} }, "plt.level"},
		{"Plt days", nil, func(in *Input) { in.Plt = &Plt{Kelas: 9, Level: PltSetingkat, WorkingDays: 31} }, "plt.working_days"},
		{"predikat missing", nil, func(in *Input) { in.Predikat = "" }, "predikat"},
		{"predikat unknown", nil, func(in *Input) { in.Predikat = "luar_biasa" }, "predikat"},
		{"negative minutes", func(rs *RuleSet) { rs.Produktivitas.Mode = ProduktivitasMenit }, func(in *Input) { in.ApprovedMinutes = -1 }, "approved_minutes"},
		{"negative TK", nil, func(in *Input) { in.Attendance.TK = -1 }, "attendance.tk"},
		{"TK above days in month", nil, func(in *Input) { in.Attendance.TK = 31 }, "attendance.tk"},
		{"negative TL3", nil, func(in *Input) { in.Attendance.TL[2] = -2 }, "attendance.tl[2]"},
		{"negative PSW1", nil, func(in *Input) { in.Attendance.PSW[0] = -1 }, "attendance.psw[0]"},
		{"missing both", nil, func(in *Input) { in.Attendance.MissingBoth = 99 }, "attendance.missing_both"},
		{"leave kind", nil, func(in *Input) { in.Leave = []Leave{{Kind: "cltn", Days: 3}} }, "leave[0].kind"},
		{"leave days", nil, func(in *Input) { in.Leave = []Leave{{Kind: CutiSakit, Days: 0}} }, "leave[0].days"},
		{"sick days add up above the month", nil, func(in *Input) {
			in.Leave = []Leave{{Kind: CutiSakit, Days: 20}, {Kind: CutiSakit, Days: 11}}
		}, "leave[1].days"},
		{"cuti besar without month index", nil, func(in *Input) { in.Leave = []Leave{{Kind: CutiBesar, Days: 3}} }, "leave[0].month_index"},
		{"cuti besar twice, too many days together", nil, func(in *Input) {
			in.Leave = []Leave{{Kind: CutiBesar, Days: 20, MonthIndex: 1}, {Kind: CutiBesar, Days: 11, MonthIndex: 2}}
		}, "leave[1].days"},
		{"hukdis kind", nil, func(in *Input) { in.Hukdis = &HukdisInForce{Kind: "pemberhentian"} }, "hukdis.kind"},
		{"hukdis past its own SK", nil, func(in *Input) { in.Hukdis = &HukdisInForce{Kind: HukdisSedang, MonthIndex: 10, Months: 9} }, "hukdis.month_index"},
		{"other BPJS income", nil, func(in *Input) { in.OtherBPJSIncome = -1 }, "other_bpjs_income"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := DemoRuleSet()
			if tt.rules != nil {
				tt.rules(&rs)
			}
			in := clean()
			if tt.input != nil {
				tt.input(&in)
			}
			_, err := Calculate(rs, in)
			var ve *apperr.ValidationError
			if !errors.As(err, &ve) || errors.Is(err, ErrRuleSet) {
				t.Fatalf("Calculate() error = %v, want an input *apperr.ValidationError", err)
			}
			if ve.Fields[tt.field] == "" {
				t.Errorf("no message for %q; got %v", tt.field, ve.Fields)
			}
		})
	}
}

// TestLeaveByMonthIsProrated: kinds paid by the month are prorated by the
// working days on leave over the month's working days (spec 4); sick leave
// stays banded.
func TestLeaveByMonthIsProrated(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		leave  []Leave
		wdm    int
		code   string
		amount int64
		reason string
	}{
		{"cuti besar 7 of 21 working days", []Leave{{Kind: CutiBesar, Days: 7, MonthIndex: 1}}, 21, "CUTI_BESAR", 333_333, "Cuti besar bulan ke-1, 7 hari (dibayar 50%): 50% x Rp 2.000.000 x 7/21 hari kerja"},
		{"alasan penting 2 of 20", []Leave{{Kind: CutiAlasanPenting, Days: 2, MonthIndex: 1}}, 20, "CUTI_ALASAN_PENTING", 100_000, "2/20 hari kerja"},
		{"the whole month is the whole share", []Leave{{Kind: CutiBesar, Days: 21, MonthIndex: 1}}, 21, "CUTI_BESAR", 1_000_000, "50% x Rp 2.000.000"},
		{"sick leave stays banded", []Leave{{Kind: CutiSakit, Days: 3}}, 21, "CUTI_SAKIT", 500_000, "25% x Rp 2.000.000"},
		// Issue 18: two approved requests of one by-month kind in a month made
		// the employee impossible to compute ("hanya boleh satu kali dalam
		// sebulan"); they are one line (spec 4).
		{"two requests of alasan penting are one line", []Leave{{Kind: CutiAlasanPenting, Days: 3, MonthIndex: 1}, {Kind: CutiAlasanPenting, Days: 2, MonthIndex: 1}}, 20,
			"CUTI_ALASAN_PENTING", 250_000, "Cuti alasan penting bulan ke-1, 5 hari dari 2 permohonan (dibayar 50%): 50% x Rp 2.000.000 x 5/20 hari kerja"},
		{"cuti besar ending in its third month and another starting", []Leave{{Kind: CutiBesar, Days: 5, MonthIndex: 1}, {Kind: CutiBesar, Days: 4, MonthIndex: 3}}, 20,
			"CUTI_BESAR", 610_000, "Cuti besar 9 hari dari 2 permohonan (bulan ke-1 5 hari dibayar 50%, bulan ke-3 4 hari dibayar 10%): (50% x 5 + 90% x 4)/20 hari kerja x Rp 2.000.000"},
		{"two requests filling the month", []Leave{{Kind: CutiBesar, Days: 10, MonthIndex: 2}, {Kind: CutiBesar, Days: 10, MonthIndex: 1}}, 20,
			"CUTI_BESAR", 1_250_000, "(50% x 10 + 75% x 10)/20 hari cuti x Rp 2.000.000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := clean()
			in.Leave, in.WorkingDaysInMonth = tt.leave, tt.wdm
			r, err := Calculate(DemoRuleSet(), in)
			if err != nil {
				t.Fatal(err)
			}
			l, ok := r.LineByCode(tt.code)
			if !ok || l.Amount != tt.amount || !strings.Contains(l.Reason, tt.reason) {
				t.Fatalf("line %s = %v %s %q, want %s %q", tt.code, ok, Rupiah(l.Amount), l.Reason, Rupiah(tt.amount), tt.reason)
			}
			n := 0
			for _, x := range r.Lines {
				if x.Code == tt.code {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%d lines %s, want one", n, tt.code)
			}
			if r.Disiplin != 2_000_000-tt.amount {
				t.Errorf("disiplin %s", Rupiah(r.Disiplin))
			}
		})
	}
}
