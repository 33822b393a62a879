package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
	"github.com/ekinerja/ekinerja/views/layout"
	"github.com/ekinerja/ekinerja/views/pages"
)

// tppRoutes are the routes of the tpp area.
func (s *Server) tppRoutes() []Route {
	claimReaders := Only(auth.RoleAdminOPD, auth.RoleVerifikator, auth.RoleSuperadmin)
	verif := Only(auth.RoleVerifikator)
	return []Route{
		{http.MethodGet, "/tpp/klaim", claimReaders, s.tppMonth},
		{http.MethodGet, "/tpp/klaim.xlsx", claimReaders, s.tppMonthXLSX},
		{http.MethodPost, "/tpp/klaim/hitung", Only(auth.RoleAdminOPD, auth.RoleVerifikator), s.tppCompute},
		{http.MethodGet, "/tpp/klaim/:id", claimReaders, s.tppClaim},
		{http.MethodPost, "/tpp/klaim/:id/hitung-ulang", Only(auth.RoleAdminOPD, auth.RoleVerifikator), s.tppRecompute},
		{http.MethodGet, "/tpp/klaim/:id/ajukan", Only(auth.RoleAdminOPD), s.tppConfirm(claim.ActSubmit)},
		{http.MethodPost, "/tpp/klaim/:id/ajukan", Only(auth.RoleAdminOPD), s.tppSubmit},
		{http.MethodGet, "/tpp/klaim/:id/verifikasi", verif, s.tppConfirm(claim.ActVerify)},
		{http.MethodPost, "/tpp/klaim/:id/verifikasi", verif, s.tppVerify},
		{http.MethodPost, "/tpp/klaim/:id/kembalikan", verif, s.tppReturn},
		{http.MethodGet, "/tpp/klaim/:id/setujui", verif, s.tppConfirm(claim.ActApprove)},
		{http.MethodPost, "/tpp/klaim/:id/setujui", verif, s.tppApprove},
		{http.MethodGet, "/tpp/klaim/:id/bayar", verif, s.tppConfirm(claim.ActPay)},
		{http.MethodPost, "/tpp/klaim/:id/bayar", verif, s.tppPay},
		{http.MethodPost, "/tpp/klaim/:id/buka", verif, s.tppReopen},
		{http.MethodPost, "/tpp/klaim/:id/susulan", Only(auth.RoleAdminOPD, auth.RoleVerifikator), s.tppSusulan},
		{http.MethodGet, "/tpp/klaim/:id/pegawai/:pegawai", claimReaders, s.tppClaimSlip},
		{http.MethodGet, "/tpp/klaim/:id/pegawai/:pegawai/slip.pdf", claimReaders, s.tppClaimSlipPDF},
		{http.MethodGet, "/tpp/klaim/:id/nominatif", claimReaders, s.tppNominatif},
		{http.MethodGet, "/tpp/klaim/:id/nominatif.xlsx", claimReaders, s.tppNominatifXLSX},
		{http.MethodGet, "/tpp/klaim/:id/nominatif.pdf", claimReaders, s.tppNominatifPDF},
		{http.MethodGet, "/tpp/klaim/:id/bank.csv", verif, s.tppBankCSV},
		{http.MethodGet, "/tpp/slip", AnyRole, s.tppHistory},
		{http.MethodGet, "/tpp/slip.xlsx", AnyRole, s.tppHistoryXLSX},
		{http.MethodGet, "/tpp/slip/:id", AnyRole, s.tppOwnSlip},
		{http.MethodGet, "/tpp/slip/:id/slip.pdf", AnyRole, s.tppOwnSlipPDF},
		{http.MethodGet, "/tpp/aturan", Only(auth.RoleSuperadmin), s.tppRuleSets},
		{http.MethodGet, "/tpp/aturan/:id", Only(auth.RoleSuperadmin), s.tppRuleSetForm},
		{http.MethodPost, "/tpp/aturan/:id", Only(auth.RoleSuperadmin), s.tppRuleSetSave},
		{http.MethodPost, "/tpp/aturan/:id/versi-baru", Only(auth.RoleSuperadmin), s.tppRuleSetNewVersion},
		{http.MethodPost, "/tpp/klaim/:id/selisih", verif, s.tppRecomputePaid},
		{http.MethodGet, "/tpp/selisih", Only(auth.RoleVerifikator, auth.RoleSuperadmin), s.tppSelisihList},
		{http.MethodPost, "/tpp/selisih/hitung", verif, s.tppSelisihSettle},
		{http.MethodGet, "/tpp/selisih/:id", Only(auth.RoleVerifikator, auth.RoleSuperadmin), s.tppSelisih},
		{http.MethodPost, "/tpp/selisih/:id/tahan", verif, s.tppSelisihHold(true)},
		{http.MethodPost, "/tpp/selisih/:id/lepas", verif, s.tppSelisihHold(false)},
		{http.MethodGet, "/api/v1/tpp/selisih", Only(auth.RoleVerifikator, auth.RoleSuperadmin), s.apiTPPSelisih},
		{http.MethodGet, "/tpp/pagu", claimReaders, s.tppPagu},
		{http.MethodPost, "/tpp/pagu", Only(auth.RoleSuperadmin), s.tppPaguSave},
		{http.MethodGet, "/api/v1/tpp/pagu", claimReaders, s.apiTPPPagu},
		{http.MethodGet, "/tpp/simulasi", Only(auth.RoleSuperadmin), s.tppSimulasi},
		{http.MethodGet, "/api/v1/tpp/simulasi", Only(auth.RoleSuperadmin), s.apiTPPSimulasi},
		{http.MethodGet, "/tpp/khusus", claimReaders, s.tppKhususList},
		{http.MethodPost, "/tpp/khusus", Only(auth.RoleSuperadmin), s.tppKhususSave},
		{http.MethodGet, "/tpp/khusus/:id", claimReaders, s.tppKhusus},
		{http.MethodPost, "/tpp/khusus/:id/hitung", Only(auth.RoleAdminOPD, auth.RoleVerifikator), s.tppKhususCompute},
		{http.MethodGet, "/api/v1/tpp/klaim/:id", claimReaders, s.apiTPPClaim},
		{http.MethodGet, "/api/v1/tpp/khusus", claimReaders, s.apiTPPKhususList},
		{http.MethodGet, "/api/v1/tpp/khusus/:id", claimReaders, s.apiTPPKhusus},
		{http.MethodGet, "/api/v1/tpp/slip/:id", AnyRole, s.apiTPPSlip},
	}
}

