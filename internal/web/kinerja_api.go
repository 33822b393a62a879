package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/kinerja"
)

// aktivitasJSON is an aktivitas as the API shows it.
type aktivitasJSON struct {
	ID           int64  `json:"id"`
	Tanggal      string `json:"tanggal"`
	RHKID        int64  `json:"rhk_id"`
	RHK          string `json:"rhk"`
	Uraian       string `json:"uraian"`
	OutputJumlah int    `json:"output_jumlah"`
	OutputSatuan string `json:"output_satuan"`
	Menit        int    `json:"menit"`
	BuktiLink    string `json:"bukti_link,omitempty"`
	AdaBerkas    bool   `json:"ada_berkas"`
	Status       string `json:"status"`
	Catatan      string `json:"catatan,omitempty"`
	Versi        int    `json:"versi"`
}

func toAktivitasJSON(a kinerja.Aktivitas) aktivitasJSON {
	return aktivitasJSON{ID: a.ID, Tanggal: a.Tanggal.Format(time.DateOnly), RHKID: a.RHKID, RHK: a.RHKUraian, Uraian: a.Uraian,
		OutputJumlah: a.OutputJumlah, OutputSatuan: a.OutputSatuan, Menit: a.Menit, BuktiLink: a.BuktiLink, AdaBerkas: a.BuktiNama != "",
		Status: string(a.Status), Catatan: a.Catatan, Versi: a.Versi}
}

// apiAktivitasList lists the caller's aktivitas of a month (?bulan=TTTT-BB).
func (s *Server) apiAktivitasList(c echo.Context) error {
	k := s.kinerja()
	month, _, _, err := monthParam(c, k.Today())
	if err != nil {
		return err
	}
	rows, err := k.ListAktivitas(c.Request().Context(), actor(c), month)
	if err != nil {
		return err
	}
	out := make([]aktivitasJSON, 0, len(rows))
	for _, a := range rows {
		out = append(out, toAktivitasJSON(a))
	}
	return c.JSON(http.StatusOK, map[string]any{"bulan": month.Format("2006-01"), "aktivitas": out})
}

// apiAktivitasCreate logs an aktivitas from JSON, with the same rules and
// messages as the form. Evidence is a link here; uploads use the form.
func (s *Server) apiAktivitasCreate(c echo.Context) error {
	var req struct {
		Tanggal      string `json:"tanggal"`
		RHKID        int64  `json:"rhk_id"`
		Uraian       string `json:"uraian"`
		OutputJumlah int    `json:"output_jumlah"`
		OutputSatuan string `json:"output_satuan"`
		Menit        int    `json:"menit"`
		BuktiLink    string `json:"bukti_link"`
		Ajukan       bool   `json:"ajukan"`
	}
	if err := (&echo.DefaultBinder{}).BindBody(c, &req); err != nil {
		return apperr.Invalid("body", "Body harus JSON berisi tanggal, rhk_id, uraian, output_jumlah, output_satuan, dan menit.")
	}
	in := kinerja.AktivitasInput{Tanggal: req.Tanggal, Uraian: req.Uraian, OutputSatuan: req.OutputSatuan, BuktiLink: req.BuktiLink,
		RHKID: strconv.FormatInt(req.RHKID, 10), OutputJumlah: strconv.Itoa(req.OutputJumlah), Menit: strconv.Itoa(req.Menit)}
	ctx := c.Request().Context()
	k, a := s.kinerja(), actor(c)
	id, err := k.CreateAktivitas(ctx, a, kinerja.SaveAktivitas{Input: in, Ajukan: req.Ajukan})
	if err != nil {
		return err
	}
	got, err := k.GetAktivitas(ctx, a, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toAktivitasJSON(got))
}

// penilaianJSON is a monthly rating as the API shows it.
type penilaianJSON struct {
	ID             int64  `json:"id"`
	PegawaiID      int64  `json:"pegawai_id"`
	Tahun          int    `json:"tahun"`
	Bulan          int    `json:"bulan"`
	Status         string `json:"status"`
	HasilKerja     string `json:"hasil_kerja,omitempty"`
	PerilakuKerja  string `json:"perilaku_kerja,omitempty"`
	Predikat       string `json:"predikat,omitempty"`
	PredikatLabel  string `json:"predikat_label,omitempty"`
	UmpanBalik     string `json:"umpan_balik,omitempty"`
	MenitDisetujui int64  `json:"menit_disetujui"`
	// Berakhlak are the seven core-value ratings (absent on ratings made before them).
	Berakhlak []perilakuJSON `json:"berakhlak,omitempty"`
}

func toPenilaianJSON(p kinerja.Penilaian) penilaianJSON {
	return penilaianJSON{ID: p.ID, PegawaiID: p.PegawaiID, Tahun: p.Tahun, Bulan: p.Bulan, Status: string(p.Status), HasilKerja: string(p.HasilKerja),
		PerilakuKerja: string(p.PerilakuKerja), Predikat: string(p.Predikat), PredikatLabel: p.Predikat.Label(), UmpanBalik: p.UmpanBalik,
		MenitDisetujui: p.MenitDisetujui, Berakhlak: toPerilakuJSON(p.Perilaku)}
}

// apiPenilaianList lists the monthly ratings of a year (?tahun=), of the
// caller or (?pegawai_id=) of someone in their scope.
func (s *Server) apiPenilaianList(c echo.Context) error {
	k, a := s.kinerja(), actor(c)
	tahun := k.Today().Year()
	if v := c.QueryParam("tahun"); v != "" {
		t, err := strconv.Atoi(v)
		if err != nil || t < 2000 || t > 2100 {
			return apperr.Invalid("tahun", "Tahun tidak sah.")
		}
		tahun = t
	}
	who := a.PegawaiID
	if v := c.QueryParam("pegawai_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return apperr.Invalid("pegawai_id", "pegawai_id tidak sah.")
		}
		who = id
	}
	rows, err := k.ListPenilaian(c.Request().Context(), a, who, tahun)
	if err != nil {
		return err
	}
	out := make([]penilaianJSON, 0, len(rows))
	for _, p := range rows {
		out = append(out, toPenilaianJSON(p))
	}
	return c.JSON(http.StatusOK, map[string]any{"tahun": tahun, "penilaian": out})
}

// apiPenilaianShow reads one monthly rating.
func (s *Server) apiPenilaianShow(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p, err := s.kinerja().GetPenilaian(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toPenilaianJSON(p))
}
