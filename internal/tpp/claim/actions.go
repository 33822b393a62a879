package claim

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

// Action is something an actor may do to a claim. The claim page shows a
// button for each action Allowed, and every handler of an action asks the
// same rule, so the page and the POST never disagree.
type Action string

// The actions on a claim; the values are the last part of their route.
const (
	ActCompute Action = "hitung-ulang"
	ActSubmit  Action = "ajukan"
	ActVerify  Action = "verifikasi"
	ActReturn  Action = "kembalikan"
	ActApprove Action = "setujui"
	ActPay     Action = "bayar"
	ActReopen  Action = "buka"
	ActSusulan Action = "susulan"
	ActExport  Action = "nominatif"
	ActBank    Action = "bank"
	// ActSelisih recomputes a paid monthly claim against what was paid.
	ActSelisih Action = "selisih"
)

// Actions lists every action in the order the page shows them.
var Actions = []Action{ActCompute, ActSubmit, ActVerify, ActApprove, ActPay, ActReturn, ActReopen, ActSusulan, ActExport, ActBank, ActSelisih}

// MoneyStep reports whether the action moves money on and needs the actor to
// acknowledge its totals and warnings on a confirmation page first.
func (x Action) MoneyStep() bool {
	return x == ActSubmit || x == ActVerify || x == ActApprove || x == ActPay
}

// Label is the action's button text.
func (x Action) Label() string {
	switch x {
	case ActCompute:
		return "Hitung ulang"
	case ActSubmit:
		return "Ajukan ke verifikator"
	case ActVerify:
		return "Verifikasi"
	case ActReturn:
		return "Kembalikan ke admin OPD"
	case ActApprove:
		return "Setujui dan kunci"
	case ActPay:
		return "Tandai dibayar"
	case ActReopen:
		return "Buka kembali"
	case ActSusulan:
		return "Buat klaim susulan"
	case ActExport:
		return "Daftar nominatif"
	case ActBank:
		return "Berkas bank"
	case ActSelisih:
		return "Hitung selisih bayar"
	}
	return string(x)
}

type actionRule struct {
	roles []auth.Role
	from  []Status
	// idle: not while a computation of the claim runs.
	idle bool
	// waiting: only while an employee of the month waits for a susulan.
	waiting bool
}

var (
	adminVerif = []auth.Role{auth.RoleAdminOPD, auth.RoleVerifikator}
	verifOnly  = []auth.Role{auth.RoleVerifikator}
	final      = []Status{StatusApproved, StatusPaid}
)

// actionRules is the one table of who may do what from which status.
var actionRules = map[Action]actionRule{
	ActCompute: {roles: adminVerif, from: []Status{StatusDraft, StatusReturned}, idle: true},
	ActSubmit:  {roles: []auth.Role{auth.RoleAdminOPD}, from: []Status{StatusDraft, StatusReturned}, idle: true},
	ActVerify:  {roles: verifOnly, from: []Status{StatusSubmitted}},
	ActReturn:  {roles: verifOnly, from: []Status{StatusSubmitted, StatusVerified}},
	ActApprove: {roles: verifOnly, from: []Status{StatusVerified}},
	ActPay:     {roles: verifOnly, from: []Status{StatusApproved}},
	ActReopen:  {roles: verifOnly, from: []Status{StatusApproved}},
	ActSusulan: {roles: adminVerif, from: final, waiting: true},
	ActExport:  {roles: []auth.Role{auth.RoleAdminOPD, auth.RoleVerifikator, auth.RoleSuperadmin}, from: final},
	ActBank:    {roles: verifOnly, from: final},
	ActSelisih: {roles: verifOnly, from: []Status{StatusPaid}},
}

// Facts are what the rule needs to know about a claim besides its status.
type Facts struct {
	// Running is set while a computation of the claim runs.
	Running bool
	// Waiting counts the employees of the claim's OPD and month whom no
	// approved claim pays yet (held out), while every claim of the month is
	// approved or paid; 0 otherwise.
	Waiting int64
}

