// Package claim stores TPP rule sets and the monthly claim of each OPD: it
// gathers the inputs of a whole OPD set-based (a fixed number of queries,
// whatever the number of employees), computes every employee with the pure
// tpp.Calculate, stores the itemised lines, and runs the claim's workflow
// draft -> submitted -> verified | returned -> approved -> paid. It also
// writes the exports finance pays from (daftar nominatif, bank file, signed
// continuity bundle).
//
// The database guards what matters most (see migrations/0040_tpp.sql): the
// rows of a submitted, approved or paid claim cannot be changed by any
// statement, the workflow cannot skip a step, and a claim is paid at most once.
package claim

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

// Status is where a claim is in its workflow.
type Status string

// The claim statuses of SPEC section 3.
const (
	// StatusDraft is computed and may be recomputed.
	StatusDraft Status = "draft"
	// StatusSubmitted is sent by the admin OPD to the verifikator.
	StatusSubmitted Status = "submitted"
	// StatusVerified is checked by the verifikator, waiting for approval.
	StatusVerified Status = "verified"
	// StatusReturned is sent back to the admin OPD with a note; it may be recomputed.
	StatusReturned Status = "returned"
	// StatusApproved is frozen: lines, totals and the rule set used.
	StatusApproved Status = "approved"
	// StatusPaid is paid with an SP2D; nothing changes any more.
	StatusPaid Status = "paid"
)

// Label is the status as people read it.
func (s Status) Label() string {
	switch s {
	case StatusDraft:
		return "Draf"
	case StatusSubmitted:
		return "Diajukan"
	case StatusVerified:
		return "Diverifikasi"
	case StatusReturned:
		return "Dikembalikan"
	case StatusApproved:
		return "Disetujui"
	case StatusPaid:
		return "Dibayar"
	}
	return string(s)
}

// Recomputable reports whether the claim's figures may still be recomputed.
func (s Status) Recomputable() bool { return s == StatusDraft || s == StatusReturned }

// Final reports whether the figures are frozen for good (approved or paid).
func (s Status) Final() bool { return s == StatusApproved || s == StatusPaid }

// Actor is who asks for a change, with the role they act in (the one
// auth.Actor; the name stays for callers).
type Actor = auth.Actor

// KinerjaMonth is one employee's month as the kinerja area reports it.
type KinerjaMonth struct {
	// Predikat is a tpp.Predikat code ("baik"), or "" when not submitted or not rated.
	Predikat string
	// PredikatBKN is the predikat imported from e-Kinerja BKN, "" when none;
	// used instead of Predikat when the rule set's produktivitas.sumber says so.
	PredikatBKN string
	// ApprovedMinutes is the sum of approved aktivitas minutes.
	ApprovedMinutes int64
}

// Scope names whose month a source answers for: every employee of OPDID, or,
// when PegawaiID is set, only that employee of OPDID (the estimate on an
// employee's own home page, which must not read the whole OPD per view).
// A source may return more employees than asked; the computation looks up
// only those it gathered.
type Scope struct {
	OPDID     int64
	PegawaiID int64
}

// KinerjaSource gives the month of every employee of an OPD (keyed by pegawai id).
type KinerjaSource interface {
	MonthlySummaries(ctx context.Context, w Scope, year int, month time.Month) (map[int64]KinerjaMonth, error)
}

// Bands are the TL/PSW band edges in minutes that the attendance area judges by.
type Bands struct {
	Late  [3]int
	Early [3]int
}

// AttendanceRecap is one employee's judged attendance month.
type AttendanceRecap struct {
	TK          int
	TL          [4]int
	PSW         [4]int
	MissingBoth int
	// NoPresence is set when the month has TK days but not one day present:
	// most likely the fingerprint file was never imported.
	NoPresence bool
	// Leave is the approved leave and DL requests that excused work days
	// in the month, judged with the same schedules and holidays.
	Leave []Leave
}

// Sanction is the disciplinary sanction (hukdis) in force in the month.
type Sanction struct {
	// Kind is "ringan", "sedang" or "berat".
	Kind         string
	MonthIndex   int
	DecreeNumber string
	// Months is the duration the SK decides (lama_bulan).
	Months int
}

// Leave is leave of one kind in the month.
type Leave struct {
	// Kind is an attendance excuse code, the same words as tpp.LeaveKind ("sakit").
	Kind       string
	Days       int
	MonthIndex int
}

