package attendance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// recapMonths are the months the stored-recap tests watch.
var recapMonths = []time.Month{time.July, time.August, time.September, time.October, time.November, time.December}

// warmRecaps reads every OPD's recap of every watched month once, so every
// active employee has a stored row to keep fresh.
func (f *fixture) warmRecaps(s *Store) {
	f.t.Helper()
	for _, opd := range f.opdID {
		for _, m := range recapMonths {
			if _, err := s.MonthlyRecaps(f.ctx, opd, 2026, m, DemoBands()); err != nil {
				f.t.Fatalf("recap %s: %v", m, err)
			}
		}
	}
}

// checkStoredRecaps compares, after a write, every stored row with a fresh
// judgement of its employee-month by judgeMonth (the arithmetic the rows
// come from). strict: the write path itself must have refreshed what it
// changed, so no row may be marked stale (basi) or judged with other inputs
// (kunci); otherwise such rows are allowed, but the reads (MonthlyRecaps,
// OPDRecap, LeaveInMonth) must still equal the fresh judgement, and after
// them every row must be fresh.
func (f *fixture) checkStoredRecaps(s *Store, stage string, strict bool) {
	f.t.Helper()
	compare := func(strict bool) int {
		var rows []string
		if err := f.db.Raw(`SELECT to_jsonb(r)::text FROM presensi_rekap_bulan r ORDER BY pegawai_id, bulan`).Scan(&rows).Error; err != nil {
			f.t.Fatal(err)
		}
		// The rows of one month judged with the same band edges are
		// judged together: judgeMonth of a list of employees is each one's
		// judgement (the reads below compare it with single ones too).
		type group struct {
			d     Date
			bands Bands
		}
		type row struct {
			js string
			st storedRecap
			g  group
		}
		var parsed []row
		ids := map[group][]int64{}
		for _, js := range rows {
			var st storedRecap
			if err := json.Unmarshal([]byte(js), &st); err != nil {
				f.t.Fatal(err)
			}
			d, err := ParseDate(st.Bulan)
			if err != nil {
				f.t.Fatal(err)
			}
			b, ok := st.bands()
			if !ok {
				f.t.Errorf("%s: row %d %s has no band edges: %s", stage, st.PegawaiID, st.Bulan, js)
				continue
			}
			g := group{d, b}
			parsed = append(parsed, row{js, st, g})
			ids[g] = append(ids[g], st.PegawaiID)
		}
		judged := map[group]map[int64]judgedMonth{}
		for g, list := range ids {
			jms, err := s.judgeMonth(f.ctx, who{ids: list}, g.d.Year, g.d.Month, g.bands)
			if err != nil || len(jms) != len(list) {
				f.t.Fatalf("%s: judge %d employees of %d-%02d: %d judged, %v", stage, len(list), g.d.Year, g.d.Month, len(jms), err)
			}
			judged[g] = map[int64]judgedMonth{}
			for _, jm := range jms {
				judged[g][jm.Pegawai.ID] = jm
			}
		}
		checked := 0
		for _, r := range parsed {
			st, d := r.st, r.g.d
			jm, ok := judged[r.g][st.PegawaiID]
			if !ok {
				f.t.Fatalf("%s: employee %d %s not judged", stage, st.PegawaiID, st.Bulan)
			}
			if st.Basi || st.Kunci != jm.key {
				if strict {
					f.t.Errorf("%s: row %d %s not refreshed by the write (basi %v, kunci %s, want %s)", stage, st.PegawaiID, st.Bulan, st.Basi, st.Kunci, jm.key)
				}
				continue
			}
			checked++
			if got := st.recap(d.Year, d.Month); !reflect.DeepEqual(got, jm.Recap) {
				f.t.Errorf("%s: stored recap %d %s\n got %+v\nwant %+v", stage, st.PegawaiID, st.Bulan, got, jm.Recap)
			}
			if got, want := st.leave(), leaveRows(jm); !reflect.DeepEqual(got, want) {
				f.t.Errorf("%s: stored leave %d %s: %v, want %v", stage, st.PegawaiID, st.Bulan, got, want)
			}
		}
		return checked
	}
	if compare(strict) == 0 && strict {
		f.t.Fatalf("%s: no stored row checked", stage)
	}
	// The landing page's discipline chart, read with stale rows (judged
	// again, for the whole regency) ...
	f.checkDiscipline(s, stage+" (rows stale)")
	// The reads: what they serve equals the fresh judgement.
	for _, opd := range f.opdID {
		for _, m := range recapMonths {
			fresh, err := s.judgeMonth(f.ctx, who{opdID: opd}, 2026, m, DemoBands())
			if err != nil {
				f.t.Fatal(err)
			}
			got, err := s.MonthlyRecaps(f.ctx, opd, 2026, m, DemoBands())
			if err != nil {
				f.t.Fatal(err)
			}
			rows, err := s.OPDRecap(f.ctx, opd, 2026, m, DemoBands())
			if err != nil {
				f.t.Fatal(err)
			}
			leave, err := s.LeaveInMonth(f.ctx, opd, 2026, m)
			if err != nil {
				f.t.Fatal(err)
			}
			if len(got) != len(fresh) || len(rows) != len(fresh) {
				f.t.Errorf("%s: %s OPD %d: %d recaps, %d rows, want %d", stage, m, opd, len(got), len(rows), len(fresh))
			}
			for i, jm := range fresh {
				if !reflect.DeepEqual(got[jm.Pegawai.ID], jm.Recap) {
					f.t.Errorf("%s: %s MonthlyRecaps %s\n got %+v\nwant %+v", stage, m, jm.Pegawai.NIP, got[jm.Pegawai.ID], jm.Recap)
				}
				if i < len(rows) && (rows[i].Pegawai.ID != jm.Pegawai.ID || !reflect.DeepEqual(rows[i].Recap, jm.Recap)) {
					f.t.Errorf("%s: %s OPDRecap row %d: %+v, want %s %+v", stage, m, i, rows[i], jm.Pegawai.NIP, jm.Recap)
				}
				if want := leaveRows(jm); !reflect.DeepEqual(leave[jm.Pegawai.ID], want) {
					f.t.Errorf("%s: %s LeaveInMonth %s: %v, want %v", stage, m, jm.Pegawai.NIP, leave[jm.Pegawai.ID], want)
				}
			}
		}
	}
	compare(true) // after the reads nothing is stale
	// ... and with every row fresh: added up by SQL from the stored rows.
	for _, m := range recapMonths {
		var stale int64
		if err := f.db.Raw(`SELECT count(*) FROM pegawai p JOIN opd o ON o.id = p.opd_id AND o.aktif
LEFT JOIN presensi_rekap_bulan r ON r.pegawai_id = p.id AND r.bulan = make_date(2026, ?, 1)
WHERE p.keadaan = 'aktif' AND (r.pegawai_id IS NULL OR r.basi)`, int(m)).Scan(&stale).Error; err != nil || stale != 0 {
			f.t.Fatalf("%s: %s: %d active employees without a fresh row after the reads (%v)", stage, m, stale, err)
		}
	}
	f.checkDiscipline(s, stage+" (rows fresh)")
}

