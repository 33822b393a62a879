package attendance

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/ekinerja/ekinerja/internal/apperr"
)

// who selects the employees a month is loaded for: one OPD's active
// employees, one employee, the employees ids (active or not), or every
// active employee of the regency.
type who struct {
	opdID     int64
	pegawaiID int64
	ids       []int64
	everyone  bool
}

// where returns the SQL condition on pegawai p and its arguments. opdID
// with pegawaiID is that one active employee of the OPD (the OPD's rows,
// filtered); pegawaiID alone is the employee wherever they are.
func (w who) where() (string, []any) {
	if w.ids != nil {
		strs := make([]string, len(w.ids))
		for i, id := range w.ids {
			strs[i] = strconv.FormatInt(id, 10)
		}
		return "p.id = ANY(?::bigint[])", []any{pgArray(strs)}
	}
	if w.opdID != 0 && w.pegawaiID != 0 {
		return "p.opd_id = ? AND p.keadaan = 'aktif' AND p.id = ?", []any{w.opdID, w.pegawaiID}
	}
	if w.pegawaiID != 0 {
		return "p.id = ?", []any{w.pegawaiID}
	}
	if w.everyone {
		return "p.keadaan = ?", []any{"aktif"}
	}
	return "p.opd_id = ? AND p.keadaan = 'aktif'", []any{w.opdID}
}

// judgedMonth is one employee's month, judged.
type judgedMonth struct {
	Pegawai PegawaiRef
	Jadwal  string
	Recap   MonthlyRecap
	Days    []Day
	// leaveOf maps a date to the leave request that excused it.
	leaveOf map[Date]int64
	// leaveStart is the first day of each leave request in leaveOf.
	leaveStart map[int64]Date
	// to is the last day judged; key digests the schedule's pattern, the
	// holidays and to (recapKey), for the stored recap.
	to  Date
	key string
}

type monthRow struct {
	PegawaiID int64     `gorm:"column:pegawai_id"`
	Tanggal   time.Time `gorm:"column:tanggal"`
	JamMasuk  *int32    `gorm:"column:jam_masuk"`
	JamPulang *int32    `gorm:"column:jam_pulang"`
	Hadir     bool      `gorm:"column:hadir"`
	Alasan    string    `gorm:"column:alasan"`
}

type leaveRow struct {
	ID        int64     `gorm:"column:id"`
	PegawaiID int64     `gorm:"column:pegawai_id"`
	Jenis     string    `gorm:"column:jenis"`
	Mulai     time.Time `gorm:"column:mulai"`
	Selesai   time.Time `gorm:"column:selesai"`
}

type jadwalRow struct {
	ID   int64  `gorm:"column:id"`
	Nama string `gorm:"column:nama"`
	Pola string `gorm:"column:pola"`
}

