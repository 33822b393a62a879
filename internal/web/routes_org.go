package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/views/layout"
	"github.com/ekinerja/ekinerja/views/pages"
)

// Who may do what in the org area: admin_opd keeps its own OPD, verifikator
// reads everything, superadmin keeps everything and the accounts. The OPD
// scope itself is enforced in internal/org (orgScope below), per request.
var (
	orgReaders = Only(auth.RoleAdminOPD, auth.RoleVerifikator, auth.RoleSuperadmin)
	orgEditors = Only(auth.RoleAdminOPD, auth.RoleSuperadmin)
	orgSuper   = Only(auth.RoleSuperadmin)
)

// orgRoutes are the routes of the org area.
func (s *Server) orgRoutes() []Route {
	return []Route{
		{http.MethodGet, "/pegawai", orgReaders, s.pegawaiList},
		{http.MethodGet, "/pegawai.xlsx", orgReaders, s.pegawaiXLSX},
		{http.MethodGet, "/pegawai/baru", orgEditors, s.pegawaiNew},
		{http.MethodPost, "/pegawai", orgEditors, s.pegawaiCreate},
		{http.MethodGet, "/pegawai/:id", orgReaders, s.pegawaiDetail},
		{http.MethodGet, "/pegawai/:id/ubah", orgEditors, s.pegawaiEdit},
		{http.MethodPost, "/pegawai/:id", orgEditors, s.pegawaiUpdate},
		{http.MethodPost, "/pegawai/:id/penugasan", orgEditors, s.pegawaiAssign},
		{http.MethodPost, "/pegawai/:id/penugasan/:riwayat/akhiri", orgEditors, s.pegawaiEndActing},
		{http.MethodPost, "/pegawai/:id/akun", orgSuper, s.pegawaiCreateAkun},
		{http.MethodPost, "/pegawai/:id/rekening/konfirmasi", Only(auth.RoleAdminOPD, auth.RoleVerifikator), s.pegawaiDecideBank},

		{http.MethodGet, "/jabatan", orgReaders, s.jabatanList},
		{http.MethodGet, "/jabatan.xlsx", orgReaders, s.jabatanXLSX},
		{http.MethodGet, "/jabatan/baru", orgEditors, s.jabatanNew},
		{http.MethodPost, "/jabatan", orgEditors, s.jabatanCreate},
		{http.MethodGet, "/jabatan/:id/ubah", orgEditors, s.jabatanEdit},
		{http.MethodPost, "/jabatan/:id", orgEditors, s.jabatanUpdate},

		{http.MethodGet, "/opd", orgReaders, s.opdList},
		{http.MethodGet, "/opd/baru", orgSuper, s.opdNew},
		{http.MethodPost, "/opd", orgSuper, s.opdCreate},
		{http.MethodGet, "/opd/:id", orgReaders, s.opdTree},
		{http.MethodGet, "/opd/:id/ubah", orgSuper, s.opdEdit},
		{http.MethodPost, "/opd/:id", orgSuper, s.opdUpdate},
		{http.MethodPost, "/opd/:id/unit", orgEditors, s.unitCreate},
		{http.MethodGet, "/unit/:id/ubah", orgEditors, s.unitEdit},
		{http.MethodPost, "/unit/:id", orgEditors, s.unitUpdate},

		{http.MethodGet, "/impor", orgEditors, s.imporPage},
		{http.MethodGet, "/impor/templat/:jenis", orgEditors, s.imporTemplate},
		{http.MethodPost, "/impor/:jenis", orgEditors, s.imporSubmit},
		// A stored import report is its uploader's only (importreport.Store.Get).
		{http.MethodGet, "/impor/laporan/:id", orgEditors, s.importReportPage},
		{http.MethodGet, "/impor/laporan/:id/laporan.xlsx", orgEditors, s.importReportXLSX},
		{http.MethodGet, "/impor/siasn", orgEditors, s.siasnPage},
		{http.MethodPost, "/impor/siasn", orgEditors, s.siasnUpload},
		{http.MethodGet, "/impor/siasn/:id", orgEditors, s.siasnDiff},
		{http.MethodPost, "/impor/siasn/:id/terapkan", orgEditors, s.siasnApply},

		{http.MethodGet, "/pengguna", orgSuper, s.akunList},
		{http.MethodGet, "/pengguna/:id", orgSuper, s.akunPage},
		{http.MethodPost, "/pengguna/:id/peran", orgSuper, s.akunGrant},
		{http.MethodPost, "/pengguna/:id/cabut", orgSuper, s.akunRevoke},
		{http.MethodPost, "/pengguna/:id/reset-sandi", orgSuper, s.akunReset},
		{http.MethodPost, "/pengguna/:id/nonaktif", orgSuper, s.akunDisable},
		{http.MethodPost, "/pengguna/:id/aktif", orgSuper, s.akunEnable},

		{http.MethodGet, "/api/v1/opd", orgReaders, s.apiOPD},
		{http.MethodGet, "/api/v1/jabatan", orgReaders, s.apiJabatan},
		{http.MethodGet, "/api/v1/pegawai", orgReaders, s.apiPegawai},
		{http.MethodGet, "/api/v1/pegawai/:id", orgReaders, s.apiPegawaiDetail},
	}
}