// AttendanceSource gives attendance (with its leave) and sanctions of every
// employee of an OPD in a month, each keyed by pegawai id.
type AttendanceSource interface {
	MonthlyRecaps(ctx context.Context, w Scope, year int, month time.Month, bands Bands) (map[int64]AttendanceRecap, error)
	SanctionsInForce(ctx context.Context, w Scope, year int, month time.Month) (map[int64]Sanction, error)
}

// Service is the TPP claim store and workflow.
type Service struct {
	db         *gorm.DB
	kinerja    KinerjaSource
	attendance AttendanceSource
	now        func() time.Time
	// readBack, when set, reads a claim after its computation committed
	// instead of s.get (a test makes that read fail).
	readBack func(ctx context.Context, id int64) (Claim, error)
}

// NewService returns a Service on db. A nil source means "no data": every
// employee then gets a warning and the claim page says the data is missing.
func NewService(db *gorm.DB, k KinerjaSource, a AttendanceSource) *Service {
	return &Service{db: db, kinerja: k, attendance: a, now: time.Now}
}

// SetReadBack replaces how a claim is read back after its computation
// committed (tests make that read fail, as a database restart would); nil
// restores the real read.
func (s *Service) SetReadBack(f func(ctx context.Context, id int64) (Claim, error)) { s.readBack = f }

// Claim is one OPD's TPP for one month.
type Claim struct {
	ID         int64     `gorm:"column:id"`
	OPDID      int64     `gorm:"column:opd_id"`
	OPDKode    string    `gorm:"column:opd_kode"`
	OPDNama    string    `gorm:"column:opd_nama"`
	PeriodDate time.Time `gorm:"column:period"`
	// Susulan is 0 for the monthly claim, n for the n-th supplementary claim.
	Susulan int `gorm:"column:susulan"`
	// Jenis is "bulanan" for the monthly claim (and its susulan), or the
	// special payment ("thr", "gaji13") it pays.
	Jenis string `gorm:"column:jenis"`
	// KhususID is the decision a special claim follows.
	KhususID       *int64     `gorm:"column:khusus_id"`
	Status         Status     `gorm:"column:status"`
	RuleSetID      int64      `gorm:"column:rule_set_id"`
	RuleSetVersion int        `gorm:"column:rule_set_version"`
	RuleSetName    string     `gorm:"column:rule_set_name"`
	InputsDigest   string     `gorm:"column:inputs_digest"`
	Employees      int        `gorm:"column:employees"`
	TotalBase      int64      `gorm:"column:total_base"`
	TotalGross     int64      `gorm:"column:total_gross"`
	TotalPPh21     int64      `gorm:"column:total_pph21"`
	TotalBPJS      int64      `gorm:"column:total_bpjs"`
	TotalNet       int64      `gorm:"column:total_net"`
	WarningsJSON   string     `gorm:"column:warnings"`
	ComputedAt     time.Time  `gorm:"column:computed_at"`
	SubmittedAt    *time.Time `gorm:"column:submitted_at"`
	VerifiedAt     *time.Time `gorm:"column:verified_at"`
	ReturnNote     string     `gorm:"column:return_note"`
	ApprovedAt     *time.Time `gorm:"column:approved_at"`
	ReopenReason   string     `gorm:"column:reopen_reason"`
	PaidDate       *time.Time `gorm:"column:paid_date"`
	SP2DNumber     string     `gorm:"column:sp2d_number"`
	PaidAt         *time.Time `gorm:"column:paid_at"`
	// TotalPayable is what the claim pays once approved: the net of every
	// employee it is not holding out (tpp_bayar_pegawai), the bank file's total.
	TotalPayable int64 `gorm:"column:total_payable"`
	// Held is how many employees the claim holds out (ditangguhkan).
	Held int `gorm:"column:held"`
	// TotalHeld is the net of the employees held out for want of an account.
	TotalHeld int64 `gorm:"column:total_held"`
	// Pagu is the OPD's TPP budget for the claim's year (-1: none entered).
	Pagu int64 `gorm:"column:pagu"`
	// PaguUsed is what the OPD's other approved or paid claims of the year pay.
	PaguUsed int64 `gorm:"column:pagu_used"`
}

// JenisBulanan is the kind of the monthly claim and its susulan.
const JenisBulanan = "bulanan"

// Special reports whether the claim pays a THR or gaji-13 TPP.
func (c Claim) Special() bool { return c.Jenis != "" && c.Jenis != JenisBulanan }

// SpecialKind is the special payment of a special claim.
func (c Claim) SpecialKind() tpp.SpecialKind { return tpp.SpecialKind(c.Jenis) }

