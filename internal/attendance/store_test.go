package attendance

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/demo"
	"github.com/ekinerja/ekinerja/internal/testdb"
)

// fixedNow is the tests' clock: 26 November 2026, noon WIB.
var fixedNow = time.Date(2026, 11, 26, 12, 0, 0, 0, DefaultLocation())

type fixture struct {
	t     *testing.T
	db    *gorm.DB
	s     *Store
	ctx   context.Context
	pr    map[auth.Role]*auth.Principal
	opdID map[string]int64
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := testdb.New(t)
	ctx := context.Background()
	hasher := auth.NewHasher(auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, 4)
	if _, err := demo.Seed(ctx, db, hasher); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, db: db, ctx: ctx, s: NewStore(db, DefaultLocation()).WithClock(func() time.Time { return fixedNow }),
		pr: map[auth.Role]*auth.Principal{}, opdID: map[string]int64{}}
	var opds []struct {
		ID   int64  `gorm:"column:id"`
		Kode string `gorm:"column:kode"`
	}
	if err := db.Raw(`SELECT id, kode FROM opd`).Scan(&opds).Error; err != nil {
		t.Fatal(err)
	}
	for _, o := range opds {
		f.opdID[o.Kode] = o.ID
	}
	for _, l := range demo.Logins() {
		var row struct {
			UserID    int64 `gorm:"column:user_id"`
			PegawaiID int64 `gorm:"column:pegawai_id"`
			OPDID     int64 `gorm:"column:opd_id"`
		}
		if err := db.Raw(`SELECT u.id AS user_id, p.id AS pegawai_id, p.opd_id FROM users u JOIN pegawai p ON p.id = u.pegawai_id WHERE u.nip = ?`, l.NIP).Scan(&row).Error; err != nil {
			t.Fatal(err)
		}
		p := &auth.Principal{UserID: row.UserID, PegawaiID: row.PegawaiID, NIP: l.NIP, OPDID: row.OPDID, Active: auth.Grant{Role: l.Role}}
		if l.Role == auth.RoleAdminOPD {
			p.Active.OPDID = row.OPDID
		}
		f.pr[l.Role] = p
	}
	return f
}

func (f *fixture) importCSV(opdID int64, csv string, skip bool) ImportReport {
	f.t.Helper()
	rep, err := f.s.Import(f.ctx, ImportInput{OPDID: opdID, Actor: ActorOf(f.pr[auth.RoleAdminOPD], "127.0.0.1"),
		FileName: "tes.csv", SkipBadRows: skip, Body: strings.NewReader(csv)})
	if err != nil {
		f.t.Fatalf("import: %v", err)
	}
	return rep
}