// tppNav is the tpp area's navigation for role r.
func tppNav(r auth.Role) []layout.NavItem {
	var items []layout.NavItem
	switch r {
	case auth.RoleAdminOPD, auth.RoleVerifikator, auth.RoleSuperadmin:
		items = append(items, layout.NavItem{Href: "/tpp/klaim", Label: "Klaim TPP"},
			layout.NavItem{Href: "/tpp/khusus", Label: "TPP THR/Gaji 13"}, layout.NavItem{Href: "/tpp/pagu", Label: "Pagu TPP"})
	}
	if r == auth.RoleVerifikator || r == auth.RoleSuperadmin {
		items = append(items, layout.NavItem{Href: "/tpp/selisih", Label: "Selisih bayar"})
	}
	items = append(items, layout.NavItem{Href: "/tpp/slip", Label: "TPP Saya"})
	if r == auth.RoleSuperadmin {
		items = append(items, layout.NavItem{Href: "/tpp/aturan", Label: "Aturan TPP"}, layout.NavItem{Href: "/tpp/simulasi", Label: "Simulasi aturan"})
	}
	return items
}

// tppFlashes are the tpp area's flash messages.
var tppFlashes = map[string]string{
	"tpp-dihitung":          "Klaim TPP telah dihitung.",
	"tpp-sedang-dihitung":   "Klaim TPP sedang dihitung; hasilnya tampil di halaman ini setelah selesai.",
	"tpp-diajukan":          "Klaim TPP telah diajukan ke verifikator.",
	"tpp-diverifikasi":      "Klaim TPP telah diverifikasi.",
	"tpp-dikembalikan":      "Klaim TPP telah dikembalikan ke admin OPD.",
	"tpp-disetujui":         "Klaim TPP telah disetujui dan dikunci.",
	"tpp-dibayar":           "Klaim TPP telah ditandai dibayar.",
	"tpp-dibuka":            "Klaim TPP telah dibuka kembali; hitung ulang lalu ajukan lagi.",
	"tpp-susulan":           "Klaim susulan telah dibuat dan dihitung untuk pegawai yang ditangguhkan.",
	"tpp-aturan":            "Aturan TPP telah disimpan.",
	"tpp-selisih":           "Klaim dibayar telah dihitung ulang; selisih yang baru tercatat tampil di bawah.",
	"tpp-selisih-tahan":     "Selisih ditahan: tidak diselesaikan klaim mana pun sampai dilepaskan.",
	"tpp-selisih-perubahan": "Perubahan sesudah dibayar telah dihitung; selisihnya tampil di bawah.",
	"tpp-selisih-lepas":     "Selisih dilepaskan: diselesaikan klaim bulanan berikutnya.",
	"tpp-pagu":              "Pagu TPP telah dicatat.",
	"tpp-khusus":            "Keputusan TPP THR / gaji ketiga belas telah disimpan.",
	"tpp-aturan-versi":      "Versi baru telah dibuat sebagai draf salinan; ubah isinya lalu Simpan untuk memberlakukannya bagi klaim yang dihitung sesudahnya.",
}

