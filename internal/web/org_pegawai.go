package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/org"
	"github.com/ekinerja/ekinerja/views/pages"
)

var pegawaiFields = []string{"nip", "nama", "status_asn", "golongan", "opd_id", "keadaan", "tugas_belajar", "bank_nama", "bank_rekening", "bank_atas_nama", "npwp", "jabatan_id", "mulai"}

// pegawaiFilter reads the list filter from the query string.
func pegawaiFilter(c echo.Context) org.PegawaiFilter {
	f := org.PegawaiFilter{Q: c.QueryParam("q"), Status: c.QueryParam("status"), Keadaan: c.QueryParam("keadaan"), Urut: c.QueryParam("urut"), PerPage: 50}
	f.OPDID, _ = strconv.ParseInt(c.QueryParam("opd"), 10, 64)
	f.Page, _ = strconv.Atoi(c.QueryParam("hal"))
	switch f.Status {
	case "PNS", "CPNS", "PPPK":
	default:
		f.Status = ""
	}
	switch f.Keadaan {
	case "aktif", "pensiun", "pindah":
	default:
		f.Keadaan = ""
	}
	return f
}

func (s *Server) pegawaiList(c echo.Context) error {
	p := principal(c)
	sc := orgScope(p)
	f := pegawaiFilter(c)
	page, err := s.org.ListPegawai(c.Request().Context(), sc, f, s.today())
	if err != nil {
		return err
	}
	opds, err := s.opdOptions(c, sc)
	if err != nil {
		return err
	}
	f.Page = page.Page
	return s.render(c, http.StatusOK, pages.PegawaiListPage(s.chrome(c, "Pegawai"), pages.PegawaiList{Filter: f, Page: page, OPDs: opds, CanEdit: org.CanEdit(p.Active.Role)}))
}

func (s *Server) pegawaiFormView(c echo.Context, id int64, form pages.OrgForm) (pages.PegawaiFormView, error) {
	sc := orgScope(principal(c))
	v := pages.PegawaiFormView{ID: id, Form: form, Golongan: org.GolonganOptions()}
	var err error
	if v.OPDs, err = s.opdOptions(c, sc); err != nil {
		return v, err
	}
	if id == 0 {
		v.Jabatan, err = s.jabatanOptions(c, sc, 0)
	}
	return v, err
}

func (s *Server) pegawaiNew(c echo.Context) error {
	form := pages.OrgForm{Values: map[string]string{"keadaan": "aktif", "tugas_belajar": "tidak", "mulai": s.today().Format("2006-01-02")}}
	v, err := s.pegawaiFormView(c, 0, form)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.PegawaiFormPage(s.chrome(c, "Tambah pegawai"), v))
}

func pegawaiInput(c echo.Context) org.PegawaiInput {
	return org.PegawaiInput{NIP: c.FormValue("nip"), Nama: c.FormValue("nama"), StatusASN: c.FormValue("status_asn"), Golongan: c.FormValue("golongan"),
		OPDID: formID(c, "opd_id"), Keadaan: c.FormValue("keadaan"), TugasBelajar: c.FormValue("tugas_belajar"), BankNama: c.FormValue("bank_nama"),
		BankRekening: c.FormValue("bank_rekening"), BankAtasNama: c.FormValue("bank_atas_nama"), NPWP: c.FormValue("npwp")}
}

func (s *Server) pegawaiCreate(c echo.Context) error {
	in := org.NewPegawai{PegawaiInput: pegawaiInput(c), JabatanID: formID(c, "jabatan_id"), Mulai: c.FormValue("mulai")}
	pg, err := s.org.CreatePegawai(c.Request().Context(), orgScope(principal(c)), orgActor(c), in)
	if fields, ok := fieldErrors(err); ok {
		form := formValues(c, pegawaiFields...)
		form.Errors = fields
		v, err := s.pegawaiFormView(c, 0, form)
		if err != nil {
			return err
		}
		return s.render(c, http.StatusUnprocessableEntity, pages.PegawaiFormPage(s.chrome(c, "Tambah pegawai"), v))
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/pegawai/"+itoa(pg.ID), "pegawai_disimpan")
}

func (s *Server) pegawaiDetailView(c echo.Context, id int64) (pages.PegawaiDetailView, error) {
	p := principal(c)
	sc := orgScope(p)
	d, err := s.org.PegawaiDetail(c.Request().Context(), sc, id, s.today())
	if err != nil {
		return pages.PegawaiDetailView{}, err
	}
	v := pages.PegawaiDetailView{D: d, CanEdit: org.CanEdit(p.Active.Role), CanAccount: org.CanAdmin(p.Active.Role), Today: s.today(),
		Assign: pages.OrgForm{Values: map[string]string{"jenis": "definitif", "mulai": s.today().Format("2006-01-02")}}}
	if v.CanEdit {
		if v.Jabatan, err = s.jabatanOptions(c, sc, 0); err != nil {
			return v, err
		}
	}
	if v.Bank, err = s.org.PendingBank(c.Request().Context(), sc, id); err != nil {
		return v, err
	}
	v.CanDecideBank = v.Bank != nil && canDecideBank(p) && v.Bank.DiusulkanOleh != p.UserID
	return v, nil
}

// canDecideBank: who may confirm a proposed bank account (a second person):
// an admin_opd, within their OPD (the store's scope), or a verifikator of
// BKPSDM. The proposer never may (org.ErrBankSelf).
func canDecideBank(p *auth.Principal) bool {
	return p.Active.Role == auth.RoleAdminOPD || p.Active.Role == auth.RoleVerifikator
}

// pegawaiDecideBank confirms or refuses the open proposal of a new bank
// account: 403 for the proposer, 409 when it is no longer open.
func (s *Server) pegawaiDecideBank(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var apply bool
	switch c.FormValue("putusan") {
	case "konfirmasi":
		apply = true
	case "tolak":
	default:
		return apperr.New(apperr.ErrConflict, "Pilih konfirmasi atau tolak untuk usulan rekening ini.")
	}
	usulan, _ := strconv.ParseInt(c.FormValue("usulan"), 10, 64)
	if _, err := s.org.DecideBank(c.Request().Context(), orgScope(principal(c)), orgActor(c), id, usulan, apply); err != nil {
		return err
	}
	if apply {
		return redirectWith(c, "/pegawai/"+itoa(id), "rekening_dikonfirmasi")
	}
	return redirectWith(c, "/pegawai/"+itoa(id), "rekening_ditolak")
}

func (s *Server) pegawaiDetail(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.pegawaiDetailView(c, id)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.PegawaiDetailPage(s.chrome(c, v.D.Pegawai.Nama), v))
}

