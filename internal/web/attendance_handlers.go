package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/attendance"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/importreport"
	"github.com/ekinerja/ekinerja/internal/org"
	"github.com/ekinerja/ekinerja/internal/tpp"
	"github.com/ekinerja/ekinerja/views/pages"
)

// attendance returns the attendance store (cheap: it holds only the pool).
func (s *Server) attendance() *attendance.Store { return s.att }

// attendanceBands are the TL/PSW band edges for the month, as the TPP rule
// set in force says (claim.Service.AttendanceBands); outside dev mode a
// month without a rule set is refused with a message, never judged by the
// demo's numbers.
func (s *Server) attendanceBands(ctx context.Context, month tpp.Period) (attendance.Bands, error) {
	return s.tpp.AttendanceBands(ctx, month, s.cfg.Dev())
}

// monthParam reads ?bulan=YYYY-MM, defaulting to the current month.
func (s *Server) monthParam(c echo.Context) (tpp.Period, error) {
	if b := c.QueryParam("bulan"); b != "" {
		return tpp.ParsePeriod(b)
	}
	return tpp.PeriodOf(time.Now().In(s.cfg.Location)), nil
}

// attendanceMine sends a person to their own daily status page.
func (s *Server) attendanceMine(c echo.Context) error {
	return c.Redirect(http.StatusSeeOther, "/presensi/pegawai/"+itoa(principal(c).PegawaiID))
}

// attendanceRecap is the monthly recap of one OPD.
func (s *Server) attendanceRecap(c echo.Context) error {
	ctx, p := c.Request().Context(), principal(c)
	month, err := s.monthParam(c)
	if err != nil {
		return err
	}
	st := s.attendance()
	var asked int64
	if v := c.QueryParam("opd"); v != "" {
		if asked, err = strconv.ParseInt(v, 10, 64); err != nil || asked <= 0 {
			return apperr.ErrNotFound
		}
	}
	v := pages.AttendanceRecapView{Month: month}
	if !attendance.OwnOPDOnly(p) {
		if v.OPDs, err = st.OPDs(ctx); err != nil {
			return err
		}
		if asked == 0 && len(v.OPDs) > 0 {
			asked = v.OPDs[0].ID
		}
	}
	if v.OPD, v.Rows, err = s.opdRecap(ctx, p, asked, month); err != nil {
		return err
	}
	if v.Sanction, err = st.SanctionsInForce(ctx, v.OPD.ID, month.Year, time.Month(month.Month)); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.AttendanceRecap(s.chrome(c, "Rekap Presensi"), v))
}

// opdRecap is the month's recap of the OPD asked for (an admin_opd's own
// whatever is asked), judged by the rule set's bands: the recap page, its
// API and its .xlsx read the same rows.
func (s *Server) opdRecap(ctx context.Context, p *auth.Principal, asked int64, month tpp.Period) (org.OPD, []attendance.OPDRecapRow, error) {
	st := s.attendance()
	o, err := st.OPDOf(ctx, p, asked)
	if err != nil {
		return org.OPD{}, nil, err
	}
	bands, err := s.attendanceBands(ctx, month)
	if err != nil {
		return org.OPD{}, nil, err
	}
	rows, err := st.OPDRecap(ctx, o.ID, month.Year, time.Month(month.Month), bands)
	return o, rows, err
}

// apiAttendanceRecap is the OPD recap as JSON, keyed by pegawai id.
func (s *Server) apiAttendanceRecap(c echo.Context) error {
	ctx, p := c.Request().Context(), principal(c)
	month, err := s.monthParam(c)
	if err != nil {
		return err
	}
	asked, _ := strconv.ParseInt(c.QueryParam("opd"), 10, 64)
	if asked == 0 && !attendance.OwnOPDOnly(p) {
		return apperr.Invalid("opd", "Parameter opd wajib diisi.")
	}
	o, rows, err := s.opdRecap(ctx, p, asked, month)
	if err != nil {
		return err
	}
	type item struct {
		PegawaiID int64                   `json:"pegawai_id"`
		NIP       string                  `json:"nip"`
		Nama      string                  `json:"nama"`
		Recap     attendance.MonthlyRecap `json:"rekap"`
	}
	out := struct {
		OPDID int64  `json:"opd_id"`
		Bulan string `json:"bulan"`
		Rows  []item `json:"pegawai"`
	}{OPDID: o.ID, Bulan: month.Param(), Rows: make([]item, 0, len(rows))}
	for _, r := range rows {
		out.Rows = append(out.Rows, item{PegawaiID: r.Pegawai.ID, NIP: r.Pegawai.NIP, Nama: r.Pegawai.Nama, Recap: r.Recap})
	}
	return c.JSON(http.StatusOK, out)
}