// TestRecapHandComputed is the done-when table: one employee's August
// 2026 with late arrivals on every band edge, early leaves, a missing time
// out, an absence, a Friday, two national holidays (17 and 25 August), leave,
// DL, and corrections, against bands counted by hand.
func TestRecapHandComputed(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	peg := f.pr[auth.RolePegawai]
	dinkes := f.pr[auth.RoleAdminOPD].Active.OPDID
	nip := peg.NIP
	lines := []string{
		"nip;tanggal;jam_masuk;jam_pulang",
		nip + ";2026-08-03;08:00:59;16:00", // 30 min late: TL1 (edge)
		nip + ";2026-08-04;08:01;16:00",    // 31: TL2
		nip + ";2026-08-05;08:30;15:00",    // 60: TL2 (edge); 60 early: PSW2 (edge)
		nip + ";2026-08-06;08:31;14:59",    // 61: TL3; 61: PSW3
		nip + ";07/08/2026;07:30;16:00",    // Friday ends 16:30: 30 early, PSW1 (edge)
		nip + ";2026-08-10;09:00;14:30",    // 90: TL3 (edge); 90: PSW3 (edge)
		nip + ";2026-08-11;09:01;14:29",    // 91: TL4; 91: PSW4
		nip + ";2026-08-12;07:30;",         // no time out: PSW4 (no record)
		// 13 August: no row at all, TK
		nip + ";2026-08-14;07:00;16:30", // Friday, on time
		nip + ";2026-08-17;07:30;16:00", // Independence Day: holiday, record ignored
		nip + ";2026-08-18;07:30;16:00", // on approved annual leave (18-20): cuti wins
		nip + ";2026-08-26;07:45;16:00", // corrected to 07:30 below
		nip + ";2026-08-27;07:30;16:00",
		nip + ";2026-08-28;07:29;16:31",
		nip + ";2026-08-31;07:30;16:00",
		// 21 August: DL; 24 August: no row, attested present; 25 August: holiday
	}
	rep := f.importCSV(dinkes, strings.Join(lines, "\n")+"\n", false)
	if !rep.Applied || rep.BadRows != 0 || rep.Inserted != 15 {
		t.Fatalf("import: %+v", rep)
	}

	admin := f.pr[auth.RoleAdminOPD]
	for _, c := range []CorrectionInput{
		{Tanggal: "2026-08-24", Hadir: true, Alasan: "Mesin sidik jari mati seharian"},
		{Tanggal: "2026-08-26", JamMasuk: "07:30", JamPulang: "16:00", Alasan: "Rapat di luar kantor pagi hari"},
	} {
		if err := f.s.Correct(f.ctx, admin, "127.0.0.1", peg.PegawaiID, c); err != nil {
			t.Fatalf("correct %s: %v", c.Tanggal, err)
		}
	}
	for _, l := range []LeaveInput{
		{Jenis: "tahunan", Mulai: "2026-08-18", Selesai: "2026-08-20"},
		{Jenis: "dinas_luar", Mulai: "2026-08-21", Selesai: "2026-08-21"},
	} {
		id, err := f.s.RequestLeave(f.ctx, peg, "127.0.0.1", l)
		if err != nil {
			t.Fatalf("request %s: %v", l.Jenis, err)
		}
		if err := f.s.DecideLeave(f.ctx, f.pr[auth.RoleAtasan], "127.0.0.1", id, true, ""); err != nil {
			t.Fatalf("approve %s: %v", l.Jenis, err)
		}
	}

	recaps, err := f.s.MonthlyRecaps(f.ctx, dinkes, 2026, time.August, DemoBands())
	if err != nil {
		t.Fatal(err)
	}
	r, ok := recaps[peg.PegawaiID]
	if !ok {
		t.Fatalf("no recap for the employee among %d", len(recaps))
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"work days", r.WorkDays, 19},
		{"holidays", r.Holidays, 2},
		{"hadir", r.Hadir, 13},
		{"on time", r.OnTime, 5},
		{"TL", r.TL, [4]int{1, 2, 2, 1}},
		{"PSW", r.PSW, [4]int{1, 1, 2, 2}},
		{"PSW no record", r.PSWNoRecord, 1},
		{"TK", r.TK, 1},
		{"missing both", r.MissingBoth, 1},
		{"cuti tahunan", r.Excused[CutiTahunan], 3},
		{"DL", r.Excused[DinasLuar], 1},
		{"late minutes", r.LateMinutes, 30 + 31 + 60 + 61 + 90 + 91},
		{"early minutes", r.EarlyMinutes, 60 + 61 + 30 + 90 + 91},
		{"corrected", r.Corrected, 2},
		{"days judged", r.DaysJudged, 31},
	}
	for _, c := range checks {
		if fmt.Sprint(c.got) != fmt.Sprint(c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}

	// The employee page reads the same judgement.
	em, err := f.s.EmployeeMonth(f.ctx, peg.PegawaiID, 2026, time.August, DemoBands())
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(em.Recap) != fmt.Sprint(r) {
		t.Errorf("employee page recap differs from MonthlyRecaps:\n%+v\n%+v", em.Recap, r)
	}
	if got := em.Records[Date{2026, 8, 26}]; got.In != NewClock(7, 45, 0) {
		t.Errorf("original record of 26 August changed: %v", got)
	}
	if len(em.Koreksi) != 2 {
		t.Errorf("corrections listed: %d", len(em.Koreksi))
	}

	leave, err := f.s.LeaveInMonth(f.ctx, dinkes, 2026, time.August)
	if err != nil {
		t.Fatal(err)
	}
	want := []LeaveInMonth{{Kind: "tahunan", Days: 3, MonthIndex: 1}, {Kind: "dinas_luar", Days: 1, MonthIndex: 1}}
	if fmt.Sprint(leave[peg.PegawaiID]) != fmt.Sprint(want) {
		t.Errorf("leave in month = %+v, want %+v", leave[peg.PegawaiID], want)
	}
}

