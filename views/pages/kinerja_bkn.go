package pages

import (
	"strconv"

	"github.com/ekinerja/ekinerja/internal/kinerja"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

// BKNUploadView is the e-Kinerja predikat import page: the form, whether
// the rules in force for the form's month take the predikat from the
// import, and the latest imports.
type BKNUploadView struct {
	Form OrgForm
	// OPDs is the OPD choice of a superadmin (nil for an admin_opd).
	OPDs []Option
	// Period is the form's month; RuleName the rules in force for it
	// (HasRules false: none yet); UsesBKN whether they pay on this import.
	Period   tpp.Period
	HasRules bool
	RuleName string
	UsesBKN  bool
	Imports  []kinerja.BKNImport
}

// TemplateURL is the template download for the form's month.
func (v BKNUploadView) TemplateURL() string {
	return "/kinerja/predikat-bkn/templat.xlsx?bulan=" + v.Period.Param()
}

// BKNImportURL is the address of a stored import's report.
func BKNImportURL(id int64) string { return "/kinerja/predikat-bkn/" + strconv.FormatInt(id, 10) }

// BKNReportView is one page of one list of an import's report.
type BKNReportView struct {
	I kinerja.BKNImport
	P kinerja.BKNPage
}

// ListURL is the address of page n of list l.
func (v BKNReportView) ListURL(l kinerja.BKNList, n int) string {
	return BKNImportURL(v.I.ID) + "?daftar=" + string(l) + "&hal=" + strconv.Itoa(n)
}

// Count is the number of lines of list l.
func (v BKNReportView) Count(l kinerja.BKNList) int { return len(v.I.Report.Lines(l)) }
