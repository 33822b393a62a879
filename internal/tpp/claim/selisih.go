package claim

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

// Selisih is a kekurangan (Amount > 0) or kelebihan (Amount < 0) bayar of
// one employee and paid month (SPEC 4a), with its cause, the paid claim (the
// first computation) and the recomputation (the second), and what of it is
// still open.
type Selisih struct {
	ID            int64     `gorm:"column:id" json:"id"`
	PegawaiID     int64     `gorm:"column:pegawai_id" json:"pegawai_id"`
	NIP           string    `gorm:"column:nip" json:"nip"`
	Nama          string    `gorm:"column:nama" json:"nama"`
	OPDKode       string    `gorm:"column:opd_kode" json:"opd_kode"`
	PeriodDate    time.Time `gorm:"column:period" json:"bulan"`
	ClaimID       int64     `gorm:"column:claim_id" json:"klaim_dibayar"`
	PaidNet       int64     `gorm:"column:paid_net" json:"dibayar"`
	RecomputedNet int64     `gorm:"column:recomputed_net" json:"seharusnya"`
	Amount        int64     `gorm:"column:amount" json:"selisih"`
	// Remaining is what approved or paid claims have not yet settled.
	Remaining  int64     `gorm:"column:remaining" json:"sisa"`
	Cause      string    `gorm:"column:cause" json:"sebab"`
	Held       bool      `gorm:"column:held" json:"ditahan"`
	HoldReason string    `gorm:"column:hold_reason" json:"alasan_tahan"`
	CreatedAt  time.Time `gorm:"column:created_at" json:"dicatat"`
	ResultJSON string    `gorm:"column:result" json:"-"`
}

// Period is the paid month the difference is about.
func (x Selisih) Period() tpp.Period {
	return tpp.Period{Year: x.PeriodDate.Year(), Month: int(x.PeriodDate.Month())}
}

// Kind is "Kekurangan bayar" or "Kelebihan bayar".
func (x Selisih) Kind() string {
	if x.Amount > 0 {
		return "Kekurangan bayar"
	}
	return "Kelebihan bayar"
}

// Recomputed is the second computation (what should have been paid).
func (x Selisih) Recomputed() tpp.Result {
	var r tpp.Result
	_ = json.Unmarshal([]byte(x.ResultJSON), &r)
	return r
}

// selisihSelect reads differences (alias x) with what approved or paid
// claims have settled of them.
const selisihSelect = `SELECT x.id, x.pegawai_id, p.nip, p.nama, o.kode AS opd_kode, x.period, x.claim_id, x.paid_net, x.recomputed_net,
    x.amount, x.amount - coalesce((SELECT sum(u.amount) FROM tpp_selisih_pakai u JOIN tpp_claim c ON c.id = u.claim_id
        WHERE u.selisih_id = x.id AND c.status IN ('approved', 'paid')), 0) AS remaining,
    x.cause, x.held, x.hold_reason, x.created_at, x.result::text AS result
FROM tpp_selisih x JOIN pegawai p ON p.id = x.pegawai_id JOIN opd o ON o.id = x.opd_id`

func canSeeSelisih(a Actor) bool {
	return a.Role == auth.RoleVerifikator || a.Role == auth.RoleSuperadmin
}

// ListSelisih returns the differences of the regency (verifikator,
// superadmin): the open ones (something remains), or all of them.
func (s *Service) ListSelisih(ctx context.Context, a Actor, all bool) ([]Selisih, error) {
	if !canSeeSelisih(a) {
		return nil, apperr.ErrForbidden
	}
	var out []Selisih
	q := `SELECT * FROM (` + selisihSelect + `) s`
	if !all {
		q += ` WHERE s.remaining <> 0`
	}
	err := s.db.WithContext(ctx).Raw(q + ` ORDER BY s.period, s.opd_kode, s.nama, s.id`).Scan(&out).Error
	return out, err
}

