package web

import (
	"github.com/labstack/echo/v4"

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
