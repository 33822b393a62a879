package pages

import (
	"strconv"

	"github.com/ekinerja/ekinerja/internal/org"
)

// SIASNUploadView is the SIASN upload form.
type SIASNUploadView struct {
	// OPDs is the agency choice of a superadmin (nil for an admin_opd).
	OPDs []Option
	Form OrgForm
}

// SIASNDiffView is one page of a stored SIASN preview with its apply form.
type SIASNDiffView struct {
	D    org.SIASNDiff
	P    org.SIASNPage
	Form OrgForm
}

// PageURL is the address of page n of the preview.
func (v SIASNDiffView) PageURL(n int) string {
	return "/impor/siasn/" + strconv.FormatInt(v.D.ID, 10) + "?hal=" + strconv.Itoa(n)
}

// ApplyURL is where the apply form posts.
func (v SIASNDiffView) ApplyURL() string {
	return "/impor/siasn/" + strconv.FormatInt(v.D.ID, 10) + "/terapkan"
}

// SIASNResultView is what an apply did.
type SIASNResultView struct {
	ID  int64
	Res org.SIASNResult
}

// BatchURL is the address of the preview.
func (v SIASNResultView) BatchURL() string { return "/impor/siasn/" + strconv.FormatInt(v.ID, 10) }
