package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/org"
)

// The read-only org API: the same scope as the pages (admin_opd sees its
// OPD; verifikator and superadmin all).

func (s *Server) apiOPD(c echo.Context) error {
	rows, err := s.org.ListOPD(c.Request().Context(), orgScope(principal(c)))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"data": rows})
}

func (s *Server) apiJabatan(c echo.Context) error {
	f := org.JabatanFilter{Q: c.QueryParam("q")}
	f.OPDID = formID(c, "opd")
	rows, err := s.org.ListJabatan(c.Request().Context(), orgScope(principal(c)), f, s.today())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"data": rows})
}

func (s *Server) apiPegawai(c echo.Context) error {
	f := pegawaiFilter(c)
	f.PerPage = 100
	page, err := s.org.ListPegawai(c.Request().Context(), orgScope(principal(c)), f, s.today())
	if err != nil {
		return err
	}
	if page.Rows == nil {
		page.Rows = []org.PegawaiRow{}
	}
	return c.JSON(http.StatusOK, map[string]any{"data": page.Rows, "total": page.Total, "halaman": page.Page, "per_halaman": page.PerPage, "jumlah_halaman": page.Pages()})
}

func (s *Server) apiPegawaiDetail(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	d, err := s.org.PegawaiDetail(c.Request().Context(), orgScope(principal(c)), id, s.today())
	if err != nil {
		return err
	}
	p := d.Pegawai
	return c.JSON(http.StatusOK, map[string]any{"data": map[string]any{
		"id": p.ID, "nip": p.NIP, "nama": p.Nama, "status_asn": p.StatusASN, "golongan": p.Golongan, "opd_id": p.OPDID, "opd_kode": d.OPD.Kode,
		"keadaan": p.Keadaan, "tugas_belajar": p.TugasBelajar, "bank_nama": p.BankNama, "bank_rekening": p.BankRekening, "bank_atas_nama": p.BankAtasNama,
		"npwp": p.NPWP, "jabatan": d.Profile.JabatanNama, "kelas": d.Profile.Kelas, "atasan_nip": d.Profile.AtasanNIP, "atasan_nama": d.Profile.AtasanNama,
		"riwayat_jabatan": d.Riwayat,
	}})
}
