package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/views/layout"
	"github.com/ekinerja/ekinerja/views/pages"
)

// attendanceRoutes are the routes of the attendance area. Scope (own OPD,
// own subordinates, self) is checked in the attendance store on every
// request; an ID out of scope answers 404, exactly like a missing one.
func (s *Server) attendanceRoutes() []Route {
	all := Only(auth.RolePegawai, auth.RoleAtasan, auth.RoleAdminOPD, auth.RoleVerifikator, auth.RoleSuperadmin)
	opdWide := Only(auth.RoleAdminOPD, auth.RoleVerifikator, auth.RoleSuperadmin)
	return []Route{
		{http.MethodGet, "/presensi/saya", all, s.attendanceMine},
		{http.MethodGet, "/presensi/rekap", opdWide, s.attendanceRecap},
		{http.MethodGet, "/presensi/rekap.xlsx", opdWide, s.attendanceRecapXLSX},
		{http.MethodGet, "/presensi/pegawai/:id", all, s.attendanceEmployee},
		{http.MethodPost, "/presensi/pegawai/:id/koreksi", Only(auth.RoleAdminOPD), s.attendanceCorrect},
		{http.MethodGet, "/presensi/impor", Only(auth.RoleAdminOPD), s.attendanceImportPage},
		{http.MethodPost, "/presensi/impor", Only(auth.RoleAdminOPD), s.attendanceImport},
		{http.MethodGet, "/presensi/impor/templat.xlsx", Only(auth.RoleAdminOPD), s.attendanceImportTemplate},
		{http.MethodGet, "/presensi/cuti", Only(auth.RolePegawai, auth.RoleAtasan, auth.RoleAdminOPD), s.attendanceLeavePage},
		{http.MethodPost, "/presensi/cuti", Only(auth.RolePegawai, auth.RoleAtasan, auth.RoleAdminOPD), s.attendanceLeaveRequest},
		{http.MethodPost, "/presensi/cuti/:id/putus", Only(auth.RoleAtasan), s.attendanceLeaveDecide},
		{http.MethodPost, "/presensi/cuti/:id/batal", Only(auth.RolePegawai, auth.RoleAtasan), s.attendanceLeaveCancel},
		{http.MethodGet, "/presensi/hukdis", Only(auth.RoleVerifikator, auth.RoleSuperadmin), s.attendanceSanctionsPage},
		{http.MethodPost, "/presensi/hukdis", Only(auth.RoleVerifikator, auth.RoleSuperadmin), s.attendanceSanctionRecord},
		{http.MethodGet, "/presensi/libur", Only(auth.RoleSuperadmin), s.attendanceHolidaysPage},
		{http.MethodPost, "/presensi/libur", Only(auth.RoleSuperadmin), s.attendanceHolidaySave},
		{http.MethodPost, "/presensi/libur/hapus", Only(auth.RoleSuperadmin), s.attendanceHolidayDelete},
		{http.MethodGet, "/presensi/jadwal", Only(auth.RoleAdminOPD, auth.RoleSuperadmin), s.attendanceSchedulesPage},
		{http.MethodPost, "/presensi/jadwal", Only(auth.RoleAdminOPD, auth.RoleSuperadmin), s.attendanceScheduleAssign},
		{http.MethodGet, "/presensi/jadwal/baru", Only(auth.RoleSuperadmin), s.attendanceScheduleNew},
		{http.MethodPost, "/presensi/jadwal/baru", Only(auth.RoleSuperadmin), s.attendanceScheduleCreate},
		{http.MethodGet, "/presensi/jadwal/:id/ubah", Only(auth.RoleSuperadmin), s.attendanceScheduleEdit},
		{http.MethodPost, "/presensi/jadwal/:id/ubah", Only(auth.RoleSuperadmin), s.attendanceScheduleUpdate},
		{http.MethodGet, "/presensi/impor/riwayat", opdWide, s.attendanceImportHistory},
		{http.MethodGet, "/api/v1/presensi/rekap", opdWide, s.apiAttendanceRecap},
		// fingerprint machines and scan logs (issue 12): the OPD's own admin only
		{http.MethodGet, "/presensi/mesin", Only(auth.RoleAdminOPD), s.attendanceMachines},
		{http.MethodPost, "/presensi/mesin", Only(auth.RoleAdminOPD), s.attendanceMachineCreate},
		{http.MethodGet, scanImportPath, Only(auth.RoleAdminOPD), s.attendanceScanImportPage},
		{http.MethodPost, scanImportPath, Only(auth.RoleAdminOPD), s.attendanceScanImport},
		{http.MethodGet, "/presensi/mesin/:id", Only(auth.RoleAdminOPD), s.attendanceMachine},
		{http.MethodPost, "/presensi/mesin/:id", Only(auth.RoleAdminOPD), s.attendanceMachineUpdate},
		{http.MethodPost, "/presensi/mesin/:id/pin", Only(auth.RoleAdminOPD), s.attendanceMachinePINs},
		{http.MethodPost, "/presensi/mesin/:id/pengguna", Only(auth.RoleAdminOPD), s.attendanceMachineUsers},
	}
}

