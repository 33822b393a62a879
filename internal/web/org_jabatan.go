package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/org"
	"github.com/ekinerja/ekinerja/views/pages"
)

var jabatanFields = []string{"kode", "nama", "jenis", "kelas", "opd_id", "unit_kerja_id", "atasan_jabatan_id"}

func (s *Server) jabatanList(c echo.Context) error {
	p := principal(c)
	sc := orgScope(p)
	f := jabatanFilter(c)
	page, err := s.org.ListJabatanPage(c.Request().Context(), sc, f, s.today())
	if err != nil {
		return err
	}
	opds, err := s.opdOptions(c, sc)
	if err != nil {
		return err
	}
	f.Urut = page.Urut
	return s.render(c, http.StatusOK, pages.JabatanListPage(s.chrome(c, "Jabatan"), pages.JabatanList{Filter: f, Page: page, OPDs: opds, CanEdit: org.CanEdit(p.Active.Role)}))
}

func (s *Server) jabatanFormView(c echo.Context, id int64, form pages.OrgForm) (pages.JabatanFormView, error) {
	sc := orgScope(principal(c))
	v := pages.JabatanFormView{ID: id, Form: form}
	var err error
	if v.OPDs, err = s.opdOptions(c, sc); err != nil {
		return v, err
	}
	if v.Atasan, err = s.jabatanOptions(c, sc, 0); err != nil {
		return v, err
	}
	opdID, _ := strconv.ParseInt(form.V("opd_id"), 10, 64)
	units, err := s.org.UnitOptions(c.Request().Context(), sc, opdID)
	for _, u := range units {
		v.Units = append(v.Units, pages.Option{Value: itoa(u.ID), Label: u.Kode + " · " + u.Nama})
	}
	return v, err
}

func jabatanInput(c echo.Context) org.JabatanInput {
	return org.JabatanInput{Kode: c.FormValue("kode"), Nama: c.FormValue("nama"), Jenis: c.FormValue("jenis"), Kelas: c.FormValue("kelas"),
		OPDID: formID(c, "opd_id"), UnitKerjaID: formID(c, "unit_kerja_id"), AtasanJabatanID: formID(c, "atasan_jabatan_id")}
}

func (s *Server) jabatanNew(c echo.Context) error {
	v, err := s.jabatanFormView(c, 0, pages.OrgForm{Values: map[string]string{}})
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.JabatanFormPage(s.chrome(c, "Tambah jabatan"), v))
}

func (s *Server) jabatanSaved(c echo.Context, id int64, err error) error {
	if fields, ok := fieldErrors(err); ok {
		form := formValues(c, jabatanFields...)
		form.Errors = fields
		v, err := s.jabatanFormView(c, id, form)
		if err != nil {
			return err
		}
		return s.render(c, http.StatusUnprocessableEntity, pages.JabatanFormPage(s.chrome(c, "Jabatan"), v))
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/jabatan", "jabatan_disimpan")
}

func (s *Server) jabatanCreate(c echo.Context) error {
	_, err := s.org.CreateJabatan(c.Request().Context(), orgScope(principal(c)), orgActor(c), jabatanInput(c))
	return s.jabatanSaved(c, 0, err)
}

func (s *Server) jabatanEdit(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	j, err := s.org.GetJabatan(c.Request().Context(), orgScope(principal(c)), id)
	if err != nil {
		return err
	}
	form := pages.OrgForm{Values: map[string]string{"kode": j.Kode, "nama": j.Nama, "jenis": string(j.Jenis), "kelas": strconv.Itoa(j.Kelas), "opd_id": itoa(j.OPDID)}}
	if j.UnitKerjaID != nil {
		form.Values["unit_kerja_id"] = itoa(*j.UnitKerjaID)
	}
	if j.AtasanJabatanID != nil {
		form.Values["atasan_jabatan_id"] = itoa(*j.AtasanJabatanID)
	}
	v, err := s.jabatanFormView(c, id, form)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.JabatanFormPage(s.chrome(c, "Ubah jabatan"), v))
}

func (s *Server) jabatanUpdate(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	_, err = s.org.UpdateJabatan(c.Request().Context(), orgScope(principal(c)), orgActor(c), id, jabatanInput(c))
	return s.jabatanSaved(c, id, err)
}
