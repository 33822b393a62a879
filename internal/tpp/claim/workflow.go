package claim

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/audit"
)

// move is one workflow step: who may take it, from which statuses, to which.
type move struct {
	action string
	// act is the Action whose rule (Allowed) decides who may take the step and when.
	act Action
	to  Status
	// set is the SQL SET list after status (with ? for args).
	set  string
	args []any
	// check runs inside the transaction before the update.
	check func(tx *gorm.DB, c Claim) error
	// after runs inside the transaction after the update.
	after  func(tx *gorm.DB, c Claim) error
	detail map[string]any
	// ack, when set, is the acknowledgement the step needs (a money step).
	ack *Ack
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
		if err := allowedWho(a, c, m.act); err != nil {
			return err
		}
		if m.check != nil {
			if err := m.check(tx, c); err != nil {
				return err
			}
		}
		var run RunState
		if actionRules[m.act].idle {
			running, err := runningIn(tx, c.ID)
			if err != nil {
				return err
			}
			run.Running = running
		}
		if err := allowedNow(c, Facts{Running: run.Running}, m.act); err != nil {
			return err
		}
		if m.ack != nil {
			if err := checkAck(c, *m.ack); err != nil {
				return err
			}
		}
		args := append([]any{string(m.to)}, m.args...)
		args = append(args, id)
		if err := tx.Exec(`UPDATE tpp_claim SET status = ?, `+m.set+`, updated_at = now() WHERE id = ?`, args...).Error; err != nil {
			return fmt.Errorf("%s: %w", m.action, err)
		}
		if m.after != nil {
			if err := m.after(tx, c); err != nil {
				return err
			}
		}
		note, _ := m.detail["catatan"].(string)
		if err := notifyStep(ctx, tx, c, m.to, note); err != nil {
			return err
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
// Employees that could not be computed are held out (ditangguhkan); a claim
// where nobody could be computed cannot be submitted.
func (s *Service) Submit(ctx context.Context, a Actor, id int64, ack Ack) (Claim, error) {
	if !ack.Confirmed {
		return Claim{}, errNotAcknowledged()
	}
	return s.step(ctx, a, id, move{
		action: "tpp.ajukan", act: ActSubmit, to: StatusSubmitted, ack: &ack,
		set: `submitted_at = now(), submitted_by = NULLIF(?, 0)`, args: []any{a.UserID},
		check: func(tx *gorm.DB, c Claim) error {
			// Employees who cannot be computed are held out (ditangguhkan) and
			// paid by a susulan; they never stop the others being paid.
			var payable int64
			if err := tx.Raw(`SELECT count(*) FROM tpp_claim_pegawai WHERE claim_id = ? AND error = ''`, c.ID).Scan(&payable).Error; err != nil {
				return err
			}
			if c.Employees == 0 {
				return apperr.New(apperr.ErrConflict, "Klaim tidak berisi pegawai.")
			}
			if payable == 0 {
				return apperr.New(apperr.ErrConflict, "Tidak ada pegawai yang dapat dihitung di klaim ini; perbaiki datanya lalu hitung ulang sebelum mengajukan.")
			}
			return nil
		},
	})
}

// Verify marks a submitted claim as checked (verifikator).
func (s *Service) Verify(ctx context.Context, a Actor, id int64, ack Ack) (Claim, error) {
	if !ack.Confirmed {
		return Claim{}, errNotAcknowledged()
	}
	return s.step(ctx, a, id, move{
		action: "tpp.verifikasi", act: ActVerify, to: StatusVerified, ack: &ack,
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
		action: "tpp.kembalikan", act: ActReturn, to: StatusReturned,
		set: `return_note = ?, verified_at = NULL, verified_by = NULL`, args: []any{note}, detail: map[string]any{"catatan": note},
	})
}

// Approve freezes a verified claim: its lines, totals and rule set
// (verifikator). It records whom the claim pays (tpp_bayar_pegawai): every
// employee computed who has an account, or nothing to transfer. An employee
// whom another claim of the same OPD and month already pays is refused, by
// the table's primary key when two approvals race.
func (s *Service) Approve(ctx context.Context, a Actor, id int64, ack Ack) (Claim, error) {
	if !ack.Confirmed {
		return Claim{}, errNotAcknowledged()
	}
	return s.step(ctx, a, id, move{
		action: "tpp.setujui", act: ActApprove, to: StatusApproved, ack: &ack,
		set: `approved_at = now(), approved_by = NULLIF(?, 0)`, args: []any{a.UserID},
		check: func(tx *gorm.DB, c Claim) error {
			if c.Status != StatusVerified {
				return nil // step refuses it with the status message
			}
			if err := paidElsewhere(tx, c); err != nil {
				return err
			}
			if err := checkSettlements(tx, c); err != nil {
				return err
			}
			if err := s.checkInputs(tx, c); err != nil {
				return err
			}
			// From now on this version of the rules is never edited in place.
			return tx.Exec(`UPDATE tpp_rule_set SET used = true WHERE id = ? AND NOT used`, c.RuleSetID).Error
		},
		after: func(tx *gorm.DB, c Claim) error {
			err := tx.Exec(`INSERT INTO tpp_bayar_pegawai (pegawai_id, opd_id, period, claim_id, amount, bank_rekening)
SELECT r.pegawai_id, ?, ?::date, r.claim_id, r.net, r.bank_rekening FROM tpp_claim_pegawai r
WHERE r.claim_id = ? AND r.error = '' AND (r.net = 0 OR r.bank_rekening <> '')`, c.OPDID, periodDate(c.Period()), c.ID).Error
			if isUniqueViolation(err) {
				// Another claim of the month was approved with the same employee
				// meanwhile (the transaction is aborted: nothing more to ask).
				if c.Special() {
					return apperr.New(apperr.ErrConflict, "Seorang pegawai klaim ini baru saja disetujui menerima "+c.SpecialKind().Label()+" tahun ini di klaim lain; satu pegawai menerimanya sekali setahun. Kembalikan klaim ini agar dihitung ulang.")
				}
				return apperr.New(apperr.ErrConflict, "Seorang pegawai klaim ini baru saja disetujui di klaim lain bulan ini; kembalikan klaim ini agar dihitung ulang.")
			}
			if err != nil {
				return fmt.Errorf("record payees: %w", err)
			}
			return nil
		},
	})
}

// paidElsewhere refuses claim c when another claim of its OPD and month
// already pays one of its payable employees.
func paidElsewhere(tx *gorm.DB, c Claim) error {
	var dup []struct {
		Nama    string `gorm:"column:nama"`
		NIP     string `gorm:"column:nip"`
		ClaimID int64  `gorm:"column:claim_id"`
	}
	q := tx.Raw(`SELECT r.nama, r.nip, b.claim_id FROM tpp_claim_pegawai r
JOIN tpp_bayar_pegawai b ON b.pegawai_id = r.pegawai_id AND b.opd_id = ? AND b.period = ?::date AND b.jenis = 'bulanan' AND b.claim_id <> r.claim_id
WHERE r.claim_id = ? AND r.error = '' AND (r.net = 0 OR r.bank_rekening <> '') ORDER BY r.nama LIMIT 5`,
		c.OPDID, periodDate(c.Period()), c.ID)
	when := "bulan ini"
	if c.Special() {
		q = tx.Raw(`SELECT r.nama, r.nip, b.claim_id FROM tpp_claim_pegawai r
JOIN tpp_bayar_pegawai b ON b.pegawai_id = r.pegawai_id AND b.jenis = ? AND b.tahun = ? AND b.claim_id <> r.claim_id
WHERE r.claim_id = ? AND r.error = '' AND (r.net = 0 OR r.bank_rekening <> '') ORDER BY r.nama LIMIT 5`,
			c.Jenis, c.PeriodDate.Year(), c.ID)
		when = c.SpecialKind().Label() + " tahun ini"
	}
	if err := q.Scan(&dup).Error; err != nil {
		return err
	}
	if len(dup) == 0 {
		return nil
	}
	names := make([]string, len(dup))
	for i, d := range dup {
		names[i] = fmt.Sprintf("%s (NIP %s, klaim %d)", d.Nama, d.NIP, d.ClaimID)
	}
	return apperr.New(apperr.ErrConflict, "Pegawai berikut sudah dibayar atau disetujui di klaim lain "+when+": "+strings.Join(names, ", ")+
		". Satu pegawai tidak dibayar dua kali: kembalikan klaim ini agar dihitung ulang.")
}

// Reopen brings an approved (not yet paid) claim back to draft so it can be
// corrected; it needs a reason, which the audit log keeps.
func (s *Service) Reopen(ctx context.Context, a Actor, id int64, reason string) (Claim, error) {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) < 10 || utf8.RuneCountInString(reason) > 1000 {
		return Claim{}, apperr.Invalid("alasan", "tuliskan alasan membuka kembali (10 sampai 1.000 huruf)")
	}
	return s.step(ctx, a, id, move{
		action: "tpp.buka_kembali", act: ActReopen, to: StatusDraft,
		set:  `reopen_reason = ?, submitted_at = NULL, verified_at = NULL, approved_at = NULL, return_note = ''`,
		args: []any{reason}, detail: map[string]any{"alasan": reason},
		after: func(tx *gorm.DB, c Claim) error {
			// The claim pays nobody until it is approved again.
			return tx.Exec(`DELETE FROM tpp_bayar_pegawai WHERE claim_id = ?`, c.ID).Error
		},
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
func (s *Service) Pay(ctx context.Context, a Actor, id int64, p Payment, ack Ack) (Claim, error) {
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
	if !ack.Confirmed {
		ve.Add(ackField, ackMessage)
	}
	if err := ve.OrNil(); err != nil {
		return Claim{}, err
	}
	var already bool
	c, err := s.step(ctx, a, id, move{
		action: "tpp.bayar", act: ActPay, to: StatusPaid, ack: &ack,
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
			// What is paid is what the bank file transfers: the employees the
			// claim pays, never those it holds out.
			return tx.Exec(`INSERT INTO tpp_payment (claim_id, paid_date, sp2d_number, amount, paid_by)
VALUES (?, ?::date, ?, (SELECT coalesce(sum(amount), 0) FROM tpp_bayar_pegawai WHERE claim_id = ?), NULLIF(?, 0))`,
				c.ID, p.Date.Format(time.DateOnly), p.SP2D, c.ID, a.UserID).Error
		},
	})
	if already {
		return s.get(ctx, s.db, id)
	}
	return c, err
}

func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// errAlreadyPaid rolls back a repeated payment so nothing is written twice.
var errAlreadyPaid = fmt.Errorf("sudah dibayar: %w", apperr.ErrConflict)
