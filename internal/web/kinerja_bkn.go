package web

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/kinerja"
	"github.com/ekinerja/ekinerja/internal/tpp"
	"github.com/ekinerja/ekinerja/views/pages"
)

// The e-Kinerja BKN predikat import (issue 12): admin_opd for its own OPD,
// superadmin for a chosen one. The page says which source the rules in
// force take the predikat from, so an import for a month paid on the local
// rating is not mistaken for one that changes pay.

// bknUploadView is the upload form, the source of the rules in force for
// the form's month, and the latest imports.
func (s *Server) bknUploadView(c echo.Context, form pages.OrgForm) (pages.BKNUploadView, error) {
	ctx := c.Request().Context()
	v := pages.BKNUploadView{Form: form}
	var err error
	if v.OPDs, err = s.opdOptions(c, orgScope(principal(c))); err != nil {
		return v, err
	}
	if v.Imports, err = s.kin.BKNImports(ctx, actor(c), 20); err != nil {
		return v, err
	}
	p := tpp.PeriodOf(s.kin.Today())
	if q, perr := tpp.ParsePeriod(form.V("bulan")); perr == nil {
		p = q
	}
	if form.V("bulan") == "" {
		form.Values["bulan"] = p.Param()
		v.Form = form
	}
	v.Period = p
	rs, err := s.tpp.RuleSetFor(ctx, p)
	switch {
	case errors.Is(err, apperr.ErrNotFound):
	case err != nil:
		return v, err
	default:
		v.HasRules, v.RuleName = true, rs.Name+" versi "+strconv.Itoa(rs.Version)
		v.UsesBKN = rs.Rules.Produktivitas.Mode == tpp.ProduktivitasPredikat && rs.Rules.Produktivitas.Source() == tpp.SumberEKinerjaBKN
	}
	return v, nil
}

func (s *Server) bknPage(c echo.Context) error {
	v, err := s.bknUploadView(c, pages.OrgForm{Values: map[string]string{"bulan": c.QueryParam("bulan")}})
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.BKNUploadPage(s.chrome(c, "Impor predikat e-Kinerja BKN"), v))
}

// bknTemplate is the .xlsx template of the export for the chosen month.
func (s *Server) bknTemplate(c echo.Context) error {
	p := tpp.PeriodOf(s.kin.Today())
	if v := c.QueryParam("bulan"); v != "" {
		q, err := tpp.ParsePeriod(v)
		if err != nil {
			return err
		}
		p = q
	}
	return sendXLSX(c, "templat-predikat-ekinerja.xlsx", kinerja.BKNTemplateSheet(p))
}

// bknUpload imports the export and shows its report: 200 applied, 422
// refused (a row that cannot be read: nothing changed).
func (s *Server) bknUpload(c echo.Context) error {
	form := formValues(c, "opd_id", "bulan")
	p, err := tpp.ParsePeriod(form.V("bulan"))
	var imp kinerja.BKNImport
	if err == nil {
		fh, ferr := c.FormFile("berkas")
		switch {
		case ferr != nil:
			err = apperr.Invalid("berkas", "Pilih berkas ekspor predikat e-Kinerja (CSV atau .xlsx).")
		case fh.Size > kinerja.MaxBKNBytes:
			err = apperr.Invalid("berkas", "Berkas lebih besar dari 10 MB. Pecah menjadi beberapa berkas.")
		default:
			f, oerr := fh.Open()
			if oerr != nil {
				return oerr
			}
			defer f.Close()
			imp, err = s.kin.ImportBKN(c.Request().Context(), actor(c), formID(c, "opd_id"), p, fh.Filename, f)
		}
	}
	if fields, ok := fieldErrors(err); ok {
		form.Errors = fields
		v, verr := s.bknUploadView(c, form)
		if verr != nil {
			return verr
		}
		return s.render(c, http.StatusUnprocessableEntity, pages.BKNUploadPage(s.chrome(c, "Impor predikat e-Kinerja BKN"), v))
	}
	if err != nil {
		return err
	}
	r := imp.Report
	logger(c).Info("predikat bkn import", slog.Int64("impor", imp.ID), slog.String("status", imp.Status), slog.Int("baris", r.Rows),
		slog.Int("diterapkan", len(r.Applied)), slog.Int("ditolak", len(r.Refused)), slog.Int("tidak_dikenal", len(r.Unknown)))
	status := http.StatusOK
	if !imp.Applied() {
		status = http.StatusUnprocessableEntity
	}
	return s.bknReportView(c, status, imp)
}

// bknImportID reads the import id of the path (0 when bad: not found).
func bknImportID(c echo.Context) int64 {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 0 {
		return 0
	}
	return id
}

func (s *Server) bknReportView(c echo.Context, status int, imp kinerja.BKNImport) error {
	hal, _ := strconv.Atoi(c.QueryParam("hal"))
	v := pages.BKNReportView{I: imp, P: imp.Report.Page(kinerja.BKNList(c.QueryParam("daftar")), hal)}
	return s.render(c, status, pages.BKNReportPage(s.chrome(c, "Laporan impor predikat"), v))
}

// bknReport shows one page of one list of a stored import's report.
func (s *Server) bknReport(c echo.Context) error {
	imp, err := s.kin.BKNImportByID(c.Request().Context(), actor(c), bknImportID(c))
	if err != nil {
		return err
	}
	return s.bknReportView(c, http.StatusOK, imp)
}

// bknReportXLSX downloads the whole report, one sheet per list.
func (s *Server) bknReportXLSX(c echo.Context) error {
	imp, err := s.kin.BKNImportByID(c.Request().Context(), actor(c), bknImportID(c))
	if err != nil {
		return err
	}
	return sendXLSX(c, "laporan-impor-predikat-"+strconv.FormatInt(imp.ID, 10)+".xlsx", imp.Report.BKNSheets()...)
}
