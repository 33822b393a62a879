package web

import (
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/org"
	"github.com/ekinerja/ekinerja/internal/tabular"
)

// pegawaiXLSX is the employee list as .xlsx: the same scope and filter as
// the page, every page of it; NIP as text, kelas as a number.
func (s *Server) pegawaiXLSX(c echo.Context) error {
	rows, err := s.org.ExportPegawai(c.Request().Context(), orgScope(principal(c)), pegawaiFilter(c), s.today())
	if err != nil {
		return err
	}
	sh := tabular.Sheet{Name: "Pegawai", Notes: []string{"Daftar pegawai per " + s.today().Format("2006-01-02")},
		Header: []string{"NIP", "Nama", "OPD", "Jabatan", "Kelas", "Status ASN", "Golongan", "Keadaan"}}
	for _, r := range rows {
		sh.Rows = append(sh.Rows, []any{r.NIP, r.Nama, r.OPDKode, r.JabatanNama, r.Kelas, r.StatusASN, r.Golongan, r.Keadaan})
	}
	return sendXLSX(c, "pegawai.xlsx", sh)
}

// jabatanFilter reads the position list's filter from the query string.
func jabatanFilter(c echo.Context) org.JabatanFilter {
	f := org.JabatanFilter{Q: c.QueryParam("q"), Urut: c.QueryParam("urut")}
	f.OPDID, _ = strconv.ParseInt(c.QueryParam("opd"), 10, 64)
	f.Page, _ = strconv.Atoi(c.QueryParam("hal"))
	if len(f.Q) > 100 {
		f.Q = f.Q[:100]
	}
	return f
}

// jabatanXLSX is the position list as .xlsx: the same domain call, scope and
// filter as the page; kelas as a number.
func (s *Server) jabatanXLSX(c echo.Context) error {
	rows, err := s.org.ListJabatan(c.Request().Context(), orgScope(principal(c)), jabatanFilter(c), s.today())
	if err != nil {
		return err
	}
	sh := tabular.Sheet{Name: "Jabatan", Notes: []string{"Daftar jabatan per " + s.today().Format("2006-01-02")},
		Header: []string{"OPD", "Kode", "Jabatan", "Jenis", "Kelas", "Unit kerja", "Atasan", "Pemangku", "Jenis pemangku"}}
	for _, r := range rows {
		sh.Rows = append(sh.Rows, []any{r.OPDKode, r.Kode, r.Nama, r.Jenis, r.Kelas, r.UnitNama, r.AtasanNama, r.Pemangku, r.PemangkuJenis})
	}
	return sendXLSX(c, "jabatan.xlsx", sh)
}
