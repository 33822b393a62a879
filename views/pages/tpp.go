package pages

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/ekinerja/ekinerja/internal/tpp"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
)

// TPPMonthView is the list of OPD claims for one month.
type TPPMonthView struct {
	claim.MonthPage
	Month      string // "2026-10"
	Prev, Next string
}

// TPPClaimView is one OPD's claim with its employees and the actions the
// viewer may take (decided once, by claim.Allowed, in claim.Service.Page).
type TPPClaimView struct {
	claim.Page
	Month    string
	Warnings []string
	// Errors and Form re-show a refused form next to its fields.
	Errors map[string]string
	Form   map[string]string
}

// TPPConfirmView is the confirmation page of a money step: the claim's
// totals and every open warning, which the actor acknowledges.
type TPPConfirmView struct {
	TPPClaimView
	Action claim.Action
}

// WarnedRows are the employees with a warning or held out.
func (v TPPConfirmView) WarnedRows() []claim.Row {
	var out []claim.Row
	for _, r := range v.Rows {
		if r.Held() != "" || r.Warnings != "" {
			out = append(out, r)
		}
	}
	return out
}

// OpenWarnings counts what the actor acknowledges: the claim's warnings and
// every employee held out.
func (v TPPConfirmView) OpenWarnings() int {
	return len(v.Warnings) + v.Claim.Held
}

// TPPSlipView is one employee's slip.
type TPPSlipView struct {
	Slip     claim.Slip
	BackHref string
	// PDFHref is the slip's PDF download.
	PDFHref string
}

// TPPHistoryView is an employee's TPP months.
type TPPHistoryView struct {
	Items []claim.HistoryItem
}

// TPPNominatifView is the printable daftar nominatif.
type TPPNominatifView struct {
	Export claim.Export
	Totals claim.Totals
}

// TPPRuleSetsView lists the rule set versions.
type TPPRuleSetsView struct {
	Items []claim.StoredRuleSet
}

// TPPRuleField is one parameter on the rule set form.
type TPPRuleField struct {
	Name  string // the JSON path, also the error key
	Label string
	Kind  string // "text", "rupiah", "persen", "angka", "ya"
	Value string
	Group string
	// RowEnd is set on the last field of a row of a growable list to the
	// row's path ("leave.sick[1]"): the row's "hapus" button goes after it.
	RowEnd string
	// ListEnd is set on the last field of a growable list (or on its
	// placeholder when the list is empty, Kind "kosong") to the list's path:
	// the "tambah" button goes after it.
	ListEnd string
	// ListLabel names the list on its buttons.
	ListLabel string
}

// TPPRuleList is a growable list of the rule set with its current number of
// rows, carried in a hidden input so adding and removing rows needs no script.
type TPPRuleList struct {
	Name string
	Rows int
}

// TPPRuleSetForm is the rule set edit form.
type TPPRuleSetForm struct {
	Stored claim.StoredRuleSet
	Fields []TPPRuleField
	Lists  []TPPRuleList
	Errors map[string]string
}

// Groups returns the field groups in order of first appearance.
func (f TPPRuleSetForm) Groups() []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range f.Fields {
		if !seen[x.Group] {
			seen[x.Group] = true
			out = append(out, x.Group)
		}
	}
	return out
}

// signatoryPost is a signature block's post, or fallback when none is known.
func signatoryPost(jabatan, fallback string) string {
	if strings.TrimSpace(jabatan) == "" {
		return fallback
	}
	return jabatan
}

// signatoryName is a signer's name, or a dotted line to write it on.
func signatoryName(nama string) string {
	if strings.TrimSpace(nama) == "" {
		return "(....................................)"
	}
	return nama
}

// TPPKhususListView lists the THR and gaji-13 decisions, with the form a
// superadmin records one with.
type TPPKhususListView struct {
	Items    []claim.Khusus
	CanEdit  bool
	Form     map[string]string
	Checked  map[string]bool
	Errors   map[string]string
	ThisYear string
}

// TPPKhususView is one decision with the OPDs and their special claims.
type TPPKhususView struct {
	Khusus     claim.Khusus
	Entries    []claim.KhususEntry
	CanCompute bool
	Total      int64
}

// TPPSelisihListView lists the regency's differences (kekurangan / kelebihan bayar).
type TPPSelisihListView struct {
	// Page is the page of the filtered list (Items are its rows).
	Page  claim.SelisihListPage
	Items []claim.Selisih
	// Pending counts late changes of paid months not yet recomputed.
	Pending int64
	All     bool
	CanHold bool
	Errors  map[string]string
}

// PageURL is the differences list's page n with the same filter.
func (v TPPSelisihListView) PageURL(n int) string {
	q := url.Values{}
	if v.Page.Filter.All {
		q.Set("semua", "ya")
	}
	if v.Page.Filter.Q != "" {
		q.Set("q", v.Page.Filter.Q)
	}
	q.Set("hal", strconv.Itoa(n))
	return "/tpp/selisih?" + q.Encode()
}

// TPPSelisihView is one difference with both computations.
type TPPSelisihView struct {
	Selisih    claim.Selisih
	Recomputed tpp.Result
	CanHold    bool
	Errors     map[string]string
}

// TPPSelisihHold is the hold / release form of one difference.
type TPPSelisihHold struct {
	S      claim.Selisih
	Errors map[string]string
}

// TPPPaguView is the year's pagu report, with the entry form for a superadmin.
type TPPPaguView struct {
	Report  claim.PaguReport
	CanEdit bool
	Errors  map[string]string
}

// TPPSimulasiView is the simulation page of a superadmin.
type TPPSimulasiView struct {
	Page claim.SimulationPage
	// Bulan and Jumlah are the form's values as typed.
	Bulan, Jumlah string
	Errors        map[string]string
}

// ruleRowHX makes a rule set's "Tambah baris"/"Hapus baris" button update
// the form in place with htmx (the same POST, the form cut from the answer);
// without script the button submits the form as before.
func ruleRowHX(id int64) templ.Attributes {
	return templ.Attributes{
		"hx-post":   fmt.Sprintf("/tpp/aturan/%d", id),
		"hx-target": "#form-aturan",
		"hx-select": "#form-aturan",
		"hx-swap":   "outerHTML",
	}
}
