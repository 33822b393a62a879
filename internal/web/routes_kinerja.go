package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/kinerja"
	"github.com/ekinerja/ekinerja/internal/tpp"
	"github.com/ekinerja/ekinerja/views/components"
	"github.com/ekinerja/ekinerja/views/layout"
	"github.com/ekinerja/ekinerja/views/pages"
)

// logging is what a person does for themself: pegawai, and an atasan
// without switching roles (SPEC 2: an atasan may do everything a pegawai may).
var logging = Only(auth.RolePegawai, auth.RoleAtasan)

// kinerjaRoutes are the routes of the kinerja area. Scope (own data, direct
// subordinates) is checked in the kinerja package on every call.
func (s *Server) kinerjaRoutes() []Route {
	atasan := Only(auth.RoleAtasan)
	return []Route{
		{http.MethodGet, "/kinerja/aktivitas", logging, s.kinerjaAktivitasList},
		{http.MethodGet, "/kinerja/aktivitas/baru", logging, s.kinerjaAktivitasNew},
		{http.MethodPost, "/kinerja/aktivitas", logging, s.kinerjaAktivitasCreate},
		{http.MethodPost, "/kinerja/aktivitas/ajukan", logging, s.kinerjaAktivitasSubmit},
		{http.MethodPost, "/kinerja/aktivitas/hapus", logging, s.kinerjaAktivitasDelete},
		{http.MethodGet, "/kinerja/aktivitas/:id", logging, s.kinerjaAktivitasShow},
		{http.MethodPost, "/kinerja/aktivitas/:id", logging, s.kinerjaAktivitasUpdate},
		{http.MethodGet, "/kinerja/aktivitas/:id/bukti", logging, s.kinerjaBukti},

		{http.MethodGet, "/kinerja/tinjau", atasan, s.kinerjaQueue},
		{http.MethodPost, "/kinerja/tinjau/setujui", atasan, s.kinerjaApprove},
		{http.MethodPost, "/kinerja/tinjau/kembalikan", atasan, s.kinerjaReturn},

		{http.MethodGet, "/kinerja/skp", logging, s.kinerjaSKPList},
		{http.MethodPost, "/kinerja/skp", logging, s.kinerjaSKPCreate},
		{http.MethodPost, "/kinerja/skp/ajukan", logging, s.kinerjaSKPSubmit},
		{http.MethodGet, "/kinerja/skp/:id", logging, s.kinerjaSKPShow},
		{http.MethodPost, "/kinerja/skp/:id/rhk", logging, s.kinerjaRHKAdd},
		{http.MethodPost, "/kinerja/skp/:id/indikator", logging, s.kinerjaIndikatorAdd},
		{http.MethodPost, "/kinerja/skp/:id/rhk/:rhk", logging, s.kinerjaRHKUpdate},
		{http.MethodPost, "/kinerja/skp/:id/rhk/:rhk/hapus", logging, s.kinerjaRHKDelete},
		{http.MethodPost, "/kinerja/skp/:id/indikator/:indikator", logging, s.kinerjaIndikatorUpdate},
		{http.MethodPost, "/kinerja/skp/:id/indikator/:indikator/hapus", logging, s.kinerjaIndikatorDelete},
		{http.MethodPost, "/kinerja/skp/:id/setujui", atasan, s.kinerjaSKPAgree},
		{http.MethodPost, "/kinerja/skp/:id/kembalikan", atasan, s.kinerjaSKPReturn},

		{http.MethodGet, "/kinerja/penilaian", logging, s.kinerjaMonth},
		{http.MethodPost, "/kinerja/penilaian", logging, s.kinerjaMonthSubmit},
		{http.MethodGet, "/kinerja/penilaian/:id", logging, s.kinerjaPenilaianShow},
		{http.MethodPost, "/kinerja/penilaian/:id/nilai", atasan, s.kinerjaRate},
		{http.MethodPost, "/kinerja/penilaian/:id/koreksi", atasan, s.kinerjaCorrect},
		{http.MethodGet, "/kinerja/bawahan", atasan, s.kinerjaBawahan},
		{http.MethodGet, "/kinerja/bawahan.xlsx", atasan, s.kinerjaBawahanXLSX},

		{http.MethodGet, "/kinerja/buka-bulan", Only(auth.RoleVerifikator), s.kinerjaReopenPage},
		{http.MethodPost, "/kinerja/buka-bulan", Only(auth.RoleVerifikator), s.kinerjaReopen},
		{http.MethodPost, "/kinerja/buka-bulan/permintaan/:id", Only(auth.RoleVerifikator), s.kinerjaDecideReopen},
		{http.MethodPost, "/kinerja/aktivitas/minta-buka", logging, s.kinerjaReopenRequest},
		{http.MethodGet, "/kinerja/predikat-bkn", orgEditors, s.bknPage},
		{http.MethodPost, "/kinerja/predikat-bkn", orgEditors, s.bknUpload},
		{http.MethodGet, "/kinerja/predikat-bkn/templat.xlsx", orgEditors, s.bknTemplate},
		{http.MethodGet, "/kinerja/predikat-bkn/:id", orgEditors, s.bknReport},
		{http.MethodGet, "/kinerja/predikat-bkn/:id/laporan.xlsx", orgEditors, s.bknReportXLSX},
		{http.MethodGet, "/kinerja/pengaturan", Only(auth.RoleSuperadmin), s.kinerjaSettingsPage},
		{http.MethodPost, "/kinerja/pengaturan", Only(auth.RoleSuperadmin), s.kinerjaSettingsSave},

		{http.MethodGet, "/api/v1/aktivitas", logging, s.apiAktivitasList},
		{http.MethodPost, "/api/v1/aktivitas", logging, s.apiAktivitasCreate},
		{http.MethodGet, "/api/v1/penilaian", logging, s.apiPenilaianList},
		{http.MethodGet, "/api/v1/penilaian/:id", logging, s.apiPenilaianShow},
	}
}

