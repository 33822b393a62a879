package web

import (
	"bytes"
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/kinerja"
	"github.com/ekinerja/ekinerja/internal/tabular"
	"github.com/ekinerja/ekinerja/views/pages"
)

// evalPeriods are the periods a picker offers: this year's and last year's.
func (s *Server) evalPeriods() []kinerja.EvalPeriod {
	y := s.kinerja().Today().Year()
	var out []kinerja.EvalPeriod
	for _, t := range []int{y, y - 1} {
		for _, p := range kinerja.Periodes {
			out = append(out, kinerja.EvalPeriod{Tahun: t, Periode: p})
		}
	}
	return out
}

// kinerjaEvaluasi shows a period's evaluation of one employee (own by default).
func (s *Server) kinerjaEvaluasi(c echo.Context) error {
	ep, err := kinerja.ParseEvalPeriod(c.QueryParam("periode"), s.kinerja().Today())
	if err != nil {
		return err
	}
	pid, ok := optID(c, "pegawai_id")
	if !ok {
		return apperr.ErrNotFound
	}
	return s.renderEvaluasi(c, http.StatusOK, pid, ep, nil, nil)
}

func (s *Server) renderEvaluasi(c echo.Context, status int, pid int64, ep kinerja.EvalPeriod, in *kinerja.EvaluasiInput, errs map[string]string) error {
	e, err := s.kinerja().EvaluasiFor(c.Request().Context(), actor(c), pid, ep)
	if err != nil {
		return err
	}
	v := pages.KinerjaEvaluasiView{E: e, Errors: errs, Periods: s.evalPeriods()}
	switch {
	case in != nil:
		v.Input = *in
	case e.Existing != nil:
		v.Input = kinerja.EvaluasiInput{HasilKerja: e.Existing.HasilKerja, PerilakuKerja: e.Existing.PerilakuKerja, Alasan: e.Existing.Alasan}
	default:
		v.Input = kinerja.EvaluasiInput{HasilKerja: e.Proposal.HasilKerja, PerilakuKerja: e.Proposal.PerilakuKerja}
	}
	return s.render(c, status, pages.KinerjaEvaluasiPage(s.chrome(c, "Evaluasi Kinerja"), v))
}

// kinerjaEvaluasiConfirm stores the atasan's rating of the period.
func (s *Server) kinerjaEvaluasiConfirm(c echo.Context) error {
	ep, err := kinerja.ParseEvalPeriod(c.FormValue("periode"), s.kinerja().Today())
	if err != nil {
		return err
	}
	pid, ok := optID(c, "pegawai_id")
	if !ok || pid == 0 {
		return apperr.ErrNotFound
	}
	in := kinerja.EvaluasiInput{PegawaiID: pid, Period: ep, HasilKerja: kinerja.Ekspektasi(c.FormValue("hasil_kerja")),
		PerilakuKerja: kinerja.Ekspektasi(c.FormValue("perilaku_kerja")), Alasan: c.FormValue("alasan")}
	e, d, err := s.kinerja().ConfirmEvaluasi(c.Request().Context(), actor(c), in)
	if fe, ok := fieldErrors(err); ok {
		return s.renderEvaluasi(c, http.StatusUnprocessableEntity, pid, ep, &in, fe)
	}
	if err != nil {
		return err
	}
	flash := "evaluasi_konfirmasi"
	if len(d.Warnings) > 0 {
		flash = "evaluasi_konfirmasi_pola"
	}
	return redirectWith(c, "/kinerja/evaluasi?pegawai_id="+itoa(e.PegawaiID)+"&periode="+ep.Param(), flash)
}

// kinerjaDistribusi shows the distribution of predikat of the units the actor may see.
func (s *Server) kinerjaDistribusi(c echo.Context) error {
	ep, err := kinerja.ParseEvalPeriod(c.QueryParam("periode"), s.kinerja().Today())
	if err != nil {
		return err
	}
	return s.renderDistribusi(c, http.StatusOK, ep, nil)
}

func (s *Server) renderDistribusi(c echo.Context, status int, ep kinerja.EvalPeriod, errs map[string]string) error {
	d, err := s.kinerja().DistribusiFor(c.Request().Context(), actor(c), ep)
	if err != nil {
		return err
	}
	return s.render(c, status, pages.KinerjaDistribusiPage(s.chrome(c, "Distribusi Predikat"), pages.KinerjaDistribusiView{D: d, Errors: errs, Periods: s.evalPeriods()}))
}

