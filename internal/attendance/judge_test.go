package attendance

import (
	"errors"
	"slices"
	"testing"
	"time"
)

type dayWant struct {
	Status       Status
	Late, Early  Band
	LateMinutes  int
	EarlyMinutes int
	NoIn, NoOut  bool
	Corrected    bool
}

func project(d Day) dayWant {
	return dayWant{d.Status, d.Late, d.Early, d.LateMinutes, d.EarlyMinutes, d.NoIn, d.NoOut, d.Corrected}
}

func TestJudgeDay(t *testing.T) {
	t.Parallel()
	five, six := FiveDayWeek(), SixDayWeek()
	hol := april2026Holidays(t)

	roster := Schedule{Name: "IGD"}
	shifts := HospitalShifts()
	pagi, malam := shifts[0], shifts[2]
	roster.Assign(date(2026, 4, 3), pagi)  // Good Friday: the ward is staffed
	roster.Assign(date(2026, 4, 6), malam) // Monday night
	roster.Assign(date(2026, 4, 8), Shift{Code: "L", Name: "Libur"})

	ramadan := FiveDayWeek()
	ramadan.Seasons = []Season{{
		Name: "Ramadan 1447 H", From: date(2026, 2, 18), To: date(2026, 3, 19),
		Week: Week{
			time.Monday:    {clk("08:00"), clk("15:00")},
			time.Tuesday:   {clk("08:00"), clk("15:00")},
			time.Wednesday: {clk("08:00"), clk("15:00")},
			time.Thursday:  {clk("08:00"), clk("15:00")},
			time.Friday:    {clk("08:00"), clk("15:30")},
		},
	}}

	mon, fri, sat := date(2026, 4, 6), date(2026, 4, 10), date(2026, 4, 11)
	hadir := func(late Band, lm int, early Band, em int) dayWant {
		return dayWant{Status: StatusHadir, Late: late, LateMinutes: lm, Early: early, EarlyMinutes: em}
	}
	onTime := hadir(BandNone, 0, BandNone, 0)

	tests := []struct {
		name  string
		sched *Schedule
		date  Date
		rec   Record
		ex    Excuse
		corr  *Correction
		want  dayWant
	}{
		{"on time", &five, mon, rec("07:30", "16:00"), "", nil, onTime},
		{"59 seconds late is on time", &five, mon, rec("07:30:59", "16:00"), "", nil, onTime},
		{"late 1", &five, mon, rec("07:31", "16:00"), "", nil, hadir(Band1, 1, BandNone, 0)},
		{"late 30 is TL1", &five, mon, rec("08:00", "16:00"), "", nil, hadir(Band1, 30, BandNone, 0)},
		{"late 31 is TL2", &five, mon, rec("08:01", "16:00"), "", nil, hadir(Band2, 31, BandNone, 0)},
		{"late 60 is TL2", &five, mon, rec("08:30", "16:00"), "", nil, hadir(Band2, 60, BandNone, 0)},
		{"late 61 is TL3", &five, mon, rec("08:31", "16:00"), "", nil, hadir(Band3, 61, BandNone, 0)},
		{"late 90 is TL3", &five, mon, rec("09:00", "16:00"), "", nil, hadir(Band3, 90, BandNone, 0)},
		{"late 91 is TL4", &five, mon, rec("09:01", "16:00"), "", nil, hadir(Band4, 91, BandNone, 0)},
		{"late 90m59s is TL3", &five, mon, rec("09:00:59", "16:00"), "", nil, hadir(Band3, 90, BandNone, 0)},
		{"59 seconds early is on time", &five, mon, rec("06:55", "15:59:01"), "", nil, onTime},
		{"early 1", &five, mon, rec("06:55", "15:59"), "", nil, hadir(BandNone, 0, Band1, 1)},
		{"early 30 is PSW1", &five, mon, rec("06:55", "15:30"), "", nil, hadir(BandNone, 0, Band1, 30)},
		{"early 31 is PSW2", &five, mon, rec("06:55", "15:29"), "", nil, hadir(BandNone, 0, Band2, 31)},
		{"early 60 is PSW2", &five, mon, rec("06:55", "15:00"), "", nil, hadir(BandNone, 0, Band2, 60)},
		{"early 61 is PSW3", &five, mon, rec("06:55", "14:59"), "", nil, hadir(BandNone, 0, Band3, 61)},
		{"early 90 is PSW3", &five, mon, rec("06:55", "14:30"), "", nil, hadir(BandNone, 0, Band3, 90)},
		{"early 91 is PSW4", &five, mon, rec("06:55", "14:29"), "", nil, hadir(BandNone, 0, Band4, 91)},
		{"late and early on one day", &five, mon, rec("08:05", "15:00"), "", nil, hadir(Band2, 35, Band2, 60)},
		{"no time out is PSW4", &five, mon, rec("07:20", ""), "", nil,
			dayWant{Status: StatusHadir, Early: Band4, NoOut: true}},
		{"no time in is TL4", &five, mon, rec("", "16:10"), "", nil,
			dayWant{Status: StatusHadir, Late: Band4, NoIn: true}},
		{"no time in, early out", &five, mon, rec("", "15:00"), "", nil,
			dayWant{Status: StatusHadir, Late: Band4, NoIn: true, Early: Band2, EarlyMinutes: 60}},
		{"no record is TK", &five, mon, Record{}, "", nil, dayWant{Status: StatusTK}},
		{"no record, presence attested", &five, mon, Record{}, "", &Correction{Present: true, Reason: "mesin rusak"},
			dayWant{Status: StatusTanpaRekam, Corrected: true}},
		{"correction supplies time in", &five, mon, rec("", "16:00"), "", &Correction{In: clk("07:28"), SetIn: true, Reason: "lupa"},
			dayWant{Status: StatusHadir, Corrected: true}},
		{"correction replaces machine time", &five, mon, rec("09:30", "16:00"), "", &Correction{In: clk("07:25"), SetIn: true, Reason: "jam mesin salah"},
			dayWant{Status: StatusHadir, Corrected: true}},
		{"Friday ends 16:30", &five, fri, rec("07:30", "16:30"), "", nil, onTime},
		{"Friday 16:00 is 30 early", &five, fri, rec("07:30", "16:00"), "", nil, hadir(BandNone, 0, Band1, 30)},
		{"Friday 16:29 is 1 early", &five, fri, rec("07:30", "16:29"), "", nil, hadir(BandNone, 0, Band1, 1)},
		{"Saturday is off in a 5-day week", &five, sat, rec("07:30", "12:00"), "", nil, dayWant{Status: StatusLibur}},
		{"Sunday with no record is off", &five, date(2026, 4, 12), Record{}, "", nil, dayWant{Status: StatusLibur}},
		{"holiday on a work day", &five, date(2026, 4, 3), rec("07:30", "16:30"), "", nil, dayWant{Status: StatusHariLibur}},
		{"holiday on a Sunday is plain off", &five, date(2026, 4, 5), Record{}, "", nil, dayWant{Status: StatusLibur}},
		{"leave is not spent on a holiday", &five, date(2026, 4, 3), Record{}, CutiTahunan, nil, dayWant{Status: StatusHariLibur}},
		{"leave on a weekend is off", &five, sat, Record{}, CutiTahunan, nil, dayWant{Status: StatusLibur}},
		{"6-day Saturday on time", &six, sat, rec("07:30", "13:00"), "", nil, onTime},
		{"6-day Saturday 12:00 is 60 early", &six, sat, rec("07:30", "12:00"), "", nil, hadir(BandNone, 0, Band2, 60)},
		{"6-day Friday ends 11:30", &six, fri, rec("07:30", "11:30"), "", nil, onTime},
		{"6-day Monday ends 14:30", &six, mon, rec("07:30", "14:00"), "", nil, hadir(BandNone, 0, Band1, 30)},
		{"annual leave", &five, mon, Record{}, CutiTahunan, nil, dayWant{Status: StatusCuti}},
		{"sick with letter", &five, mon, Record{}, CutiSakit, nil, dayWant{Status: StatusCuti}},
		{"leave beats a late record", &five, mon, rec("10:00", ""), CutiAlasanPenting, nil, dayWant{Status: StatusCuti}},
		{"DL beats a late record", &five, mon, rec("09:30", "12:00"), DinasLuar, nil, dayWant{Status: StatusDinasLuar}},
		{"night shift on time", &roster, mon, rec("20:50", "07:05"), "", nil, onTime},
		{"night shift late and early", &roster, mon, rec("22:00", "06:00"), "", nil, hadir(Band2, 60, Band2, 60)},
		{"night shift in after midnight", &roster, mon, rec("00:30", "07:00"), "", nil, hadir(Band4, 210, BandNone, 0)},
		{"night shift explicit next-day out", &roster, mon, rec("21:00", "07:00+1"), "", nil, onTime},
		{"night shift without time out", &roster, mon, rec("20:45", ""), "", nil,
			dayWant{Status: StatusHadir, Early: Band4, NoOut: true}},
		{"night shift without any time", &roster, mon, Record{}, "", nil, dayWant{Status: StatusTK}},
		{"rostered shift on a holiday is worked", &roster, date(2026, 4, 3), rec("07:10", "14:00"), "", nil, hadir(Band1, 10, BandNone, 0)},
		{"no shift rostered is off", &roster, date(2026, 4, 7), Record{}, "", nil, dayWant{Status: StatusLibur}},
		{"rostered day off", &roster, date(2026, 4, 8), Record{}, "", nil, dayWant{Status: StatusLibur}},
		{"Ramadan hours", &ramadan, date(2026, 3, 2), rec("08:00", "15:00"), "", nil, onTime},
		{"Ramadan Friday", &ramadan, date(2026, 3, 6), rec("08:10", "15:00"), "", nil, hadir(Band1, 10, Band1, 30)},
		{"after Ramadan normal hours", &ramadan, date(2026, 3, 23), rec("08:00", "15:00"), "", nil, hadir(Band1, 30, Band2, 60)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := JudgeDay(DayInput{
				Date: tt.date, Schedule: tt.sched, Holidays: hol,
				Record: tt.rec, Excuse: tt.ex, Correction: tt.corr,
			}, DemoBands())
			if err != nil {
				t.Fatalf("JudgeDay: %v", err)
			}
			if p := project(got); p != tt.want {
				t.Errorf("got  %+v\nwant %+v", p, tt.want)
			}
			if got.Date != tt.date || got.Excuse != tt.ex {
				t.Errorf("date/excuse not carried: %+v", got)
			}
		})
	}
}

