package pages

import (
	"strconv"

	"github.com/ekinerja/ekinerja/internal/importreport"
)

// ImportReportView is one page of a stored import report.
type ImportReportView struct {
	Title string
	R     importreport.Report
	P     importreport.Page
	// Back is the import page the report came from.
	Back string
}

// PageURL is the address of page hal of the report.
func (v ImportReportView) PageURL(hal int) string {
	return "/impor/laporan/" + strconv.FormatInt(v.R.ID, 10) + "?hal=" + strconv.Itoa(hal)
}

// XLSXURL is the address of the report's workbook.
func (v ImportReportView) XLSXURL() string {
	return "/impor/laporan/" + strconv.FormatInt(v.R.ID, 10) + "/laporan.xlsx"
}

// Last is the 1-based position of the page's last problem.
func (v ImportReportView) Last() int { return v.P.First + len(v.P.Problems) - 1 }