// kinerjaNav is the kinerja area's navigation for role r.
func kinerjaNav(r auth.Role) []layout.NavItem {
	switch r {
	case auth.RolePegawai:
		return []layout.NavItem{{Href: "/kinerja/aktivitas", Label: "Aktivitas"}, {Href: "/kinerja/skp", Label: "SKP"},
			{Href: "/kinerja/penilaian", Label: "Penilaian"}, {Href: "/kinerja/evaluasi", Label: "Evaluasi"}}
	case auth.RoleAtasan:
		return []layout.NavItem{{Href: "/kinerja/tinjau", Label: "Tinjau Aktivitas"}, {Href: "/kinerja/bawahan", Label: "Bawahan"},
			{Href: "/kinerja/aktivitas", Label: "Aktivitas Saya"}, {Href: "/kinerja/skp", Label: "SKP"}, {Href: "/kinerja/penilaian", Label: "Penilaian Saya"}, {Href: "/kinerja/evaluasi", Label: "Evaluasi Saya"}}
	case auth.RoleVerifikator:
		return []layout.NavItem{{Href: "/kinerja/buka-bulan", Label: "Buka Bulan"}, {Href: "/kinerja/distribusi", Label: "Distribusi Predikat"}}
	case auth.RoleAdminOPD:
		return []layout.NavItem{{Href: "/kinerja/predikat-bkn", Label: "Predikat e-Kinerja BKN"}}
	case auth.RoleSuperadmin:
		return []layout.NavItem{{Href: "/kinerja/pengaturan", Label: "Pengaturan Kinerja"}, {Href: "/kinerja/distribusi", Label: "Distribusi Predikat"},
			{Href: "/kinerja/predikat-bkn", Label: "Predikat e-Kinerja BKN"}}
	}
	return nil
}

// kinerjaFlashes are the kinerja area's flash messages.
var kinerjaFlashes = map[string]string{
	"aktivitas_simpan":   "Aktivitas disimpan sebagai draf.",
	"aktivitas_ajukan":   "Aktivitas diajukan ke atasan.",
	"aktivitas_hapus":    "Aktivitas dihapus.",
	"tinjau_setujui":     "Aktivitas yang dipilih telah disetujui.",
	"tinjau_kembalikan":  "Aktivitas yang dipilih telah dikembalikan dengan catatan.",
	"tinjau_sebagian":    "Sebagian aktivitas dilewati karena sudah ditinjau atau baru diubah pegawai; periksa kembali.",
	"skp_buat":           "SKP dibuat. Tambahkan RHK dan indikatornya.",
	"skp_ubah":           "SKP diperbarui.",
	"rhk_hapus":          "RHK dan indikatornya dihapus.",
	"indikator_hapus":    "Indikator dihapus.",
	"skp_ajukan":         "SKP diajukan ke atasan.",
	"skp_setujui":        "SKP disetujui.",
	"skp_kembalikan":     "SKP dikembalikan dengan catatan.",
	"penilaian_ajukan":   "Penilaian bulan ini diajukan ke atasan.",
	"penilaian_nilai":    "Penilaian disimpan.",
	"penilaian_koreksi":  "Penilaian dikoreksi dan dicatat di log audit. Klaim TPP bulan ini yang belum disetujui perlu dihitung ulang.",
	"bulan_dibuka":       "Bulan dibuka kembali untuk pegawai tersebut selama 7 hari.",
	"bulan_diminta":      "Permintaan membuka bulan ini telah dikirim ke verifikator. Jawabannya tampil di halaman ini.",
	"permintaan_setujui": "Permintaan disetujui: bulan dibuka kembali untuk pegawai tersebut selama 7 hari.",
	"permintaan_tolak":   "Permintaan ditolak; alasannya tampil bagi pegawai.",
	"pengaturan_simpan":  "Tanggal penutupan bulan disimpan.",
}

