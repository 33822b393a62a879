package pages

import (
	"net/url"
	"strconv"
	"time"

	"github.com/ekinerja/ekinerja/internal/org"
	"github.com/ekinerja/ekinerja/views/components"
)

// Option is one choice of a select.
type Option struct {
	Value string
	Label string
}

// OrgForm is a form's typed values and the message next to each bad field.
type OrgForm struct {
	Values map[string]string
	Errors map[string]string
}

// V returns a field's value.
func (f OrgForm) V(k string) string { return f.Values[k] }

// E returns a field's error message.
func (f OrgForm) E(k string) string { return f.Errors[k] }

// HasErrors reports whether any field is bad.
func (f OrgForm) HasErrors() bool { return len(f.Errors) > 0 }

// PegawaiList is the employee list page.
type PegawaiList struct {
	Filter  org.PegawaiFilter
	Page    org.PegawaiPage
	OPDs    []Option // empty for an admin_opd (one OPD)
	CanEdit bool
}

// query is the list's filter as URL values (without the page).
func (v PegawaiList) query() url.Values {
	q := url.Values{}
	if v.Filter.Q != "" {
		q.Set("q", v.Filter.Q)
	}
	if v.Filter.OPDID != 0 {
		q.Set("opd", strconv.FormatInt(v.Filter.OPDID, 10))
	}
	if v.Filter.Status != "" {
		q.Set("status", v.Filter.Status)
	}
	if v.Filter.Keadaan != "" {
		q.Set("keadaan", v.Filter.Keadaan)
	}
	if v.Filter.Urut != "" && v.Filter.Urut != org.PegawaiSorts[0].Key {
		q.Set("urut", v.Filter.Urut)
	}
	return q
}

// PageURL is the list URL for page n with the same filter.
func (v PegawaiList) PageURL(n int) string {
	q := v.query()
	q.Set("hal", strconv.Itoa(n))
	return "/pegawai?" + q.Encode()
}

// ExportURL is the .xlsx download of the list with the same filter (every page).
func (v PegawaiList) ExportURL() string {
	return "/pegawai.xlsx?" + v.query().Encode()
}

// PegawaiFormView is the create/edit employee page.
type PegawaiFormView struct {
	ID       int64 // 0: new
	Form     OrgForm
	OPDs     []Option
	Jabatan  []Option
	Golongan []string
}

// PegawaiDetailView is the employee page.
type PegawaiDetailView struct {
	D          org.PegawaiDetail
	CanEdit    bool
	CanAccount bool
	Jabatan    []Option
	Assign     OrgForm
	TempPass   string // shown once after creating an account
	Today      time.Time
	// EndID is the Plt/Plh assignment whose end form came back with End's errors.
	EndID int64
	End   OrgForm
	// Bank is the open proposal of a new bank account, if any; CanDecideBank
	// when the viewer may confirm or refuse it (a second person: another
	// admin_opd of the OPD or a verifikator, never the proposer).
	Bank          *org.BankUsulan
	CanDecideBank bool
}

// CanEnd reports whether an assignment is an acting one that has not ended before today.
func (v PegawaiDetailView) CanEnd(r org.Penugasan) bool {
	return v.CanEdit && (r.Jenis == string(org.Plt) || r.Jenis == string(org.Plh)) && (r.Selesai == nil || !r.Selesai.Before(v.Today))
}

// EndValue is the date the end form of an assignment shows: what was typed, or today.
func (v PegawaiDetailView) EndValue(id int64) string {
	if id == v.EndID {
		return v.End.Values["berakhir"]
	}
	return v.Today.Format("2006-01-02")
}

// JabatanList is the position list page.
type JabatanList struct {
	Filter  org.JabatanFilter
	Page    org.JabatanPage
	OPDs    []Option
	CanEdit bool
}

// query is the list's filter and order as URL values (without the page).
func (v JabatanList) query() url.Values {
	q := url.Values{}
	if v.Filter.Q != "" {
		q.Set("q", v.Filter.Q)
	}
	if v.Filter.OPDID != 0 {
		q.Set("opd", strconv.FormatInt(v.Filter.OPDID, 10))
	}
	if v.Filter.Urut != "" && v.Filter.Urut != org.JabatanSorts[0].Key {
		q.Set("urut", v.Filter.Urut)
	}
	return q
}

// PageURL is the list URL for page n with the same filter and order.
func (v JabatanList) PageURL(n int) string {
	q := v.query()
	q.Set("hal", strconv.Itoa(n))
	return "/jabatan?" + q.Encode()
}

// ExportURL is the .xlsx download of the list with the same filter (every page).
func (v JabatanList) ExportURL() string {
	return "/jabatan.xlsx?" + v.query().Encode()
}

// JabatanFormView is the create/edit position page.
type JabatanFormView struct {
	ID     int64
	Form   OrgForm
	OPDs   []Option
	Units  []Option
	Atasan []Option
}

// OPDList is the agency list page.
type OPDList struct {
	Rows     []org.OPDRow
	CanAdmin bool
}

// OPDTreeView is an agency's page: its units and the tree of positions.
type OPDTreeView struct {
	OPD      org.OPD
	Units    []org.UnitKerja
	Roots    []*org.TreeNode
	CanEdit  bool
	CanAdmin bool
	UnitForm OrgForm
	Units2   []Option
}

// UnitFormView is the edit page of a unit kerja.
type UnitFormView struct {
	Unit    org.UnitKerja
	OPD     org.OPD
	Form    OrgForm
	Parents []Option // the agency's other units
}

// OPDFormView is the create/edit agency page.
type OPDFormView struct {
	ID   int64
	Form OrgForm
}

// ImporView is the import page, with the last report if any.
type ImporView struct {
	Kinds   []org.ImportKind
	Columns map[org.ImportKind][]string
	Report  *org.ImportReport
	Error   string
	// Problems links to the stored report of every problem (the page
	// shows the first ones of Report.Errors).
	Problems components.ReportRef
}

// AkunList is the user list page.
type AkunList struct {
	Q    string
	Rows []org.Akun
}

// AkunView is one user's page.
type AkunView struct {
	A        org.Akun
	Self     bool
	OPDs     []Option
	Roles    []Option
	Form     OrgForm
	TempPass string
}
