package web

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/tpp/claim"
	"github.com/ekinerja/ekinerja/views/pages"
)

func (s *Server) tppExport(c echo.Context) (claim.Export, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return claim.Export{}, err
	}
	return s.tpp.ExportFor(c.Request().Context(), tppActor(c), id)
}

// download serves b as an attachment, never inline.
func download(c echo.Context, name, contentType string, b []byte) error {
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set(echo.HeaderContentLength, strconv.Itoa(len(b)))
	return c.Blob(http.StatusOK, contentType, b)
}

func (s *Server) tppNominatif(c echo.Context) error {
	e, err := s.tppExport(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.TPPNominatif(s.chrome(c, "Daftar Nominatif TPP"), pages.TPPNominatifView{Export: e, Totals: e.Totals()}))
}

func (s *Server) tppNominatifXLSX(c echo.Context) error {
	e, err := s.tppExport(c)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := claim.WriteXLSX(&b, e); err != nil {
		return err
	}
	return download(c, e.FileBase()+"-nominatif.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b.Bytes())
}

func (s *Server) tppNominatifPDF(c echo.Context) error {
	e, err := s.tppExport(c)
	if err != nil {
		return err
	}
	lh, err := s.tpp.Letterhead(c.Request().Context())
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := claim.WriteNominatifPDF(&b, e, lh); err != nil {
		return err
	}
	return download(c, e.FileBase()+"-nominatif.pdf", "application/pdf", b.Bytes())
}

// slipPDF serves slip sl as a PDF download, under the regency's letterhead
// (the page chrome of a document, as s.chrome is a page's).
func (s *Server) slipPDF(c echo.Context, sl claim.Slip) error {
	lh, err := s.tpp.Letterhead(c.Request().Context())
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := claim.WriteSlipPDF(&b, sl, lh); err != nil {
		return err
	}
	return download(c, claim.SlipFileBase(sl)+".pdf", "application/pdf", b.Bytes())
}

func (s *Server) tppBankCSV(c echo.Context) error {
	e, err := s.tppExport(c)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := claim.WriteBankCSV(&b, e); err != nil {
		return err
	}
	return download(c, e.FileBase()+"-bank.csv", "text/csv; charset=utf-8", b.Bytes())
}