// kinerjaDistribusiXLSX is the distribution page as .xlsx: the same domain
// call, period and scope (a Kepala OPD their own OPD, a verifikator or
// superadmin every active one); one row per OPD and predikat with the
// count, the share and the pattern's limit as numbers, the OPD's employees
// not yet rated, and a second sheet with the pattern warnings.
func (s *Server) kinerjaDistribusiXLSX(c echo.Context) error {
	ep, err := kinerja.ParseEvalPeriod(c.QueryParam("periode"), s.kinerja().Today())
	if err != nil {
		return err
	}
	d, err := s.kinerja().DistribusiFor(c.Request().Context(), actor(c), ep)
	if err != nil {
		return err
	}
	sh := tabular.Sheet{Name: "Distribusi predikat", Notes: []string{"Distribusi predikat " + ep.Label()},
		Header: []string{"OPD", "Periode", "Predikat organisasi", "Predikat", "Pegawai", "Persentase", "Batas pola (paling banyak %)"}}
	warn := tabular.Sheet{Name: "Peringatan pola", Header: []string{"OPD", "Periode", "Peringatan"}}
	for _, u := range d.Units {
		org := u.Org.Label()
		if org == "" {
			org = "Belum dicatat"
		}
		for _, r := range u.Rows {
			var limit any
			if r.MaxPct >= 0 {
				limit = r.MaxPct
			}
			sh.Rows = append(sh.Rows, []any{u.OPDNama, ep.Param(), org, r.Predikat.Label(), r.Count, tabular.BasisPoints(r.PctBP), limit})
		}
		sh.Rows = append(sh.Rows, []any{u.OPDNama, ep.Param(), org, "Belum dinilai", u.Unrated})
		for _, w := range u.Warnings {
			warn.Rows = append(warn.Rows, []any{u.OPDNama, ep.Param(), w})
		}
	}
	return sendXLSX(c, "distribusi-predikat-"+ep.Param()+".xlsx", sh, warn)
}

// kinerjaPredikatOrganisasi records an OPD's predikat for a period.
func (s *Server) kinerjaPredikatOrganisasi(c echo.Context) error {
	ep, err := kinerja.ParseEvalPeriod(c.FormValue("periode"), s.kinerja().Today())
	if err != nil {
		return err
	}
	opd, ok := optID(c, "opd_id")
	if !ok || opd == 0 {
		return s.renderDistribusi(c, http.StatusUnprocessableEntity, ep, map[string]string{"opd_id": "Pilih OPD."})
	}
	err = s.kinerja().SetPredikatOrganisasi(c.Request().Context(), actor(c), opd, ep, kinerja.PredikatOrganisasi(c.FormValue("predikat")))
	if fe, ok := fieldErrors(err); ok {
		return s.renderDistribusi(c, http.StatusUnprocessableEntity, ep, fe)
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/kinerja/distribusi?periode="+ep.Param(), "predikat_organisasi")
}

// kinerjaSKPCetak is the printable SKP.
func (s *Server) kinerjaSKPCetak(c echo.Context) error {
	return s.dokumen(c, false, s.kinerja().SKPDokumen, "/kinerja/skp/")
}

// kinerjaSKPPDF is the SKP as PDF.
func (s *Server) kinerjaSKPPDF(c echo.Context) error {
	return s.dokumen(c, true, s.kinerja().SKPDokumen, "/kinerja/skp/")
}

// kinerjaEvaluasiCetak is the printable evaluation.
func (s *Server) kinerjaEvaluasiCetak(c echo.Context) error {
	return s.dokumen(c, false, s.kinerja().EvaluasiDokumen, "/kinerja/evaluasi/")
}

// kinerjaEvaluasiPDF is the evaluation as PDF.
func (s *Server) kinerjaEvaluasiPDF(c echo.Context) error {
	return s.dokumen(c, true, s.kinerja().EvaluasiDokumen, "/kinerja/evaluasi/")
}

// dokumen builds a document by id and serves it as a page or a PDF.
func (s *Server) dokumen(c echo.Context, pdf bool, build func(context.Context, kinerja.Actor, int64) (kinerja.Dokumen, error), base string) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	d, err := build(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	if !pdf {
		return s.render(c, http.StatusOK, pages.KinerjaDokumenPage(s.chrome(c, d.Judul), d, base+itoa(id)+"/pdf"))
	}
	var b bytes.Buffer
	if err := d.WritePDF(&b); err != nil {
		return err
	}
	return download(c, d.FileName, "application/pdf", b.Bytes())
}