// GetSelisih returns difference id (verifikator, superadmin).
func (s *Service) GetSelisih(ctx context.Context, a Actor, id int64) (Selisih, error) {
	if !canSeeSelisih(a) {
		return Selisih{}, apperr.ErrForbidden
	}
	var out []Selisih
	if err := s.db.WithContext(ctx).Raw(selisihSelect+` WHERE x.id = ?`, id).Scan(&out).Error; err != nil {
		return Selisih{}, err
	}
	if len(out) == 0 {
		return Selisih{}, fmt.Errorf("selisih %d: %w", id, apperr.ErrNotFound)
	}
	return out[0], nil
}

// HoldSelisih holds (hold) or releases a difference (verifikator): a held
// difference is not settled by any claim computed while it is held.
func (s *Service) HoldSelisih(ctx context.Context, a Actor, id int64, hold bool, reason string) (Selisih, error) {
	if a.Role != auth.RoleVerifikator {
		return Selisih{}, apperr.ErrForbidden
	}
	reason = strings.TrimSpace(reason)
	if hold && (utf8.RuneCountInString(reason) < 5 || utf8.RuneCountInString(reason) > 1000) {
		return Selisih{}, apperr.Invalid("alasan", "tuliskan alasan menahan selisih ini (5 sampai 1.000 huruf)")
	}
	if !hold {
		reason = ""
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec(`UPDATE tpp_selisih SET held = ?, hold_reason = ? WHERE id = ?`, hold, reason, id)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("selisih %d: %w", id, apperr.ErrNotFound)
		}
		action := "tpp.selisih_tahan"
		if !hold {
			action = "tpp.selisih_lepas"
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActorNIP: a.NIP, IP: a.IP, Action: action,
			ObjectType: "tpp_selisih", ObjectID: fmt.Sprint(id), Detail: map[string]any{"alasan": reason}})
	})
	if err != nil {
		return Selisih{}, err
	}
	return s.GetSelisih(ctx, a, id)
}