func TestLongLeaveAndSanctions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	admin := f.pr[auth.RoleAdminOPD]
	peg := f.pr[auth.RolePegawai]
	dinkes := admin.Active.OPDID
	// Cuti besar from 20 July to 10 September 2026, entered by admin_opd.
	id, err := f.s.RequestLeave(f.ctx, admin, "127.0.0.1", LeaveInput{PegawaiID: peg.PegawaiID, Jenis: "besar", Mulai: "2026-07-20", Selesai: "2026-09-10"})
	if err != nil {
		t.Fatal(err)
	}
	// Before approval it excuses nothing.
	lm, _ := f.s.LeaveInMonth(f.ctx, dinkes, 2026, time.August)
	if len(lm[peg.PegawaiID]) != 0 {
		t.Fatalf("pending leave counted: %+v", lm)
	}
	// Only the employee's atasan decides; the verifikator (not atasan) cannot.
	if err := f.s.DecideLeave(f.ctx, f.pr[auth.RoleVerifikator], "", id, true, ""); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("verifikator decided: %v", err)
	}
	if err := f.s.DecideLeave(f.ctx, f.pr[auth.RoleAtasan], "", id, true, ""); err != nil {
		t.Fatal(err)
	}
	// An overlapping request is refused.
	if _, err := f.s.RequestLeave(f.ctx, peg, "", LeaveInput{Jenis: "sakit", Mulai: "2026-09-01", Selesai: "2026-09-02"}); err == nil {
		t.Fatal("overlapping leave accepted")
	}
	for _, c := range []struct {
		month time.Month
		want  string
	}{
		{time.July, "[{besar 10 1}]"},     // 20-31 July: 10 work days
		{time.August, "[{besar 19 2}]"},   // all 19 work days (17 and 25 are holidays)
		{time.September, "[{besar 8 3}]"}, // 1-10 September: 8 work days
	} {
		lm, err := f.s.LeaveInMonth(f.ctx, dinkes, 2026, c.month)
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(lm[peg.PegawaiID]); got != c.want {
			t.Errorf("%s: %s, want %s", c.month, got, c.want)
		}
	}

	ver := f.pr[auth.RoleVerifikator]
	nip := peg.NIP
	for _, in := range []SanctionInput{
		{NIP: nip, NomorSK: "800/12/BKPSDM/2026", Jenis: "sedang", MulaiBulan: "2026-06", LamaBulan: "6"},
		{NIP: nip, NomorSK: "800/20/BKPSDM/2026", Jenis: "ringan", MulaiBulan: "2026-08", LamaBulan: "1"},
	} {
		if _, err := f.s.RecordSanction(f.ctx, ver, "", in); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.s.RecordSanction(f.ctx, ver, "", SanctionInput{NIP: nip, NomorSK: "800/20/BKPSDM/2026", Jenis: "ringan", MulaiBulan: "2026-08", LamaBulan: "1"}); err == nil {
		t.Error("same decree recorded twice")
	}
	if _, err := f.s.RecordSanction(f.ctx, admin, "", SanctionInput{NIP: nip, NomorSK: "X", Jenis: "ringan", MulaiBulan: "2026-08", LamaBulan: "1"}); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("admin_opd recorded a sanction: %v", err)
	}
	for _, c := range []struct {
		month time.Month
		want  string
	}{
		{time.May, ""},
		{time.June, "{sedang 1 800/12/BKPSDM/2026 6}"},
		{time.August, "{sedang 3 800/12/BKPSDM/2026 6}"}, // heavier than the ringan of the same month
		{time.November, "{sedang 6 800/12/BKPSDM/2026 6}"},
		{time.December, ""},
	} {
		sf, err := f.s.SanctionsInForce(f.ctx, dinkes, 2026, c.month)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if v, ok := sf[peg.PegawaiID]; ok {
			got = fmt.Sprint(v)
		}
		if got != c.want {
			t.Errorf("%s: %q, want %q", c.month, got, c.want)
		}
	}
}

