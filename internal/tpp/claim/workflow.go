package claim

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/auth"
)

// move is one workflow step: who may take it, from which statuses, to which.
type move struct {
	action string
	roles  []auth.Role
	from   []Status
	to     Status
	// set is the SQL SET list after status (with ? for args).
	set  string
	args []any
	// check runs inside the transaction before the update.
	check  func(tx *gorm.DB, c Claim) error
	detail map[string]any
}

func (s *Service) step(ctx context.Context, a Actor, id int64, m move) (Claim, error) {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var locked []int64
		if err := tx.Raw(`SELECT id FROM tpp_claim WHERE id = ? FOR UPDATE`, id).Scan(&locked).Error; err != nil {
			return err
		}
		c, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !a.canAct(c.OPDID) {
			return fmt.Errorf("klaim %d: %w", id, apperr.ErrNotFound)
		}
		if !slices.Contains(m.roles, a.Role) {
			return fmt.Errorf("%s: %w", m.action, apperr.ErrForbidden)
		}
		if m.check != nil {
			if err := m.check(tx, c); err != nil {
				return err
			}
		}
		if !slices.Contains(m.from, c.Status) {
			return apperr.New(apperr.ErrConflict, fmt.Sprintf("Klaim berstatus %s; tindakan ini tidak dapat dilakukan.", c.Status.Label()))
		}
		args := append([]any{string(m.to)}, m.args...)
		args = append(args, id)
		if err := tx.Exec(`UPDATE tpp_claim SET status = ?, `+m.set+`, updated_at = now() WHERE id = ?`, args...).Error; err != nil {
			return fmt.Errorf("%s: %w", m.action, err)
		}
		d := map[string]any{"dari": string(c.Status), "ke": string(m.to), "opd_id": c.OPDID, "bulan": periodText(c.Period()), "bersih": c.TotalNet}
		for k, v := range m.detail {
			d[k] = v
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActorNIP: a.NIP, IP: a.IP, Action: m.action,
			ObjectType: "tpp_claim", ObjectID: fmt.Sprint(id), Detail: d})
	})
	if err != nil {
		return Claim{}, err
	}
	return s.get(ctx, s.db, id)
}

// Submit sends a draft or returned claim to the verifikator (admin_opd).
// A claim with an employee that could not be computed cannot be submitted.
func (s *Service) Submit(ctx context.Context, a Actor, id int64) (Claim, error) {
	return s.step(ctx, a, id, move{
		action: "tpp.ajukan", roles: []auth.Role{auth.RoleAdminOPD}, from: []Status{StatusDraft, StatusReturned}, to: StatusSubmitted,
		set: `submitted_at = now(), submitted_by = NULLIF(?, 0)`, args: []any{a.UserID},
		check: func(tx *gorm.DB, c Claim) error {
			var bad int64
			if err := tx.Raw(`SELECT count(*) FROM tpp_claim_pegawai WHERE claim_id = ? AND error <> ''`, c.ID).Scan(&bad).Error; err != nil {
				return err
			}
			if bad > 0 {
				return apperr.New(apperr.ErrConflict, fmt.Sprintf("%d pegawai belum dapat dihitung; perbaiki datanya lalu hitung ulang sebelum mengajukan.", bad))
			}
			if c.Employees == 0 {
				return apperr.New(apperr.ErrConflict, "Klaim tidak berisi pegawai.")
			}
			var running int64
			if err := tx.Raw(`SELECT count(*) FROM tpp_claim_run WHERE claim_id = ? AND finished_at IS NULL
  AND started_at >= now() - make_interval(secs => ?)`, c.ID, StaleRun.Seconds()).Scan(&running).Error; err != nil {
				return err
			}
			if running > 0 {
				return apperr.New(apperr.ErrConflict, "Klaim sedang dihitung; ajukan setelah perhitungan selesai.")
			}
			return nil
		},
	})
}

// Verify marks a submitted claim as checked (verifikator).
func (s *Service) Verify(ctx context.Context, a Actor, id int64) (Claim, error) {
	return s.step(ctx, a, id, move{
		action: "tpp.verifikasi", roles: []auth.Role{auth.RoleVerifikator}, from: []Status{StatusSubmitted}, to: StatusVerified,
		set: `verified_at = now(), verified_by = NULLIF(?, 0)`, args: []any{a.UserID},
	})
}

// Return sends a submitted or verified claim back to the admin OPD with a note.
func (s *Service) Return(ctx context.Context, a Actor, id int64, note string) (Claim, error) {
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) < 5 || utf8.RuneCountInString(note) > 1000 {
		return Claim{}, apperr.Invalid("catatan", "tuliskan catatan pengembalian (5 sampai 1.000 huruf)")
	}
	return s.step(ctx, a, id, move{
		action: "tpp.kembalikan", roles: []auth.Role{auth.RoleVerifikator}, from: []Status{StatusSubmitted, StatusVerified}, to: StatusReturned,
		set: `return_note = ?, verified_at = NULL, verified_by = NULL`, args: []any{note}, detail: map[string]any{"catatan": note},
	})
}

