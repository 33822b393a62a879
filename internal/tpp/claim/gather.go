package claim

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/tpp"
)

// Employee is everything the claim needs about one employee and month: the
// engine's input plus identity, bank account and the warnings found while
// gathering.
type Employee struct {
	PegawaiID    int64     `json:"pegawai_id"`
	Jabatan      string    `json:"jabatan"`
	Kelas        int       `json:"kelas"`
	StatusASN    string    `json:"status_asn"`
	BankNama     string    `json:"bank_nama"`
	BankRekening string    `json:"bank_rekening"`
	BankAtasNama string    `json:"bank_atas_nama"`
	Input        tpp.Input `json:"input"`
	Warnings     []string  `json:"warnings,omitempty"`
}

// Gathered is the inputs of one OPD and month.
type Gathered struct {
	Employees []Employee
	// Notes are claim-wide warnings (a data source missing altogether).
	Notes []string
}

// Warning texts, shared by the pages and the counts on a claim.
const (
	WarnNoBank = "Rekening bank belum diisi: TPP tidak dapat ditransfer"
	// WarnBankPending: a new account waits for a second person's
	// confirmation (org.DecideBank); the claim uses the confirmed one.
	WarnBankPending = "Rekening baru menunggu konfirmasi orang kedua: klaim memakai rekening yang sudah dikonfirmasi"
	WarnNoPredikat  = "Predikat bulan ini belum ada (belum disampaikan atau belum dinilai): produktivitas 0%"
	// WarnNoPredikatBKN: the rule set takes the predikat from e-Kinerja BKN
	// and none was imported for the employee and month.
	WarnNoPredikatBKN = "Predikat e-Kinerja BKN bulan ini belum diimpor untuk pegawai ini: produktivitas 0%"
	WarnNoAttendance  = "Data kehadiran bulan ini tidak ada: potongan disiplin tidak dihitung"
	WarnNoPresence    = "Tidak satu hari pun tercatat hadir bulan ini: setiap hari kerja tanpa keterangan dihitung TK. Periksa apakah data sidik jari sudah diimpor"
	NoteNoKinerja     = "Data kinerja (predikat dan menit aktivitas) belum tersambung: semua pegawai dihitung tanpa predikat."
	NoteNoAttendance  = "Data kehadiran, cuti dan hukuman disiplin belum tersambung: potongan disiplin tidak dihitung."
)

// segmentRow is one assignment overlapping the month.
type segmentRow struct {
	PegawaiID    int64     `gorm:"column:pegawai_id"`
	NIP          string    `gorm:"column:nip"`
	Nama         string    `gorm:"column:nama"`
	StatusASN    string    `gorm:"column:status_asn"`
	Golongan     string    `gorm:"column:golongan"`
	TugasBelajar bool      `gorm:"column:tugas_belajar"`
	BankNama     string    `gorm:"column:bank_nama"`
	BankRekening string    `gorm:"column:bank_rekening"`
	BankAtasNama string    `gorm:"column:bank_atas_nama"`
	BankPending  bool      `gorm:"column:bank_pending"`
	Jenis        string    `gorm:"column:jenis"`
	Jabatan      string    `gorm:"column:jabatan"`
	Kelas        int       `gorm:"column:kelas"`
	FromDate     time.Time `gorm:"column:from_date"`
	ToDate       time.Time `gorm:"column:to_date"`
}

