package web

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/tabular"
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

// tppMonthXLSX is the month page's table of claims as .xlsx: the same
// domain call, month and scope as the page (an admin_opd only their OPD),
// one row per claim (or OPD not yet computed), counts and money as numbers,
// and the page's total.
func (s *Server) tppMonthXLSX(c echo.Context) error {
	p, err := s.tppMonthParam(c.QueryParam("bulan"))
	if err != nil {
		return err
	}
	mp, err := s.tpp.MonthPage(c.Request().Context(), tppActor(c), p)
	if err != nil {
		return err
	}
	sh := tabular.Sheet{Name: "Klaim TPP", Notes: []string{"Klaim TPP " + p.String()},
		Header: []string{"Kode OPD", "OPD", "Bulan", "Jenis", "Status", "Pegawai", "TPP kotor", "TPP bersih", "Peringatan"}}
	for _, e := range mp.Entries {
		status := "Belum dihitung"
		if e.Status != nil {
			status = e.Status.Label()
		}
		sh.Rows = append(sh.Rows, []any{e.OPDKode, e.OPDNama, p.Param(), e.Kind(p), status, e.Employees, e.Gross, e.TotalNet, e.Warnings})
	}
	sh.Rows = append(sh.Rows, []any{"Jumlah", nil, nil, nil, nil, nil, nil, mp.TotalNet})
	return sendXLSX(c, "klaim-tpp-"+p.Param()+".xlsx", sh)
}

// tppHistoryXLSX is the signed-in person's own TPP history (the "TPP Saya"
// page, never another's) as .xlsx: one row per claim they are in, NIP and
// account as text, every money column of the slip as a number.
func (s *Server) tppHistoryXLSX(c echo.Context) error {
	items, err := s.tpp.History(c.Request().Context(), principal(c).PegawaiID)
	if err != nil {
		return err
	}
	sh := tabular.Sheet{Name: "TPP Saya", Notes: []string{"Riwayat TPP"},
		Header: append(append([]string{"Bulan", "Klaim", "OPD", "Status", "NIP"}, claim.NominatifColumns...), "Bank", "Nomor rekening")}
	for _, h := range items {
		status := h.Status.Label()
		if h.Held {
			status = "Ditangguhkan"
		}
		row := []any{h.Period().Param(), h.Kind(), h.OPDNama, status, h.NIP}
		for _, v := range h.Money() {
			row = append(row, v)
		}
		sh.Rows = append(sh.Rows, append(row, h.BankNama, h.BankRekening))
	}
	return sendXLSX(c, "tpp-saya.xlsx", sh)
}
