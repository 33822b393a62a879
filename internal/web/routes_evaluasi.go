package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/kinerja"
	"github.com/ekinerja/ekinerja/views/pages"
)

// evaluasiRoutes are issue 13's routes: continuous feedback, periodic
// evaluations, the distribution of predikat, the printable documents and
// their API. Scope is checked in the kinerja package on every call.
func (s *Server) evaluasiRoutes() []Route {
	atasan := Only(auth.RoleAtasan)
	// docs: whoever may see the employee's kinerja (scope in the kinerja package).
	docs := Only(auth.RolePegawai, auth.RoleAtasan, auth.RoleAdminOPD, auth.RoleVerifikator, auth.RoleSuperadmin)
	return []Route{
		{http.MethodPost, "/kinerja/umpan-balik", atasan, s.kinerjaFeedbackGive},
		{http.MethodPost, "/kinerja/umpan-balik/:id/jawab", logging, s.kinerjaFeedbackAnswer},
		{http.MethodGet, "/kinerja/evaluasi", logging, s.kinerjaEvaluasi},
		{http.MethodPost, "/kinerja/evaluasi", atasan, s.kinerjaEvaluasiConfirm},
		{http.MethodGet, "/kinerja/skp/:id/cetak", docs, s.kinerjaSKPCetak},
		{http.MethodGet, "/kinerja/skp/:id/pdf", docs, s.kinerjaSKPPDF},
		{http.MethodGet, "/kinerja/evaluasi/:id/cetak", docs, s.kinerjaEvaluasiCetak},
		{http.MethodGet, "/kinerja/evaluasi/:id/pdf", docs, s.kinerjaEvaluasiPDF},
		{http.MethodGet, "/api/v1/skp/:id", docs, s.apiSKPShow},
		{http.MethodGet, "/api/v1/skp/:id/umpan-balik", docs, s.apiSKPFeedback},
		{http.MethodGet, "/api/v1/evaluasi", docs, s.apiEvaluasiList},
		{http.MethodGet, "/api/v1/evaluasi/:id", docs, s.apiEvaluasiShow},
		{http.MethodGet, "/api/v1/predikat", docs, s.apiPredikat},
		{http.MethodGet, "/kinerja/distribusi", Only(auth.RoleAtasan, auth.RoleVerifikator, auth.RoleSuperadmin), s.kinerjaDistribusi},
		{http.MethodGet, "/kinerja/distribusi.xlsx", Only(auth.RoleAtasan, auth.RoleVerifikator, auth.RoleSuperadmin), s.kinerjaDistribusiXLSX},
		{http.MethodPost, "/kinerja/distribusi/predikat", Only(auth.RoleAtasan, auth.RoleSuperadmin), s.kinerjaPredikatOrganisasi},
	}
}

// evaluasiFlashes are the flash messages of issue 13's pages.
var evaluasiFlashes = map[string]string{
	"umpan_balik":              "Umpan balik dikirim ke pegawai.",
	"umpan_balik_jawab":        "Jawaban Anda dikirim ke atasan.",
	"evaluasi_konfirmasi":      "Evaluasi periode dikonfirmasi dan dicatat.",
	"evaluasi_konfirmasi_pola": "Evaluasi periode dikonfirmasi dan dicatat, meskipun pola distribusi predikat unit tidak terpenuhi (peringatan dicatat).",
	"predikat_organisasi":      "Predikat organisasi disimpan.",
}

// optID reads an optional positive id from a form field (0 when empty).
func optID(c echo.Context, name string) (int64, bool) {
	v := strings.TrimSpace(c.FormValue(name))
	if v == "" {
		return 0, true
	}
	id, err := strconv.ParseInt(v, 10, 64)
	return id, err == nil && id > 0
}

// kinerjaFeedbackGive records the atasan's comment on an RHK or aktivitas.
func (s *Server) kinerjaFeedbackGive(c echo.Context) error {
	rhk, ok1 := optID(c, "rhk_id")
	akt, ok2 := optID(c, "aktivitas_id")
	if !ok1 || !ok2 || rhk == 0 {
		return errBadChoice
	}
	in := kinerja.FeedbackInput{RHKID: rhk, AktivitasID: akt, Isi: c.FormValue("isi")}
	_, skp, err := s.kinerja().GiveFeedback(c.Request().Context(), actor(c), in)
	if fe, ok := fieldErrors(err); ok {
		skp, err2 := s.kinerja().SKPOfRHK(c.Request().Context(), actor(c), rhk)
		if err2 != nil {
			return err2
		}
		return s.renderSKPView(c, skp, http.StatusUnprocessableEntity, pages.KinerjaSKPView{FeedbackErrors: fe, FeedbackRHK: rhk, FeedbackIsi: in.Isi})
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/kinerja/skp/"+itoa(skp), "umpan_balik")
}

// kinerjaFeedbackAnswer records the pegawai's answer to a comment.
func (s *Server) kinerjaFeedbackAnswer(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	isi := c.FormValue("jawaban")
	skp, err := s.kinerja().AnswerFeedback(c.Request().Context(), actor(c), id, isi)
	if fe, ok := fieldErrors(err); ok {
		skp, err2 := s.kinerja().SKPOfFeedback(c.Request().Context(), actor(c), id)
		if err2 != nil {
			return err2
		}
		return s.renderSKPView(c, skp, http.StatusUnprocessableEntity, pages.KinerjaSKPView{FeedbackErrors: fe, FeedbackOn: id, FeedbackIsi: isi})
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/kinerja/skp/"+itoa(skp), "umpan_balik_jawab")
}

// errBadChoice is a form whose hidden choice was tampered with or is stale.
var errBadChoice = apperr.Invalid("rhk_id", "Pilihan RHK atau aktivitas tidak sah. Muat ulang halaman.")