// gather loads the inputs of every employee of w.OPDID (or only w.PegawaiID
// of it: the same rows, filtered in the same queries) for month p in a fixed
// number of queries: one for the definitive and acting assignments (with the
// employees' data) overlapping the month, and one per data source.
//
// The claim of an OPD pays the days its employees held a definitive position
// of that OPD, so a transfer mid-month is paid by each OPD for its own days.
func (s *Service) gather(ctx context.Context, db *gorm.DB, w Scope, p tpp.Period, rules tpp.RuleSet) (Gathered, error) {
	first := time.Date(p.Year, time.Month(p.Month), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1)
	var rows []segmentRow
	// Acting posts (Plt/Plh) may be in any OPD; they belong to the employees
	// who hold a definitive post here during the month.
	// One employee's filter is written into the statement, not as
	// "(@only = 0 OR ...)": a prepared statement's generic plan cannot use
	// the employee's index for that, and read the whole OPD for one estimate.
	only := ""
	if w.PegawaiID != 0 {
		only = "AND rj.pegawai_id = @only"
	}
	err := db.WithContext(ctx).Raw(`
WITH here AS (
    SELECT DISTINCT rj.pegawai_id FROM riwayat_jabatan rj JOIN jabatan j ON j.id = rj.jabatan_id
    WHERE j.opd_id = @opd AND rj.jenis = 'definitif' AND rj.mulai <= @last AND (rj.selesai IS NULL OR rj.selesai >= @first)
      `+only+`
)
SELECT p.id AS pegawai_id, p.nip, p.nama, p.status_asn, p.golongan, p.tugas_belajar,
       p.bank_nama, p.bank_rekening, p.bank_atas_nama,
       EXISTS (SELECT 1 FROM pegawai_bank_usulan u WHERE u.pegawai_id = p.id AND u.status = 'menunggu') AS bank_pending,
       rj.jenis, j.nama AS jabatan, j.kelas,
       greatest(rj.mulai, CAST(@first AS date)) AS from_date, least(coalesce(rj.selesai, CAST(@last AS date)), CAST(@last AS date)) AS to_date
FROM here h
JOIN pegawai p ON p.id = h.pegawai_id
JOIN riwayat_jabatan rj ON rj.pegawai_id = p.id AND rj.mulai <= @last AND (rj.selesai IS NULL OR rj.selesai >= @first)
JOIN jabatan j ON j.id = rj.jabatan_id
WHERE rj.jenis <> 'definitif' OR j.opd_id = @opd
ORDER BY p.id, rj.mulai, rj.id`,
		map[string]any{"opd": w.OPDID, "only": w.PegawaiID, "first": first.Format(time.DateOnly), "last": last.Format(time.DateOnly)}).Scan(&rows).Error
	if err != nil {
		return Gathered{}, fmt.Errorf("gather assignments: %w", err)
	}

	cal, err := loadCalendar(ctx, db, first, last)
	if err != nil {
		return Gathered{}, err
	}
	var g Gathered
	byID := map[int64]*Employee{}
	var order []int64
	for _, r := range rows {
		e := byID[r.PegawaiID]
		if e == nil {
			e = &Employee{PegawaiID: r.PegawaiID, StatusASN: r.StatusASN,
				BankNama: r.BankNama, BankRekening: r.BankRekening, BankAtasNama: r.BankAtasNama,
				Input: tpp.Input{NIP: r.NIP, Name: r.Nama, Period: p, Status: tpp.Status(strings.ToLower(r.StatusASN)),
					Golongan: r.Golongan, TugasBelajar: r.TugasBelajar, Predikat: tpp.PredikatTidakAda}}
			byID[r.PegawaiID] = e
			order = append(order, r.PegawaiID)
			if r.BankPending {
				e.Warnings = append(e.Warnings, WarnBankPending)
			}
		}
		if r.Jenis == "definitif" {
			e.Input.Segments = append(e.Input.Segments, tpp.Segment{Jabatan: r.Jabatan, Kelas: r.Kelas, FromDay: r.FromDate.Day(), ToDay: r.ToDate.Day()})
			e.Jabatan, e.Kelas = r.Jabatan, r.Kelas // the last position of the month names the row
			continue
		}
		wd := cal.workingDays(r.FromDate, r.ToDate)
		if e.Input.Plt == nil || wd > e.Input.Plt.WorkingDays {
			e.Input.Plt = &tpp.Plt{Jabatan: r.Jabatan, Kelas: r.Kelas, WorkingDays: wd}
		}
	}
	monthWorkingDays := cal.workingDays(first, last)
	for _, id := range order {
		e := byID[id]
		e.Input.WorkingDaysInMonth = monthWorkingDays
		if pl := e.Input.Plt; pl != nil {
			// A post of a higher kelas than any own post is "lebih tinggi", of a
			// lower kelas "lebih rendah" (nothing extra, spec 4.1), else "setingkat".
			pl.Level = tpp.PltSetingkat
			own := 0
			for _, sg := range e.Input.Segments {
				own = max(own, sg.Kelas)
			}
			switch {
			case pl.Kelas > own:
				pl.Level = tpp.PltLebihTinggi
			case pl.Kelas < own:
				pl.Level = tpp.PltLebihRendah
			}
		}
		if e.BankRekening == "" {
			e.Warnings = append(e.Warnings, WarnNoBank)
		}
	}

	if err := s.addKinerja(ctx, &g, byID, w, p, rules); err != nil {
		return Gathered{}, err
	}
	if err := s.addAttendance(ctx, &g, byID, w, p, rules); err != nil {
		return Gathered{}, err
	}
	g.Employees = make([]Employee, 0, len(order))
	for _, id := range order {
		g.Employees = append(g.Employees, *byID[id])
	}
	return g, nil
}