// Allowed says whether actor a may take action x on claim c now: nil, or why
// not (ErrNotFound for a claim the actor may not see, ErrForbidden for a role
// that never may, ErrConflict with the reason for a status that does not
// allow it now).
func Allowed(a Actor, c Claim, f Facts, x Action) error {
	if err := allowedWho(a, c, x); err != nil {
		return err
	}
	return allowedNow(c, f, x)
}

// allowedWho is the part of Allowed about the actor.
func allowedWho(a Actor, c Claim, x Action) error {
	r, ok := actionRules[x]
	if !ok {
		return fmt.Errorf("tindakan %q: %w", x, apperr.ErrNotFound)
	}
	if !canAct(a, c.OPDID) {
		return fmt.Errorf("klaim %d: %w", c.ID, apperr.ErrNotFound)
	}
	if !slices.Contains(r.roles, a.Role) {
		return fmt.Errorf("%s: %w", x, apperr.ErrForbidden)
	}
	return nil
}

// allowedNow is the part of Allowed about the claim's state.
func allowedNow(c Claim, f Facts, x Action) error {
	r := actionRules[x]
	if !slices.Contains(r.from, c.Status) {
		return apperr.New(apperr.ErrConflict, fmt.Sprintf("Klaim berstatus %s; tindakan ini tidak dapat dilakukan.", c.Status.Label()))
	}
	if r.idle && f.Running {
		return apperr.New(apperr.ErrConflict, "Klaim sedang dihitung; tunggu sampai perhitungan selesai.")
	}
	if r.waiting && f.Waiting == 0 {
		return apperr.New(apperr.ErrConflict, "Tidak ada pegawai bulan ini yang ditangguhkan atau semua klaim bulan ini belum disetujui; klaim susulan tidak diperlukan.")
	}
	return nil
}

// Page is a claim as its page shows it: rows, computation state, the other
// claims of its OPD and month, and what the actor may do now.
type Page struct {
	Claim Claim
	Rows  []Row
	Run   RunState
	Facts Facts
	// Siblings are every claim of the OPD and month (monthly first, then susulan).
	Siblings []Claim
	// refused holds, per action, why the actor may not take it now (nil: may).
	refused map[Action]error
}

// Can reports whether the page offers action x.
func (p Page) Can(x Action) bool {
	err, known := p.refused[x]
	return known && err == nil
}

// Check is nil when the actor may take action x now, else why not.
func (p Page) Check(x Action) error {
	if err, known := p.refused[x]; known {
		return err
	}
	return fmt.Errorf("tindakan %q: %w", x, apperr.ErrNotFound)
}

// Page loads claim id for actor a with the actions a may take on it now.
func (s *Service) Page(ctx context.Context, a Actor, id int64) (Page, error) {
	// The claim and its siblings (the month's claims of the same OPD and
	// kind, itself among them) in one read; then the same check as Get.
	var month []Claim
	if err := s.db.WithContext(ctx).Raw(claimSelect+` WHERE (c.opd_id, c.period, c.jenis) = (SELECT x.opd_id, x.period, x.jenis FROM tpp_claim x WHERE x.id = ?) ORDER BY c.susulan`, id).Scan(&month).Error; err != nil {
		return Page{}, fmt.Errorf("claims of the month: %w", err)
	}
	i := slices.IndexFunc(month, func(m Claim) bool { return m.ID == id })
	if i < 0 || !canAct(a, month[i].OPDID) {
		return Page{}, fmt.Errorf("klaim %d: %w", id, apperr.ErrNotFound)
	}
	c := month[i]
	rows, err := s.Rows(ctx, id)
	if err != nil {
		return Page{}, err
	}
	run, err := s.RunState(ctx, id)
	if err != nil {
		return Page{}, err
	}
	f, err := s.facts(ctx, s.db, c, run)
	if err != nil {
		return Page{}, err
	}
	p := Page{Claim: c, Rows: rows, Run: run, Facts: f, Siblings: month, refused: map[Action]error{}}
	for _, x := range Actions {
		p.refused[x] = Allowed(a, c, f, x)
	}
	return p, nil
}