func (s *Server) pegawaiEdit(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	pg, err := s.org.GetPegawai(c.Request().Context(), orgScope(principal(c)), id)
	if err != nil {
		return err
	}
	tb := "tidak"
	if pg.TugasBelajar {
		tb = "ya"
	}
	form := pages.OrgForm{Values: map[string]string{"nip": pg.NIP, "nama": pg.Nama, "status_asn": string(pg.StatusASN), "golongan": pg.Golongan,
		"opd_id": itoa(pg.OPDID), "keadaan": pg.Keadaan, "tugas_belajar": tb, "bank_nama": pg.BankNama, "bank_rekening": pg.BankRekening,
		"bank_atas_nama": pg.BankAtasNama, "npwp": pg.NPWP}}
	v, err := s.pegawaiFormView(c, id, form)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.PegawaiFormPage(s.chrome(c, "Ubah data pegawai"), v))
}

func (s *Server) pegawaiUpdate(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	_, err = s.org.UpdatePegawai(c.Request().Context(), orgScope(principal(c)), orgActor(c), id, pegawaiInput(c))
	if fields, ok := fieldErrors(err); ok {
		form := formValues(c, pegawaiFields...)
		form.Errors = fields
		v, err := s.pegawaiFormView(c, id, form)
		if err != nil {
			return err
		}
		return s.render(c, http.StatusUnprocessableEntity, pages.PegawaiFormPage(s.chrome(c, "Ubah data pegawai"), v))
	}
	if err != nil {
		return err
	}
	pend, err := s.org.PendingBank(c.Request().Context(), orgScope(principal(c)), id)
	if err != nil && !errors.Is(err, apperr.ErrNotFound) { // moved out of the scope by this very edit
		return err
	}
	if pend != nil && pend.DiusulkanOleh == principal(c).UserID {
		return redirectWith(c, "/pegawai/"+itoa(id), "rekening_diusulkan")
	}
	return redirectWith(c, "/pegawai/"+itoa(id), "pegawai_disimpan")
}

func (s *Server) pegawaiAssign(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	in := org.Assignment{JabatanID: formID(c, "jabatan_id"), Jenis: c.FormValue("jenis"), Mulai: c.FormValue("mulai"), Selesai: c.FormValue("selesai"), NomorSK: c.FormValue("nomor_sk")}
	err = s.org.Assign(c.Request().Context(), orgScope(principal(c)), orgActor(c), id, in)
	if fields, ok := fieldErrors(err); ok {
		v, err := s.pegawaiDetailView(c, id)
		if err != nil {
			return err
		}
		v.Assign = formValues(c, "jabatan_id", "jenis", "mulai", "selesai", "nomor_sk")
		v.Assign.Errors = fields
		return s.render(c, http.StatusUnprocessableEntity, pages.PegawaiDetailPage(s.chrome(c, v.D.Pegawai.Nama), v))
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/pegawai/"+itoa(id), "penugasan")
}

// pegawaiEndActing ends a Plt/Plh assignment early.
func (s *Server) pegawaiEndActing(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	rid, err := pathID(c, "riwayat")
	if err != nil {
		return err
	}
	err = s.org.EndActing(c.Request().Context(), orgScope(principal(c)), orgActor(c), id, rid, c.FormValue("berakhir"))
	if fields, ok := fieldErrors(err); ok {
		v, err := s.pegawaiDetailView(c, id)
		if err != nil {
			return err
		}
		v.EndID, v.End = rid, formValues(c, "berakhir")
		v.End.Errors = fields
		return s.render(c, http.StatusUnprocessableEntity, pages.PegawaiDetailPage(s.chrome(c, v.D.Pegawai.Nama), v))
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/pegawai/"+itoa(id), "penugasan_akhiri")
}

// pegawaiCreateAkun makes a login for the employee and shows its temporary
// password once, on this response only (never in a URL or a log).
func (s *Server) pegawaiCreateAkun(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	_, pw, err := s.org.CreateAkun(c.Request().Context(), orgScope(principal(c)), orgActor(c), s.auth.Hasher(), id)
	if err != nil {
		return err
	}
	v, err := s.pegawaiDetailView(c, id)
	if err != nil {
		return err
	}
	v.TempPass = pw
	return s.render(c, http.StatusOK, pages.PegawaiDetailPage(s.chrome(c, v.D.Pegawai.Nama), v))
}