func (s *Service) addKinerja(ctx context.Context, g *Gathered, byID map[int64]*Employee, w Scope, p tpp.Period, rules tpp.RuleSet) error {
	if s.kinerja == nil {
		g.Notes = append(g.Notes, NoteNoKinerja)
		for _, e := range byID {
			e.Warnings = append(e.Warnings, WarnNoPredikat)
		}
		return nil
	}
	km, err := s.kinerja.MonthlySummaries(ctx, w, p.Year, time.Month(p.Month))
	if err != nil {
		return fmt.Errorf("kinerja summaries: %w", err)
	}
	for id, e := range byID {
		k, ok := km[id]
		e.Input.ApprovedMinutes = k.ApprovedMinutes
		src := rules.Produktivitas.Source()
		pk := predikatOf(k, ok, src)
		e.Input.Predikat = pk
		if rules.Produktivitas.Mode == tpp.ProduktivitasPredikat {
			e.Input.PredikatSumber = src
			if pk == tpp.PredikatTidakAda && src == tpp.SumberEKinerjaBKN {
				e.Warnings = append(e.Warnings, WarnNoPredikatBKN)
			} else if pk == tpp.PredikatTidakAda {
				e.Warnings = append(e.Warnings, WarnNoPredikat)
			}
		}
	}
	return nil
}

func (s *Service) addAttendance(ctx context.Context, g *Gathered, byID map[int64]*Employee, w Scope, p tpp.Period, rules tpp.RuleSet) error {
	if s.attendance == nil {
		g.Notes = append(g.Notes, NoteNoAttendance)
		for _, e := range byID {
			e.Warnings = append(e.Warnings, WarnNoAttendance)
		}
		return nil
	}
	m := time.Month(p.Month)
	bands := Bands{Late: rules.Disiplin.BandMinutes, Early: rules.Disiplin.BandMinutes}
	recaps, err := s.attendance.MonthlyRecaps(ctx, w, p.Year, m, bands)
	if err != nil {
		return fmt.Errorf("attendance recaps: %w", err)
	}
	sanctions, err := s.attendance.SanctionsInForce(ctx, w, p.Year, m)
	if err != nil {
		return fmt.Errorf("sanctions: %w", err)
	}
	for id, e := range byID {
		r, ok := recaps[id]
		if ok {
			e.Input.Attendance = tpp.Attendance{TK: r.TK, TL: r.TL, PSW: r.PSW, MissingBoth: r.MissingBoth}
			if r.NoPresence {
				e.Warnings = append(e.Warnings, WarnNoPresence)
			}
		} else {
			e.Warnings = append(e.Warnings, WarnNoAttendance)
		}
		if sc, ok := sanctions[id]; ok {
			// The SK's duration goes with it: the rule set decides only the
			// rate, so a sedang of 9 months is computed in its 7th month.
			e.Input.Hukdis = &tpp.HukdisInForce{Kind: tpp.HukdisKind(sc.Kind), MonthIndex: sc.MonthIndex, Months: sc.Months, Decree: sc.DecreeNumber}
		}
		for _, l := range r.Leave {
			if l.Kind == "luar_tanggungan_negara" {
				e.Warnings = append(e.Warnings, "Cuti di luar tanggungan negara bulan ini: periksa apakah pegawai masih berhak TPP")
				continue
			}
			e.Input.Leave = append(e.Input.Leave, tpp.Leave{Kind: tpp.LeaveKind(l.Kind), Days: l.Days, MonthIndex: l.MonthIndex})
		}
		// Sorted so the digest does not depend on the source's order.
		// Several requests of one kind stay separate entries (the engine makes
		// them one line, each month of leave at its own share).
		sort.Slice(e.Input.Leave, func(i, j int) bool {
			a, b := e.Input.Leave[i], e.Input.Leave[j]
			if a.Kind != b.Kind {
				return a.Kind < b.Kind
			}
			if a.MonthIndex != b.MonthIndex {
				return a.MonthIndex < b.MonthIndex
			}
			return a.Days < b.Days
		})
	}
	return nil
}

