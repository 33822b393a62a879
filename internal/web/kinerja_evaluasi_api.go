package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/kinerja"
)

// perilakuJSON is one BerAKHLAK core value's rating.
type perilakuJSON struct {
	Nilai      string `json:"nilai"`
	Label      string `json:"label"`
	Ekspektasi string `json:"ekspektasi"`
	UmpanBalik string `json:"umpan_balik"`
}

func toPerilakuJSON(ps []kinerja.PerilakuNilai) []perilakuJSON {
	var out []perilakuJSON
	for _, p := range ps {
		out = append(out, perilakuJSON{Nilai: string(p.Nilai), Label: p.Nilai.Label(), Ekspektasi: string(p.Ekspektasi), UmpanBalik: p.UmpanBalik})
	}
	return out
}

// umpanBalikJSON is one feedback comment with its answers.
type umpanBalikJSON struct {
	ID          int64            `json:"id"`
	RHKID       int64            `json:"rhk_id"`
	AktivitasID *int64           `json:"aktivitas_id,omitempty"`
	Penulis     string           `json:"penulis"`
	Isi         string           `json:"isi"`
	Waktu       string           `json:"waktu"`
	Jawaban     []umpanBalikJSON `json:"jawaban,omitempty"`
}

func toUmpanBalikJSON(f kinerja.UmpanBalik) umpanBalikJSON {
	out := umpanBalikJSON{ID: f.ID, RHKID: f.RHKID, AktivitasID: f.AktivitasID, Penulis: f.PenulisNama, Isi: f.Isi, Waktu: f.CreatedAt.UTC().Format(time.RFC3339)}
	for _, j := range f.Jawaban {
		out.Jawaban = append(out.Jawaban, toUmpanBalikJSON(j))
	}
	return out
}

type indikatorJSON struct {
	ID     int64  `json:"id"`
	Aspek  string `json:"aspek"`
	Uraian string `json:"uraian"`
	Target int    `json:"target"`
	Satuan string `json:"satuan"`
}

type rhkJSON struct {
	ID          int64            `json:"id"`
	Uraian      string           `json:"uraian"`
	RHKAtasanID *int64           `json:"rhk_atasan_id,omitempty"`
	Indikator   []indikatorJSON  `json:"indikator"`
	UmpanBalik  []umpanBalikJSON `json:"umpan_balik"`
}

// skpJSON is a plan as the API shows it, with its feedback.
type skpJSON struct {
	ID         int64     `json:"id"`
	PegawaiID  int64     `json:"pegawai_id"`
	PegawaiNIP string    `json:"pegawai_nip"`
	Tahun      int       `json:"tahun"`
	Status     string    `json:"status"`
	Penilai    string    `json:"penilai,omitempty"`
	RHK        []rhkJSON `json:"rhk"`
}