func TestImportRules(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dinkes := f.opdID["DINKES"]
	var own, other []string
	f.db.Raw(`SELECT nip FROM pegawai WHERE opd_id = ? ORDER BY id LIMIT 3`, dinkes).Scan(&own)
	f.db.Raw(`SELECT nip FROM pegawai WHERE opd_id = ? ORDER BY id LIMIT 1`, f.opdID["BPKAD"]).Scan(&other)

	day1 := "nip,tanggal,jam_masuk,jam_pulang\n" +
		own[0] + ",2026-10-01,07:20,16:05\n" +
		own[1] + ",2026-10-01,07:40,16:00\n" +
		own[2] + ",2026-10-01,07:25,\n" +
		own[0] + ",2026-10-02,07:20,16:35\n"
	rep := f.importCSV(dinkes, day1, false)
	if !rep.Applied || rep.Inserted != 4 || rep.Updated != 0 || rep.Deleted != 0 || rep.Days != 2 {
		t.Fatalf("first import: %+v", rep)
	}
	// The same file again changes nothing.
	rep = f.importCSV(dinkes, day1, false)
	if !rep.Applied || rep.Inserted+rep.Updated+rep.Deleted != 0 {
		t.Fatalf("reimport changed data: %+v", rep)
	}
	// A corrected file for 1 October replaces that day (own[2] dropped, own[1]
	// changed); 2 October is not in the file and stays.
	fix := "nip,tanggal,jam_masuk,jam_pulang\n" +
		own[0] + ",2026-10-01,07:20,16:05\n" +
		own[1] + ",2026-10-01,07:35,16:00\n"
	rep = f.importCSV(dinkes, fix, false)
	if !rep.Applied || rep.Inserted != 0 || rep.Updated != 1 || rep.Deleted != 1 {
		t.Fatalf("corrected day: %+v", rep)
	}
	var n int64
	f.db.Raw(`SELECT count(*) FROM kehadiran`).Scan(&n)
	if n != 3 {
		t.Fatalf("records after replacement: %d, want 3", n)
	}

	// Bad rows: nothing applied, each named with its line.
	bad := "nip,tanggal,jam_masuk,jam_pulang\n" +
		own[0] + ",2026-10-05,07:20,16:05\n" + // 2: fine
		other[0] + ",2026-10-05,07:20,16:05\n" + // 3: another OPD's employee
		"199001012015031999,2026-10-05,07:20,16:05\n" + // 4: unknown NIP
		own[1] + ",2026-13-05,07:20,16:05\n" + // 5: bad date
		own[2] + ",2026-12-01,07:20,16:05\n" + // 6: future
		own[2] + ",2026-10-05,25:00,16:05\n" // 7: bad time
	rep = f.importCSV(dinkes, bad, false)
	if rep.Applied || rep.BadRows != 5 {
		t.Fatalf("bad file: %+v", rep)
	}
	lines := map[int]string{}
	for _, e := range rep.Errors {
		lines[e.Line] = e.Error()
	}
	for line, want := range map[int]string{3: "OPD lain", 4: "tidak terdaftar", 5: "tanggal tidak valid", 6: "masa depan", 7: "jam masuk"} {
		if !strings.Contains(lines[line], want) {
			t.Errorf("line %d: %q, want mention of %q", line, lines[line], want)
		}
	}
	if _, ok := lines[2]; ok {
		t.Errorf("good line reported: %v", lines)
	}
	f.db.Raw(`SELECT count(*) FROM kehadiran WHERE tanggal = '2026-10-05'`).Scan(&n)
	if n != 0 {
		t.Fatal("a refused file changed data")
	}
	// Skipping bad rows applies the good one.
	rep = f.importCSV(dinkes, bad, true)
	if !rep.Applied || rep.Inserted != 1 {
		t.Fatalf("skip bad rows: %+v", rep)
	}
	// A file without the required header is refused as a whole.
	rep = f.importCSV(dinkes, "nip,tanggal\n"+own[0]+",2026-10-05\n", false)
	if rep.Applied || !strings.Contains(rep.FileError, "jam_masuk") {
		t.Fatalf("header: %+v", rep)
	}
	// Three imports were applied and audited.
	f.db.Raw(`SELECT count(*) FROM audit_log WHERE action = 'presensi.impor'`).Scan(&n)
	if n != 4 {
		t.Errorf("import audit rows: %d, want 4", n)
	}
}

// TestDemoMonthImports checks the done-when: a month of demo attendance for
// the demo regency imports from a CSV in the documented layout, per OPD.
func TestDemoMonthImports(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for kode, id := range f.opdID {
		var b strings.Builder
		if err := f.s.DemoCSV(f.ctx, &b, id, 2026, time.October); err != nil {
			t.Fatal(err)
		}
		if kode == "DINKES" {
			// The committed sample is what the generator writes (regenerate with
			// ekinerja attendance demo-csv --month 2026-10 --opd DINKES).
			want, err := os.ReadFile("testdata/demo-dinkes-2026-10.csv")
			if err != nil || string(want) != b.String() {
				t.Errorf("testdata/demo-dinkes-2026-10.csv differs from the generator (err %v)", err)
			}
		}
		rep := f.importCSV(id, b.String(), false)
		if !rep.Applied || rep.BadRows != 0 || rep.Inserted < 300 {
			t.Fatalf("%s: %+v", kode, rep)
		}
		recaps, err := f.s.MonthlyRecaps(f.ctx, id, 2026, time.October, DemoBands())
		if err != nil {
			t.Fatal(err)
		}
		tk, tl := 0, 0
		for _, r := range recaps {
			if r.WorkDays != 22 {
				t.Fatalf("%s: October 2026 has 22 work days, got %d", kode, r.WorkDays)
			}
			tk += r.TK
			tl += r.TL[0] + r.TL[1] + r.TL[2] + r.TL[3]
		}
		if tk == 0 || tl == 0 {
			t.Errorf("%s: demo month has no absences (%d) or late arrivals (%d)", kode, tk, tl)
		}
	}
}

