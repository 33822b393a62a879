package attendance

import (
	"errors"
	"maps"
	"reflect"
	"testing"
	"time"
)

// aprilInput is one employee's April 2026 on the five-day week. Every work
// day not listed is on time (07:25-16:05, Friday 07:25-16:35).
func aprilInput(t testing.TB) MonthInput {
	five := FiveDayWeek()
	in := MonthInput{
		Year: 2026, Month: time.April,
		Schedule: &five, Holidays: april2026Holidays(t), Bands: DemoBands(),
		Records:     map[Date]Record{},
		Excuses:     map[Date]Excuse{},
		Corrections: map[Date]Correction{},
	}
	for d := date(2026, 4, 1); d.Month == time.April; d = d.AddDays(1) {
		switch d.Weekday() {
		case time.Friday:
			in.Records[d] = rec("07:25", "16:35")
		case time.Saturday, time.Sunday:
		default:
			in.Records[d] = rec("07:25", "16:05")
		}
	}
	day := func(n int) Date { return date(2026, 4, n) }
	in.Records[day(1)] = rec("07:45", "16:00")  // TL1 15
	in.Records[day(2)] = rec("08:00", "15:30")  // TL1 30, PSW1 30
	delete(in.Records, day(3))                  // Good Friday
	in.Records[day(6)] = rec("08:01", "16:00")  // TL2 31
	delete(in.Records, day(7))                  // TK
	in.Records[day(8)] = rec("07:20", "")       // PSW4, no time out
	in.Records[day(9)] = rec("", "16:10")       // TL4, no time in
	in.Records[day(10)] = rec("07:30", "16:00") // Friday: PSW1 30
	in.Records[day(11)] = rec("08:00", "12:00") // Saturday: off, ignored
	delete(in.Records, day(13))
	delete(in.Records, day(14))
	in.Excuses[day(13)] = CutiTahunan
	in.Excuses[day(14)] = CutiTahunan
	in.Records[day(15)] = rec("09:00", "") // DL: excused despite the record
	in.Excuses[day(15)] = DinasLuar
	in.Records[day(16)] = rec("09:01", "14:29") // TL4 91, PSW4 91
	delete(in.Records, day(17))                 // machine down, presence attested
	in.Corrections[day(17)] = Correction{Present: true, Reason: "mesin sidik jari rusak"}
	in.Records[day(20)] = rec("08:31", "15:00") // TL3 61, PSW2 60
	in.Records[day(21)] = rec("09:00", "16:00") // TL3 90
	delete(in.Records, day(22))
	delete(in.Records, day(23))
	in.Excuses[day(22)] = CutiSakit
	in.Excuses[day(23)] = CutiSakit
	in.Records[day(24)] = rec("", "16:40") // time in corrected to 07:28
	in.Corrections[day(24)] = Correction{In: clk("07:28"), SetIn: true, Reason: "lupa sidik jari, surat atasan"}
	delete(in.Records, day(27)) // TK
	in.Records[day(28)] = rec("07:30:59", "16:00")
	in.Records[day(29)] = rec("07:00", "14:59") // PSW3 61
	return in
}

func TestRecapMonthApril2026(t *testing.T) {
	t.Parallel()
	r, days, err := RecapMonth(aprilInput(t))
	if err != nil {
		t.Fatal(err)
	}
	// Hand count. April 2026: 22 weekdays; Good Friday (3rd) closes one, so 21
	// work days; Easter Sunday (5th) falls on a day off and counts as Libur
	// with the other 7 weekend days.
	want := MonthlyRecap{
		Year: 2026, Month: time.April,
		DaysJudged: 30,
		WorkDays:   21,
		Holidays:   1,
		ByStatus: map[Status]int{
			StatusHadir: 13, StatusTK: 2, StatusTanpaRekam: 1, StatusCuti: 4,
			StatusDinasLuar: 1, StatusHariLibur: 1, StatusLibur: 8,
		},
		Hadir:        13,                 // 1 2 6 8 9 10 16 20 21 24 28 29 30
		OnTime:       3,                  // 24 28 30
		TL:           [4]int{2, 1, 2, 2}, // TL1: 1 2; TL2: 6; TL3: 20 21; TL4: 9 16
		PSW:          [4]int{2, 1, 1, 2}, // PSW1: 2 10; PSW2: 20; PSW3: 29; PSW4: 8 16
		TLNoRecord:   1,                  // 9
		PSWNoRecord:  1,                  // 8
		TK:           2,                  // 7 27
		MissingBoth:  1,                  // 17
		LateMinutes:  15 + 30 + 31 + 91 + 61 + 90,
		EarlyMinutes: 30 + 30 + 91 + 60 + 61,
		Excused:      map[Excuse]int{CutiTahunan: 2, DinasLuar: 1, CutiSakit: 2},
		Corrected:    2, // 17 24
	}
	if !recapEqual(r, want) {
		t.Errorf("recap\n got %+v\nwant %+v", r, want)
	}
	if len(days) != 30 || days[0].Date != date(2026, 4, 1) || days[29].Date != date(2026, 4, 30) {
		t.Errorf("days: %d, %v..%v", len(days), days[0].Date, days[len(days)-1].Date)
	}
	checkRecapInvariants(t, r)
}