// calendar is the month's working calendar for acting posts: the default
// work schedule's week (jadwal_kerja.bawaan) and the holidays (hari_libur).
type calendar struct {
	// workDay is indexed by time.Weekday (Sunday = 0).
	workDay  [7]bool
	holidays map[string]bool
}

// calendarRow is the one row loadCalendar reads.
type calendarRow struct {
	Pola     string `gorm:"column:pola"`
	Holidays string `gorm:"column:holidays"`
}

// loadCalendar reads the default schedule and the holidays from..to in one
// query, so counting the working days of every acting post costs nothing per
// employee. Without a default schedule the week is Monday to Friday.
func loadCalendar(ctx context.Context, db *gorm.DB, from, to time.Time) (calendar, error) {
	var row calendarRow
	err := db.WithContext(ctx).Raw(`
SELECT coalesce((SELECT array_to_string(pola, '|', '') FROM jadwal_kerja WHERE bawaan), '') AS pola,
       coalesce((SELECT string_agg(tanggal::text, ',') FROM hari_libur WHERE tanggal BETWEEN ? AND ?), '') AS holidays`,
		from.Format(time.DateOnly), to.Format(time.DateOnly)).Scan(&row).Error
	if err != nil {
		return calendar{}, fmt.Errorf("working calendar: %w", err)
	}
	return newCalendar(row.Pola, row.Holidays), nil
}

// newCalendar builds a calendar from a schedule pattern (seven windows joined
// by "|", Sunday first, "" for a day off) and holiday dates joined by ",".
func newCalendar(pola, holidays string) calendar {
	c := calendar{holidays: map[string]bool{}}
	days := strings.Split(pola, "|")
	if len(days) != 7 {
		days = []string{"", "x", "x", "x", "x", "x", ""}
	}
	for i, d := range days {
		c.workDay[i] = strings.TrimSpace(d) != ""
	}
	for _, h := range strings.Split(holidays, ",") {
		if h != "" {
			c.holidays[h] = true
		}
	}
	return c
}

// workingDays counts the days from..to inclusive that the default schedule
// works and that are not holidays: the days an acting post (Plt/Plh) is
// judged on against the rule set's minimum (demo 20 working days).
func (c calendar) workingDays(from, to time.Time) int {
	n := 0
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		if c.workDay[d.Weekday()] && !c.holidays[d.Format(time.DateOnly)] {
			n++
		}
	}
	return n
}

// predikatOf is the TPP predikat of an employee's kinerja month (found:
// the source had a row for them) from the source the rule set chose: the
// local rating or the imported e-Kinerja BKN predikat. No rating yet is
// tpp.PredikatTidakAda; any other code is passed on as it is, so a code the
// rules do not know is refused by the engine rather than paid as 0%.
func predikatOf(k KinerjaMonth, found bool, src tpp.PredikatSource) tpp.Predikat {
	v := k.Predikat
	if src == tpp.SumberEKinerjaBKN {
		v = k.PredikatBKN
	}
	if !found || v == "" {
		return tpp.PredikatTidakAda
	}
	return tpp.Predikat(v)
}
