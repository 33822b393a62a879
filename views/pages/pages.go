// Package pages renders whole screens from plain data; it decides nothing.
package pages

import (
	"net/url"
	"strconv"
	"time"

	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/org"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
	"github.com/ekinerja/ekinerja/views/components"
)

// LoginForm is the login page's state.
type LoginForm struct {
	NIP   string
	Error string
	Next  string
}

// Waiting is one thing that waits for the person on their home page.
type Waiting struct {
	Label string
	Count int64
	Href  string
	Hint  string
}

// Home is a role's landing page: what waits for that role.
type Home struct {
	Heading string
	Intro   string
	Profile *org.Profile
	// Primary is the one action the role most likely came for, shown
	// first ("Catat aktivitas", "Tinjau 3 aktivitas"); Secondary follow it.
	Primary   *Action
	Secondary []Action
	Waiting   []Waiting
	Facts     []Fact
	// Dash is the employee's own month (the pegawai role only).
	Dash *PegawaiDash
	// Charts are the role's dashboard charts, in order.
	Charts []components.Chart
	// Pipeline lists the month's OPDs by claim step (verifikator, superadmin).
	Pipeline []claim.PipelineStage
}

// Action is a link styled as a button on the landing page.
type Action struct {
	Label string
	Href  string
}

// Fact is a labelled number or text on the home page.
type Fact struct {
	Label string
	Value string
}

// ErrorPage is a status page with a safe message.
type ErrorPage struct {
	Status  int
	Title   string
	Message string
}

// AuditView is the audit log page.
type AuditView struct {
	Filter audit.Filter
	Rows   []audit.Row
}

// NextURL is the link to the next (older) page with the same filter.
func (v AuditView) NextURL() string {
	q := url.Values{"aksi": {v.Filter.Action}, "nip": {v.Filter.ActorNIP}, "objek": {v.Filter.Object},
		"dari": {dateValue(v.Filter.From)}, "sampai": {dateValue(v.Filter.To)}, "sebelum": {strconv.FormatInt(v.NextBefore(), 10)}}
	return "/audit?" + q.Encode()
}

// ExportURL is the .xlsx download of the log with the same filter: every
// page from the one shown on.
func (v AuditView) ExportURL() string {
	q := url.Values{}
	for k, val := range map[string]string{"aksi": v.Filter.Action, "nip": v.Filter.ActorNIP, "objek": v.Filter.Object,
		"dari": dateValue(v.Filter.From), "sampai": dateValue(v.Filter.To)} {
		if val != "" {
			q.Set(k, val)
		}
	}
	if v.Filter.BeforeID > 0 {
		q.Set("sebelum", strconv.FormatInt(v.Filter.BeforeID, 10))
	}
	return "/audit.xlsx?" + q.Encode()
}

// dateValue formats a day for an <input type="date">; zero is empty.
func dateValue(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// NextBefore is the id to page further back from, or 0.
func (v AuditView) NextBefore() int64 {
	if len(v.Rows) < v.Filter.Limit || len(v.Rows) == 0 {
		return 0
	}
	return v.Rows[len(v.Rows)-1].ID
}
