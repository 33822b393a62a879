package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/attendance"
	"github.com/ekinerja/ekinerja/internal/importreport"
	"github.com/ekinerja/ekinerja/internal/org"
	"github.com/ekinerja/ekinerja/views/components"
	"github.com/ekinerja/ekinerja/views/pages"
)

// The kinds of stored import reports besides the organisation imports
// (whose kinds are org.ImportKind values).
const (
	reportPresensi     = "presensi"
	reportLogScan      = "log_scan"
	reportPenggunaMsn  = "pengguna_mesin"
	importReportShown  = importreport.PageSize
	importReportPrefix = "/impor/laporan/"
)

// importReportTitle is the heading of a stored report of kind and the
// import page it came from.
func importReportTitle(kind string) (title, back string) {
	switch kind {
	case reportPresensi:
		return "Laporan impor presensi harian", "/presensi/impor"
	case reportLogScan:
		return "Laporan impor log scan mesin", scanImportPath
	case reportPenggunaMsn:
		return "Laporan impor daftar pengguna mesin", "/presensi/mesin"
	}
	return "Laporan impor " + org.ImportKind(kind).Label(), "/impor"
}

// keepReport stores the row problems of an import by the signed-in person
// and returns what the import page shows: the first problems and a link to
// all of them. No problems: nothing is stored and the zero ReportRef shows
// nothing.
func (s *Server) keepReport(c echo.Context, r importreport.Report) (components.ReportRef, error) {
	if len(r.Problems) == 0 {
		return components.ReportRef{}, nil
	}
	p := principal(c)
	r.UserID, r.OPDID = p.UserID, p.Active.OPDID
	id, err := s.reports.Save(c.Request().Context(), r)
	if err != nil {
		return components.ReportRef{}, err
	}
	return components.ReportRef{ID: id, Total: r.Total(), Shown: min(len(r.Problems), importReportShown)}, nil
}

// importReportPage shows page ?hal= of the signed-in person's stored
// report; anyone else's is not found.
func (s *Server) importReportPage(c echo.Context) error {
	r, err := s.importReport(c)
	if err != nil {
		return err
	}
	hal, _ := strconv.Atoi(c.QueryParam("hal"))
	title, back := importReportTitle(r.Kind)
	v := pages.ImportReportView{Title: title, R: r, P: r.PageOf(hal), Back: back}
	return s.render(c, http.StatusOK, pages.ImportReportPage(s.chrome(c, title), v))
}

// importReportXLSX is the whole stored report as a workbook.
func (s *Server) importReportXLSX(c echo.Context) error {
	r, err := s.importReport(c)
	if err != nil {
		return err
	}
	title, _ := importReportTitle(r.Kind)
	return sendXLSX(c, "laporan-impor-"+strconv.FormatInt(r.ID, 10)+".xlsx", r.Sheet(title))
}

func (s *Server) importReport(c echo.Context) (importreport.Report, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return importreport.Report{}, err
	}
	return s.reports.Get(c.Request().Context(), principal(c).UserID, id)
}

// orgProblems converts the organisation importer's row errors.
func orgProblems(errs []org.RowError) []importreport.Problem {
	out := make([]importreport.Problem, len(errs))
	for i, e := range errs {
		out[i] = importreport.Problem{Line: e.Line, Column: e.Column, Reason: e.Reason}
	}
	return out
}

// attendanceProblems converts the attendance importers' row errors.
func attendanceProblems(errs []attendance.RowError) []importreport.Problem {
	out := make([]importreport.Problem, len(errs))
	for i, e := range errs {
		out[i] = importreport.Problem{Line: e.Line, Column: e.Column, Reason: e.Reason}
	}
	return out
}

// badLines counts the distinct lines of errs.
func badLines(errs []attendance.RowError) int {
	seen := map[int]bool{}
	for _, e := range errs {
		seen[e.Line] = true
	}
	return len(seen)
}
