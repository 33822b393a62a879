package web

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/importreport"
	"github.com/ekinerja/ekinerja/internal/org"
	"github.com/ekinerja/ekinerja/internal/tabular"
	"github.com/ekinerja/ekinerja/views/pages"
)

// importKinds are the kinds the active role may import, as package org decides.
func importKinds(p *auth.Principal) []org.ImportKind { return org.ImportKindsFor(p.Active.Role) }

func importKind(c echo.Context) (org.ImportKind, error) {
	k := org.ImportKind(strings.TrimSuffix(c.Param("jenis"), ".xlsx"))
	for _, ok := range importKinds(principal(c)) {
		if k == ok {
			return k, nil
		}
	}
	if k == org.ImportOPD {
		return k, apperr.New(apperr.ErrForbidden, "Impor OPD dan unit kerja hanya untuk Super Admin.")
	}
	return k, apperr.ErrNotFound
}

func (s *Server) imporView(c echo.Context) pages.ImporView {
	v := pages.ImporView{Kinds: importKinds(principal(c)), Columns: map[org.ImportKind][]string{}}
	for _, k := range v.Kinds {
		v.Columns[k] = org.ImportColumns(k)
	}
	return v
}

func (s *Server) imporPage(c echo.Context) error {
	return s.render(c, http.StatusOK, pages.ImporPage(s.chrome(c, "Impor CSV"), s.imporView(c)))
}

func (s *Server) imporTemplate(c echo.Context) error {
	k, err := importKind(c)
	if err != nil {
		return err
	}
	if strings.HasSuffix(c.Param("jenis"), ".xlsx") {
		return sendXLSX(c, "templat-"+string(k)+".xlsx", org.ImportTemplateSheet(k))
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="templat-`+string(k)+`.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", []byte(org.ImportTemplate(k)))
}

// imporSubmit streams the uploaded file through the importer and answers
// with the report: 200 when applied, 422 when refused.
func (s *Server) imporSubmit(c echo.Context) error {
	k, err := importKind(c)
	if err != nil {
		return err
	}
	v := s.imporView(c)
	fh, err := c.FormFile("berkas")
	if err != nil {
		v.Error = "Pilih berkas CSV yang akan diimpor."
		return s.render(c, http.StatusUnprocessableEntity, pages.ImporPage(s.chrome(c, "Impor CSV"), v))
	}
	if fh.Size > org.MaxImportBytes {
		v.Report = &org.ImportReport{Kind: k, FileName: fh.Filename, FileError: "Berkas lebih besar dari 10 MB. Pecah menjadi beberapa berkas."}
		return s.render(c, http.StatusRequestEntityTooLarge, pages.ImporPage(s.chrome(c, "Impor CSV"), v))
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	rep, err := s.org.Import(c.Request().Context(), orgScope(principal(c)), orgActor(c), f,
		org.ImportOptions{Kind: k, SkipBad: c.FormValue("lewati") == "ya", FileName: fh.Filename})
	if err != nil {
		return err
	}
	logger(c).Info("import", slog.String("jenis", string(k)), slog.Int("baris", rep.Rows), slog.Int("salah", rep.BadRows),
		slog.Bool("diterapkan", rep.Applied), slog.Duration("durasi", rep.Duration))
	// The whole list of problems is stored; the page shows the first ones
	// and links to the rest.
	if v.Problems, err = s.keepReport(c, importreport.Report{Kind: string(k), FileName: fh.Filename, Rows: rep.Rows,
		BadRows: rep.BadRows, Applied: rep.Applied, Problems: orgProblems(rep.Errors), More: rep.MoreErrors}); err != nil {
		return err
	}
	rep.Errors = rep.Errors[:min(len(rep.Errors), importReportShown)]
	v.Report = &rep
	status := http.StatusOK
	if !rep.Applied {
		status = http.StatusUnprocessableEntity
	}
	return s.render(c, status, pages.ImporPage(s.chrome(c, "Impor CSV"), v))
}

// xlsxType is the media type of an .xlsx download.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// sendXLSX answers with sheets as an .xlsx attachment named name (a
// fixed, ASCII name chosen by the handler).
func sendXLSX(c echo.Context, name string, sheets ...tabular.Sheet) error {
	b, err := tabular.WriteXLSX(sheets...)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	return c.Blob(http.StatusOK, xlsxType, b)
}