// kinerjaHome adds what waits in the kinerja area to a home page.
func (s *Server) kinerjaHome(c echo.Context, p *auth.Principal, subs []int64, h *pages.Home) error {
	ctx := c.Request().Context()
	k, a := s.kinerja(), actor(c)
	switch p.Active.Role {
	case auth.RolePegawai:
		today := k.Today()
		m, err := k.MonthMinutes(ctx, a, today)
		if err != nil {
			return err
		}
		if p.PegawaiID != 0 { // the dashboard shows the same minutes (pegawaiDash)
			h.Dash = &pages.PegawaiDash{Month: tpp.PeriodOf(today), Minutes: m}
		}
		l, err := k.LandingFor(ctx, a)
		if err != nil {
			return err
		}
		if l.CurrentOpen {
			h.Primary = &pages.Action{Label: "Catat aktivitas", Href: "/kinerja/aktivitas/baru"}
		}
		var returned int64
		for _, mw := range l.Months {
			returned += mw.Returned
			q := "?bulan=" + mw.Month.Format("2006-01")
			closes := "Ditutup setelah " + components.Date(mw.ClosesAt.AddDate(0, 0, -1)) + "."
			if mw.Reopened {
				closes = "Bulan ini dibuka kembali oleh verifikator."
			}
			if mw.Returned > 0 {
				h.Waiting = append(h.Waiting, pages.Waiting{Label: "Aktivitas " + mw.MonthLabel() + " dikembalikan atasan, perlu diperbaiki", Count: mw.Returned,
					Href: "/kinerja/aktivitas" + q, Hint: "Perbaiki lalu ajukan kembali. " + closes})
			}
			if mw.Draft > 0 {
				h.Waiting = append(h.Waiting, pages.Waiting{Label: "Draf aktivitas " + mw.MonthLabel() + " belum diajukan", Count: mw.Draft,
					Href: "/kinerja/aktivitas" + q, Hint: closes})
			}
		}
		if returned > 0 {
			h.Secondary = append(h.Secondary, pages.Action{Label: "Perbaiki " + strconv.FormatInt(returned, 10) + " aktivitas dikembalikan", Href: h.Waiting[firstWaiting(h.Waiting, "dikembalikan")].Href})
		}
		h.Facts = append(h.Facts,
			pages.Fact{Label: "Menit disetujui " + components.Month(today), Value: pages.Menit(m.Approved) + " dari " + pages.Menit(m.Target) + " (" + pages.Persen(m.ApprovedPctBP) + ")"},
			pages.Fact{Label: "Menit diajukan (menunggu)", Value: pages.Menit(m.Submitted)},
			pages.Fact{Label: "Menit draf", Value: pages.Menit(m.Draft)})
	case auth.RoleAtasan:
		l, err := k.LandingForTeam(ctx, a, subs)
		if err != nil {
			return err
		}
		if l.ToReview > 0 {
			h.Primary = &pages.Action{Label: "Tinjau " + strconv.FormatInt(l.ToReview, 10) + " aktivitas", Href: "/kinerja/tinjau"}
		}
		for _, mw := range l.Months {
			h.Waiting = append(h.Waiting, pages.Waiting{Label: "Aktivitas bawahan " + mw.MonthLabel() + " menunggu tinjauan", Count: mw.Submitted, Href: "/kinerja/tinjau"})
		}
		pend, err := k.PendingOf(ctx, subs)
		if err != nil {
			return err
		}
		for _, x := range pend {
			if x.Aktivitas > 0 {
				h.Waiting = append(h.Waiting, pages.Waiting{Label: "Aktivitas " + x.Nama + " menunggu tinjauan", Count: x.Aktivitas, Href: "/kinerja/tinjau"})
			}
			if x.Bulan > 0 {
				h.Waiting = append(h.Waiting, pages.Waiting{Label: "Penilaian bulanan " + x.Nama + " menunggu dinilai", Count: x.Bulan, Href: "/kinerja/bawahan"})
				if h.Primary == nil {
					h.Primary = &pages.Action{Label: "Nilai kinerja bulanan bawahan", Href: "/kinerja/bawahan"}
				}
			}
		}
	}
	return nil
}

// firstWaiting is the index of the first item whose label contains word.
func firstWaiting(ws []pages.Waiting, word string) int {
	for i, w := range ws {
		if strings.Contains(w.Label, word) {
			return i
		}
	}
	return 0
}

// kinerja returns the kinerja store on the pool.
func (s *Server) kinerja() *kinerja.Store { return s.kin }

// actor is actorOf(c) (the name stays for callers).
func actor(c echo.Context) kinerja.Actor { return actorOf(c) }

// monthParam reads ?bulan=TTTT-BB, defaulting to this month; it also gives
// the neighbouring months for the pager ("" for a future month).
func monthParam(c echo.Context, today time.Time) (month time.Time, prev, next string, err error) {
	month = time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
	if v := c.QueryParam("bulan"); v != "" {
		var p tpp.Period
		if p, err = tpp.ParsePeriod(v); err != nil {
			return
		}
		month = p.First()
	}
	prev = month.AddDate(0, -1, 0).Format("2006-01")
	if n := month.AddDate(0, 1, 0); !n.After(today) {
		next = n.Format("2006-01")
	}
	return
}
