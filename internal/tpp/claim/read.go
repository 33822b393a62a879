package claim

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/snapshot"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

const claimSelect = `SELECT c.id, c.opd_id, o.kode AS opd_kode, o.nama AS opd_nama, c.period, c.susulan, c.jenis, c.khusus_id, c.status, c.rule_set_id,
    c.rule_set_version, r.name AS rule_set_name, c.inputs_digest, c.employees, c.total_base, c.total_gross, c.total_pph21,
    c.total_bpjs, c.total_net, c.warnings::text AS warnings, c.computed_at, c.submitted_at, c.verified_at, c.return_note,
    c.approved_at, c.reopen_reason, c.paid_date, c.sp2d_number, c.paid_at,
    h.total_payable, h.held, h.total_held, coalesce(pg.amount, -1) AS pagu, pu.used AS pagu_used
FROM tpp_claim c CROSS JOIN LATERAL (
    SELECT coalesce(sum(r.net) FILTER (WHERE r.error = '' AND (r.net = 0 OR r.bank_rekening <> '')), 0) AS total_payable,
           count(*) FILTER (WHERE r.error <> '' OR (r.net > 0 AND r.bank_rekening = '')) AS held,
           coalesce(sum(r.net) FILTER (WHERE r.error = '' AND r.net > 0 AND r.bank_rekening = ''), 0) AS total_held
    FROM tpp_claim_pegawai r WHERE r.claim_id = c.id) h JOIN opd o ON o.id = c.opd_id JOIN tpp_rule_set r ON r.id = c.rule_set_id
LEFT JOIN LATERAL (SELECT tp.amount FROM tpp_pagu tp WHERE tp.opd_id = c.opd_id AND tp.tahun = extract(year FROM c.period) ORDER BY tp.id DESC LIMIT 1) pg ON true
CROSS JOIN LATERAL (SELECT coalesce(sum(bp.amount), 0) AS used FROM tpp_bayar_pegawai bp
    WHERE bp.opd_id = c.opd_id AND bp.period >= date_trunc('year', c.period)::date AND bp.period < (date_trunc('year', c.period) + interval '1 year')::date
      AND bp.claim_id <> c.id) pu`

func (s *Service) get(ctx context.Context, db *gorm.DB, id int64) (Claim, error) {
	var cs []Claim
	if err := db.WithContext(ctx).Raw(claimSelect+` WHERE c.id = ?`, id).Scan(&cs).Error; err != nil {
		return Claim{}, fmt.Errorf("claim %d: %w", id, err)
	}
	if len(cs) == 0 {
		return Claim{}, fmt.Errorf("klaim %d: %w", id, apperr.ErrNotFound)
	}
	return cs[0], nil
}

// Warnings returns the claim-wide warnings.
func (c Claim) Warnings() []string {
	var w []string
	_ = json.Unmarshal([]byte(c.WarningsJSON), &w)
	return w
}

// Get returns claim id if a may see it: verifikator and superadmin all,
// admin_opd its own OPD's. Others get ErrNotFound, so ids reveal nothing.
func (s *Service) Get(ctx context.Context, a Actor, id int64) (Claim, error) {
	c, err := s.get(ctx, s.db, id)
	if err != nil {
		return Claim{}, err
	}
	if !canAct(a, c.OPDID) {
		return Claim{}, fmt.Errorf("klaim %d: %w", id, apperr.ErrNotFound)
	}
	return c, nil
}

// Find returns the claim of opdID for month p, or ErrNotFound.
func (s *Service) Find(ctx context.Context, a Actor, opdID int64, p tpp.Period) (Claim, error) {
	if !canAct(a, opdID) {
		return Claim{}, fmt.Errorf("opd %d: %w", opdID, apperr.ErrForbidden)
	}
	var cs []Claim
	if err := s.db.WithContext(ctx).Raw(claimSelect+` WHERE c.opd_id = ? AND c.period = ?::date AND c.susulan = 0 AND c.jenis = 'bulanan'`, opdID, periodDate(p)).Scan(&cs).Error; err != nil {
		return Claim{}, err
	}
	if len(cs) == 0 {
		return Claim{}, fmt.Errorf("klaim: %w", apperr.ErrNotFound)
	}
	return cs[0], nil
}

// FindByKode returns the monthly claim of the OPD with kode for month p (for
// the command line, which acts as the verifikator).
func (s *Service) FindByKode(ctx context.Context, kode string, p tpp.Period) (Claim, error) {
	return s.FindSusulanByKode(ctx, kode, p, 0)
}