// Kind names the claim: "Klaim bulanan", "Klaim susulan ke-1",
// "Klaim THR 2026", "Klaim gaji ketiga belas 2026 susulan ke-1".
func (c Claim) Kind() string {
	k := "Klaim bulanan"
	switch tpp.SpecialKind(c.Jenis) {
	case tpp.SpecialTHR:
		k = fmt.Sprintf("Klaim TPP THR %d", c.PeriodDate.Year())
	case tpp.SpecialGaji13:
		k = fmt.Sprintf("Klaim TPP gaji ketiga belas %d", c.PeriodDate.Year())
	}
	if c.Susulan == 0 {
		return k
	}
	if !c.Special() {
		return fmt.Sprintf("Klaim susulan ke-%d", c.Susulan)
	}
	return fmt.Sprintf("%s susulan ke-%d", k, c.Susulan)
}

// Period returns the claim's month.
func (c Claim) Period() tpp.Period {
	return tpp.PeriodOf(c.PeriodDate)
}

// Row is one employee's result in a claim (without the lines).
type Row struct {
	ClaimID       int64  `gorm:"column:claim_id"`
	PegawaiID     int64  `gorm:"column:pegawai_id"`
	NIP           string `gorm:"column:nip"`
	Nama          string `gorm:"column:nama"`
	Jabatan       string `gorm:"column:jabatan"`
	Kelas         int    `gorm:"column:kelas"`
	StatusASN     string `gorm:"column:status_asn"`
	Golongan      string `gorm:"column:golongan"`
	BankNama      string `gorm:"column:bank_nama"`
	BankRekening  string `gorm:"column:bank_rekening"`
	BankAtasNama  string `gorm:"column:bank_atas_nama"`
	Base          int64  `gorm:"column:base"`
	Produktivitas int64  `gorm:"column:produktivitas"`
	Disiplin      int64  `gorm:"column:disiplin"`
	Hukdis        int64  `gorm:"column:hukdis"`
	Gross         int64  `gorm:"column:gross"`
	PPh21         int64  `gorm:"column:pph21"`
	PPh21Withheld bool   `gorm:"column:pph21_withheld"`
	BPJS          int64  `gorm:"column:bpjs"`
	BPJSPemda     int64  `gorm:"column:bpjs_pemda"`
	Net           int64  `gorm:"column:net"`
	// Warnings are separated by newlines.
	Warnings string `gorm:"column:warnings"`
	Error    string `gorm:"column:error"`
	// Settled is set when the (approved) claim pays this employee.
	Settled bool `gorm:"column:settled"`
	// Paid is set when the claim is paid and pays this employee: only then
	// is the employee "Dibayar".
	Paid bool `gorm:"column:paid"`
}

// Held says why the employee is held out of the claim (ditangguhkan) and
// waits for a supplementary claim: data that cannot be computed, or a net
// amount with no account to transfer it to. "" means the claim pays them.
func (r Row) Held() string {
	switch {
	case r.Error != "":
		return r.Error
	case r.Net > 0 && r.BankRekening == "" && strings.Contains(r.Warnings, WarnBankPending):
		return "Rekening belum ada yang dikonfirmasi (rekening baru menunggu konfirmasi orang kedua): TPP tidak dapat ditransfer"
	case r.Net > 0 && r.BankRekening == "":
		return WarnNoBank
	}
	return ""
}

// Payable reports whether the claim pays the employee (once approved).
func (r Row) Payable() bool { return r.Held() == "" }

// PayState is the employee's payment in claim c as people read it.
func (r Row) PayState(c Claim) string {
	if h := r.Held(); h != "" {
		return "Ditangguhkan: menunggu klaim susulan"
	}
	switch {
	case r.Paid:
		return "Dibayar"
	case c.Status == StatusApproved && r.Settled:
		return "Disetujui, menunggu pembayaran"
	case c.Status.Final():
		return "Dibayar klaim lain bulan ini"
	}
	return "Belum final"
}

// HasPagu reports whether a pagu has been entered for the claim's OPD and year.
func (c Claim) HasPagu() bool { return c.Pagu >= 0 }

// PaguRemaining is the pagu left before this claim.
func (c Claim) PaguRemaining() int64 { return c.Pagu - c.PaguUsed }

// PaguAfter is the pagu left once this claim is paid.
func (c Claim) PaguAfter() int64 { return c.Pagu - c.PaguUsed - c.TotalPayable }

// OverPagu reports whether the claim pays more than the remaining pagu.
func (c Claim) OverPagu() bool { return c.HasPagu() && c.PaguAfter() < 0 }