// judgeMonth loads and judges a month for the employees w selects, in a
// fixed number of queries whatever their number (employees with their
// schedule, schedules, holidays, records, corrections, approved leave), then
// judges each employee with the pure RecapMonth. Days after yesterday are not
// judged: they have not happened (or not been imported) yet.
//
// The schedule is the one in force on the month's last day (an employee's own
// assignment, else the OPD's, else the default); a schedule change takes
// effect from the next month.
func (s *Store) judgeMonth(ctx context.Context, w who, year int, month time.Month, bands Bands) ([]judgedMonth, error) {
	if err := bands.Validate(); err != nil {
		return nil, err
	}
	first, last, err := monthBounds(year, month)
	if err != nil {
		return nil, err
	}
	to := s.judgedTo(last)
	db := s.db.WithContext(ctx)
	cond, arg := w.where()
	from, till := sqlDate(first), sqlDate(last)

	var peg []struct {
		ID       int64  `gorm:"column:id"`
		NIP      string `gorm:"column:nip"`
		Nama     string `gorm:"column:nama"`
		OPDID    int64  `gorm:"column:opd_id"`
		OPDNama  string `gorm:"column:opd_nama"`
		JadwalID int64  `gorm:"column:jadwal_id"`
	}
	if err := db.Raw(`
SELECT p.id, p.nip, p.nama, p.opd_id, o.nama AS opd_nama,
       coalesce(
         (SELECT a.jadwal_id FROM jadwal_kerja_penugasan a WHERE a.pegawai_id = p.id AND a.mulai <= ?::date ORDER BY a.mulai DESC, a.id DESC LIMIT 1),
         (SELECT a.jadwal_id FROM jadwal_kerja_penugasan a WHERE a.opd_id = p.opd_id AND a.mulai <= ?::date ORDER BY a.mulai DESC, a.id DESC LIMIT 1),
         (SELECT j.id FROM jadwal_kerja j WHERE j.bawaan)) AS jadwal_id
FROM pegawai p JOIN opd o ON o.id = p.opd_id
WHERE `+cond+`
ORDER BY p.nama, p.id`, append([]any{till, till}, arg...)...).Scan(&peg).Error; err != nil {
		return nil, fmt.Errorf("month employees: %w", err)
	}
	if len(peg) == 0 {
		return nil, nil
	}

	schedules, polas, err := loadSchedulesRaw(db)
	if err != nil {
		return nil, err
	}

	holidays, err := s.Holidays(ctx, first, last)
	if err != nil {
		return nil, err
	}
	cal, err := NewHolidayCalendar(holidays)
	if err != nil {
		return nil, err
	}

	var recs []monthRow
	if err := db.Raw(`
SELECT k.pegawai_id, k.tanggal, k.jam_masuk, k.jam_pulang
FROM kehadiran k JOIN pegawai p ON p.id = k.pegawai_id
WHERE `+cond+` AND k.tanggal BETWEEN ?::date AND ?::date`, arg, from, till).Scan(&recs).Error; err != nil {
		return nil, fmt.Errorf("records: %w", err)
	}
	var cors []monthRow
	if err := db.Raw(`
SELECT DISTINCT ON (c.pegawai_id, c.tanggal) c.pegawai_id, c.tanggal, c.jam_masuk, c.jam_pulang, c.hadir, c.alasan
FROM koreksi_kehadiran c JOIN pegawai p ON p.id = c.pegawai_id
WHERE `+cond+` AND c.tanggal BETWEEN ?::date AND ?::date
ORDER BY c.pegawai_id, c.tanggal, c.id DESC`, arg, from, till).Scan(&cors).Error; err != nil {
		return nil, fmt.Errorf("corrections: %w", err)
	}
	var leaves []leaveRow
	if err := db.Raw(`
SELECT c.id, c.pegawai_id, c.jenis, c.mulai, c.selesai
FROM cuti c JOIN pegawai p ON p.id = c.pegawai_id
WHERE `+cond+` AND c.status = 'disetujui' AND c.mulai <= ?::date AND c.selesai >= ?::date
ORDER BY c.id`, arg, till, from).Scan(&leaves).Error; err != nil {
		return nil, fmt.Errorf("leave: %w", err)
	}

	type inputs struct {
		records     map[Date]Record
		corrections map[Date]Correction
		excuses     map[Date]Excuse
		leaveOf     map[Date]int64
		leaveStart  map[int64]Date
	}
	by := make(map[int64]*inputs, len(peg))
	get := func(id int64) *inputs {
		in := by[id]
		if in == nil {
			in = &inputs{records: map[Date]Record{}, corrections: map[Date]Correction{}, excuses: map[Date]Excuse{}, leaveOf: map[Date]int64{}, leaveStart: map[int64]Date{}}
			by[id] = in
		}
		return in
	}
	for _, r := range recs {
		var rec Record
		if r.JamMasuk != nil {
			rec.In, rec.HasIn = Clock(*r.JamMasuk), true
		}
		if r.JamPulang != nil {
			rec.Out, rec.HasOut = Clock(*r.JamPulang), true
		}
		get(r.PegawaiID).records[dateOf(r.Tanggal)] = rec
	}
	for _, r := range cors {
		c := Correction{Present: r.Hadir, Reason: r.Alasan}
		if r.JamMasuk != nil {
			c.In, c.SetIn = Clock(*r.JamMasuk), true
		}
		if r.JamPulang != nil {
			c.Out, c.SetOut = Clock(*r.JamPulang), true
		}
		get(r.PegawaiID).corrections[dateOf(r.Tanggal)] = c
	}
	for _, l := range leaves {
		in := get(l.PegawaiID)
		a, b := dateOf(l.Mulai), dateOf(l.Selesai)
		in.leaveStart[l.ID] = a
		if a.Before(first) {
			a = first
		}
		if b.After(last) {
			b = last
		}
		for d := a; !d.After(b); d = d.AddDays(1) {
			// Approved requests do not overlap (ApproveLeave refuses it); if
			// old data ever does, the earlier request keeps the day.
			if _, taken := in.excuses[d]; !taken {
				in.excuses[d], in.leaveOf[d] = Excuse(l.Jenis), l.ID
			}
		}
	}

	out := make([]judgedMonth, 0, len(peg))
	for _, p := range peg {
		sch, ok := schedules[p.JadwalID]
		if !ok {
			return nil, fmt.Errorf("%w: employee %d has no schedule", ErrInvalid, p.ID)
		}
		jm := judgedMonth{
			Pegawai: PegawaiRef{ID: p.ID, NIP: p.NIP, Nama: p.Nama, OPDID: p.OPDID, OPDNama: p.OPDNama},
			Jadwal:  sch.Name,
			to:      to,
			key:     recapKey(polas[p.JadwalID], holidays, to),
		}
		if to.Before(first) { // the month has not started yet
			jm.Recap = MonthlyRecap{Year: year, Month: month, ByStatus: map[Status]int{}, Excused: map[Excuse]int{}}
			out = append(out, jm)
			continue
		}
		in := get(p.ID)
		clip := func(m map[Date]Record) map[Date]Record {
			for d := range m {
				if d.After(to) {
					delete(m, d)
				}
			}
			return m
		}
		mi := MonthInput{Year: year, Month: month, Schedule: sch, Holidays: cal, Bands: bands, To: to,
			Records: clip(in.records), Excuses: in.excuses, Corrections: in.corrections}
		r, days, err := RecapMonth(mi)
		if err != nil {
			return nil, fmt.Errorf("employee %s: %w", p.NIP, err)
		}
		jm.Recap, jm.Days, jm.leaveOf, jm.leaveStart = r, days, in.leaveOf, in.leaveStart
		out = append(out, jm)
	}
	return out, nil
}