// TestScope checks that an employee outside a person's scope looks absent.
func TestScope(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var bkpsdmPeg int64
	f.db.Raw(`SELECT id FROM pegawai WHERE opd_id = ? ORDER BY id LIMIT 1`, f.opdID["BKPSDM"]).Scan(&bkpsdmPeg)
	peg := f.pr[auth.RolePegawai]
	for _, c := range []struct {
		role auth.Role
		id   int64
		ok   bool
	}{
		{auth.RoleAdminOPD, peg.PegawaiID, true},
		{auth.RoleAdminOPD, bkpsdmPeg, false},
		{auth.RoleAtasan, peg.PegawaiID, true},
		{auth.RoleAtasan, bkpsdmPeg, false},
		{auth.RolePegawai, peg.PegawaiID, true},
		{auth.RolePegawai, bkpsdmPeg, false},
		{auth.RoleVerifikator, bkpsdmPeg, true},
	} {
		_, err := f.s.Pegawai(f.ctx, f.pr[c.role], c.id)
		if (err == nil) != c.ok || (err != nil && !errors.Is(err, apperr.ErrOutOfScope)) {
			t.Errorf("%s sees %d: err %v, want ok=%v", c.role, c.id, err, c.ok)
		}
	}
	if _, err := f.s.OPDOf(f.ctx, f.pr[auth.RoleAdminOPD], f.opdID["BKPSDM"]); !errors.Is(err, apperr.ErrOutOfScope) {
		t.Errorf("admin_opd opened another OPD: %v", err)
	}
	// A correction whose time out falls before the imported time in is refused
	// (it would make the day unjudgeable).
	peg2 := f.pr[auth.RolePegawai]
	f.importCSV(f.opdID["DINKES"], "nip,tanggal,jam_masuk,jam_pulang\n"+peg2.NIP+",2026-10-01,09:00,\n", false)
	err0 := f.s.Correct(f.ctx, f.pr[auth.RoleAdminOPD], "", peg2.PegawaiID, CorrectionInput{Tanggal: "2026-10-01", JamPulang: "08:00", Alasan: "lupa absen pulang"})
	if fe, ok := err0.(*apperr.ValidationError); !ok || fe.Fields["jam_pulang"] == "" {
		t.Errorf("out before imported in accepted: %v", err0)
	}
	// A correction for another OPD's employee is refused.
	err := f.s.Correct(f.ctx, f.pr[auth.RoleAdminOPD], "", bkpsdmPeg, CorrectionInput{Tanggal: "2026-10-01", Hadir: true, Alasan: "coba coba"})
	if !errors.Is(err, apperr.ErrOutOfScope) {
		t.Errorf("cross-OPD correction: %v", err)
	}
}

// TestScheduleAssignment: an employee's own schedule beats the OPD's, which
// beats the default five-day week.
func TestScheduleAssignment(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dinkes := f.opdID["DINKES"]
	peg := f.pr[auth.RolePegawai]
	scheds, err := f.s.Schedules(f.ctx)
	if err != nil || len(scheds) != 2 || !scheds[0].Bawaan {
		t.Fatalf("schedules: %+v %v", scheds, err)
	}
	six := scheds[1].ID
	workDays := func() (me, other int) {
		r, err := f.s.MonthlyRecaps(f.ctx, dinkes, 2026, time.October, DemoBands())
		if err != nil {
			t.Fatal(err)
		}
		for id, rc := range r {
			if id == peg.PegawaiID {
				me = rc.WorkDays
			} else {
				other = rc.WorkDays
			}
		}
		return me, other
	}
	if me, other := workDays(); me != 22 || other != 22 {
		t.Fatalf("default: %d, %d", me, other)
	}
	a := ActorOf(f.pr[auth.RoleSuperadmin], "")
	if err := f.s.AssignSchedule(f.ctx, a, six, 0, peg.PegawaiID, Date{2026, 1, 1}); err != nil {
		t.Fatal(err)
	}
	if me, other := workDays(); me != 27 || other != 22 { // October 2026 has 5 Saturdays
		t.Fatalf("own six-day week: %d, %d", me, other)
	}
	if err := f.s.AssignSchedule(f.ctx, a, scheds[0].ID, dinkes, 0, Date{2026, 1, 1}); err != nil {
		t.Fatal(err)
	}
	if me, _ := workDays(); me != 27 {
		t.Fatalf("OPD assignment overrode the employee's own: %d", me)
	}
}