// FindSusulanByKode returns claim number susulan (0: the monthly claim) of
// the OPD with kode for month p.
func (s *Service) FindSusulanByKode(ctx context.Context, kode string, p tpp.Period, susulan int) (Claim, error) {
	var cs []Claim
	if err := s.db.WithContext(ctx).Raw(claimSelect+` WHERE o.kode = ? AND c.period = ?::date AND c.susulan = ? AND c.jenis = 'bulanan'`, kode, periodDate(p), susulan).Scan(&cs).Error; err != nil {
		return Claim{}, err
	}
	if len(cs) == 0 {
		what := "klaim TPP"
		if susulan > 0 {
			what = fmt.Sprintf("klaim susulan ke-%d", susulan)
		}
		return Claim{}, apperr.New(apperr.ErrNotFound, "Belum ada "+what+" "+kode+" untuk "+p.String()+".")
	}
	return cs[0], nil
}

// OPDIDByKode returns the id of the OPD with kode.
func (s *Service) OPDIDByKode(ctx context.Context, kode string) (int64, error) {
	var ids []int64
	if err := s.db.WithContext(ctx).Raw(`SELECT id FROM opd WHERE kode = ?`, kode).Scan(&ids).Error; err != nil {
		return 0, err
	}
	if len(ids) == 0 {
		return 0, apperr.New(apperr.ErrNotFound, "OPD dengan kode "+kode+" tidak ditemukan.")
	}
	return ids[0], nil
}

// rowSelect reads claim rows (alias r) with whether the claim pays them.
const rowSelect = `SELECT r.claim_id, r.pegawai_id, r.nip, r.nama, r.jabatan, r.kelas, r.status_asn, r.golongan, r.bank_nama,
    r.bank_rekening, r.bank_atas_nama, r.base, r.produktivitas, r.disiplin, r.hukdis, r.gross, r.pph21, r.pph21_withheld,
    r.bpjs, r.bpjs_pemda, r.net, r.warnings, r.error,
    b.pegawai_id IS NOT NULL AS settled, (b.pegawai_id IS NOT NULL AND c.status = 'paid') AS paid
FROM tpp_claim_pegawai r JOIN tpp_claim c ON c.id = r.claim_id
LEFT JOIN tpp_bayar_pegawai b ON b.claim_id = r.claim_id AND b.pegawai_id = r.pegawai_id`

// Rows returns the employees of a claim the actor may see, highest kelas first.
func (s *Service) Rows(ctx context.Context, claimID int64) ([]Row, error) {
	rows, err := s.scanRows(ctx, rowSelect+` WHERE r.claim_id = ? ORDER BY r.kelas DESC, r.nama, r.nip`, claimID)
	if err != nil {
		return nil, fmt.Errorf("claim rows: %w", err)
	}
	return rows, nil
}