// attendanceEmployee is one employee's daily status and recap.
func (s *Server) attendanceEmployee(c echo.Context) error {
	return s.renderEmployee(c, http.StatusOK, attendance.CorrectionInput{}, nil)
}

func (s *Server) renderEmployee(c echo.Context, status int, form attendance.CorrectionInput, errs map[string]string) error {
	ctx, p := c.Request().Context(), principal(c)
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	month, err := s.monthParam(c)
	if err != nil {
		return err
	}
	st := s.attendance()
	if _, err := st.Pegawai(ctx, p, id); err != nil {
		return err
	}
	bands, err := s.attendanceBands(ctx, month)
	if err != nil {
		return err
	}
	m, err := st.EmployeeMonth(ctx, id, month.Year, time.Month(month.Month), bands)
	if err != nil {
		return err
	}
	v := pages.AttendanceEmployeeView{Month: month, M: m, CanCorrect: attendance.MayCorrect(p) == nil, Form: form, Errors: errs}
	return s.render(c, status, pages.AttendanceEmployee(s.chrome(c, "Presensi "+m.Pegawai.Nama), v))
}

// attendanceCorrect stores admin_opd's correction of one day.
func (s *Server) attendanceCorrect(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	in := attendance.CorrectionInput{Tanggal: c.FormValue("tanggal"), JamMasuk: c.FormValue("jam_masuk"),
		JamPulang: c.FormValue("jam_pulang"), Hadir: c.FormValue("hadir") == "1", Alasan: c.FormValue("alasan")}
	err = s.attendance().Correct(c.Request().Context(), principal(c), c.RealIP(), id, in)
	if errs, ok := fieldErrors(err); ok {
		return s.renderEmployee(c, http.StatusUnprocessableEntity, in, errs)
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/presensi/pegawai/"+itoa(id)+"?bulan="+c.QueryParam("bulan"), "presensi-koreksi")
}

func (s *Server) importView(c echo.Context) pages.AttendanceImportView {
	return pages.AttendanceImportView{OPDNama: principal(c).OPDName(principal(c).Active.OPDID)}
}

// attendanceImportPage is the import form.
func (s *Server) attendanceImportPage(c echo.Context) error {
	return s.render(c, http.StatusOK, pages.AttendanceImport(s.chrome(c, "Impor Presensi"), s.importView(c)))
}

// attendanceImport imports a fingerprint CSV for the admin's own OPD and
// shows the report; a refused file answers 422 with the bad rows listed.
func (s *Server) attendanceImport(c echo.Context) error {
	p := principal(c)
	v := s.importView(c)
	fh, err := c.FormFile("berkas")
	if err != nil {
		v.Error = "Pilih berkas CSV yang akan diimpor."
		return s.render(c, http.StatusUnprocessableEntity, pages.AttendanceImport(s.chrome(c, "Impor Presensi"), v))
	}
	if fh.Size > attendance.MaxImportBytes {
		v.Error = "Berkas lebih dari 10 MB. Pecah per minggu atau per tanggal."
		return s.render(c, http.StatusUnprocessableEntity, pages.AttendanceImport(s.chrome(c, "Impor Presensi"), v))
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	rep, err := s.attendance().Import(c.Request().Context(), attendance.ImportInput{OPDID: p.Active.OPDID,
		Actor: actorOf(c), FileName: fh.Filename, SkipBadRows: c.FormValue("lewati") == "1", Body: f})
	if err != nil {
		return err
	}
	if v.Problems, err = s.keepReport(c, importreport.Report{Kind: reportPresensi, FileName: fh.Filename, Rows: rep.Rows,
		BadRows: rep.BadRows, Applied: rep.Applied, Problems: attendanceProblems(rep.Errors), More: rep.ErrorCount - len(rep.Errors)}); err != nil {
		return err
	}
	rep.Errors = rep.Errors[:min(len(rep.Errors), importReportShown)]
	v.Report = &rep
	status := http.StatusOK
	if !rep.Applied {
		status = http.StatusUnprocessableEntity
	}
	return s.render(c, status, pages.AttendanceImport(s.chrome(c, "Impor Presensi"), v))
}

func (s *Server) renderLeave(c echo.Context, status int, form attendance.LeaveInput, errs map[string]string) error {
	ctx, p := c.Request().Context(), principal(c)
	st := s.attendance()
	list, err := st.LeaveFor(ctx, p)
	if err != nil {
		return err
	}
	v := pages.AttendanceLeaveView{ForOthers: attendance.FilesLeaveForOthers(p), List: list, Form: form, Errors: errs}
	if attendance.FilesLeaveForOthers(p) {
		if v.Pegawai, err = st.OPDPegawai(ctx, p.Active.OPDID); err != nil {
			return err
		}
	}
	return s.render(c, status, pages.AttendanceLeave(s.chrome(c, "Cuti dan Dinas Luar"), v))
}

// attendanceLeavePage lists leave requests and the request form.
func (s *Server) attendanceLeavePage(c echo.Context) error {
	return s.renderLeave(c, http.StatusOK, attendance.LeaveInput{}, nil)
}

// attendanceLeaveRequest files a leave or DL request.
func (s *Server) attendanceLeaveRequest(c echo.Context) error {
	in := attendance.LeaveInput{Jenis: c.FormValue("jenis"), Mulai: c.FormValue("mulai"), Selesai: c.FormValue("selesai"), Keterangan: c.FormValue("keterangan")}
	if v := c.FormValue("pegawai_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return s.renderLeave(c, http.StatusUnprocessableEntity, in, map[string]string{"pegawai_id": "Pilih pegawai."})
		}
		in.PegawaiID = id
	}
	_, err := s.attendance().RequestLeave(c.Request().Context(), principal(c), c.RealIP(), in)
	if errs, ok := fieldErrors(err); ok {
		return s.renderLeave(c, http.StatusUnprocessableEntity, in, errs)
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/presensi/cuti", "cuti-diajukan")
}

// attendanceLeaveDecide approves or rejects a subordinate's request.
func (s *Server) attendanceLeaveDecide(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	approve := c.FormValue("keputusan") == "setujui"
	err = s.attendance().DecideLeave(c.Request().Context(), principal(c), c.RealIP(), id, approve, c.FormValue("alasan"))
	if errs, ok := fieldErrors(err); ok {
		return s.renderLeave(c, http.StatusUnprocessableEntity, attendance.LeaveInput{}, errs)
	}
	if err != nil {
		return err
	}
	if approve {
		return redirectWith(c, "/presensi/cuti", "cuti-disetujui")
	}
	return redirectWith(c, "/presensi/cuti", "cuti-ditolak")
}

func (s *Server) renderSanctions(c echo.Context, status int, form attendance.SanctionInput, errs map[string]string) error {
	recent, err := s.attendance().RecentSanctions(c.Request().Context(), 100)
	if err != nil {
		return err
	}
	if form.LamaBulan == "" {
		form.LamaBulan = "1"
	}
	return s.render(c, status, pages.AttendanceSanctions(s.chrome(c, "Hukuman Disiplin"),
		pages.AttendanceSanctionView{Recent: recent, Form: form, Errors: errs}))
}

// attendanceSanctionsPage lists recent sanctions and the form.
func (s *Server) attendanceSanctionsPage(c echo.Context) error {
	return s.renderSanctions(c, http.StatusOK, attendance.SanctionInput{}, nil)
}

// attendanceSanctionRecord records a disciplinary decree.
func (s *Server) attendanceSanctionRecord(c echo.Context) error {
	in := attendance.SanctionInput{NIP: c.FormValue("nip"), NomorSK: c.FormValue("nomor_sk"), Jenis: c.FormValue("jenis"),
		MulaiBulan: c.FormValue("mulai_bulan"), LamaBulan: c.FormValue("lama_bulan"), Keterangan: c.FormValue("keterangan")}
	_, err := s.attendance().RecordSanction(c.Request().Context(), principal(c), c.RealIP(), in)
	if errs, ok := fieldErrors(err); ok {
		return s.renderSanctions(c, http.StatusUnprocessableEntity, in, errs)
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/presensi/hukdis", "hukdis-dicatat")
}

func (s *Server) renderHolidays(c echo.Context, status int, year int, form attendance.HolidayInput, errs map[string]string) error {
	hs, err := s.attendance().Holidays(c.Request().Context(), attendance.Date{Year: year, Month: time.January, Day: 1},
		attendance.Date{Year: year, Month: time.December, Day: 31})
	if err != nil {
		return err
	}
	return s.render(c, status, pages.AttendanceHolidays(s.chrome(c, "Hari Libur"),
		pages.AttendanceHolidayView{Year: year, Holidays: hs, Form: form, Errors: errs}))
}

func (s *Server) yearParam(c echo.Context) int {
	if y, err := strconv.Atoi(c.QueryParam("tahun")); err == nil && y >= 2000 && y <= 2099 {
		return y
	}
	return time.Now().In(s.cfg.Location).Year()
}

// attendanceHolidaysPage is the holiday calendar of a year.
func (s *Server) attendanceHolidaysPage(c echo.Context) error {
	return s.renderHolidays(c, http.StatusOK, s.yearParam(c), attendance.HolidayInput{}, nil)
}

// attendanceHolidaySave adds or renames a holiday.
func (s *Server) attendanceHolidaySave(c echo.Context) error {
	in := attendance.HolidayInput{Tanggal: c.FormValue("tanggal"), Nama: c.FormValue("nama"), Jenis: c.FormValue("jenis")}
	err := s.attendance().SaveHoliday(c.Request().Context(), actorOf(c), in)
	if errs, ok := fieldErrors(err); ok {
		return s.renderHolidays(c, http.StatusUnprocessableEntity, s.yearParam(c), in, errs)
	}
	if err != nil {
		return err
	}
	d, _ := attendance.ParseDate(strings.TrimSpace(in.Tanggal))
	return redirectWith(c, "/presensi/libur?tahun="+strconv.Itoa(d.Year), "libur-disimpan")
}

// attendanceHolidayDelete removes a holiday.
func (s *Server) attendanceHolidayDelete(c echo.Context) error {
	err := s.attendance().DeleteHoliday(c.Request().Context(), actorOf(c), c.FormValue("tanggal"))
	if err != nil {
		return err
	}
	return redirectWith(c, "/presensi/libur", "libur-dihapus")
}

func (s *Server) renderSchedules(c echo.Context, status int, form attendance.ScheduleInput, errs map[string]string) error {
	ctx, p := c.Request().Context(), principal(c)
	st := s.attendance()
	v := pages.AttendanceScheduleView{Form: form, Errors: errs}
	var err error
	if v.Schedules, err = st.Schedules(ctx); err != nil {
		return err
	}
	if v.Assignments, err = st.Assignments(ctx, p); err != nil {
		return err
	}
	if attendance.MayEditSchedules(p) == nil {
		v.CanEdit = true
		if v.OPDs, err = st.OPDs(ctx); err != nil {
			return err
		}
	}
	return s.render(c, status, pages.AttendanceSchedules(s.chrome(c, "Jadwal Kerja"), v))
}

// attendanceSchedulesPage lists schedules and their assignments.
func (s *Server) attendanceSchedulesPage(c echo.Context) error {
	return s.renderSchedules(c, http.StatusOK, attendance.ScheduleInput{}, nil)
}

// attendanceScheduleAssign assigns a schedule to an OPD or an employee.
func (s *Server) attendanceScheduleAssign(c echo.Context) error {
	in := attendance.ScheduleInput{JadwalID: c.FormValue("jadwal_id"), Target: c.FormValue("target"), OPDID: c.FormValue("opd_id"),
		NIP: c.FormValue("nip"), Mulai: c.FormValue("mulai")}
	err := s.attendance().AssignScheduleFor(c.Request().Context(), principal(c), c.RealIP(), in)
	if errs, ok := fieldErrors(err); ok {
		return s.renderSchedules(c, http.StatusUnprocessableEntity, in, errs)
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/presensi/jadwal", "jadwal-ditetapkan")
}

// scheduleForm reads the schedule form: kode, nama and per weekday
// mulai_<d>/selesai_<d> (d as time.Weekday, Sunday 0).
func scheduleForm(c echo.Context) attendance.ScheduleForm {
	f := attendance.ScheduleForm{Kode: c.FormValue("kode"), Nama: c.FormValue("nama")}
	for d := range 7 {
		f.Start[d] = c.FormValue("mulai_" + strconv.Itoa(d))
		f.End[d] = c.FormValue("selesai_" + strconv.Itoa(d))
	}
	return f
}

func (s *Server) renderScheduleForm(c echo.Context, status int, id int64, form attendance.ScheduleForm, errs map[string]string) error {
	title := "Jadwal Kerja Baru"
	if id != 0 {
		title = "Ubah Jadwal Kerja"
	}
	return s.render(c, status, pages.AttendanceScheduleForm(s.chrome(c, title),
		pages.AttendanceScheduleFormView{ID: id, Form: form, Errors: errs}))
}

// attendanceScheduleNew is the empty form for a new weekly schedule.
func (s *Server) attendanceScheduleNew(c echo.Context) error {
	return s.renderScheduleForm(c, http.StatusOK, 0, attendance.ScheduleForm{}, nil)
}

// attendanceScheduleCreate stores a new weekly schedule.
func (s *Server) attendanceScheduleCreate(c echo.Context) error {
	f := scheduleForm(c)
	_, err := s.attendance().SaveSchedule(c.Request().Context(), principal(c), c.RealIP(), 0, f)
	if errs, ok := fieldErrors(err); ok {
		return s.renderScheduleForm(c, http.StatusUnprocessableEntity, 0, f, errs)
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/presensi/jadwal", "jadwal-dibuat")
}

// attendanceScheduleEdit is the edit form of a stored schedule.
func (s *Server) attendanceScheduleEdit(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	j, err := s.attendance().Schedule(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return s.renderScheduleForm(c, http.StatusOK, id, attendance.FormOf(j), nil)
}

// attendanceScheduleUpdate stores the edit of a schedule.
func (s *Server) attendanceScheduleUpdate(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	st := s.attendance()
	j, err := st.Schedule(c.Request().Context(), id)
	if err != nil {
		return err
	}
	f := scheduleForm(c)
	f.Kode = j.Kode // the code does not change
	_, err = st.SaveSchedule(c.Request().Context(), principal(c), c.RealIP(), id, f)
	if errs, ok := fieldErrors(err); ok {
		return s.renderScheduleForm(c, http.StatusUnprocessableEntity, id, f, errs)
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/presensi/jadwal", "jadwal-diubah")
}

// attendanceImportHistory lists past imports: the admin_opd's own OPD, or
// any OPD (or all) for the verifikator and superadmin.
func (s *Server) attendanceImportHistory(c echo.Context) error {
	ctx, p := c.Request().Context(), principal(c)
	var asked int64
	if v := c.QueryParam("opd"); v != "" {
		var err error
		if asked, err = strconv.ParseInt(v, 10, 64); err != nil || asked <= 0 {
			return apperr.ErrNotFound
		}
	}
	st := s.attendance()
	v := pages.AttendanceImportHistoryView{OPDID: asked}
	var err error
	if v.Batches, err = st.ImportHistory(ctx, p, asked); err != nil {
		return err
	}
	if !attendance.OwnOPDOnly(p) {
		if v.OPDs, err = st.OPDs(ctx); err != nil {
			return err
		}
	}
	return s.render(c, http.StatusOK, pages.AttendanceImportHistory(s.chrome(c, "Riwayat Impor Presensi"), v))
}

// attendanceLeaveCancel withdraws the person's own request still waiting.
func (s *Server) attendanceLeaveCancel(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.attendance().CancelLeave(c.Request().Context(), principal(c), c.RealIP(), id); err != nil {
		return err
	}
	return redirectWith(c, "/presensi/cuti", "cuti-dibatalkan")
}