// RecomputePaid recomputes every employee a paid monthly claim paid, with
// the inputs as they are now and the rules the claim was paid with, and
// records each difference against what was paid (and what earlier
// differences of that month already said), with what changed as its cause.
// It returns the differences it recorded (verifikator).
func (s *Service) RecomputePaid(ctx context.Context, a Actor, claimID int64) ([]Selisih, error) {
	c, err := s.Get(ctx, a, claimID)
	if err != nil {
		return nil, err
	}
	if err := Allowed(a, c, Facts{}, ActSelisih); err != nil {
		return nil, err
	}
	if c.Special() {
		return nil, apperr.New(apperr.ErrConflict, "Selisih dihitung untuk klaim bulanan yang sudah dibayar.")
	}
	ids, err := s.recomputePaid(ctx, a, c, nil)
	if err != nil {
		return nil, err
	}
	out := make([]Selisih, 0, len(ids))
	for _, id := range ids {
		x, err := s.GetSelisih(ctx, a, id)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, nil
}

// recomputePaid records the differences of paid monthly claim c. With only
// nil it compares every employee the claim paid (and marks every queued
// change of the claim's employees and month done); otherwise only the
// employees in only, each difference linked to the change only names, and
// marks those changes done. It returns the new differences' ids.
func (s *Service) recomputePaid(ctx context.Context, a Actor, c Claim, only map[int64]pendingChange) ([]int64, error) {
	rs, err := ruleSetByID(ctx, s.db, c.RuleSetID)
	if err != nil {
		return nil, err
	}
	g, err := s.gather(ctx, s.db, Scope{OPDID: c.OPDID}, c.Period(), rs.Rules)
	if err != nil {
		return nil, err
	}
	now := map[int64]Employee{}
	for _, e := range g.Employees {
		now[e.PegawaiID] = e
	}
	var ids []int64
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// One recomputation of a claim at a time: the claim's row is locked.
		var locked []int64
		if err := tx.Raw(`SELECT id FROM tpp_claim WHERE id = ? FOR UPDATE`, c.ID).Scan(&locked).Error; err != nil {
			return err
		}
		var paid []struct {
			PegawaiID int64  `gorm:"column:pegawai_id"`
			Input     string `gorm:"column:input"`
			Earlier   int64  `gorm:"column:earlier"`
		}
		if err := tx.Raw(`SELECT r.pegawai_id, r.input::text AS input,
    coalesce((SELECT sum(x.amount) FROM tpp_selisih x WHERE x.claim_id = r.claim_id AND x.pegawai_id = r.pegawai_id), 0) AS earlier
FROM tpp_claim_pegawai r JOIN tpp_bayar_pegawai b ON b.claim_id = r.claim_id AND b.pegawai_id = r.pegawai_id
WHERE r.claim_id = ? ORDER BY r.nip`, c.ID).Scan(&paid).Error; err != nil {
			return err
		}
		for _, p := range paid {
			ch, queued := only[p.PegawaiID]
			if only != nil && !queued {
				continue
			}
			e, ok := now[p.PegawaiID]
			if !ok {
				continue
			}
			var old tpp.Input
			if err := json.Unmarshal([]byte(p.Input), &old); err != nil {
				return err
			}
			// Differences of other months the paid claim settled are not
			// this month's TPP: both computations leave them out.
			old.Adjustments = nil
			was, err := tpp.Calculate(rs.Rules, old)
			if err != nil {
				return fmt.Errorf("recompute paid %s: %w", old.NIP, err)
			}
			is, err := tpp.Calculate(rs.Rules, e.Input)
			if err != nil {
				continue // cannot be computed now: nothing to compare yet
			}
			amount := is.Net - was.Net - p.Earlier
			if amount == 0 {
				continue
			}
			in, _ := json.Marshal(e.Input)
			res, _ := json.Marshal(is)
			cause := fmt.Sprintf("%s: TPP bersih %s dihitung ulang %s (klaim %d dibayar %s). %s", c.Period().String(),
				tpp.Rupiah(was.Net), tpp.Rupiah(is.Net), c.ID, sp2dText(c), describeChange(old, e.Input))
			if queued {
				cause = fmt.Sprintf("%s (perubahan %d, %s). %s", ch.What, ch.ID, ch.At.UTC().Format(time.DateOnly), cause)
			}
			var got []int64
			if err := tx.Raw(`INSERT INTO tpp_selisih (pegawai_id, opd_id, period, claim_id, paid_net, recomputed_net, amount, cause, input, result, created_by, perubahan_id)
VALUES (?, ?, ?::date, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, NULLIF(?, 0), NULLIF(?, 0)) RETURNING id`,
				p.PegawaiID, c.OPDID, periodDate(c.Period()), c.ID, was.Net, is.Net, amount, cause, string(in), string(res), a.UserID, ch.ID).Scan(&got).Error; err != nil {
				return fmt.Errorf("record difference: %w", err)
			}
			ids = append(ids, got...)
		}
		// The queued changes this recomputation answers are done.
		done := tx.Exec(`UPDATE tpp_perubahan SET processed_at = now() WHERE processed_at IS NULL AND period = ?::date
    AND pegawai_id IN (SELECT pegawai_id FROM tpp_bayar_pegawai WHERE claim_id = ?)`, periodDate(c.Period()), c.ID)
		if only != nil {
			var chs intArray
			for _, ch := range only {
				for _, id := range ch.All {
					chs.add(id)
				}
			}
			done = tx.Exec(`UPDATE tpp_perubahan SET processed_at = now() WHERE processed_at IS NULL AND id = ANY(?::bigint[])`, chs.String())
		}
		if done.Error != nil {
			return fmt.Errorf("changes done: %w", done.Error)
		}
		action, detail := "tpp.selisih_hitung", map[string]any{"opd_id": c.OPDID, "bulan": periodText(c.Period()), "selisih_baru": len(ids)}
		if only != nil {
			action = "tpp.selisih_otomatis"
			var chs []int64
			for _, ch := range only {
				chs = append(chs, ch.All...)
			}
			detail["perubahan"] = chs
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActorNIP: a.NIP, IP: a.IP, Action: action,
			ObjectType: "tpp_claim", ObjectID: fmt.Sprint(c.ID), Detail: detail})
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// pendingChange is the queued changes (tpp_perubahan) of one employee and
// paid month: the latest names the difference.
type pendingChange struct {
	ID   int64
	What string
	At   time.Time
	All  []int64
}

// SettleChanges recomputes the paid months of the changes queued since
// (tpp_perubahan: a late hukdis, an attendance correction, a corrected
// rating of a paid month) and records their differences, each linked to
// its change; pegawai limits it to those employees (nil: all). Compute runs
// it for a monthly claim's employees before attaching their open
// differences, so the next claim always carries them. It returns how many
// differences it recorded.
func (s *Service) SettleChanges(ctx context.Context, a Actor, pegawai []int64) (int, error) {
	var rows []struct {
		ID        int64     `gorm:"column:id"`
		PegawaiID int64     `gorm:"column:pegawai_id"`
		ClaimID   int64     `gorm:"column:claim_id"`
		What      string    `gorm:"column:keterangan"`
		At        time.Time `gorm:"column:created_at"`
	}
	var ids intArray
	for _, p := range pegawai {
		ids.add(p)
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT ch.id, ch.pegawai_id, b.claim_id, ch.keterangan, ch.created_at FROM tpp_perubahan ch
JOIN tpp_bayar_pegawai b ON b.pegawai_id = ch.pegawai_id AND b.period = ch.period AND b.jenis = 'bulanan'
JOIN tpp_claim c ON c.id = b.claim_id AND c.status = 'paid'
WHERE ch.processed_at IS NULL AND (NOT ? OR ch.pegawai_id = ANY(?::bigint[]))
ORDER BY b.claim_id, ch.id`, pegawai != nil, ids.String()).Scan(&rows).Error; err != nil {
		return 0, fmt.Errorf("queued changes: %w", err)
	}
	byClaim := map[int64]map[int64]pendingChange{}
	var order []int64
	for _, r := range rows {
		m := byClaim[r.ClaimID]
		if m == nil {
			m = map[int64]pendingChange{}
			byClaim[r.ClaimID] = m
			order = append(order, r.ClaimID)
		}
		ch := m[r.PegawaiID]
		ch.ID, ch.What, ch.At, ch.All = r.ID, r.What, r.At, append(ch.All, r.ID)
		m[r.PegawaiID] = ch
	}
	n := 0
	for _, id := range order {
		c, err := s.get(ctx, s.db, id)
		if err != nil {
			return n, err
		}
		got, err := s.recomputePaid(ctx, a, c, byClaim[id])
		if err != nil {
			return n, err
		}
		n += len(got)
	}
	return n, nil
}

func sp2dText(c Claim) string {
	if c.SP2DNumber == "" {
		return "-"
	}
	return "SP2D " + c.SP2DNumber
}

// describeChange says what differs between the paid input and the input now.
func describeChange(was, is tpp.Input) string {
	var parts []string
	switch {
	case was.Hukdis == nil && is.Hukdis != nil:
		parts = append(parts, fmt.Sprintf("Hukuman disiplin %s dicatat sesudah dibayar (SK %s)", is.Hukdis.Kind, is.Hukdis.Decree))
	case was.Hukdis != nil && is.Hukdis == nil:
		parts = append(parts, "Hukuman disiplin dibatalkan sesudah dibayar")
	case was.Hukdis != nil && is.Hukdis != nil && *was.Hukdis != *is.Hukdis:
		parts = append(parts, fmt.Sprintf("Hukuman disiplin diubah dari %s menjadi %s", was.Hukdis.Kind, is.Hukdis.Kind))
	}
	if was.Attendance != is.Attendance {
		parts = append(parts, fmt.Sprintf("Koreksi kehadiran: TK %d menjadi %d, terlambat %v menjadi %v, pulang cepat %v menjadi %v, tanpa rekam %d menjadi %d",
			was.Attendance.TK, is.Attendance.TK, was.Attendance.TL, is.Attendance.TL, was.Attendance.PSW, is.Attendance.PSW,
			was.Attendance.MissingBoth, is.Attendance.MissingBoth))
	}
	if was.Predikat != is.Predikat {
		parts = append(parts, fmt.Sprintf("Predikat dikoreksi dari %s menjadi %s", was.Predikat, is.Predikat))
	}
	if was.ApprovedMinutes != is.ApprovedMinutes {
		parts = append(parts, fmt.Sprintf("Menit aktivitas disetujui %d menjadi %d", was.ApprovedMinutes, is.ApprovedMinutes))
	}
	wl, _ := json.Marshal(was.Leave)
	il, _ := json.Marshal(is.Leave)
	if string(wl) != string(il) {
		parts = append(parts, "Cuti bulan itu berubah")
	}
	ws, _ := json.Marshal(was.Segments)
	is2, _ := json.Marshal(is.Segments)
	if string(ws) != string(is2) || was.Status != is.Status || was.Golongan != is.Golongan {
		parts = append(parts, "Jabatan, status atau golongan bulan itu berubah")
	}
	if len(parts) == 0 {
		return "Masukan lain berubah."
	}
	return strings.Join(parts, "; ") + "."
}

// attachAdjustments gives every employee of a monthly claim the open,
// unheld differences of earlier months to settle this month.
func (s *Service) attachAdjustments(ctx context.Context, g *Gathered, run Run) error {
	if len(g.Employees) == 0 {
		return nil
	}
	var ids intArray
	for _, e := range g.Employees {
		ids.add(e.PegawaiID)
	}
	var open []Selisih
	if err := s.db.WithContext(ctx).Raw(`SELECT * FROM (`+selisihSelect+`
WHERE NOT x.held AND x.period < ?::date AND x.pegawai_id = ANY(?::bigint[])) s WHERE s.remaining <> 0 ORDER BY s.period, s.id`,
		periodDate(run.Period), ids.String()).Scan(&open).Error; err != nil {
		return fmt.Errorf("open differences: %w", err)
	}
	if len(open) == 0 {
		return nil
	}
	by := map[int64][]tpp.Adjustment{}
	for _, x := range open {
		by[x.PegawaiID] = append(by[x.PegawaiID], tpp.Adjustment{ID: x.ID, Period: x.Period(), Amount: x.Remaining, Cause: x.Cause})
	}
	for i := range g.Employees {
		g.Employees[i].Input.Adjustments = by[g.Employees[i].PegawaiID]
	}
	g.Notes = append(g.Notes, fmt.Sprintf("%d selisih bulan lalu (kekurangan/kelebihan bayar) diselesaikan di klaim ini; rinciannya di slip pegawai.", len(open)))
	return nil
}

// storeSettlements records what claim id settles of each difference.
func storeSettlements(tx *gorm.DB, id int64, comp []Computed) error {
	if err := tx.Exec(`DELETE FROM tpp_selisih_pakai WHERE claim_id = ?`, id).Error; err != nil {
		return fmt.Errorf("delete settlements: %w", err)
	}
	var sid, amt intArray
	n := 0
	for _, c := range comp {
		for _, ap := range c.Result.Applied {
			sid.add(ap.ID)
			amt.add(ap.Amount)
			n++
		}
	}
	if n == 0 {
		return nil
	}
	return tx.Exec(`INSERT INTO tpp_selisih_pakai (selisih_id, claim_id, amount) SELECT u.s, ?, u.a FROM unnest(?::bigint[], ?::bigint[]) AS u(s, a)`,
		id, sid.String(), amt.String()).Error
}

// checkSettlements is approval's check that what claim c settles is still
// open and not held: a difference settled meanwhile by another approved
// claim, or held since, needs a recomputation.
func checkSettlements(tx *gorm.DB, c Claim) error {
	var bad []string
	if err := tx.Raw(`SELECT p.nama FROM tpp_selisih_pakai u JOIN tpp_selisih x ON x.id = u.selisih_id JOIN pegawai p ON p.id = x.pegawai_id
WHERE u.claim_id = ? AND (x.held OR abs(u.amount) > abs(x.amount - coalesce((SELECT sum(o.amount) FROM tpp_selisih_pakai o JOIN tpp_claim oc ON oc.id = o.claim_id
    WHERE o.selisih_id = x.id AND o.claim_id <> u.claim_id AND oc.status IN ('approved', 'paid')), 0)))
ORDER BY p.nama LIMIT 5`, c.ID).Scan(&bad).Error; err != nil {
		return err
	}
	if len(bad) > 0 {
		return apperr.New(apperr.ErrConflict, "Selisih bayar pegawai berikut sudah diselesaikan klaim lain atau ditahan sesudah klaim ini dihitung: "+
			strings.Join(bad, ", ")+". Kembalikan klaim ini agar dihitung ulang.")
	}
	return nil
}

// SelisihListPage is one page of the regency's differences with the number
// of late changes still waiting to be recomputed.
type SelisihListPage struct {
	Items []Selisih
	// Pending counts the queued changes of paid months not yet recomputed.
	Pending int64
	// Filter is the page asked for (normalised); Total counts the
	// differences it filters, over every page.
	Filter SelisihFilter
	Total  int64
}

// SelisihFilter narrows and pages the differences page.
type SelisihFilter struct {
	// All shows the settled differences too (?semua=ya).
	All bool
	// Q is an NIP prefix, part of a name, or an OPD code (?q=).
	Q string
	// Page is 1-based (?hal=).
	Page int
}

// SelisihPerPage is how many differences one page shows.
const SelisihPerPage = 50

// Pages is the number of pages of the filtered list.
func (p SelisihListPage) Pages() int {
	return max(int((p.Total+SelisihPerPage-1)/SelisihPerPage), 1)
}

// selisihFiltered is the differences page's rows: open ones unless all,
// matching q (an NIP prefix, part of a name, an OPD code) when given.
const selisihFiltered = `FROM (` + selisihSelect + `) s
WHERE (? OR s.remaining <> 0) AND (? = '' OR s.nip LIKE ? || '%' OR s.nama ILIKE '%' || ? || '%' OR s.opd_kode ILIKE ?)`

// SelisihPage answers the differences page (verifikator, superadmin): one
// page of the filtered differences, in the order of ListSelisih.
func (s *Service) SelisihPage(ctx context.Context, a Actor, f SelisihFilter) (SelisihListPage, error) {
	if !canSeeSelisih(a) {
		return SelisihListPage{}, apperr.ErrForbidden
	}
	f.Q = strings.TrimSpace(f.Q)
	if len(f.Q) > 100 {
		f.Q = f.Q[:100]
	}
	f.Page = max(f.Page, 1)
	pg := SelisihListPage{Filter: f}
	like := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(f.Q)
	args := []any{f.All, f.Q, like, like, like}
	db := s.db.WithContext(ctx)
	if err := db.Raw(`SELECT count(*) `+selisihFiltered, args...).Scan(&pg.Total).Error; err != nil {
		return pg, fmt.Errorf("count selisih: %w", err)
	}
	if err := db.Raw(`SELECT s.* `+selisihFiltered+` ORDER BY s.period, s.opd_kode, s.nama, s.id LIMIT ? OFFSET ?`,
		append(args, SelisihPerPage, (f.Page-1)*SelisihPerPage)...).Scan(&pg.Items).Error; err != nil {
		return pg, fmt.Errorf("list selisih: %w", err)
	}
	err := db.Raw(`SELECT count(*) FROM tpp_perubahan ch WHERE ch.processed_at IS NULL AND EXISTS (
    SELECT 1 FROM tpp_bayar_pegawai b JOIN tpp_claim c ON c.id = b.claim_id AND c.status = 'paid'
    WHERE b.pegawai_id = ch.pegawai_id AND b.period = ch.period AND b.jenis = 'bulanan')`).Scan(&pg.Pending).Error
	return pg, err
}

// SettlePending recomputes now every late change still queued
// (verifikator), instead of waiting for the next monthly claim's
// computation; it returns how many differences it recorded.
func (s *Service) SettlePending(ctx context.Context, a Actor) (int, error) {
	if a.Role != auth.RoleVerifikator {
		return 0, apperr.ErrForbidden
	}
	return s.SettleChanges(ctx, a, nil)
}
