package components

import "strconv"

// ReportRef points an import page at the stored report of its row
// problems (package importreport): the page shows the first Shown of Total
// and links to the paged report and its workbook.
type ReportRef struct {
	ID           int64
	Total, Shown int
}

// URL is the paged report's address.
func (r ReportRef) URL() string { return "/impor/laporan/" + strconv.FormatInt(r.ID, 10) }