// facts reads the Facts of claim c (run is its computation state).
func (s *Service) facts(ctx context.Context, db *gorm.DB, c Claim, run RunState) (Facts, error) {
	f := Facts{Running: run.Running}
	if !c.Status.Final() {
		return f, nil
	}
	err := db.WithContext(ctx).Raw(`SELECT CASE WHEN EXISTS (SELECT 1 FROM tpp_claim o WHERE o.opd_id = ? AND o.period = ?::date AND o.jenis = ? AND o.status NOT IN ('approved', 'paid'))
    THEN 0 ELSE (SELECT count(DISTINCT r.pegawai_id) FROM tpp_claim_pegawai r JOIN tpp_claim c ON c.id = r.claim_id
        WHERE c.opd_id = ? AND c.period = ?::date AND c.jenis = ?
          AND NOT EXISTS (SELECT 1 FROM tpp_bayar_pegawai b WHERE b.pegawai_id = r.pegawai_id AND b.opd_id = c.opd_id AND b.period = c.period AND b.jenis = c.jenis)) END`,
		c.OPDID, periodDate(c.Period()), c.Jenis, c.OPDID, periodDate(c.Period()), c.Jenis).Scan(&f.Waiting).Error
	if err != nil {
		return f, fmt.Errorf("waiting employees: %w", err)
	}
	return f, nil
}

// Ack is the actor's acknowledgement of a money step (submit, verify,
// approve, pay), posted from its confirmation page: that they saw the totals
// and every open warning. Token is the claim's AckToken when the page was
// shown; a claim changed since (recomputed, moved on) is refused.
type Ack struct {
	Confirmed bool
	Token     string
	// Pagu acknowledges that the claim goes over the remaining pagu (needed
	// from the verifikator when it does).
	Pagu bool
}

// PaguAckField is the form field acknowledging a claim over the remaining pagu.
const PaguAckField = "pagu"

// ackField is the form field of the acknowledgement, for its message.
const ackField = "setuju"

// ackMessage is the refusal of a money step without acknowledgement.
const ackMessage = "centang pernyataan bahwa Anda sudah memeriksa jumlah dan semua peringatan klaim ini sebelum melanjutkan"

func errNotAcknowledged() error { return apperr.Invalid(ackField, ackMessage) }

// AckToken fingerprints what a confirmation page shows of claim c: its
// status, figures and warnings. An acknowledgement holds for exactly this.
func (c Claim) AckToken() string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%d|%s|%s|%d|%d|%d|%d|%s|%d|%d|%d", c.ID, c.Status, c.InputsDigest, c.Employees,
		c.TotalNet, c.TotalPayable, c.Held, c.WarningsJSON, c.ComputedAt.UnixNano(), c.Pagu, c.PaguUsed)))
	return hex.EncodeToString(sum[:12])
}

// checkAck refuses an acknowledgement that is missing or was given for
// another state of claim c.
func checkAck(c Claim, ack Ack) error {
	if !ack.Confirmed {
		return errNotAcknowledged()
	}
	if ack.Token != "" && ack.Token != c.AckToken() {
		return apperr.New(apperr.ErrConflict, "Klaim ini atau pagu OPD-nya berubah sejak halaman konfirmasi dibuka (dihitung ulang, statusnya berpindah, atau pagu dipakai klaim lain/diubah); buka kembali konfirmasinya dan periksa lagi.")
	}
	if c.OverPagu() && (c.Status == StatusSubmitted || c.Status == StatusVerified) && !ack.Pagu {
		return apperr.Invalid(PaguAckField, fmt.Sprintf("klaim ini melebihi sisa pagu TPP %d OPD ini sebesar %s: centang bahwa Anda mengetahuinya sebelum melanjutkan",
			c.PeriodDate.Year(), tpp.Rupiah(-c.PaguAfter())))
	}
	return nil
}