// Approve freezes a verified claim: its lines, totals and rule set (verifikator).
func (s *Service) Approve(ctx context.Context, a Actor, id int64) (Claim, error) {
	return s.step(ctx, a, id, move{
		action: "tpp.setujui", roles: []auth.Role{auth.RoleVerifikator}, from: []Status{StatusVerified}, to: StatusApproved,
		set: `approved_at = now(), approved_by = NULLIF(?, 0)`, args: []any{a.UserID},
		check: func(tx *gorm.DB, c Claim) error {
			if c.Status != StatusVerified {
				return nil // step refuses it with the status message
			}
			if err := s.checkInputs(tx, c); err != nil {
				return err
			}
			// From now on this version of the rules is never edited in place.
			return tx.Exec(`UPDATE tpp_rule_set SET used = true WHERE id = ? AND NOT used`, c.RuleSetID).Error
		},
	})
}

// Reopen brings an approved (not yet paid) claim back to draft so it can be
// corrected; it needs a reason, which the audit log keeps.
func (s *Service) Reopen(ctx context.Context, a Actor, id int64, reason string) (Claim, error) {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) < 10 || utf8.RuneCountInString(reason) > 1000 {
		return Claim{}, apperr.Invalid("alasan", "tuliskan alasan membuka kembali (10 sampai 1.000 huruf)")
	}
	return s.step(ctx, a, id, move{
		action: "tpp.buka_kembali", roles: []auth.Role{auth.RoleVerifikator}, from: []Status{StatusApproved}, to: StatusDraft,
		set:  `reopen_reason = ?, submitted_at = NULL, verified_at = NULL, approved_at = NULL, return_note = ''`,
		args: []any{reason}, detail: map[string]any{"alasan": reason},
	})
}

// Payment is what the verifikator enters when the SP2D has been issued.
type Payment struct {
	Date time.Time
	SP2D string
}

// Pay marks an approved claim paid, once. Two requests at the same moment
// serialise on the claim's row lock; the second finds it paid. Repeating the
// same payment (a double click) returns the paid claim; a different SP2D for
// a paid claim is refused. tpp_payment's UNIQUE (claim_id) backs this up.
func (s *Service) Pay(ctx context.Context, a Actor, id int64, p Payment) (Claim, error) {
	p.SP2D = strings.TrimSpace(p.SP2D)
	ve := &apperr.ValidationError{}
	if p.Date.IsZero() {
		ve.Add("tanggal", "tanggal pembayaran wajib diisi")
	} else if p.Date.After(s.now().AddDate(0, 0, 1)) {
		ve.Add("tanggal", "tanggal pembayaran tidak boleh di masa depan")
	}
	if p.SP2D == "" || utf8.RuneCountInString(p.SP2D) > 100 {
		ve.Add("sp2d", "nomor SP2D wajib diisi (paling banyak 100 huruf)")
	}
	if err := ve.OrNil(); err != nil {
		return Claim{}, err
	}
	var already bool
	c, err := s.step(ctx, a, id, move{
		action: "tpp.bayar", roles: []auth.Role{auth.RoleVerifikator}, from: []Status{StatusApproved}, to: StatusPaid,
		set:  `paid_date = ?::date, sp2d_number = ?, paid_at = now(), paid_by = NULLIF(?, 0)`,
		args: []any{p.Date.Format(time.DateOnly), p.SP2D, a.UserID}, detail: map[string]any{"sp2d": p.SP2D, "tanggal": p.Date.Format(time.DateOnly)},
		check: func(tx *gorm.DB, c Claim) error {
			if c.Status == StatusPaid {
				if c.SP2DNumber == p.SP2D {
					already = true
					return errAlreadyPaid
				}
				return apperr.New(apperr.ErrConflict, "Klaim ini sudah dibayar dengan SP2D "+c.SP2DNumber+".")
			}
			if c.Status != StatusApproved {
				return nil
			}
			// A transfer cannot precede the approval. The approval's UTC date is
			// never later than its date in WIB, WITA or WIT, so this refuses no
			// real date in any Indonesian zone.
			if c.ApprovedAt != nil && p.Date.Format(time.DateOnly) < c.ApprovedAt.UTC().Format(time.DateOnly) {
				return apperr.Invalid("tanggal", "tanggal pembayaran tidak boleh sebelum klaim disetujui ("+c.ApprovedAt.UTC().Format(time.DateOnly)+")")
			}
			return tx.Exec(`INSERT INTO tpp_payment (claim_id, paid_date, sp2d_number, amount, paid_by) VALUES (?, ?::date, ?, ?, NULLIF(?, 0))`,
				c.ID, p.Date.Format(time.DateOnly), p.SP2D, c.TotalNet, a.UserID).Error
		},
	})
	if already {
		return s.get(ctx, s.db, id)
	}
	return c, err
}

// errAlreadyPaid rolls back a repeated payment so nothing is written twice.
var errAlreadyPaid = fmt.Errorf("sudah dibayar: %w", apperr.ErrConflict)