func TestRecapMonthActivePeriod(t *testing.T) {
	t.Parallel()
	in := aprilInput(t)
	in.From, in.To = date(2026, 4, 15), date(2026, 4, 28) // joined on the 15th; judged up to the 28th
	r, days, err := RecapMonth(in)
	if err != nil {
		t.Fatal(err)
	}
	// 15..28 April: 14 days, weekdays 15-17, 20-24, 27-28 = 10 work days.
	if r.DaysJudged != 14 || len(days) != 14 || r.WorkDays != 10 {
		t.Errorf("DaysJudged %d, days %d, WorkDays %d", r.DaysJudged, len(days), r.WorkDays)
	}
	if r.TK != 1 || r.Excused[CutiTahunan] != 0 || r.Excused[DinasLuar] != 1 || r.MissingBoth != 1 {
		t.Errorf("TK %d, excused %v, missing both %d", r.TK, r.Excused, r.MissingBoth)
	}
	checkRecapInvariants(t, r)
}

func TestRecapMonthRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*MonthInput)
	}{
		{"record outside month", func(in *MonthInput) { in.Records[date(2026, 5, 1)] = rec("07:00", "16:00") }},
		{"excuse outside month", func(in *MonthInput) { in.Excuses[date(2026, 3, 31)] = CutiTahunan }},
		{"correction outside month", func(in *MonthInput) { in.Corrections[date(2026, 5, 1)] = Correction{Present: true} }},
		{"period outside month", func(in *MonthInput) { in.From = date(2026, 3, 30) }},
		{"period backwards", func(in *MonthInput) { in.From, in.To = date(2026, 4, 20), date(2026, 4, 10) }},
		{"bad month", func(in *MonthInput) { in.Month = 13 }},
		{"bad record", func(in *MonthInput) { in.Records[date(2026, 4, 1)] = rec("12:00", "08:00") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := aprilInput(t)
			tt.change(&in)
			if _, _, err := RecapMonth(in); !errors.Is(err, ErrInvalid) {
				t.Errorf("err = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestSummarizeRefuses(t *testing.T) {
	t.Parallel()
	d := Day{Date: date(2026, 4, 1), Status: StatusTK}
	for name, days := range map[string][]Day{
		"twice":          {d, d},
		"other month":    {{Date: date(2026, 5, 1), Status: StatusTK}},
		"unknown status": {{Date: date(2026, 4, 2), Status: "izin"}},
	} {
		if _, err := Summarize(2026, time.April, days); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
	}
}

func checkRecapInvariants(t *testing.T, r MonthlyRecap) {
	t.Helper()
	excused := 0
	for _, n := range r.Excused {
		excused += n
	}
	if r.WorkDays != r.Hadir+r.TK+r.MissingBoth+excused {
		t.Errorf("WorkDays %d != Hadir %d + TK %d + MissingBoth %d + excused %d", r.WorkDays, r.Hadir, r.TK, r.MissingBoth, excused)
	}
	sum := 0
	for _, n := range r.ByStatus {
		sum += n
	}
	if sum != r.DaysJudged {
		t.Errorf("ByStatus sums to %d, DaysJudged %d", sum, r.DaysJudged)
	}
}

func recapEqual(a, b MonthlyRecap) bool {
	ma, mb := a.ByStatus, b.ByStatus
	ea, eb := a.Excused, b.Excused
	a.ByStatus, b.ByStatus, a.Excused, b.Excused = nil, nil, nil, nil
	return reflect.DeepEqual(a, b) && maps.Equal(ma, mb) && maps.Equal(ea, eb)
}
