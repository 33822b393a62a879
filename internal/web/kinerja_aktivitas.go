package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/kinerja"
	"github.com/ekinerja/ekinerja/internal/tpp"
	"github.com/ekinerja/ekinerja/views/pages"
)

// kinerjaAktivitasList shows the person's aktivitas of a month.
func (s *Server) kinerjaAktivitasList(c echo.Context) error {
	return s.renderAktivitasList(c, http.StatusOK, "", nil)
}

// kinerjaReopenRequest asks the verifikator to reopen the closed month
// ?bulan= with a reason; errors show the month's page again (422).
func (s *Server) kinerjaReopenRequest(c echo.Context) error {
	month, _, _, err := monthParam(c, s.kinerja().Today())
	if err != nil {
		return err
	}
	alasan := c.FormValue("alasan")
	_, err = s.kinerja().RequestReopen(c.Request().Context(), actor(c), month, alasan)
	if fe, ok := fieldErrors(err); ok {
		return s.renderAktivitasList(c, http.StatusUnprocessableEntity, alasan, fe)
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/kinerja/aktivitas?bulan="+month.Format("2006-01"), "bulan_diminta")
}

func (s *Server) renderAktivitasList(c echo.Context, status int, alasan string, errs map[string]string) error {
	ctx := c.Request().Context()
	k, a := s.kinerja(), actor(c)
	month, prev, next, err := monthParam(c, k.Today())
	if err != nil {
		return err
	}
	rows, err := k.ListAktivitas(ctx, a, month)
	if err != nil {
		return err
	}
	m, err := k.MonthMinutes(ctx, a, month)
	if err != nil {
		return err
	}
	st, err := k.MonthStateFor(ctx, a, month)
	if err != nil {
		return err
	}
	return s.render(c, status, pages.KinerjaAktivitasPage(s.chrome(c, "Aktivitas Harian"),
		pages.KinerjaAktivitasList{Month: month, Prev: prev, Next: next, Rows: rows, Minutes: m, State: st, RequestAlasan: alasan, RequestErrors: errs}))
}

// renderAktivitasForm shows the log/edit form, with errors (422) or without.
func (s *Server) renderAktivitasForm(c echo.Context, id int64, cur *kinerja.Aktivitas, in kinerja.AktivitasInput, errs map[string]string, held kinerja.HeldBukti) error {
	k := s.kinerja()
	y := k.Today().Year()
	choices, err := k.RHKChoices(c.Request().Context(), actor(c), y, y-1)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	v := pages.KinerjaAktivitasForm{ID: id, Current: cur, Input: in, RHK: choices, Errors: errs, Held: held}
	if cur != nil {
		v.ReadOnly = cur.PegawaiID != principal(c).PegawaiID || !cur.Status.Editable()
	}
	return s.render(c, status, pages.KinerjaAktivitasFormPage(s.chrome(c, "Aktivitas"), v))
}

// kinerjaAktivitasNew shows an empty form, dated today.
func (s *Server) kinerjaAktivitasNew(c echo.Context) error {
	return s.renderAktivitasForm(c, 0, nil, kinerja.AktivitasInput{Tanggal: s.kinerja().Today().Format(time.DateOnly), OutputJumlah: "1"}, nil, kinerja.HeldBukti{})
}

// aktivitasForm reads the form, including an optional evidence upload.
func aktivitasForm(c echo.Context) (kinerja.SaveAktivitas, error) {
	req := kinerja.SaveAktivitas{Input: kinerja.AktivitasInput{
		Tanggal: c.FormValue("tanggal"), RHKID: c.FormValue("rhk_id"), Uraian: c.FormValue("uraian"),
		OutputJumlah: c.FormValue("output_jumlah"), OutputSatuan: c.FormValue("output_satuan"),
		Menit: c.FormValue("menit"), BuktiLink: c.FormValue("bukti_link"),
	}, BuktiToken: c.FormValue("bukti_token"), Ajukan: c.FormValue("aksi") == "ajukan"}
	fh, err := c.FormFile("bukti")
	switch {
	case errors.Is(err, http.ErrMissingFile), errors.Is(err, http.ErrNotMultipart):
		return req, nil
	case err != nil:
		return req, apperr.Invalid("bukti", "Berkas bukti tidak dapat dibaca.")
	case fh.Size == 0 && fh.Filename == "":
		return req, nil
	}
	f, err := fh.Open()
	if err != nil {
		return req, apperr.Invalid("bukti", "Berkas bukti tidak dapat dibaca.")
	}
	defer f.Close()
	// Read one byte more than allowed, so CheckBukti sees an oversize file as such.
	b, err := io.ReadAll(io.LimitReader(f, kinerja.MaxBukti+1))
	if err != nil {
		return req, apperr.Invalid("bukti", "Berkas bukti tidak dapat dibaca.")
	}
	req.Bukti = &kinerja.Bukti{Nama: fh.Filename, Isi: b}
	return req, nil
}

// aktivitasFormAgain shows the form again with its field errors (422),
// keeping the evidence file of this submit (or the one already held) so it
// need not be chosen again: kinerja.Store.HoldBukti; a refusal of the file
// itself joins the errors.
func (s *Server) aktivitasFormAgain(c echo.Context, id int64, cur *kinerja.Aktivitas, req kinerja.SaveAktivitas, fe map[string]string) error {
	held, err := s.kinerja().HoldBukti(c.Request().Context(), actor(c), req)
	if hfe, ok := fieldErrors(err); ok {
		if fe["bukti"] == "" {
			fe["bukti"] = hfe["bukti"]
		}
	} else if err != nil {
		return err
	}
	return s.renderAktivitasForm(c, id, cur, req.Input, fe, held)
}

// kinerjaAktivitasCreate logs an aktivitas (and submits it when asked).
func (s *Server) kinerjaAktivitasCreate(c echo.Context) error {
	req, err := aktivitasForm(c)
	if err == nil {
		_, err = s.kinerja().CreateAktivitas(c.Request().Context(), actor(c), req)
	}
	if fe, ok := fieldErrors(err); ok {
		return s.aktivitasFormAgain(c, 0, nil, req, fe)
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/kinerja/aktivitas?bulan="+monthOf(req.Input.Tanggal), flashFor(req.Ajukan))
}

func flashFor(ajukan bool) string {
	if ajukan {
		return "aktivitas_ajukan"
	}
	return "aktivitas_simpan"
}

// monthOf turns a valid "2026-03-04" into "2026-03".
func monthOf(tanggal string) string {
	if len(tanggal) >= 7 {
		if _, err := tpp.ParsePeriod(tanggal[:7]); err == nil {
			return tanggal[:7]
		}
	}
	return ""
}

// kinerjaAktivitasShow shows an aktivitas: its owner may edit it until it
// is approved; the atasan sees it read-only.
func (s *Server) kinerjaAktivitasShow(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, err := s.kinerja().GetAktivitas(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return s.renderAktivitasForm(c, id, &a, inputOf(a), nil, kinerja.HeldBukti{})
}

func inputOf(a kinerja.Aktivitas) kinerja.AktivitasInput {
	return kinerja.AktivitasInput{Tanggal: a.Tanggal.Format(time.DateOnly), RHKID: strconv.FormatInt(a.RHKID, 10), Uraian: a.Uraian,
		OutputJumlah: strconv.Itoa(a.OutputJumlah), OutputSatuan: a.OutputSatuan, Menit: strconv.Itoa(a.Menit), BuktiLink: a.BuktiLink}
}

// kinerjaAktivitasUpdate saves an edit of the person's own aktivitas.
func (s *Server) kinerjaAktivitasUpdate(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	req, err := aktivitasForm(c)
	ctx := c.Request().Context()
	k, a := s.kinerja(), actor(c)
	if err == nil {
		err = k.UpdateAktivitas(ctx, a, id, req)
	}
	if fe, ok := fieldErrors(err); ok {
		cur, gerr := k.GetAktivitas(ctx, a, id)
		if gerr != nil {
			return gerr
		}
		return s.aktivitasFormAgain(c, id, &cur, req, fe)
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/kinerja/aktivitas?bulan="+monthOf(req.Input.Tanggal), flashFor(req.Ajukan))
}

// formIDs reads the repeated "id" field.
func formIDs(c echo.Context, field string) ([]int64, error) {
	form, err := c.FormParams()
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, v := range form[field] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return nil, apperr.Invalid(field, "Pilihan tidak sah. Muat ulang halaman.")
		}
		ids = append(ids, id)
	}
	if len(ids) > 1000 {
		return nil, apperr.Invalid(field, "Paling banyak 1.000 pilihan sekaligus.")
	}
	return ids, nil
}

// kinerjaAktivitasSubmit submits the selected draft or returned aktivitas.
func (s *Server) kinerjaAktivitasSubmit(c echo.Context) error {
	ids, err := formIDs(c, "id")
	if err == nil {
		_, err = s.kinerja().SubmitAktivitas(c.Request().Context(), actor(c), ids)
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/kinerja/aktivitas", "aktivitas_ajukan")
}

// kinerjaAktivitasDelete removes a draft or returned aktivitas.
func (s *Server) kinerjaAktivitasDelete(c echo.Context) error {
	ids, err := formIDs(c, "id")
	if err == nil && len(ids) != 1 {
		err = apperr.Invalid("id", "Pilih satu aktivitas yang akan dihapus.")
	}
	if err == nil {
		err = s.kinerja().DeleteAktivitas(c.Request().Context(), actor(c), ids[0])
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/kinerja/aktivitas", "aktivitas_hapus")
}

// kinerjaBukti serves uploaded evidence as a download only: never rendered
// by the browser, sniffed, or allowed to run anything.
func (s *Server) kinerjaBukti(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f, err := s.kinerja().GetBukti(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return serveAttachment(c, f.Nama, f.ContentType, f.Isi)
}