// checkDiscipline compares DisciplineByOPD of every watched month with the
// TK and TL days of a fresh judgement of every active employee. It reads
// past the dashboard's snapshot (disciplineByOPD): what is checked here is
// the stored recaps after each write, not the minute a snapshot lives.
func (f *fixture) checkDiscipline(s *Store, stage string) {
	f.t.Helper()
	for _, m := range recapMonths {
		got, err := s.disciplineByOPD(f.ctx, 2026, m)
		if err != nil {
			f.t.Fatalf("%s: discipline %s: %v", stage, m, err)
		}
		jms, err := s.judgeMonth(f.ctx, who{everyone: true}, 2026, m, DemoBands())
		if err != nil {
			f.t.Fatal(err)
		}
		var opds []struct {
			ID   int64
			Nama string
		}
		if err := f.db.Raw(`SELECT id, nama FROM opd WHERE aktif ORDER BY kode`).Scan(&opds).Error; err != nil {
			f.t.Fatal(err)
		}
		want := make([]OPDDiscipline, len(opds))
		idx := map[int64]int{}
		for i, o := range opds {
			want[i].OPDNama, idx[o.ID] = o.Nama, i
		}
		for _, jm := range jms {
			if i, ok := idx[jm.Pegawai.OPDID]; ok {
				want[i].Pegawai++
				want[i].TK += int64(jm.Recap.TK)
				for _, n := range jm.Recap.TL {
					want[i].TL += int64(n)
				}
			}
		}
		if !reflect.DeepEqual(got, want) {
			f.t.Errorf("%s: DisciplineByOPD %s\n got %+v\nwant %+v", stage, m, got, want)
		}
	}
	if _, err := s.DisciplineByOPD(f.ctx, Actor{Role: auth.RoleAdminOPD}, 2026, time.July); err == nil {
		f.t.Errorf("%s: DisciplineByOPD served an admin_opd", stage)
	}
}