// attendanceNav is the attendance area's navigation for role r.
func attendanceNav(r auth.Role) []layout.NavItem {
	switch r {
	case auth.RolePegawai, auth.RoleAtasan:
		return []layout.NavItem{{Href: "/presensi/saya", Label: "Presensi"}, {Href: "/presensi/cuti", Label: "Cuti/DL"}}
	case auth.RoleAdminOPD:
		return []layout.NavItem{{Href: "/presensi/rekap", Label: "Presensi"}, {Href: "/presensi/impor", Label: "Impor Presensi"},
			{Href: "/presensi/mesin", Label: "Mesin Presensi"}, {Href: "/presensi/cuti", Label: "Cuti/DL"}, {Href: "/presensi/jadwal", Label: "Jadwal Kerja"}}
	case auth.RoleVerifikator:
		return []layout.NavItem{{Href: "/presensi/rekap", Label: "Rekap Presensi"}, {Href: "/presensi/hukdis", Label: "Hukdis"},
			{Href: "/presensi/impor/riwayat", Label: "Riwayat Impor"}}
	case auth.RoleSuperadmin:
		return []layout.NavItem{{Href: "/presensi/rekap", Label: "Rekap Presensi"}, {Href: "/presensi/hukdis", Label: "Hukdis"},
			{Href: "/presensi/libur", Label: "Hari Libur"}, {Href: "/presensi/jadwal", Label: "Jadwal Kerja"},
			{Href: "/presensi/impor/riwayat", Label: "Riwayat Impor"}}
	}
	return nil
}

// attendanceFlashes are the attendance area's flash messages.
var attendanceFlashes = map[string]string{
	"presensi-koreksi":  "Koreksi presensi disimpan dan dicatat di log audit.",
	"cuti-diajukan":     "Pengajuan cuti/DL dikirim ke atasan langsung.",
	"cuti-disetujui":    "Pengajuan disetujui.",
	"cuti-ditolak":      "Pengajuan ditolak.",
	"cuti-dibatalkan":   "Pengajuan dibatalkan.",
	"hukdis-dicatat":    "Hukuman disiplin dicatat.",
	"libur-disimpan":    "Hari libur disimpan.",
	"libur-dihapus":     "Hari libur dihapus.",
	"jadwal-ditetapkan": "Jadwal kerja ditetapkan.",
	"jadwal-dibuat":     "Jadwal kerja baru disimpan.",
	"jadwal-diubah":     "Perubahan jadwal kerja disimpan dan dicatat di log audit.",
	"mesin-didaftarkan": "Mesin presensi didaftarkan. Impor daftar pengguna mesin untuk memetakan PIN ke NIP.",
	"mesin-diubah":      "Perubahan data mesin disimpan.",
}

// attendanceHome adds what waits in the attendance area to a home page.
func (s *Server) attendanceHome(c echo.Context, p *auth.Principal, subs []int64, h *pages.Home) error {
	if p.Active.Role != auth.RoleAtasan {
		return nil
	}
	n, err := s.attendance().PendingLeaveCountOf(c.Request().Context(), subs)
	if err != nil {
		return err
	}
	h.Waiting = append(h.Waiting, pages.Waiting{Label: "Pengajuan cuti/DL bawahan menunggu keputusan", Count: n, Href: "/presensi/cuti"})
	return nil
}
