package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/attendance"
	"github.com/ekinerja/ekinerja/internal/importreport"
	"github.com/ekinerja/ekinerja/internal/tabular"
	"github.com/ekinerja/ekinerja/internal/tpp"
	"github.com/ekinerja/ekinerja/views/pages"
)

// scanImportPath is the scan-log upload, which alone may exceed the body
// limit (up to scanImportLimit).
const (
	scanImportPath  = "/presensi/mesin/impor"
	scanImportLimit = "42M"
)

func machineInput(c echo.Context) attendance.MesinInput {
	return attendance.MesinInput{NomorSeri: c.FormValue("nomor_seri"), Nama: c.FormValue("nama"), Lokasi: c.FormValue("lokasi")}
}

func (s *Server) renderMachines(c echo.Context, status int, form attendance.MesinInput, errs map[string]string) error {
	p := principal(c)
	list, err := s.attendance().Machines(c.Request().Context(), p)
	if err != nil {
		return err
	}
	v := pages.AttendanceMachinesView{OPDNama: p.OPDName(p.Active.OPDID), Machines: list, Form: form, Errors: errs}
	return s.render(c, status, pages.AttendanceMachines(s.chrome(c, "Mesin Presensi"), v))
}

// attendanceMachines lists the OPD's machines.
func (s *Server) attendanceMachines(c echo.Context) error {
	return s.renderMachines(c, http.StatusOK, attendance.MesinInput{}, nil)
}

