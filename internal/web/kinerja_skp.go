package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/kinerja"
	"github.com/ekinerja/ekinerja/views/pages"
)

// kinerjaSKPList shows the person's plans and, for an atasan, those to agree.
func (s *Server) kinerjaSKPList(c echo.Context) error {
	return s.renderSKPList(c, http.StatusOK, nil)
}

func (s *Server) renderSKPList(c echo.Context, status int, errs map[string]string) error {
	ctx := c.Request().Context()
	k, a := s.kinerja(), actor(c)
	own, err := k.ListSKP(ctx, a)
	if err != nil {
		return err
	}
	review, err := k.SKPToReview(ctx, a)
	if err != nil {
		return err
	}
	return s.render(c, status, pages.KinerjaSKPListPage(s.chrome(c, "SKP"), pages.KinerjaSKPList{Own: own, ToReview: review, Year: k.Today().Year(), Errors: errs}))
}

// kinerjaSKPCreate starts a plan for a year.
func (s *Server) kinerjaSKPCreate(c echo.Context) error {
	tahun, err := strconv.Atoi(strings.TrimSpace(c.FormValue("tahun")))
	if err != nil {
		return s.renderSKPList(c, http.StatusUnprocessableEntity, map[string]string{"tahun": "Isi tahun SKP, misalnya 2026."})
	}
	id, err := s.kinerja().CreateSKP(c.Request().Context(), actor(c), tahun)
	if fe, ok := fieldErrors(err); ok {
		return s.renderSKPList(c, http.StatusUnprocessableEntity, fe)
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/kinerja/skp/"+itoa(id), "skp_buat")
}

// kinerjaSKPShow shows a plan.
func (s *Server) kinerjaSKPShow(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return s.renderSKP(c, id, http.StatusOK, kinerja.RHKInput{}, nil)
}

func (s *Server) renderSKP(c echo.Context, id int64, status int, in kinerja.RHKInput, errs map[string]string) error {
	return s.renderSKPView(c, id, status, pages.KinerjaSKPView{RHKInput: in, Errors: errs})
}

func (s *Server) renderSKPView(c echo.Context, id int64, status int, v pages.KinerjaSKPView) error {
	ctx := c.Request().Context()
	k, a := s.kinerja(), actor(c)
	skp, err := k.GetSKP(ctx, a, id)
	if err != nil {
		return err
	}
	v.SKP, v.Own = skp, skp.PegawaiID == a.PegawaiID
	if v.Feedback, err = k.FeedbackFor(ctx, a, skp); err != nil {
		return err
	}
	if v.CanDecide, err = k.Can(ctx, a, kinerja.ActDecideSKP, skp.PegawaiID, string(skp.Status)); err != nil {
		return err
	}
	if v.Own && skp.Status.Editable() {
		if v.AtasanRHK, err = k.SupervisorRHK(ctx, skp); err != nil {
			return err
		}
	}
	return s.render(c, status, pages.KinerjaSKPPage(s.chrome(c, "SKP"), v))
}

func indikatorInput(c echo.Context) kinerja.IndikatorInput {
	return kinerja.IndikatorInput{Aspek: c.FormValue("aspek"), Uraian: c.FormValue("indikator"), Target: c.FormValue("target"), Satuan: c.FormValue("satuan")}
}

// kinerjaRHKAdd adds an RHK with its first indicator.
func (s *Server) kinerjaRHKAdd(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	in := kinerja.RHKInput{Uraian: c.FormValue("uraian"), RHKAtasanID: c.FormValue("rhk_atasan_id"), Indikator: indikatorInput(c)}
	_, err = s.kinerja().AddRHK(c.Request().Context(), actor(c), id, in)
	if fe, ok := fieldErrors(err); ok {
		return s.renderSKP(c, id, http.StatusUnprocessableEntity, in, fe)
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/kinerja/skp/"+itoa(id), "skp_ubah")
}

// kinerjaIndikatorAdd adds an indicator to an RHK.
func (s *Server) kinerjaIndikatorAdd(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	rhk, err := strconv.ParseInt(c.FormValue("rhk_id"), 10, 64)
	if err != nil {
		return apperr.Invalid("rhk_id", "Pilih RHK dari SKP ini.")
	}
	err = s.kinerja().AddIndikator(c.Request().Context(), actor(c), id, rhk, indikatorInput(c))
	if fe, ok := fieldErrors(err); ok {
		return s.renderSKP(c, id, http.StatusUnprocessableEntity, kinerja.RHKInput{}, fe)
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/kinerja/skp/"+itoa(id), "skp_ubah")
}

// kinerjaSKPSubmit sends the person's plan to their atasan.
func (s *Server) kinerjaSKPSubmit(c echo.Context) error {
	ids, err := formIDs(c, "id")
	if err == nil && len(ids) != 1 {
		err = apperr.Invalid("id", "Pilih SKP yang akan diajukan.")
	}
	if err != nil {
		return err
	}
	err = s.kinerja().SubmitSKP(c.Request().Context(), actor(c), ids[0])
	if fe, ok := fieldErrors(err); ok {
		return s.renderSKP(c, ids[0], http.StatusUnprocessableEntity, kinerja.RHKInput{}, fe)
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/kinerja/skp/"+itoa(ids[0]), "skp_ajukan")
}

// kinerjaSKPAgree agrees a subordinate's plan.
func (s *Server) kinerjaSKPAgree(c echo.Context) error { return s.kinerjaSKPDecide(c, true) }

// kinerjaSKPReturn returns a subordinate's plan with a note.
func (s *Server) kinerjaSKPReturn(c echo.Context) error { return s.kinerjaSKPDecide(c, false) }

func (s *Server) kinerjaSKPDecide(c echo.Context, agree bool) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	err = s.kinerja().DecideSKP(c.Request().Context(), actor(c), id, agree, c.FormValue("catatan"))
	if fe, ok := fieldErrors(err); ok {
		return s.renderSKP(c, id, http.StatusUnprocessableEntity, kinerja.RHKInput{}, fe)
	}
	if err != nil {
		return err
	}
	if agree {
		return redirectWith(c, "/kinerja/skp", "skp_setujui")
	}
	return redirectWith(c, "/kinerja/skp", "skp_kembalikan")
}

// skpAndChild reads the plan id and the RHK or indicator id from the path.
func skpAndChild(c echo.Context, child string) (int64, int64, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, 0, err
	}
	cid, err := pathID(c, child)
	return id, cid, err
}

// renderSKPEdit shows the plan again with one edit form's messages.
func (s *Server) renderSKPEdit(c echo.Context, id int64, v pages.KinerjaSKPView) error {
	ctx := c.Request().Context()
	k, a := s.kinerja(), actor(c)
	skp, err := k.GetSKP(ctx, a, id)
	if err != nil {
		return err
	}
	v.SKP, v.Own = skp, skp.PegawaiID == a.PegawaiID
	if v.Own && skp.Status.Editable() {
		if v.AtasanRHK, err = k.SupervisorRHK(ctx, skp); err != nil {
			return err
		}
	}
	return s.render(c, http.StatusUnprocessableEntity, pages.KinerjaSKPPage(s.chrome(c, "SKP"), v))
}

// kinerjaRHKUpdate changes an RHK's text and cascading reference.
func (s *Server) kinerjaRHKUpdate(c echo.Context) error {
	id, rhk, err := skpAndChild(c, "rhk")
	if err != nil {
		return err
	}
	in := kinerja.RHKInput{Uraian: c.FormValue("uraian"), RHKAtasanID: c.FormValue("rhk_atasan_id")}
	err = s.kinerja().UpdateRHK(c.Request().Context(), actor(c), id, rhk, in)
	if fe, ok := fieldErrors(err); ok {
		return s.renderSKPEdit(c, id, pages.KinerjaSKPView{Edit: pages.EditTarget{RHKID: rhk}, EditErrors: fe, EditRHK: in})
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/kinerja/skp/"+itoa(id), "skp_ubah")
}

// kinerjaRHKDelete removes an RHK that nothing refers to yet.
func (s *Server) kinerjaRHKDelete(c echo.Context) error {
	id, rhk, err := skpAndChild(c, "rhk")
	if err != nil {
		return err
	}
	if err := s.kinerja().DeleteRHK(c.Request().Context(), actor(c), id, rhk); err != nil {
		return err
	}
	return redirectWith(c, "/kinerja/skp/"+itoa(id), "rhk_hapus")
}

// kinerjaIndikatorUpdate changes an indicator.
func (s *Server) kinerjaIndikatorUpdate(c echo.Context) error {
	id, ind, err := skpAndChild(c, "indikator")
	if err != nil {
		return err
	}
	in := indikatorInput(c)
	err = s.kinerja().UpdateIndikator(c.Request().Context(), actor(c), id, ind, in)
	if fe, ok := fieldErrors(err); ok {
		return s.renderSKPEdit(c, id, pages.KinerjaSKPView{Edit: pages.EditTarget{IndikatorID: ind}, EditErrors: fe, EditInd: in})
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/kinerja/skp/"+itoa(id), "skp_ubah")
}

// kinerjaIndikatorDelete removes an indicator.
func (s *Server) kinerjaIndikatorDelete(c echo.Context) error {
	id, ind, err := skpAndChild(c, "indikator")
	if err != nil {
		return err
	}
	if err := s.kinerja().DeleteIndikator(c.Request().Context(), actor(c), id, ind); err != nil {
		return err
	}
	return redirectWith(c, "/kinerja/skp/"+itoa(id), "indikator_hapus")
}