// MonthlyRecaps returns the attendance recap of every active employee of an
// OPD for a month, keyed by pegawai_id. It is the one function both the
// recap page and the TPP computation read. It reads the stored recaps
// (storedMonth: two queries whatever the number of employees) and judges
// only the employee-months missing or stale. Days not yet passed are not
// judged.
func (s *Store) MonthlyRecaps(ctx context.Context, opdID int64, year int, month time.Month, bands Bands) (map[int64]MonthlyRecap, error) {
	mrs, err := s.storedMonth(ctx, who{opdID: opdID}, year, month, bands, false)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]MonthlyRecap, len(mrs))
	for _, m := range mrs {
		out[m.Pegawai.ID] = m.Recap
	}
	return out, nil
}

// OPDRecapRow is one line of the OPD recap page.
type OPDRecapRow struct {
	Pegawai PegawaiRef
	Jadwal  string
	Recap   MonthlyRecap
}

// OPDRecap returns the recap page's rows in name order: MonthlyRecaps with
// the employees' names, from the same stored rows.
func (s *Store) OPDRecap(ctx context.Context, opdID int64, year int, month time.Month, bands Bands) ([]OPDRecapRow, error) {
	mrs, err := s.storedMonth(ctx, who{opdID: opdID}, year, month, bands, false)
	if err != nil {
		return nil, err
	}
	rows := make([]OPDRecapRow, 0, len(mrs))
	for _, m := range mrs {
		rows = append(rows, OPDRecapRow{Pegawai: m.Pegawai, Recap: m.Recap})
	}
	return rows, nil
}

// EmployeeMonth is one employee's month for the daily status page.
type EmployeeMonth struct {
	Pegawai   PegawaiRef
	Jadwal    string
	Recap     MonthlyRecap
	Days      []Day
	Records   map[Date]Record // as imported, before corrections
	Koreksi   []CorrectionEntry
	Cuti      []Leave
	Sanksi    []Sanction
	InForce   *SanctionInForce
	LeaveRows []LeaveInMonth
}

// EmployeeCalendar judges one employee's month: the days and the recap,
// without what only the daily status page shows beside them (the records
// as imported, the corrections, leave and sanctions). The employee's own
// landing page draws its calendar from it. Call it only for an employee the
// person may see.
func (s *Store) EmployeeCalendar(ctx context.Context, pegawaiID int64, year int, month time.Month, bands Bands) ([]Day, MonthlyRecap, error) {
	jms, err := s.judgeMonth(ctx, who{pegawaiID: pegawaiID}, year, month, bands)
	if err != nil {
		return nil, MonthlyRecap{}, err
	}
	if len(jms) == 0 {
		return nil, MonthlyRecap{}, fmt.Errorf("employee %d: %w", pegawaiID, errNoEmployee)
	}
	return jms[0].Days, jms[0].Recap, nil
}

