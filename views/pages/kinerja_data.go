package pages

import (
	"net/url"
	"strconv"
	"time"

	"github.com/ekinerja/ekinerja/internal/kinerja"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

// KinerjaAktivitasList is a person's aktivitas of one month.
type KinerjaAktivitasList struct {
	Month   time.Time
	Prev    string // "2026-02"
	Next    string // "" when the next month is in the future
	Rows    []kinerja.Aktivitas
	Minutes kinerja.MinutesSummary
	// State says whether the month still takes aktivitas: a closed month
	// offers no "Catat aktivitas" the save would refuse.
	State kinerja.MonthState
	Error string
	// RequestAlasan and RequestErrors refill the reopen request form.
	RequestAlasan string
	RequestErrors map[string]string
}

// KinerjaAktivitasForm is the form to log or edit an aktivitas.
type KinerjaAktivitasForm struct {
	ID       int64 // 0 for a new one
	Input    kinerja.AktivitasInput
	Current  *kinerja.Aktivitas // the stored aktivitas when editing or viewing
	ReadOnly bool               // not the owner, or approved
	RHK      []kinerja.RHKChoice
	Errors   map[string]string
	// Held is the evidence file kept from the submit that came back with
	// errors (zero: none): the form sends its token and names it.
	Held kinerja.HeldBukti
}

// KinerjaQueue is the atasan's review queue.
type KinerjaQueue struct {
	People []kinerja.QueuePerson
	Total  int
	// Page is the queue's page: everyone waiting, the filter, the pages.
	Page   kinerja.QueuePage
	Error  string
	Errors map[string]string
}

// PageURL is the queue's page n with the same subordinate chosen.
func (v KinerjaQueue) PageURL(n int) string {
	q := url.Values{}
	if v.Page.Filter.PegawaiID != 0 {
		q.Set("pegawai", strconv.FormatInt(v.Page.Filter.PegawaiID, 10))
	}
	q.Set("hal", strconv.Itoa(n))
	return "/kinerja/tinjau?" + q.Encode()
}

// KinerjaSKPList is a person's plans (and, for an atasan, plans to agree).
type KinerjaSKPList struct {
	Own      []kinerja.SKP
	ToReview []kinerja.SKP
	Year     int
	Errors   map[string]string
}

// KinerjaSKPView is one plan.
type KinerjaSKPView struct {
	SKP       kinerja.SKP
	Own       bool
	CanDecide bool
	AtasanRHK []kinerja.RHK
	RHKInput  kinerja.RHKInput
	Errors    map[string]string
	// Edit names the RHK or indicator whose edit form came back with
	// EditErrors, so only that form shows them (and opens).
	Edit       EditTarget
	EditErrors map[string]string
	EditRHK    kinerja.RHKInput
	EditInd    kinerja.IndikatorInput
	// Feedback is the continuous feedback on the plan's RHK; FeedbackErrors
	// belong to the form of FeedbackRHK (a comment) or FeedbackOn (an answer).
	Feedback       kinerja.SKPFeedback
	FeedbackErrors map[string]string
	FeedbackRHK    int64
	FeedbackOn     int64
	FeedbackIsi    string
}

// EditTarget is the RHK or indicator an edit form was posted for.
type EditTarget struct {
	RHKID, IndikatorID int64
}

// RHKValues is an RHK's current values for its edit form.
func RHKValues(r kinerja.RHK) kinerja.RHKInput {
	in := kinerja.RHKInput{Uraian: r.Uraian}
	if r.RHKAtasanID != nil {
		in.RHKAtasanID = ID(*r.RHKAtasanID)
	}
	return in
}

// IndikatorValues is an indicator's current values for its edit form.
func IndikatorValues(i kinerja.Indikator) kinerja.IndikatorInput {
	return kinerja.IndikatorInput{Aspek: string(i.Aspek), Uraian: i.Uraian, Target: strconv.Itoa(i.Target), Satuan: i.Satuan}
}

// KinerjaPenilaianView is one monthly rating, as the employee submits it or
// the atasan rates it.
type KinerjaPenilaianView struct {
	P         kinerja.Penilaian
	RHK       []kinerja.RHKChoice
	Realisasi map[int64]string
	Ringkasan string
	Own       bool
	CanSubmit bool
	CanRate   bool
	Rating    kinerja.Rating
	// CanCorrect offers the atasan the correction of a rated month (SPEC 3).
	CanCorrect       bool
	Correction       kinerja.Correction
	CorrectionErrors map[string]string
	Prev             string
	Next             string
	Errors           map[string]string
}

// KinerjaBawahan is the atasan's overview of their subordinates' month.
type KinerjaBawahan struct {
	Month time.Time
	Prev  string
	Next  string
	Rows  []kinerja.SubordinateMonth
}

// KinerjaBukaBulan is the verifikator's reopening page.
type KinerjaBukaBulan struct {
	NIP, Bulan, Alasan string
	ClosingDay         int
	Rows               []kinerja.Reopening
	Errors             map[string]string
	// Requests are the employees' reopen requests (waiting first).
	Requests []kinerja.ReopenRequest
	// DecideErrors are the field errors of the request DecideID's answer.
	DecideID      int64
	DecideCatatan string
	DecideErrors  map[string]string
}

// Ekspektasi lists the rating choices in display order.
var Ekspektasi = []kinerja.Ekspektasi{kinerja.DiAtas, kinerja.Sesuai, kinerja.DiBawah}

// Menit formats minutes as "6.750 menit".
func Menit(m int64) string { return tpp.FormatNumber(m) + " menit" }

// Jam formats minutes as hours and minutes ("2 j 30 m").
func Jam(m int) string {
	if m < 60 {
		return strconv.Itoa(m) + " m"
	}
	if m%60 == 0 {
		return strconv.Itoa(m/60) + " j"
	}
	return strconv.Itoa(m/60) + " j " + strconv.Itoa(m%60) + " m"
}

// Persen formats basis points as "45,3%".
func Persen(bp int64) string {
	return strconv.FormatInt(bp/100, 10) + "," + strconv.FormatInt(bp%100/10, 10) + "%"
}

// StatusClass is the badge class of an aktivitas state.
func StatusClass(s kinerja.Status) string {
	switch s {
	case kinerja.Approved:
		return "badge ok"
	case kinerja.Returned:
		return "badge err"
	case kinerja.Submitted:
		return "badge warn"
	}
	return "badge"
}

// ItemValue is a review checkbox value: "id:versi".
func ItemValue(a kinerja.Aktivitas) string {
	return strconv.FormatInt(a.ID, 10) + ":" + strconv.Itoa(a.Versi)
}

// ID formats an id for URLs and element ids.
func ID(id int64) string { return strconv.FormatInt(id, 10) }

// KinerjaPengaturan is the superadmin's kinerja settings form.
type KinerjaPengaturan struct {
	Hari    string // as typed
	Current int    // the closing day in force
	Errors  map[string]string
}

// decideErrs are the field errors of request id's answer form.
func decideErrs(v KinerjaBukaBulan, id int64) map[string]string {
	if v.DecideID != id {
		return nil
	}
	return v.DecideErrors
}
