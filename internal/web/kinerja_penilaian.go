package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/kinerja"
	"github.com/ekinerja/ekinerja/internal/tabular"
	"github.com/ekinerja/ekinerja/internal/tpp"
	"github.com/ekinerja/ekinerja/views/pages"
)

// kinerjaMonth shows the person's own month: the form to submit it, or its rating.
func (s *Server) kinerjaMonth(c echo.Context) error {
	month, prev, next, err := monthParam(c, s.kinerja().Today())
	if err != nil {
		return err
	}
	return s.renderMonth(c, http.StatusOK, month, prev, next, kinerja.SubmitMonth{}, nil)
}

func (s *Server) renderMonth(c echo.Context, status int, month time.Time, prev, next string, in kinerja.SubmitMonth, errs map[string]string) error {
	ctx := c.Request().Context()
	k, a := s.kinerja(), actor(c)
	p, err := k.MyPenilaian(ctx, a, month)
	if err != nil {
		return err
	}
	rhk, err := k.RHKChoices(ctx, a, month.Year())
	if err != nil {
		return err
	}
	v := pages.KinerjaPenilaianView{P: p, RHK: rhk, Own: true, Prev: prev, Next: next, Errors: errs,
		CanSubmit: k.CanSubmitMonth(p, month), Realisasi: in.Realisasi, Ringkasan: in.Ringkasan}
	if v.Realisasi == nil { // prefill from what was submitted before
		v.Realisasi = map[int64]string{}
		for _, r := range p.Realisasi {
			v.Realisasi[r.RHKID] = r.Realisasi
		}
		v.Ringkasan = p.Ringkasan
	}
	if p.PegawaiNama == "" {
		pr := principal(c)
		v.P.PegawaiNama, v.P.PegawaiNIP = pr.Nama, pr.NIP
	}
	return s.render(c, status, pages.KinerjaPenilaianPage(s.chrome(c, "Penilaian Bulanan"), v))
}