func TestJudgeDayNightShiftRecordIsNormalised(t *testing.T) {
	t.Parallel()
	roster := Schedule{}
	roster.Assign(date(2026, 4, 6), HospitalShifts()[2])
	got, err := JudgeDay(DayInput{Date: date(2026, 4, 6), Schedule: &roster, Record: rec("20:50", "07:05")}, DemoBands())
	if err != nil {
		t.Fatal(err)
	}
	if got.Record.In != clk("20:50") || got.Record.Out != clk("07:05+1") {
		t.Errorf("record = %s-%s, want 20:50-07:05+1", got.Record.In, got.Record.Out)
	}
	loc := DefaultLocation()
	if out := got.Date.At(got.Record.Out, loc); !out.Equal(time.Date(2026, 4, 7, 7, 5, 0, 0, loc)) {
		t.Errorf("time out instant = %v", out)
	}
}

func TestJudgeDayErrors(t *testing.T) {
	t.Parallel()
	five := FiveDayWeek()
	mon := date(2026, 4, 6)
	bad := DemoBands()
	bad.Early = [3]int{30, 30, 90}
	tests := []struct {
		name  string
		in    DayInput
		bands Bands
	}{
		{"time out before time in", DayInput{Date: mon, Schedule: &five, Record: rec("10:00", "09:00")}, DemoBands()},
		{"corrected out before in", DayInput{Date: mon, Schedule: &five, Record: rec("10:00", "16:00"),
			Correction: &Correction{Out: clk("08:00"), SetOut: true}}, DemoBands()},
		{"unknown excuse", DayInput{Date: mon, Schedule: &five, Excuse: "izin_pribadi"}, DemoBands()},
		{"no schedule", DayInput{Date: mon}, DemoBands()},
		{"invalid date", DayInput{Date: date(2026, 2, 30), Schedule: &five}, DemoBands()},
		{"negative time", DayInput{Date: mon, Schedule: &five, Record: Record{In: -1, HasIn: true}}, DemoBands()},
		{"bad bands", DayInput{Date: mon, Schedule: &five}, bad},
		{"bad window", DayInput{Date: mon, Schedule: &Schedule{Week: Week{time.Monday: {clk("16:00"), clk("07:00")}}}}, DemoBands()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := JudgeDay(tt.in, tt.bands); !errors.Is(err, ErrInvalid) {
				t.Errorf("err = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestBands(t *testing.T) {
	t.Parallel()
	b := DemoBands()
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		min  int
		want Band
	}{{-5, BandNone}, {0, BandNone}, {1, Band1}, {30, Band1}, {31, Band2}, {60, Band2}, {61, Band3}, {90, Band3}, {91, Band4}, {600, Band4}} {
		if got := b.LateBand(tt.min); got != tt.want {
			t.Errorf("LateBand(%d) = %v, want %v", tt.min, got, tt.want)
		}
		if got := b.EarlyBand(tt.min); got != tt.want {
			t.Errorf("EarlyBand(%d) = %v, want %v", tt.min, got, tt.want)
		}
	}
	for _, bad := range []Bands{
		{},
		{Late: [3]int{0, 60, 90}, Early: [3]int{30, 60, 90}},
		{Late: [3]int{30, 60, 90}, Early: [3]int{30, 90, 60}},
		{Late: [3]int{30, 60, 2000}, Early: [3]int{30, 60, 90}},
	} {
		if err := bad.Validate(); !errors.Is(err, ErrInvalid) {
			t.Errorf("Validate(%v) = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestDayCodes(t *testing.T) {
	t.Parallel()
	d := Day{Status: StatusHadir, Late: Band2, Early: Band4}
	if got := d.Codes(); !slices.Equal(got, []string{"TL2", "PSW4"}) {
		t.Errorf("Codes = %v", got)
	}
	if d.OnTime() || !(Day{Status: StatusHadir}).OnTime() {
		t.Error("OnTime wrong")
	}
}