// EmployeeMonth judges one employee's month and gathers what the daily
// status page shows beside it. Call it only for an employee the person may
// see (Store.Pegawai).
func (s *Store) EmployeeMonth(ctx context.Context, pegawaiID int64, year int, month time.Month, bands Bands) (EmployeeMonth, error) {
	var em EmployeeMonth
	jms, err := s.judgeMonth(ctx, who{pegawaiID: pegawaiID}, year, month, bands)
	if err != nil {
		return em, err
	}
	if len(jms) == 0 {
		return em, fmt.Errorf("employee %d: %w", pegawaiID, errNoEmployee)
	}
	jm := jms[0]
	em.Pegawai, em.Jadwal, em.Recap, em.Days = jm.Pegawai, jm.Jadwal, jm.Recap, jm.Days
	first, last, _ := monthBounds(year, month)
	var recs []monthRow
	if err := s.db.WithContext(ctx).Raw(`SELECT pegawai_id, tanggal, jam_masuk, jam_pulang FROM kehadiran
WHERE pegawai_id = ? AND tanggal BETWEEN ?::date AND ?::date`, pegawaiID, sqlDate(first), sqlDate(last)).Scan(&recs).Error; err != nil {
		return em, err
	}
	em.Records = make(map[Date]Record, len(recs))
	for _, r := range recs {
		var rec Record
		if r.JamMasuk != nil {
			rec.In, rec.HasIn = Clock(*r.JamMasuk), true
		}
		if r.JamPulang != nil {
			rec.Out, rec.HasOut = Clock(*r.JamPulang), true
		}
		em.Records[dateOf(r.Tanggal)] = rec
	}
	if em.Koreksi, err = s.Corrections(ctx, pegawaiID, first, last); err != nil {
		return em, err
	}
	if em.Cuti, err = s.LeaveOf(ctx, pegawaiID, first, last); err != nil {
		return em, err
	}
	if em.Sanksi, err = s.SanctionsOf(ctx, pegawaiID); err != nil {
		return em, err
	}
	if sf, ok := heaviest(em.Sanksi, year, month); ok {
		em.InForce = &sf
	}
	em.LeaveRows = leaveRows(jm)
	return em, nil
}

// LeaveInMonth is one approved leave or DL request as it touches a month.
type LeaveInMonth struct {
	Kind string /* Excuse code */
	// Days is the number of work days in the month the request excused.
	Days int
	// MonthIndex is which month of the request this is (1 = the month it starts).
	MonthIndex int
}

// LeaveInMonth returns, per employee of the OPD, each approved leave or DL
// request that excused work days in the month, judged with the same
// schedules and holidays as MonthlyRecaps. It reads the stored recaps
// whatever band edges they were judged with (excused days do not depend on
// them); a missing or stale one is judged with the demo edges.
func (s *Store) LeaveInMonth(ctx context.Context, opdID int64, year int, month time.Month) (map[int64][]LeaveInMonth, error) {
	mrs, err := s.storedMonth(ctx, who{opdID: opdID}, year, month, DemoBands(), true)
	if err != nil {
		return nil, err
	}
	out := make(map[int64][]LeaveInMonth)
	for _, m := range mrs {
		if len(m.Leave) > 0 {
			out[m.Pegawai.ID] = m.Leave
		}
	}
	return out, nil
}

// MonthlyRecapsAndLeave is MonthlyRecaps and LeaveInMonth from one read of
// the stored recaps (the TPP computation needs both): the rows are judged
// with bands, and the leave they hold does not depend on the edges.
// pegawaiID, when not 0, keeps only that employee of the OPD (an
// employee's own estimate), read from the same stored rows.
func (s *Store) MonthlyRecapsAndLeave(ctx context.Context, opdID, pegawaiID int64, year int, month time.Month, bands Bands) (map[int64]MonthlyRecap, map[int64][]LeaveInMonth, error) {
	mrs, err := s.storedMonth(ctx, who{opdID: opdID, pegawaiID: pegawaiID}, year, month, bands, false)
	if err != nil {
		return nil, nil, err
	}
	recaps := make(map[int64]MonthlyRecap, len(mrs))
	leave := make(map[int64][]LeaveInMonth)
	for _, m := range mrs {
		recaps[m.Pegawai.ID] = m.Recap
		if len(m.Leave) > 0 {
			leave[m.Pegawai.ID] = m.Leave
		}
	}
	return recaps, leave, nil
}

// leaveRows groups a judged month's excused days by leave request, in the
// order the requests start.
func leaveRows(jm judgedMonth) []LeaveInMonth {
	var out []LeaveInMonth
	index := map[int64]int{}
	for _, d := range jm.Days {
		if d.Status != StatusCuti && d.Status != StatusDinasLuar {
			continue
		}
		id := jm.leaveOf[d.Date]
		i, ok := index[id]
		if !ok {
			start := jm.leaveStart[id]
			mi := (d.Date.Year-start.Year)*12 + int(d.Date.Month-start.Month) + 1
			i = len(out)
			index[id] = i
			out = append(out, LeaveInMonth{Kind: string(d.Excuse), MonthIndex: mi})
		}
		out[i].Days++
	}
	return out
}

var errNoEmployee = apperr.ErrNotFound