// tppHome adds what waits in the tpp area to a home page.
func (s *Server) tppHome(c echo.Context, p *auth.Principal, subs []int64, h *pages.Home) error {
	ctx := c.Request().Context()
	month := defaultMonth(time.Now().In(s.cfg.Location))
	switch p.Active.Role {
	case auth.RoleAdminOPD, auth.RoleVerifikator:
		mp, err := s.tpp.MonthPage(ctx, tppActor(c), month)
		if err != nil {
			return err
		}
		label := "Klaim TPP " + month.String() + " untuk dihitung dan diajukan"
		if p.Active.Role == auth.RoleVerifikator {
			label = "Klaim TPP " + month.String() + " untuk diverifikasi, disetujui atau dibayar"
		}
		// Claims of other months still waiting for this role's step: a
		// claim submitted for an earlier month, one returned to the OPD.
		others, err := s.tpp.Waiting(ctx, tppActor(c))
		if err != nil {
			return err
		}
		var earlier []pages.Waiting
		todo := mp.ToDo
		for _, w := range others {
			if w.Period == month {
				continue
			}
			todo++
			name := "Klaim TPP " + w.Period.String()
			if w.Susulan > 0 {
				name += " susulan ke-" + strconv.Itoa(w.Susulan)
			}
			earlier = append(earlier, pages.Waiting{Label: name + " " + w.OPDNama + ": " + strings.ToLower(w.Status.Label()), Count: 1,
				Href: "/tpp/klaim/" + strconv.FormatInt(w.ID, 10), Hint: waitingHint(p.Active.Role, w.Status)})
		}
		h.Waiting = append(h.Waiting, earlier...)
		h.Waiting = append(h.Waiting, pages.Waiting{Label: label, Count: mp.ToDo, Href: "/tpp/klaim?bulan=" + month.Param()})
		if todo > 0 && h.Primary == nil {
			verb := "Proses"
			if p.Active.Role == auth.RoleVerifikator {
				verb = "Tinjau"
			}
			href := "/tpp/klaim?bulan=" + month.Param()
			if len(earlier) > 0 {
				href = earlier[0].Href
			}
			h.Primary = &pages.Action{Label: verb + " " + strconv.FormatInt(todo, 10) + " klaim TPP", Href: href}
		}
	}
	return nil
}

// waitingHint says what the role does next with a claim in status st.
func waitingHint(r auth.Role, st claim.Status) string {
	switch {
	case r == auth.RoleAdminOPD && st == claim.StatusReturned:
		return "Dikembalikan verifikator: baca catatannya, perbaiki data, hitung ulang lalu ajukan kembali."
	case r == auth.RoleAdminOPD:
		return "Belum diajukan ke verifikator."
	case st == claim.StatusSubmitted:
		return "Diajukan OPD, menunggu verifikasi."
	case st == claim.StatusVerified:
		return "Terverifikasi, menunggu persetujuan."
	case st == claim.StatusApproved:
		return "Disetujui, menunggu pembayaran (SP2D)."
	}
	return ""
}

// defaultMonth is the month TPP is usually being claimed for: the previous one.
func defaultMonth(now time.Time) tpp.Period { return tpp.PeriodOf(now).Prev() }