// kinerjaMonthSubmit submits the person's month.
func (s *Server) kinerjaMonthSubmit(c echo.Context) error {
	p, err := tpp.ParsePeriod(c.FormValue("bulan"))
	if err != nil {
		return err
	}
	month := p.First()
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	in := kinerja.SubmitMonth{Month: month, Ringkasan: form.Get("ringkasan"), Realisasi: map[int64]string{}}
	for key, vals := range form {
		if rest, ok := strings.CutPrefix(key, "realisasi_"); ok && len(vals) > 0 {
			if id, err := strconv.ParseInt(rest, 10, 64); err == nil {
				in.Realisasi[id] = vals[0]
			}
		}
	}
	_, err = s.kinerja().SubmitPenilaian(c.Request().Context(), actor(c), in)
	if fe, ok := fieldErrors(err); ok {
		return s.renderMonth(c, http.StatusUnprocessableEntity, month, month.AddDate(0, -1, 0).Format("2006-01"), "", in, fe)
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/kinerja/penilaian?bulan="+month.Format("2006-01"), "penilaian_ajukan")
}

// kinerjaPenilaianShow shows one rating; the direct atasan may rate it.
func (s *Server) kinerjaPenilaianShow(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return s.renderPenilaian(c, id, http.StatusOK, kinerja.Rating{}, nil)
}

func (s *Server) renderPenilaian(c echo.Context, id int64, status int, r kinerja.Rating, errs map[string]string) error {
	return s.renderPenilaianView(c, id, status, pages.KinerjaPenilaianView{Rating: r, Errors: errs})
}

func (s *Server) renderPenilaianView(c echo.Context, id int64, status int, v pages.KinerjaPenilaianView) error {
	a := actor(c)
	p, err := s.kinerja().GetPenilaian(c.Request().Context(), a, id)
	if err != nil {
		return err
	}
	v.P, v.Own = p, p.PegawaiID == a.PegawaiID
	if v.CanRate, err = s.kinerja().Can(c.Request().Context(), a, kinerja.ActRate, p.PegawaiID, string(p.Status)); err != nil {
		return err
	}
	if v.CanCorrect, err = s.kinerja().Can(c.Request().Context(), a, kinerja.ActCorrect, p.PegawaiID, string(p.Status)); err != nil {
		return err
	}
	if v.CanCorrect && v.Correction.HasilKerja == "" && v.Correction.PerilakuKerja == "" {
		v.Correction.HasilKerja, v.Correction.PerilakuKerja = p.HasilKerja, p.PerilakuKerja
	}
	return s.render(c, status, pages.KinerjaPenilaianPage(s.chrome(c, "Penilaian Bulanan"), v))
}

// kinerjaRate rates a subordinate's month.
func (s *Server) kinerjaRate(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	r := kinerja.Rating{HasilKerja: kinerja.Ekspektasi(c.FormValue("hasil_kerja")), PerilakuKerja: kinerja.Ekspektasi(c.FormValue("perilaku_kerja")),
		UmpanBalik: c.FormValue("umpan_balik"), Perilaku: perilakuForm(c)}
	_, err = s.kinerja().RatePenilaian(c.Request().Context(), actor(c), id, r)
	if fe, ok := fieldErrors(err); ok {
		return s.renderPenilaian(c, id, http.StatusUnprocessableEntity, r, fe)
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/kinerja/penilaian/"+itoa(id), "penilaian_nilai")
}

// kinerjaCorrect corrects a subordinate's rated month, with a reason, until
// a TPP claim that uses it is approved (then 409: reopen that claim first).
func (s *Server) kinerjaCorrect(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	k := kinerja.Correction{Rating: kinerja.Rating{HasilKerja: kinerja.Ekspektasi(c.FormValue("hasil_kerja")),
		PerilakuKerja: kinerja.Ekspektasi(c.FormValue("perilaku_kerja")), UmpanBalik: c.FormValue("umpan_balik"), Perilaku: perilakuForm(c)}, Alasan: c.FormValue("alasan")}
	_, err = s.kinerja().CorrectPenilaian(c.Request().Context(), actor(c), id, k)
	if fe, ok := fieldErrors(err); ok {
		return s.renderPenilaianView(c, id, http.StatusUnprocessableEntity, pages.KinerjaPenilaianView{Correction: k, CorrectionErrors: fe})
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/kinerja/penilaian/"+itoa(id), "penilaian_koreksi")
}

// kinerjaBawahan lists the atasan's subordinates with their month.
func (s *Server) kinerjaBawahan(c echo.Context) error {
	k := s.kinerja()
	month, prev, next, err := monthParam(c, k.Today())
	if err != nil {
		return err
	}
	rows, err := k.SubordinateMonths(c.Request().Context(), actor(c), month)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.KinerjaBawahanPage(s.chrome(c, "Kinerja Bawahan"), pages.KinerjaBawahan{Month: month, Prev: prev, Next: next, Rows: rows}))
}

// kinerjaBawahanXLSX is the subordinates page's month as .xlsx: the same
// domain call (the atasan's direct subordinates only) and month; NIP as
// text, the ratings as words, the minutes as numbers.
func (s *Server) kinerjaBawahanXLSX(c echo.Context) error {
	k := s.kinerja()
	month, _, _, err := monthParam(c, k.Today())
	if err != nil {
		return err
	}
	rows, err := k.SubordinateMonths(c.Request().Context(), actor(c), month)
	if err != nil {
		return err
	}
	p := tpp.PeriodOf(month)
	sh := tabular.Sheet{Name: "Kinerja bawahan", Notes: []string{"Kinerja bawahan " + p.String()},
		Header: []string{"NIP", "Nama", "Jabatan", "Bulan", "Penilaian", "Hasil kerja", "Perilaku kerja", "Predikat", "Menit disetujui", "Menit menunggu"}}
	for _, r := range rows {
		sh.Rows = append(sh.Rows, []any{r.NIP, r.Nama, r.Jabatan, p.Param(), r.Status.Label(), r.HasilKerja.Label(), r.PerilakuKerja.Label(),
			r.Predikat.Label(), r.MenitDisetujui, r.MenitDiajukan})
	}
	return sendXLSX(c, "kinerja-bawahan-"+p.Param()+".xlsx", sh)
}

// kinerjaReopenPage shows the reopening form and the latest reopenings.
func (s *Server) kinerjaReopenPage(c echo.Context) error {
	return s.renderReopen(c, http.StatusOK, pages.KinerjaBukaBulan{})
}

func (s *Server) renderReopen(c echo.Context, status int, v pages.KinerjaBukaBulan) error {
	ctx := c.Request().Context()
	k := s.kinerja()
	var err error
	if v.ClosingDay, err = k.ClosingDay(ctx); err != nil {
		return err
	}
	if v.Rows, err = k.Reopenings(ctx, 50); err != nil {
		return err
	}
	if v.Requests, err = k.ReopenRequests(ctx, actor(c), 50); err != nil {
		return err
	}
	return s.render(c, status, pages.KinerjaBukaBulanPage(s.chrome(c, "Buka Kembali Bulan"), v))
}

// kinerjaReopen reopens one employee's closed month.
func (s *Server) kinerjaReopen(c echo.Context) error {
	v := pages.KinerjaBukaBulan{NIP: c.FormValue("nip"), Bulan: c.FormValue("bulan"), Alasan: c.FormValue("alasan")}
	p, err := tpp.ParsePeriod(v.Bulan)
	if err == nil {
		err = s.kinerja().ReopenMonth(c.Request().Context(), actor(c), v.NIP, p.First(), v.Alasan)
	}
	if fe, ok := fieldErrors(err); ok {
		v.Errors = fe
		return s.renderReopen(c, http.StatusUnprocessableEntity, v)
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/kinerja/buka-bulan", "bulan_dibuka")
}

// perilakuForm reads the seven BerAKHLAK ratings (perilaku_<nilai>,
// umpan_balik_<nilai>); nil when the form sent none of them.
func perilakuForm(c echo.Context) map[kinerja.NilaiInti]kinerja.PerilakuNilai {
	out := map[kinerja.NilaiInti]kinerja.PerilakuNilai{}
	for _, n := range kinerja.NilaiIntiAll {
		e, u := c.FormValue("perilaku_"+string(n)), c.FormValue("umpan_balik_"+string(n))
		if e != "" || u != "" {
			out[n] = kinerja.PerilakuNilai{Nilai: n, Ekspektasi: kinerja.Ekspektasi(e), UmpanBalik: u}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// kinerjaDecideReopen approves (the month is reopened) or refuses, with a
// reason, an employee's request to reopen a closed month.
func (s *Server) kinerjaDecideReopen(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	keputusan, catatan := c.FormValue("keputusan"), c.FormValue("catatan")
	if keputusan != "setujui" && keputusan != "tolak" {
		return apperr.Invalid("keputusan", "Pilih setujui atau tolak.")
	}
	err = s.kinerja().DecideReopen(c.Request().Context(), actor(c), id, keputusan == "setujui", catatan)
	if fe, ok := fieldErrors(err); ok {
		return s.renderReopen(c, http.StatusUnprocessableEntity, pages.KinerjaBukaBulan{DecideID: id, DecideCatatan: catatan, DecideErrors: fe})
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/kinerja/buka-bulan", "permintaan_"+keputusan)
}