// scanRows runs a rowSelect query and scans its columns one by one, in
// rowSelect's order: a claim page reads a whole OPD's rows on every view,
// and GORM's reflection was most of that page's CPU.
func (s *Service) scanRows(ctx context.Context, q string, args ...any) ([]Row, error) {
	rs, err := s.db.WithContext(ctx).Raw(q, args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	out := []Row{} // never nil: an empty list is [] in the API, as GORM's Scan gave
	for rs.Next() {
		var r Row
		if err := rs.Scan(&r.ClaimID, &r.PegawaiID, &r.NIP, &r.Nama, &r.Jabatan, &r.Kelas, &r.StatusASN, &r.Golongan, &r.BankNama,
			&r.BankRekening, &r.BankAtasNama, &r.Base, &r.Produktivitas, &r.Disiplin, &r.Hukdis, &r.Gross, &r.PPh21, &r.PPh21Withheld,
			&r.BPJS, &r.BPJSPemda, &r.Net, &r.Warnings, &r.Error, &r.Settled, &r.Paid); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rs.Err()
}

// WarningList splits the row's warnings.
func (r Row) WarningList() []string {
	if r.Warnings == "" {
		return nil
	}
	return strings.Split(r.Warnings, "\n")
}

// Slip is one employee's result in one claim with every line.
type Slip struct {
	Claim Claim
	Row   Row
	Lines []tpp.Line
	Input tpp.Input
}

// Slip returns employee pegawaiID's result in claim id. A pegawai (or anyone
// acting for themselves) sees only their own slip; admin_opd the slips of
// its OPD; verifikator and superadmin every slip.
func (s *Service) Slip(ctx context.Context, a Actor, claimID, pegawaiID int64) (Slip, error) {
	c, err := s.get(ctx, s.db, claimID)
	if err != nil {
		return Slip{}, err
	}
	if pegawaiID != a.PegawaiID && !canAct(a, c.OPDID) {
		return Slip{}, fmt.Errorf("slip: %w", apperr.ErrNotFound)
	}
	rows, err := s.scanRows(ctx, rowSelect+` WHERE r.claim_id = ? AND r.pegawai_id = ?`, claimID, pegawaiID)
	if err != nil {
		return Slip{}, err
	}
	if len(rows) == 0 {
		return Slip{}, fmt.Errorf("slip: %w", apperr.ErrNotFound)
	}
	var lines []struct {
		Code   string `gorm:"column:code"`
		Kind   string `gorm:"column:kind"`
		Label  string `gorm:"column:label"`
		Reason string `gorm:"column:reason"`
		Count  int64  `gorm:"column:count"`
		Rate   int64  `gorm:"column:rate"`
		Basis  int64  `gorm:"column:basis"`
		Amount int64  `gorm:"column:amount"`
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT code, kind, label, reason, count, rate, basis, amount FROM tpp_claim_line
WHERE claim_id = ? AND pegawai_id = ? ORDER BY seq`, claimID, pegawaiID).Scan(&lines).Error; err != nil {
		return Slip{}, err
	}
	var input string
	if err := s.db.WithContext(ctx).Raw(`SELECT input::text FROM tpp_claim_pegawai WHERE claim_id = ? AND pegawai_id = ?`, claimID, pegawaiID).Scan(&input).Error; err != nil {
		return Slip{}, err
	}
	sl := Slip{Claim: c, Row: rows[0]}
	_ = json.Unmarshal([]byte(input), &sl.Input)
	for _, l := range lines {
		sl.Lines = append(sl.Lines, tpp.Line{Code: l.Code, Kind: tpp.LineKind(l.Kind), Label: l.Label, Reason: l.Reason,
			Count: l.Count, Rate: tpp.BasisPoints(l.Rate), Basis: l.Basis, Amount: l.Amount})
	}
	return sl, nil
}

// HistoryItem is one month of an employee's TPP.
type HistoryItem struct {
	ClaimID    int64     `gorm:"column:claim_id"`
	PeriodDate time.Time `gorm:"column:period"`
	OPDNama    string    `gorm:"column:opd_nama"`
	Susulan    int       `gorm:"column:susulan"`
	Jenis      string    `gorm:"column:jenis"`
	Status     Status    `gorm:"column:status"`
	Gross      int64     `gorm:"column:gross"`
	Net        int64     `gorm:"column:net"`
	// Held is set when the claim holds the employee out (ditangguhkan).
	Held bool `gorm:"column:held"`
	// The employee's figures in the claim (for the history's download): NIP
	// and account as the claim froze them, each money column.
	NIP           string `gorm:"column:nip"`
	BankNama      string `gorm:"column:bank_nama"`
	BankRekening  string `gorm:"column:bank_rekening"`
	Base          int64  `gorm:"column:base"`
	Produktivitas int64  `gorm:"column:produktivitas"`
	Disiplin      int64  `gorm:"column:disiplin"`
	Hukdis        int64  `gorm:"column:hukdis"`
	PPh21         int64  `gorm:"column:pph21"`
	PPh21Withheld bool   `gorm:"column:pph21_withheld"`
	BPJS          int64  `gorm:"column:bpjs"`
}

// Kind names the item's claim, as Claim.Kind.
func (h HistoryItem) Kind() string {
	return Claim{Jenis: h.Jenis, Susulan: h.Susulan, PeriodDate: h.PeriodDate}.Kind()
}

// Money is the item's money columns, in the order of NominatifColumns.
func (h HistoryItem) Money() []int64 {
	return Row{Base: h.Base, Produktivitas: h.Produktivitas, Disiplin: h.Disiplin, Hukdis: h.Hukdis, Gross: h.Gross,
		PPh21: h.PPh21, PPh21Withheld: h.PPh21Withheld, BPJS: h.BPJS, Net: h.Net}.money()
}

// Period returns the item's month.
func (h HistoryItem) Period() tpp.Period {
	return tpp.PeriodOf(h.PeriodDate)
}

// History returns every claim row of pegawaiID, newest month first.
func (s *Service) History(ctx context.Context, pegawaiID int64) ([]HistoryItem, error) {
	var hs []HistoryItem
	err := s.db.WithContext(ctx).Raw(`SELECT c.id AS claim_id, c.period, c.susulan, c.jenis, o.nama AS opd_nama, c.status, r.gross, r.net,
    (r.error <> '' OR (r.net > 0 AND r.bank_rekening = '')) AS held, r.nip, r.bank_nama, r.bank_rekening,
    r.base, r.produktivitas, r.disiplin, r.hukdis, r.pph21, r.pph21_withheld, r.bpjs
FROM tpp_claim_pegawai r JOIN tpp_claim c ON c.id = r.claim_id JOIN opd o ON o.id = c.opd_id
WHERE r.pegawai_id = ? ORDER BY c.period DESC, c.id DESC`, pegawaiID).Scan(&hs).Error
	return hs, err
}

// MonthEntry is one OPD in the month overview, with its claim if any.
type MonthEntry struct {
	OPDID   int64  `gorm:"column:opd_id"`
	OPDKode string `gorm:"column:opd_kode"`
	OPDNama string `gorm:"column:opd_nama"`
	ClaimID *int64 `gorm:"column:claim_id"`
	// Susulan is 0 for the monthly claim, n for the n-th supplementary claim.
	Susulan   int     `gorm:"column:susulan"`
	Jenis     string  `gorm:"column:jenis"`
	Status    *Status `gorm:"column:status"`
	Employees int     `gorm:"column:employees"`
	TotalNet  int64   `gorm:"column:total_net"`
	Gross     int64   `gorm:"column:total_gross"`
	Warnings  int     `gorm:"column:warnings"`
}

// Kind names the entry's claim in month p, as Claim.Kind.
func (e MonthEntry) Kind(p tpp.Period) string {
	return Claim{Jenis: e.Jenis, Susulan: e.Susulan, PeriodDate: p.First()}.Kind()
}

// MonthPage is one month's claims as the month page shows them: one entry
// per OPD the actor sees, their total net, whether the actor may start a
// computation, and how many claims wait for the actor's step.
type MonthPage struct {
	Period  tpp.Period
	Entries []MonthEntry
	// TotalNet sums the entries' net TPP (rupiah).
	TotalNet   int64
	CanCompute bool
	// ToDo counts the entries whose next money step is the actor's: for an
	// admin_opd claims to compute and submit, for a verifikator claims to
	// verify, approve or pay.
	ToDo int64
}

// MonthPage loads month p for actor a with its totals and to-dos.
func (s *Service) MonthPage(ctx context.Context, a Actor, p tpp.Period) (MonthPage, error) {
	entries, err := s.Month(ctx, a, p)
	if err != nil {
		return MonthPage{}, err
	}
	mp := MonthPage{Period: p, Entries: entries, CanCompute: slices.Contains(actionRules[ActCompute].roles, a.Role)}
	for _, e := range entries {
		mp.TotalNet += e.TotalNet
		if waitsFor(a, e.Status) {
			mp.ToDo++
		}
	}
	return mp, nil
}

// waitsFor reports whether a claim in status st (nil: not computed yet)
// waits for a money step actor a may take, by the one table actionRules.
func waitsFor(a Actor, st *Status) bool {
	for _, x := range Actions {
		r := actionRules[x]
		if !x.MoneyStep() || !slices.Contains(r.roles, a.Role) {
			continue
		}
		if (st == nil && x == ActSubmit) || (st != nil && slices.Contains(r.from, *st)) {
			return true
		}
	}
	return false
}

// Month lists the OPDs the actor may see with their claim for month p.
func (s *Service) Month(ctx context.Context, a Actor, p tpp.Period) ([]MonthEntry, error) {
	q := `SELECT o.id AS opd_id, o.kode AS opd_kode, o.nama AS opd_nama, c.id AS claim_id, coalesce(c.susulan, 0) AS susulan, coalesce(c.jenis, 'bulanan') AS jenis, c.status,
    coalesce(c.employees, 0) AS employees, coalesce(c.total_net, 0) AS total_net, coalesce(c.total_gross, 0) AS total_gross,
    coalesce(jsonb_array_length(c.warnings), 0) AS warnings
FROM opd o LEFT JOIN tpp_claim c ON c.opd_id = o.id AND c.period = ?::date
WHERE o.aktif`
	args := []any{periodDate(p)}
	clause, scope, ferr := opdFilter(a, "o.id")
	if ferr != nil {
		return nil, ferr
	}
	q += clause
	args = append(args, scope...)
	// A home page asks twice (its to-do count and its pipeline chart): a
	// read request reads the month once.
	out, err := snapshot.Once(ctx, monthKey{a.Role, a.OPDID, p}, func() ([]MonthEntry, error) {
		var out []MonthEntry
		err := s.db.WithContext(ctx).Raw(q+` ORDER BY o.kode, c.jenis, c.susulan`, args...).Scan(&out).Error
		return out, err
	})
	return slices.Clone(out), err
}

// monthKey is the request memo's key of Month: the actor's scope and the month.
type monthKey struct {
	role  auth.Role
	opdID int64
	p     tpp.Period
}
