package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/org"
	"github.com/ekinerja/ekinerja/views/pages"
)

func (s *Server) opdList(c echo.Context) error {
	p := principal(c)
	rows, err := s.org.ListOPD(c.Request().Context(), orgScope(p))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.OPDListPage(s.chrome(c, "OPD"), pages.OPDList{Rows: rows, CanAdmin: org.CanAdmin(p.Active.Role)}))
}

func (s *Server) opdTreeView(c echo.Context, id int64) (pages.OPDTreeView, error) {
	p := principal(c)
	sc := orgScope(p)
	ctx := c.Request().Context()
	o, err := s.org.OPDInScope(ctx, sc, id)
	if err != nil {
		return pages.OPDTreeView{}, err
	}
	v := pages.OPDTreeView{OPD: o, CanEdit: org.CanEdit(p.Active.Role), CanAdmin: org.CanAdmin(p.Active.Role), UnitForm: pages.OrgForm{Values: map[string]string{}}}
	if v.Roots, err = s.org.Tree(ctx, sc, id, s.today()); err != nil {
		return v, err
	}
	if v.Units, err = s.org.ListUnits(ctx, id); err != nil {
		return v, err
	}
	for _, u := range v.Units {
		v.Units2 = append(v.Units2, pages.Option{Value: itoa(u.ID), Label: u.Kode + " · " + u.Nama})
	}
	return v, nil
}

func (s *Server) opdTree(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.opdTreeView(c, id)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.OPDTreePage(s.chrome(c, v.OPD.Nama), v))
}

func (s *Server) unitCreate(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	sc := orgScope(principal(c))
	if _, err := s.org.OPDInScope(c.Request().Context(), sc, id); err != nil {
		return err
	}
	_, err = s.org.CreateUnit(c.Request().Context(), sc, orgActor(c), org.UnitInput{Kode: c.FormValue("kode"), Nama: c.FormValue("nama"), OPDID: id, ParentID: formID(c, "parent_id")})
	if fields, ok := fieldErrors(err); ok {
		v, err := s.opdTreeView(c, id)
		if err != nil {
			return err
		}
		v.UnitForm = formValues(c, "kode", "nama", "parent_id")
		v.UnitForm.Errors = fields
		return s.render(c, http.StatusUnprocessableEntity, pages.OPDTreePage(s.chrome(c, v.OPD.Nama), v))
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/opd/"+itoa(id), "unit_disimpan")
}

func (s *Server) opdNew(c echo.Context) error {
	return s.render(c, http.StatusOK, pages.OPDFormPage(s.chrome(c, "Tambah OPD"), pages.OPDFormView{Form: pages.OrgForm{Values: map[string]string{"aktif": "ya"}}}))
}

func (s *Server) opdSave(c echo.Context, id int64) error {
	in := org.OPDInput{Kode: c.FormValue("kode"), Nama: c.FormValue("nama"), Singkatan: c.FormValue("singkatan"), Aktif: c.FormValue("aktif") != "tidak"}
	o, err := s.org.SaveOPD(c.Request().Context(), orgActor(c), id, in)
	if fields, ok := fieldErrors(err); ok {
		form := formValues(c, "kode", "nama", "singkatan", "aktif")
		form.Errors = fields
		return s.render(c, http.StatusUnprocessableEntity, pages.OPDFormPage(s.chrome(c, "OPD"), pages.OPDFormView{ID: id, Form: form}))
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/opd/"+itoa(o.ID), "opd_disimpan")
}

func (s *Server) opdCreate(c echo.Context) error { return s.opdSave(c, 0) }

func (s *Server) opdEdit(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	o, err := s.org.OPDInScope(c.Request().Context(), org.All, id)
	if err != nil {
		return err
	}
	aktif := "ya"
	if !o.Aktif {
		aktif = "tidak"
	}
	form := pages.OrgForm{Values: map[string]string{"kode": o.Kode, "nama": o.Nama, "singkatan": o.Singkatan, "aktif": aktif}}
	return s.render(c, http.StatusOK, pages.OPDFormPage(s.chrome(c, "Ubah OPD"), pages.OPDFormView{ID: id, Form: form}))
}

func (s *Server) opdUpdate(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.org.OPDInScope(c.Request().Context(), org.All, id); err != nil {
		return err
	}
	return s.opdSave(c, id)
}

// unitFormView is the unit edit page's data for a unit in scope.
func (s *Server) unitFormView(c echo.Context, id int64) (pages.UnitFormView, error) {
	ctx := c.Request().Context()
	u, err := s.org.UnitInScope(ctx, orgScope(principal(c)), id)
	if err != nil {
		return pages.UnitFormView{}, err
	}
	v := pages.UnitFormView{Unit: u}
	if v.OPD, err = s.org.GetOPD(ctx, u.OPDID); err != nil {
		return v, err
	}
	units, err := s.org.ListUnits(ctx, u.OPDID)
	if err != nil {
		return v, err
	}
	for _, o := range units {
		if o.ID != u.ID {
			v.Parents = append(v.Parents, pages.Option{Value: itoa(o.ID), Label: o.Kode + " · " + o.Nama})
		}
	}
	return v, nil
}

func (s *Server) unitEdit(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.unitFormView(c, id)
	if err != nil {
		return err
	}
	parent := ""
	if v.Unit.ParentID != nil {
		parent = itoa(*v.Unit.ParentID)
	}
	v.Form = pages.OrgForm{Values: map[string]string{"kode": v.Unit.Kode, "nama": v.Unit.Nama, "parent_id": parent}}
	return s.render(c, http.StatusOK, pages.UnitFormPage(s.chrome(c, "Ubah unit kerja"), v))
}

func (s *Server) unitUpdate(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	in := org.UnitInput{Kode: c.FormValue("kode"), Nama: c.FormValue("nama"), ParentID: formID(c, "parent_id")}
	u, err := s.org.UpdateUnit(c.Request().Context(), orgScope(principal(c)), orgActor(c), id, in)
	if fields, ok := fieldErrors(err); ok {
		v, err := s.unitFormView(c, id)
		if err != nil {
			return err
		}
		v.Form = formValues(c, "kode", "nama", "parent_id")
		v.Form.Errors = fields
		return s.render(c, http.StatusUnprocessableEntity, pages.UnitFormPage(s.chrome(c, "Ubah unit kerja"), v))
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/opd/"+itoa(u.OPDID), "unit_diubah")
}
