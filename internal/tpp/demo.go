package tpp

// demoTable is the demo TPP per kelas 1..17. The spec fixes kelas 1 at
// Rp 1.750.000, kelas 15 at Rp 17.500.000 and (through the worked example)
// kelas 9 at Rp 5.000.000; the other kelas are filled in rising steps that
// widen towards the top, as real Perbup tables do, so the table is strictly
// increasing and a higher post always pays more.
var demoTable = [KelasCount]Rupiah{
	1_750_000,  // 1
	2_000_000,  // 2
	2_250_000,  // 3
	2_500_000,  // 4
	2_850_000,  // 5
	3_250_000,  // 6
	3_750_000,  // 7
	4_350_000,  // 8
	5_000_000,  // 9
	6_250_000,  // 10
	7_750_000,  // 11
	9_500_000,  // 12
	11_750_000, // 13
	14_500_000, // 14
	17_500_000, // 15
	21_000_000, // 16
	25_000_000, // 17
}

// demoReference is an illustrative national tunjangan kinerja table in the
// shape of the Perpres tables, for switching the demo to BaseModeIndeks; a
// real deployment types in the table of the Perpres in force.
var demoReference = [KelasCount]Rupiah{
	1_968_000, 2_089_350, 2_531_250, 2_702_000, 2_928_000, 3_510_400,
	3_915_950, 4_595_150, 5_079_200, 5_979_200, 8_757_600, 9_896_000,
	10_936_000, 17_064_000, 19_280_000, 27_577_500, 33_240_000,
}

// DemoRuleSet returns the demo rule set of spec section 4 (Kepmendagri
// 900-4700 of 2020 and common Perbup practice). Where the spec leaves a demo
// value open it uses: PPPK status factor 100%, extra criteria up to 100% per
// position, the employee bearing PPh 21 (as the worked example does), and PPPK
// golongan I-IV, V-VIII, IX-XII, XIII-XVII taxed as PNS golongan I, II, III, IV
// (the usual equivalence by entry education: IX is a bachelor's degree, as III/a).
func DemoRuleSet() RuleSet {
	return RuleSet{
		Name:          "Aturan TPP demo (Kepmendagri 900-4700/2020)",
		Version:       1,
		EffectiveFrom: Period{Year: 2026, Month: 1},
		Base: BaseRule{
			Mode:             BaseModeTable,
			Table:            demoTable,
			Reference:        demoReference,
			IndeksTPP:        Ratio{Num: 59_112_978, Den: 100_000_000},
			MaxExtraCriteria: 10000,
		},
		Status: StatusFactors{PNS: 10000, CPNS: 8000, PPPK: 10000, TugasBelajar: 0},
		Plt:    PltRule{EqualLevelShare: 2000, MinWorkingDays: 20},
		Split:  SplitRule{Produktivitas: 6000, Disiplin: 4000},
		Produktivitas: ProduktivitasRule{
			Mode: ProduktivitasPredikat,
			Predikat: PredikatFactors{
				SangatBaik: 10000, Baik: 10000, ButuhPerbaikan: 7500,
				Kurang: 5000, SangatKurang: 2500, TidakAda: 0,
			},
			MonthlyMinutesTarget: 6750,
		},
		Disiplin: DisiplinRule{
			TKPerDay:          300,
			TL:                [4]BasisPoints{50, 100, 125, 150},
			PSW:               [4]BasisPoints{50, 100, 125, 150},
			MissingBothPerDay: 300,
			Cap:               10000,
			BandMinutes:       [3]int{30, 60, 90},
		},
		Leave: LeaveRule{
			Sick: []SickBand{
				{MinDays: 1, MaxDays: 2, Pay: 10000},
				{MinDays: 3, MaxDays: 14, Pay: 7500},
				{MinDays: 15, MaxDays: 30, Pay: 5000},
			},
			Besar:                []BasisPoints{5000, 2500, 1000},
			AlasanPenting:        []BasisPoints{5000},
			Melahirkan:           []BasisPoints{10000},
			MelahirkanAnakKetiga: []BasisPoints{6000, 3000, 2000},
		},
		Hukdis: HukdisRule{
			Ringan: Sanction{Rate: 2500, Months: 1},
			Sedang: Sanction{Rate: 5000, Months: 6},
			Berat:  Sanction{Rate: 10000, Months: 12},
		},
		PPh21: TaxRule{
			GolonganI: 0, GolonganII: 0, GolonganIII: 500, GolonganIV: 1500,
			PPPK: []PPPKRange{
				{From: 1, To: 4, Group: 1},
				{From: 5, To: 8, Group: 2},
				{From: 9, To: 12, Group: 3},
				{From: 13, To: 17, Group: 4},
			},
		},
		BPJS: BPJSRule{EmployeeRate: 100, GovernmentRate: 400, Cap: 12_000_000},
	}
}

// DemoInput returns the spec's worked example: kelas 9, PNS III/c, predikat
// Baik, 1 day TK and 2 x TL2 in November 2026 (net Rp 4.606.000 under DemoRuleSet).
func DemoInput() Input {
	return Input{
		NIP:      "199001012015031001",
		Name:     "Budi Santoso",
		Period:   Period{Year: 2026, Month: 11},
		Status:   StatusPNS,
		Golongan: "III/c",
		Segments: []Segment{{Jabatan: "Analis Kepegawaian Ahli Muda", Kelas: 9, FromDay: 1, ToDay: 30}},
		Predikat: PredikatBaik,
		Attendance: Attendance{
			TK: 1,
			TL: [4]int{0, 2, 0, 0},
		},
	}
}