// TestStoredRecapFollowsEveryWrite runs every write path that changes an
// employee's days (CSV import, a re-import that deletes a day, a scan
// import, a correction, leave approved, refused and cancelled) and, after
// each, checks that the write itself refreshed the stored recaps and that
// they equal a fresh judgement; then the inputs that only the key follows
// (a holiday, a schedule, the next day, a change by SQL behind the store's
// back) are judged again on the next read.
func TestStoredRecapFollowsEveryWrite(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	admin := f.pr[auth.RoleAdminOPD]
	peg := f.pr[auth.RolePegawai]
	opd := admin.Active.OPDID
	s := f.s
	f.warmRecaps(s)
	f.checkStoredRecaps(s, "warm", true)

	var others []string
	if err := f.db.Raw(`SELECT nip FROM pegawai WHERE opd_id = ? AND keadaan = 'aktif' AND id <> ? ORDER BY nip LIMIT 2`, opd, peg.PegawaiID).Scan(&others).Error; err != nil || len(others) != 2 {
		t.Fatalf("other employees: %v %v", others, err)
	}
	csv := strings.Join([]string{
		"nip;tanggal;jam_masuk;jam_pulang",
		peg.NIP + ";2026-08-03;08:00:59;16:00",
		peg.NIP + ";2026-08-04;07:30;15:00",
		peg.NIP + ";2026-09-01;09:31;",
		peg.NIP + ";2026-11-24;07:30;16:00",
		others[0] + ";2026-08-03;07:30;16:00",
		others[0] + ";2026-11-24;;16:00",
	}, "\n") + "\n"
	if rep := f.importCSV(opd, csv, false); !rep.Applied || rep.Inserted != 6 {
		t.Fatalf("import: %+v", rep)
	}
	f.checkStoredRecaps(s, "import CSV", true)

	// The same days again, the employee's 3 August missing: deleted.
	csv2 := "nip;tanggal;jam_masuk;jam_pulang\n" + others[0] + ";2026-08-03;07:30;16:00\n" + others[1] + ";2026-08-04;07:30;16:00\n" + peg.NIP + ";2026-08-04;07:30;15:00\n"
	if rep := f.importCSV(opd, csv2, false); !rep.Applied || rep.Deleted != 1 {
		t.Fatalf("re-import: %+v", rep)
	}
	f.checkStoredRecaps(s, "re-import deletes a day", true)

	mesin := seedMachine(t, f.db, opd, []string{peg.NIP, others[0]})
	var log bytes.Buffer
	for _, l := range []string{"1\t2026-10-05 07:50:00", "1\t2026-10-05 16:10:00", "2\t2026-10-06 07:20:00", "1\t2026-11-02 07:10:00"} {
		fmt.Fprintf(&log, "%9s\t1\t0\t0\t0\n", l)
	}
	rep, err := s.ImportScans(f.ctx, admin, "127.0.0.1", ScanImportInput{MesinID: mesin, FileName: "uji_attlog.dat", Body: &log})
	if err != nil || !rep.Applied || rep.Inserted == 0 {
		t.Fatalf("scan import: %v %+v", err, rep)
	}
	f.checkStoredRecaps(s, "scan import", true)

	if err := s.Correct(f.ctx, admin, "127.0.0.1", peg.PegawaiID, CorrectionInput{Tanggal: "2026-09-01", JamMasuk: "07:30", JamPulang: "16:00", Alasan: "Rapat di luar kantor"}); err != nil {
		t.Fatal(err)
	}
	f.checkStoredRecaps(s, "correction", true)

	approved, err := s.RequestLeave(f.ctx, admin, "127.0.0.1", LeaveInput{PegawaiID: peg.PegawaiID, Jenis: "tahunan", Mulai: "2026-07-30", Selesai: "2026-08-05"})
	if err != nil {
		t.Fatal(err)
	}
	f.checkStoredRecaps(s, "leave requested", true)
	if err := s.DecideLeave(f.ctx, f.pr[auth.RoleAtasan], "", approved, true, ""); err != nil {
		t.Fatal(err)
	}
	f.checkStoredRecaps(s, "leave approved", true)
	refused, err := s.RequestLeave(f.ctx, admin, "127.0.0.1", LeaveInput{PegawaiID: peg.PegawaiID, Jenis: "sakit", Mulai: "2026-09-14", Selesai: "2026-09-15"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DecideLeave(f.ctx, f.pr[auth.RoleAtasan], "", refused, false, "Tidak ada surat dokter"); err != nil {
		t.Fatal(err)
	}
	f.checkStoredRecaps(s, "leave refused", true)
	cancelled, err := s.RequestLeave(f.ctx, peg, "127.0.0.1", LeaveInput{Jenis: "dinas_luar", Mulai: "2026-10-12", Selesai: "2026-10-13"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CancelLeave(f.ctx, peg, "127.0.0.1", cancelled); err != nil {
		t.Fatal(err)
	}
	f.checkStoredRecaps(s, "leave cancelled", true)

	// Inputs the key follows: the next read judges again.
	if err := s.SaveHoliday(f.ctx, ActorOf(f.pr[auth.RoleSuperadmin], ""), HolidayInput{Tanggal: "2026-09-01", Nama: "Hari libur daerah", Jenis: string(LiburDaerah)}); err != nil {
		t.Fatal(err)
	}
	f.checkStoredRecaps(s, "holiday added", false)
	if err := f.db.Exec(`UPDATE jadwal_kerja SET pola = ARRAY['', '07:00-15:30', '07:00-15:30', '07:00-15:30', '07:00-15:30', '07:00-16:00', ''] WHERE bawaan`).Error; err != nil {
		t.Fatal(err)
	}
	f.checkStoredRecaps(s, "default schedule changed", false)
	// A schedule assigned to the agency, then (later, overriding it) to one
	// employee: each read finds the one in force, and so does the
	// discipline chart's sum.
	if err := f.db.Exec(`INSERT INTO jadwal_kerja_penugasan (jadwal_id, opd_id, mulai) SELECT id, ?, '2026-08-01' FROM jadwal_kerja WHERE kode = '6HK'`, opd).Error; err != nil {
		t.Fatal(err)
	}
	f.checkStoredRecaps(s, "agency schedule", false)
	if err := f.db.Exec(`INSERT INTO jadwal_kerja_penugasan (jadwal_id, pegawai_id, mulai) SELECT id, ?, '2026-10-01' FROM jadwal_kerja WHERE bawaan`, peg.PegawaiID).Error; err != nil {
		t.Fatal(err)
	}
	f.checkStoredRecaps(s, "own schedule", false)
	next := s.WithClock(func() time.Time { return fixedNow.AddDate(0, 0, 1) })
	f.checkStoredRecaps(next, "next day", false)
	if err := f.db.Exec(`UPDATE kehadiran SET jam_masuk = 9 * 3600 WHERE pegawai_id = ? AND tanggal = '2026-11-24'`, peg.PegawaiID).Error; err != nil {
		t.Fatal(err)
	}
	var basi bool
	if err := f.db.Raw(`SELECT basi FROM presensi_rekap_bulan WHERE pegawai_id = ? AND bulan = '2026-11-01'`, peg.PegawaiID).Scan(&basi).Error; err != nil || !basi {
		t.Fatalf("a change by SQL did not mark the row stale: %v %v", basi, err)
	}
	f.checkStoredRecaps(next, "changed by SQL", false)
}

// TestStoredRecapBands: a row is served only for the band edges it was
// judged with; a write keeps the row's edges.
func TestStoredRecapBands(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	admin := f.pr[auth.RoleAdminOPD]
	peg := f.pr[auth.RolePegawai]
	opd := admin.Active.OPDID
	f.importCSV(opd, "nip;tanggal;jam_masuk;jam_pulang\n"+peg.NIP+";2026-08-03;08:10;16:00\n", false) // 40 minutes late
	wide := Bands{Late: [3]int{60, 120, 180}, Early: [3]int{60, 120, 180}}
	tlOf := func(b Bands) [4]int {
		t.Helper()
		r, err := f.s.MonthlyRecaps(f.ctx, opd, 2026, time.August, b)
		if err != nil {
			t.Fatal(err)
		}
		return r[peg.PegawaiID].TL
	}
	if got := tlOf(DemoBands()); got != [4]int{0, 1, 0, 0} {
		t.Fatalf("demo bands: TL %v", got)
	}
	if got := tlOf(wide); got != [4]int{1, 0, 0, 0} {
		t.Fatalf("wide bands after demo: TL %v", got)
	}
	if got := tlOf(DemoBands()); got != [4]int{0, 1, 0, 0} {
		t.Fatalf("demo bands after wide: TL %v", got)
	}
	tlOf(wide)
	if err := f.s.Correct(f.ctx, admin, "127.0.0.1", peg.PegawaiID, CorrectionInput{Tanggal: "2026-08-04", JamMasuk: "09:00", JamPulang: "16:00", Alasan: "Lupa sidik jari pagi"}); err != nil {
		t.Fatal(err)
	}
	var batas string
	if err := f.db.Raw(`SELECT batas_tl::text FROM presensi_rekap_bulan WHERE pegawai_id = ? AND bulan = '2026-08-01' AND NOT basi`, peg.PegawaiID).Scan(&batas).Error; err != nil || batas != "{60,120,180}" {
		t.Fatalf("the correction's refresh changed the edges: %q %v", batas, err)
	}
	if got := tlOf(wide); got != [4]int{1, 1, 0, 0} {
		t.Fatalf("wide bands after correction: TL %v", got)
	}
}

// TestStoredRecapReadDoesNotOverwriteNewer: a read that judged before a
// write stores nothing over the writer's row.
func TestStoredRecapReadDoesNotOverwriteNewer(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	admin := f.pr[auth.RoleAdminOPD]
	peg := f.pr[auth.RolePegawai]
	opd := admin.Active.OPDID
	f.warmRecaps(f.s)
	// A read judged the month, then a write changed it before the read stored.
	jms, err := f.s.judgeMonth(f.ctx, who{ids: []int64{peg.PegawaiID}}, 2026, time.August, DemoBands())
	if err != nil {
		t.Fatal(err)
	}
	var st storedRecap
	var js string
	if err := f.db.Raw(`SELECT to_jsonb(r)::text FROM presensi_rekap_bulan r WHERE pegawai_id = ? AND bulan = '2026-08-01'`, peg.PegawaiID).Scan(&js).Error; err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(js), &st); err != nil {
		t.Fatal(err)
	}
	f.importCSV(opd, "nip;tanggal;jam_masuk;jam_pulang\n"+peg.NIP+";2026-08-03;10:00;16:00\n", false)
	old := toStored(jms[0], 2026, time.August, DemoBands())
	old.Versi = st.Versi
	if err := f.s.storeRead(f.ctx, nil, []storedRecap{old}); err != nil {
		t.Fatal(err)
	}
	if err := f.s.storeRead(f.ctx, []storedRecap{old}, nil); err != nil {
		t.Fatal(err)
	}
	f.checkStoredRecaps(f.s, "late read", true)
}