// attendanceMachineCreate registers a machine.
func (s *Server) attendanceMachineCreate(c echo.Context) error {
	in := machineInput(c)
	id, err := s.attendance().SaveMachine(c.Request().Context(), principal(c), c.RealIP(), 0, in)
	if errs, ok := fieldErrors(err); ok {
		return s.renderMachines(c, http.StatusUnprocessableEntity, in, errs)
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/presensi/mesin/"+itoa(id), "mesin-didaftarkan")
}

func (s *Server) renderMachine(c echo.Context, status int, v pages.AttendanceMachineView) error {
	ctx, p := c.Request().Context(), principal(c)
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	st := s.attendance()
	if v.M, err = st.Machine(ctx, p, id); err != nil {
		return err
	}
	if v.PINs, err = st.MachinePINs(ctx, p, id); err != nil {
		return err
	}
	if v.Form == (attendance.MesinInput{}) {
		v.Form = attendance.MesinInput{NomorSeri: v.M.NomorSeri, Nama: v.M.Nama, Lokasi: v.M.Lokasi}
	}
	return s.render(c, status, pages.AttendanceMachine(s.chrome(c, "Mesin "+v.M.Nama), v))
}

// attendanceMachine is one machine with its PIN map.
func (s *Server) attendanceMachine(c echo.Context) error {
	return s.renderMachine(c, http.StatusOK, pages.AttendanceMachineView{})
}

// attendanceMachineUpdate edits a machine.
func (s *Server) attendanceMachineUpdate(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	in := machineInput(c)
	_, err = s.attendance().SaveMachine(c.Request().Context(), principal(c), c.RealIP(), id, in)
	if errs, ok := fieldErrors(err); ok {
		return s.renderMachine(c, http.StatusUnprocessableEntity, pages.AttendanceMachineView{Form: in, Errors: errs})
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/presensi/mesin/"+itoa(id), "mesin-diubah")
}

// attendanceMachinePINs saves the PIN map edits (fields nip_<PIN>).
func (s *Server) attendanceMachinePINs(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return apperr.Invalid("pin", "Formulir tidak dapat dibaca.")
	}
	pins := map[string]string{}
	for k, vs := range form {
		if pin, ok := strings.CutPrefix(k, "nip_"); ok && len(vs) > 0 {
			pins[pin] = vs[0]
		}
	}
	rep, err := s.attendance().SavePINs(c.Request().Context(), principal(c), c.RealIP(), id, pins)
	if err != nil {
		return err
	}
	if !rep.Applied {
		return s.renderMachine(c, http.StatusUnprocessableEntity, pages.AttendanceMachineView{PINReport: &rep})
	}
	return s.renderMachine(c, http.StatusOK, pages.AttendanceMachineView{PINReport: &rep})
}

// attendanceMachineUsers imports the machine's user list into its PIN map.
func (s *Server) attendanceMachineUsers(c echo.Context) error {
	ctx, p := c.Request().Context(), principal(c)
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.attendance().Machine(ctx, p, id); err != nil {
		return err
	}
	fh, err := c.FormFile("berkas")
	if err != nil {
		return s.renderMachine(c, http.StatusUnprocessableEntity, pages.AttendanceMachineView{Error: "Pilih berkas daftar pengguna."})
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	t, err := tabular.Read(f, fh.Filename, tabular.Options{MaxBytes: 10 << 20, MaxRows: 50000})
	var fe *tabular.FileError
	if errors.As(err, &fe) {
		rep := attendance.PINMapReport{FileError: fe.Reason}
		return s.renderMachine(c, http.StatusUnprocessableEntity, pages.AttendanceMachineView{PINReport: &rep})
	}
	if err != nil {
		return err
	}
	rep, err := s.attendance().ImportUserList(ctx, p, c.RealIP(), id, t, fh.Filename)
	if err != nil {
		return err
	}
	ref, err := s.keepReport(c, importreport.Report{Kind: reportPenggunaMsn, FileName: fh.Filename, Rows: max(len(t.Rows)-1, 0),
		BadRows: badLines(rep.Errors), Applied: rep.Applied, Problems: attendanceProblems(rep.Errors)})
	if err != nil {
		return err
	}
	rep.Errors = rep.Errors[:min(len(rep.Errors), importReportShown)]
	status := http.StatusOK
	if !rep.Applied {
		status = http.StatusUnprocessableEntity
	}
	return s.renderMachine(c, status, pages.AttendanceMachineView{PINReport: &rep, Problems: ref})
}

func (s *Server) scanImportView(c echo.Context) (pages.AttendanceScanImportView, error) {
	p := principal(c)
	list, err := s.attendance().Machines(c.Request().Context(), p)
	if err != nil {
		return pages.AttendanceScanImportView{}, err
	}
	v := pages.AttendanceScanImportView{OPDNama: p.OPDName(p.Active.OPDID), Machines: list}
	v.MesinID, _ = strconv.ParseInt(c.QueryParam("mesin"), 10, 64)
	return v, nil
}

// attendanceScanImportPage is the scan-log import form.
func (s *Server) attendanceScanImportPage(c echo.Context) error {
	v, err := s.scanImportView(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.AttendanceScanImport(s.chrome(c, "Impor Log Scan"), v))
}

// attendanceScanImport imports a scan log and shows the report; a refused
// file answers 422.
func (s *Server) attendanceScanImport(c echo.Context) error {
	ctx, p := c.Request().Context(), principal(c)
	v, err := s.scanImportView(c)
	if err != nil {
		return err
	}
	page := func(status int) error {
		return s.render(c, status, pages.AttendanceScanImport(s.chrome(c, "Impor Log Scan"), v))
	}
	if m := c.FormValue("mesin_id"); m != "" {
		if v.MesinID, err = strconv.ParseInt(m, 10, 64); err != nil || v.MesinID < 0 {
			v.Error = "Pilih mesin asal berkas."
			return page(http.StatusUnprocessableEntity)
		}
	}
	fh, err := c.FormFile("berkas")
	if err != nil {
		v.Error = "Pilih berkas log scan yang akan diimpor."
		return page(http.StatusUnprocessableEntity)
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	rep, err := s.attendance().ImportScans(ctx, p, c.RealIP(), attendance.ScanImportInput{
		MesinID: v.MesinID, FileName: fh.Filename, SkipBadRows: c.FormValue("lewati") == "1", Body: f,
		BandsFor: func(y int, m time.Month) (attendance.Bands, error) {
			return s.attendanceBands(ctx, tpp.Period{Year: y, Month: int(m)})
		}})
	if errs, ok := fieldErrors(err); ok {
		v.Error = errs["mesin_id"]
		return page(http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	if v.Problems, err = s.keepReport(c, importreport.Report{Kind: reportLogScan, FileName: fh.Filename, Rows: rep.Lines,
		BadRows: badLines(rep.Errors), Applied: rep.Applied, Problems: attendanceProblems(rep.Errors), More: rep.ErrorCount - len(rep.Errors)}); err != nil {
		return err
	}
	rep.Errors = rep.Errors[:min(len(rep.Errors), importReportShown)]
	v.Report = &rep
	if !rep.Applied {
		return page(http.StatusUnprocessableEntity)
	}
	return page(http.StatusOK)
}

// attendanceImportTemplate is the daily import's .xlsx template: the
// header, one example row, every column formatted as text.
func (s *Server) attendanceImportTemplate(c echo.Context) error {
	return sendXLSX(c, "templat-presensi.xlsx", tabular.Sheet{Name: "Presensi",
		Header:   []string{attendance.ColNIP, attendance.ColTanggal, attendance.ColJamMasuk, attendance.ColJamPulang},
		Rows:     [][]any{{"198503152010011001", "2026-10-01", "07:25", "16:05"}},
		Template: true})
}

// attendanceRecapXLSX is the recap page's table as .xlsx (NIP as text,
// counts as numbers), scoped as the page is.
func (s *Server) attendanceRecapXLSX(c echo.Context) error {
	ctx, p := c.Request().Context(), principal(c)
	month, err := s.monthParam(c)
	if err != nil {
		return err
	}
	var asked int64
	if v := c.QueryParam("opd"); v != "" {
		if asked, err = strconv.ParseInt(v, 10, 64); err != nil || asked <= 0 {
			return apperr.ErrNotFound
		}
	}
	if asked == 0 && !attendance.OwnOPDOnly(p) {
		return apperr.Invalid("opd", "Pilih OPD.")
	}
	o, rows, err := s.opdRecap(ctx, p, asked, month)
	if err != nil {
		return err
	}
	sh := tabular.Sheet{Name: "Rekap presensi", Notes: []string{"Rekap presensi " + o.Nama + " " + month.String()},
		Header: []string{"NIP", "Nama", "Jadwal", "Hari kerja", "Hadir", "Tepat waktu", "TL1", "TL2", "TL3", "TL4",
			"PSW1", "PSW2", "PSW3", "PSW4", "TK", "Tanpa rekam", "Cuti/DL", "Menit terlambat", "Menit pulang cepat"}}
	for _, r := range rows {
		m := r.Recap
		excused := 0
		for _, n := range m.Excused {
			excused += n
		}
		sh.Rows = append(sh.Rows, []any{r.Pegawai.NIP, r.Pegawai.Nama, r.Jadwal, m.WorkDays, m.Hadir, m.OnTime,
			m.TL[0], m.TL[1], m.TL[2], m.TL[3], m.PSW[0], m.PSW[1], m.PSW[2], m.PSW[3], m.TK, m.MissingBoth, excused,
			m.LateMinutes, m.EarlyMinutes})
	}
	return sendXLSX(c, "rekap-presensi-"+month.Param()+".xlsx", sh)
}