// orgNav is the org area's navigation for role r.
func orgNav(r auth.Role) []layout.NavItem {
	switch r {
	case auth.RoleAdminOPD, auth.RoleVerifikator:
		return []layout.NavItem{{Href: "/pegawai", Label: "Pegawai"}, {Href: "/jabatan", Label: "Jabatan"}, {Href: "/opd", Label: "OPD"}}
	case auth.RoleSuperadmin:
		return []layout.NavItem{{Href: "/opd", Label: "OPD"}, {Href: "/jabatan", Label: "Jabatan"}, {Href: "/pegawai", Label: "Pegawai"},
			{Href: "/pengguna", Label: "Pengguna"}}
	}
	return nil
}

// orgFlashes are the org area's flash messages.
var orgFlashes = map[string]string{
	"pegawai_disimpan":      "Data pegawai telah disimpan.",
	"rekening_diusulkan":    "Data pegawai disimpan. Rekening bank baru menunggu konfirmasi orang kedua (admin OPD lain atau verifikator BKPSDM); sampai itu rekening lama yang dipakai.",
	"rekening_dikonfirmasi": "Rekening baru dikonfirmasi: TPP berikutnya dibayar ke rekening ini.",
	"rekening_ditolak":      "Usulan rekening ditolak; rekening lama tetap berlaku.",
	"penugasan":             "Penugasan telah disimpan dan dicatat di riwayat jabatan.",
	"penugasan_akhiri":      "Penugasan Plt/Plh telah diakhiri; atasan langsung bawahannya menyesuaikan mulai hari berikutnya.",
	"jabatan_disimpan":      "Jabatan telah disimpan.",
	"opd_disimpan":          "OPD telah disimpan.",
	"unit_disimpan":         "Unit kerja telah ditambahkan.",
	"unit_diubah":           "Unit kerja telah diubah.",
	"peran_diberi":          "Peran telah diberikan.",
	"peran_dicabut":         "Peran telah dicabut.",
	"akun_nonaktif":         "Akun dinonaktifkan; semua sesinya telah berakhir.",
	"akun_aktif":            "Akun diaktifkan kembali.",
}

// orgHome adds what waits in the org area to a home page.
func (s *Server) orgHome(c echo.Context, p *auth.Principal, subs []int64, h *pages.Home) error {
	switch p.Active.Role {
	case auth.RoleAdminOPD:
		for i := range h.Waiting {
			if h.Waiting[i].Label == "Pegawai tanpa nomor rekening bank" && h.Waiting[i].Href == "" {
				h.Waiting[i].Href = "/pegawai"
			}
		}
		vacant, err := s.org.CountVacant(c.Request().Context(), orgScope(p), s.today())
		if err != nil {
			return err
		}
		h.Waiting = append(h.Waiting, pages.Waiting{Label: "Jabatan tanpa pemangku", Count: vacant, Href: "/jabatan",
			Hint: "Atasan langsung bawahannya dialihkan ke jabatan di atasnya sampai terisi (atau tunjuk Plt)."})
		h.Facts = append(h.Facts, pages.Fact{Label: "Kelola", Value: "Pegawai, jabatan, impor CSV"})
		if err := s.bankToDecideHome(c, p, h); err != nil {
			return err
		}
	case auth.RoleVerifikator:
		if err := s.bankToDecideHome(c, p, h); err != nil {
			return err
		}
	case auth.RoleSuperadmin:
		vacant, err := s.org.CountVacant(c.Request().Context(), orgScope(p), s.today())
		if err != nil {
			return err
		}
		h.Waiting = append(h.Waiting, pages.Waiting{Label: "Jabatan tanpa pemangku (seluruh OPD)", Count: vacant, Href: "/jabatan"})
		h.Facts = append(h.Facts, pages.Fact{Label: "Jabatan kosong", Value: strconv.FormatInt(vacant, 10)})
	}
	return nil
}

// bankToDecideHome shows the proposed bank accounts waiting for this person
// (a second person: not their own proposals) on an admin_opd's or a
// verifikator's home page.
func (s *Server) bankToDecideHome(c echo.Context, p *auth.Principal, h *pages.Home) error {
	n, first, err := s.org.BankToDecide(c.Request().Context(), orgScope(p), orgActor(c))
	if err != nil || n == 0 {
		return err
	}
	h.Waiting = append(h.Waiting, pages.Waiting{Label: "Usulan rekening bank menunggu konfirmasi Anda", Count: n, Href: "/pegawai/" + itoa(first),
		Hint: "Cocokkan dengan buku tabungan pegawai, lalu konfirmasi atau tolak di halaman pegawai. Sampai itu TPP dibayar ke rekening lama."})
	return nil
}