// apiSKPShow reads one plan with its RHK, indicators and feedback.
func (s *Server) apiSKPShow(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.kinerja().SKPWithFeedback(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	out := skpJSON{ID: v.SKP.ID, PegawaiID: v.SKP.PegawaiID, PegawaiNIP: v.SKP.PegawaiNIP, Tahun: v.SKP.Tahun, Status: string(v.SKP.Status), Penilai: v.SKP.PenilaiNama,
		RHK: []rhkJSON{}}
	for _, r := range v.SKP.RHK {
		rj := rhkJSON{ID: r.ID, Uraian: r.Uraian, RHKAtasanID: r.RHKAtasanID, Indikator: []indikatorJSON{}, UmpanBalik: []umpanBalikJSON{}}
		for _, in := range r.Indikator {
			rj.Indikator = append(rj.Indikator, indikatorJSON{ID: in.ID, Aspek: string(in.Aspek), Uraian: in.Uraian, Target: in.Target, Satuan: in.Satuan})
		}
		for _, f := range v.Feedback.ByRHK[r.ID] {
			rj.UmpanBalik = append(rj.UmpanBalik, toUmpanBalikJSON(f))
		}
		out.RHK = append(out.RHK, rj)
	}
	return c.JSON(http.StatusOK, out)
}

// apiSKPFeedback lists the feedback of one plan.
func (s *Server) apiSKPFeedback(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.kinerja().SKPWithFeedback(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	out := []umpanBalikJSON{}
	for _, r := range v.SKP.RHK {
		for _, f := range v.Feedback.ByRHK[r.ID] {
			out = append(out, toUmpanBalikJSON(f))
		}
	}
	return c.JSON(http.StatusOK, map[string]any{"skp_id": id, "umpan_balik": out})
}

// evaluasiJSON is a confirmed periodic evaluation.
type evaluasiJSON struct {
	ID             int64  `json:"id"`
	PegawaiID      int64  `json:"pegawai_id"`
	PegawaiNIP     string `json:"pegawai_nip"`
	Tahun          int    `json:"tahun"`
	Periode        string `json:"periode"`
	HasilKerja     string `json:"hasil_kerja"`
	PerilakuKerja  string `json:"perilaku_kerja"`
	Predikat       string `json:"predikat"`
	PredikatLabel  string `json:"predikat_label"`
	HasilUsulan    string `json:"hasil_kerja_usulan"`
	PerilakuUsulan string `json:"perilaku_kerja_usulan"`
	Alasan         string `json:"alasan,omitempty"`
	BulanDinilai   int    `json:"bulan_dinilai"`
	Penilai        string `json:"penilai"`
	PolaDilanggar  bool   `json:"pola_distribusi_dilanggar"`
	Dikonfirmasi   string `json:"dikonfirmasi"`
}

func toEvaluasiJSON(e kinerja.Evaluasi) evaluasiJSON {
	return evaluasiJSON{ID: e.ID, PegawaiID: e.PegawaiID, PegawaiNIP: e.PegawaiNIP, Tahun: e.Tahun, Periode: string(e.Periode), HasilKerja: string(e.HasilKerja),
		PerilakuKerja: string(e.PerilakuKerja), Predikat: string(e.Predikat), PredikatLabel: e.Predikat.Label(), HasilUsulan: string(e.HasilUsulan),
		PerilakuUsulan: string(e.PerilakuUsulan), Alasan: e.Alasan, BulanDinilai: e.BulanDinilai, Penilai: e.PenilaiNama, PolaDilanggar: e.PolaDilanggar,
		Dikonfirmasi: e.ConfirmedAt.UTC().Format(time.RFC3339)}
}

// yearAndPegawai reads ?tahun= (default this year) and ?pegawai_id= (default the caller: 0).
func (s *Server) yearAndPegawai(c echo.Context) (int, int64, error) {
	tahun := s.kinerja().Today().Year()
	if v := c.QueryParam("tahun"); v != "" {
		t, err := strconv.Atoi(v)
		if err != nil || t < 2000 || t > 2100 {
			return 0, 0, apperr.Invalid("tahun", "Tahun tidak sah.")
		}
		tahun = t
	}
	var who int64
	if v := c.QueryParam("pegawai_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return 0, 0, apperr.Invalid("pegawai_id", "pegawai_id tidak sah.")
		}
		who = id
	}
	return tahun, who, nil
}

// apiEvaluasiList lists the confirmed evaluations of a year.
func (s *Server) apiEvaluasiList(c echo.Context) error {
	tahun, who, err := s.yearAndPegawai(c)
	if err != nil {
		return err
	}
	rows, err := s.kinerja().ListEvaluasi(c.Request().Context(), actor(c), who, tahun)
	if err != nil {
		return err
	}
	out := []evaluasiJSON{}
	for _, e := range rows {
		out = append(out, toEvaluasiJSON(e))
	}
	return c.JSON(http.StatusOK, map[string]any{"tahun": tahun, "evaluasi": out})
}

// apiEvaluasiShow reads one evaluation.
func (s *Server) apiEvaluasiShow(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	e, err := s.kinerja().GetEvaluasi(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toEvaluasiJSON(e))
}

// apiPredikat is an employee's predikat of a year: the yearly one (what a
// promotion or a contract extension reads), the periodic and the monthly.
func (s *Server) apiPredikat(c echo.Context) error {
	tahun, who, err := s.yearAndPegawai(c)
	if err != nil {
		return err
	}
	y, err := s.kinerja().PredikatOfYear(c.Request().Context(), actor(c), who, tahun)
	if err != nil {
		return err
	}
	type bulan struct {
		Bulan    int    `json:"bulan"`
		Predikat string `json:"predikat,omitempty"`
		Status   string `json:"status"`
	}
	out := map[string]any{"pegawai_id": y.PegawaiID, "pegawai_nip": y.NIP, "tahun": y.Tahun, "tahunan": string(y.Tahunan), "tahunan_label": y.Tahunan.Label()}
	bs := []bulan{}
	for _, p := range y.Bulanan {
		bs = append(bs, bulan{Bulan: p.Bulan, Predikat: string(p.Predikat), Status: string(p.Status)})
	}
	ps := []evaluasiJSON{}
	for _, e := range y.Periodik {
		ps = append(ps, toEvaluasiJSON(e))
	}
	out["bulanan"], out["periodik"] = bs, ps
	return c.JSON(http.StatusOK, out)
}
