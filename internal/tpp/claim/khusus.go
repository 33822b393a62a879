package claim

import (
	"context"
	"errors"
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

// Khusus is one year's decision on the TPP paid with the THR or with the
// thirteenth salary (SPEC 4a): the basis month, the percentage, who is
// eligible and whether the basis month's deductions carry over.
type Khusus struct {
	ID    int64           `gorm:"column:id" json:"id"`
	Jenis tpp.SpecialKind `gorm:"column:jenis" json:"jenis"`
	Tahun int             `gorm:"column:tahun" json:"tahun"`
	// BulanDasar is the basis month (the first of it).
	BulanDasar time.Time       `gorm:"column:bulan_dasar" json:"bulan_dasar"`
	Persen     tpp.BasisPoints `gorm:"column:persen" json:"persen"`
	PNS        bool            `gorm:"column:pns" json:"pns"`
	CPNS       bool            `gorm:"column:cpns" json:"cpns"`
	PPPK       bool            `gorm:"column:pppk" json:"pppk"`
	// Cuti: employees on leave (other than annual leave) in the basis month are eligible.
	Cuti bool `gorm:"column:cuti" json:"cuti"`
	// Hukdis: employees under a disciplinary sanction in the basis month are eligible.
	Hukdis bool `gorm:"column:hukdis" json:"hukdis"`
	// DenganPotongan carries the basis month's deductions over.
	DenganPotongan bool   `gorm:"column:dengan_potongan" json:"dengan_potongan"`
	DasarHukum     string `gorm:"column:dasar_hukum" json:"dasar_hukum"`
	// Used is set once a claim has been computed from the decision (it is then frozen).
	Used bool `gorm:"column:used" json:"dipakai"`
}

// Period is the basis month.
func (k Khusus) Period() tpp.Period {
	return tpp.Period{Year: k.BulanDasar.Year(), Month: int(k.BulanDasar.Month())}
}

// Label is "THR 2026" or "Gaji ketiga belas 2026".
func (k Khusus) Label() string { return fmt.Sprintf("%s %d", k.Jenis.Label(), k.Tahun) }

// special is the engine's view of the decision.
func (k Khusus) special() *tpp.Special {
	return &tpp.Special{Kind: k.Jenis, Year: k.Tahun, Rate: k.Persen, WithDeductions: k.DenganPotongan, Decision: k.DasarHukum}
}

// eligible says why employee e is not eligible under k ("" when eligible).
func (k Khusus) eligible(e Employee) string {
	switch e.Input.Status {
	case tpp.StatusPNS:
		if !k.PNS {
			return "PNS"
		}
	case tpp.StatusCPNS:
		if !k.CPNS {
			return "CPNS"
		}
	case tpp.StatusPPPK:
		if !k.PPPK {
			return "PPPK"
		}
	}
	if !k.Cuti && len(e.Input.Leave) > 0 {
		return "sedang cuti pada bulan dasar"
	}
	if !k.Hukdis && e.Input.Hukdis != nil {
		return "menjalani hukuman disiplin pada bulan dasar"
	}
	return ""
}

const khususCols = `k.id, k.jenis, k.tahun, k.bulan_dasar, k.persen, k.pns, k.cpns, k.pppk, k.cuti, k.hukdis, k.dengan_potongan, k.dasar_hukum,
    EXISTS (SELECT 1 FROM tpp_claim c WHERE c.khusus_id = k.id AND c.inputs_digest <> '') AS used`

func (s *Service) khusus(ctx context.Context, db *gorm.DB, id int64) (Khusus, error) {
	var ks []Khusus
	if err := db.WithContext(ctx).Raw(`SELECT `+khususCols+` FROM tpp_khusus k WHERE k.id = ?`, id).Scan(&ks).Error; err != nil {
		return Khusus{}, fmt.Errorf("keputusan %d: %w", id, err)
	}
	if len(ks) == 0 {
		return Khusus{}, fmt.Errorf("keputusan %d: %w", id, apperr.ErrNotFound)
	}
	return ks[0], nil
}

// KhususByID returns decision id for the readers of claims.
func (s *Service) KhususByID(ctx context.Context, a Actor, id int64) (Khusus, error) {
	if !canReadClaims(a) {
		return Khusus{}, apperr.ErrForbidden
	}
	return s.khusus(ctx, s.db, id)
}

// FindKhusus returns the decision of kind jenis for year tahun.
func (s *Service) FindKhusus(ctx context.Context, jenis tpp.SpecialKind, tahun int) (Khusus, error) {
	var ks []Khusus
	if err := s.db.WithContext(ctx).Raw(`SELECT `+khususCols+` FROM tpp_khusus k WHERE k.jenis = ? AND k.tahun = ?`, string(jenis), tahun).Scan(&ks).Error; err != nil {
		return Khusus{}, err
	}
	if len(ks) == 0 {
		return Khusus{}, apperr.New(apperr.ErrNotFound, fmt.Sprintf("Belum ada keputusan %s tahun %d.", jenis.Label(), tahun))
	}
	return ks[0], nil
}

func canReadClaims(a Actor) bool {
	return a.Role == auth.RoleAdminOPD || a.Role == auth.RoleVerifikator || a.Role == auth.RoleSuperadmin
}

// ListKhusus returns every decision, newest year first.
func (s *Service) ListKhusus(ctx context.Context, a Actor) ([]Khusus, error) {
	if !canReadClaims(a) {
		return nil, apperr.ErrForbidden
	}
	var ks []Khusus
	err := s.db.WithContext(ctx).Raw(`SELECT ` + khususCols + ` FROM tpp_khusus k ORDER BY k.tahun DESC, k.jenis`).Scan(&ks).Error
	return ks, err
}

// KhususInput is a decision as the superadmin enters it.
type KhususInput struct {
	Jenis                                         string
	Tahun                                         int
	BulanDasar                                    tpp.Period
	Persen                                        tpp.BasisPoints
	PNS, CPNS, PPPK, Cuti, Hukdis, DenganPotongan bool
	DasarHukum                                    string
}

// SaveKhusus records (or, while no claim has been computed from it,
// changes) the decision of in.Jenis for in.Tahun (superadmin), audited.
func (s *Service) SaveKhusus(ctx context.Context, a Actor, in KhususInput) (Khusus, error) {
	if a.Role != auth.RoleSuperadmin {
		return Khusus{}, apperr.ErrForbidden
	}
	in.DasarHukum = strings.TrimSpace(in.DasarHukum)
	ve := &apperr.ValidationError{}
	if !tpp.SpecialKind(in.Jenis).Valid() {
		ve.Add("jenis", "pilih THR atau gaji ketiga belas")
	}
	if in.Tahun < 2000 || in.Tahun > 2999 {
		ve.Add("tahun", "tahun harus antara 2000 dan 2999")
	}
	if !in.BulanDasar.Valid() || in.BulanDasar.Year != in.Tahun {
		ve.Add("bulan_dasar", "bulan dasar harus bulan pada tahun keputusan (TTTT-BB)")
	}
	if in.Persen < 1 || in.Persen > tpp.Whole {
		ve.Add("persen", "persentase harus lebih dari 0% dan paling banyak 100% (satu bulan TPP)")
	}
	if !in.PNS && !in.CPNS && !in.PPPK {
		ve.Add("penerima", "pilih paling sedikit satu: PNS, CPNS atau PPPK")
	}
	if n := utf8.RuneCountInString(in.DasarHukum); n < 3 || n > 300 {
		ve.Add("dasar_hukum", "tuliskan dasar hukumnya, misalnya PP 14/2024 (3 sampai 300 huruf)")
	}
	if err := ve.OrNil(); err != nil {
		return Khusus{}, err
	}
	var id int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var cur []Khusus
		if err := tx.Raw(`SELECT `+khususCols+` FROM tpp_khusus k WHERE k.jenis = ? AND k.tahun = ? FOR UPDATE`, in.Jenis, in.Tahun).Scan(&cur).Error; err != nil {
			return err
		}
		args := []any{periodDate(in.BulanDasar), int(in.Persen), in.PNS, in.CPNS, in.PPPK, in.Cuti, in.Hukdis, in.DenganPotongan, in.DasarHukum}
		action := "tpp.khusus_catat"
		if len(cur) > 0 {
			if cur[0].Used {
				return apperr.New(apperr.ErrConflict, fmt.Sprintf("Keputusan %s sudah dipakai menghitung klaim dan tidak dapat diubah.", cur[0].Label()))
			}
			id = cur[0].ID
			action = "tpp.khusus_ubah"
			if err := tx.Exec(`UPDATE tpp_khusus SET bulan_dasar = ?::date, persen = ?, pns = ?, cpns = ?, pppk = ?, cuti = ?, hukdis = ?,
    dengan_potongan = ?, dasar_hukum = ?, updated_by = NULLIF(?, 0), updated_at = now() WHERE id = ?`, append(args, a.UserID, id)...).Error; err != nil {
				return fmt.Errorf("update decision: %w", err)
			}
		} else {
			var ids []int64
			if err := tx.Raw(`INSERT INTO tpp_khusus (jenis, tahun, bulan_dasar, persen, pns, cpns, pppk, cuti, hukdis, dengan_potongan, dasar_hukum, created_by, updated_by)
VALUES (?, ?, ?::date, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), NULLIF(?, 0)) RETURNING id`,
				append(append([]any{in.Jenis, in.Tahun}, args...), a.UserID, a.UserID)...).Scan(&ids).Error; err != nil {
				return fmt.Errorf("insert decision: %w", err)
			}
			if len(ids) == 0 {
				return errors.New("decision not stored")
			}
			id = ids[0]
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActorNIP: a.NIP, IP: a.IP, Action: action,
			ObjectType: "tpp_khusus", ObjectID: fmt.Sprint(id),
			Detail: map[string]any{"jenis": in.Jenis, "tahun": in.Tahun, "bulan_dasar": periodText(in.BulanDasar), "persen": int(in.Persen),
				"pns": in.PNS, "cpns": in.CPNS, "pppk": in.PPPK, "cuti": in.Cuti, "hukdis": in.Hukdis,
				"dengan_potongan": in.DenganPotongan, "dasar_hukum": in.DasarHukum}})
	})
	if err != nil {
		return Khusus{}, err
	}
	return s.khusus(ctx, s.db, id)
}

// KhususClaims lists the special claims of decision id the actor may see.
func (s *Service) KhususClaims(ctx context.Context, a Actor, id int64) ([]Claim, error) {
	q := claimSelect + ` WHERE c.khusus_id = ?`
	args := []any{id}
	clause, scope, ferr := opdFilter(a, "c.opd_id")
	if ferr != nil {
		return nil, ferr
	}
	q += clause
	args = append(args, scope...)
	var cs []Claim
	err := s.db.WithContext(ctx).Raw(q+` ORDER BY o.kode, c.susulan`, args...).Scan(&cs).Error
	return cs, err
}

// FindKhususClaim returns claim number susulan of decision k for the OPD
// with kode (for the command line).
func (s *Service) FindKhususClaim(ctx context.Context, k Khusus, kode string, susulan int) (Claim, error) {
	var cs []Claim
	if err := s.db.WithContext(ctx).Raw(claimSelect+` WHERE c.khusus_id = ? AND o.kode = ? AND c.susulan = ?`, k.ID, kode, susulan).Scan(&cs).Error; err != nil {
		return Claim{}, err
	}
	if len(cs) == 0 {
		return Claim{}, apperr.New(apperr.ErrNotFound, fmt.Sprintf("Belum ada klaim %s untuk %s.", k.Label(), kode))
	}
	return cs[0], nil
}

// BeginKhusus starts the computation of the special claim of decision
// khususID for opdID (made when missing): the same run marking, rules and
// workflow as a monthly claim, for the decision's basis month.
func (s *Service) BeginKhusus(ctx context.Context, a Actor, khususID, opdID int64) (Run, error) {
	if !canAct(a, opdID) || a.Role == auth.RoleSuperadmin {
		return Run{}, fmt.Errorf("compute opd %d: %w", opdID, apperr.ErrForbidden)
	}
	k, err := s.khusus(ctx, s.db, khususID)
	if err != nil {
		return Run{}, err
	}
	var opdCount int64
	if err := s.db.WithContext(ctx).Raw(`SELECT count(*) FROM opd WHERE id = ?`, opdID).Scan(&opdCount).Error; err != nil {
		return Run{}, err
	}
	if opdCount == 0 {
		return Run{}, fmt.Errorf("opd %d: %w", opdID, apperr.ErrNotFound)
	}
	p := k.Period()
	rs, err := ruleSetFor(ctx, s.db, p)
	if err != nil {
		return Run{}, err
	}
	return s.beginRun(ctx, a, opdID, p, rs, &k, func(tx *gorm.DB) (int64, error) {
		if err := tx.Exec(`INSERT INTO tpp_claim (opd_id, period, susulan, jenis, khusus_id, rule_set_id, rule_set_version, computed_by)
VALUES (?, ?::date, 0, ?, ?, ?, ?, NULLIF(?, 0)) ON CONFLICT (opd_id, period, jenis, susulan) DO NOTHING`,
			opdID, periodDate(p), string(k.Jenis), k.ID, rs.ID, rs.Version, a.UserID).Error; err != nil {
			return 0, fmt.Errorf("create special claim: %w", err)
		}
		var ids []int64
		if err := tx.Raw(`SELECT id FROM tpp_claim WHERE opd_id = ? AND period = ?::date AND jenis = ? AND susulan = 0`, opdID, periodDate(p), string(k.Jenis)).Scan(&ids).Error; err != nil {
			return 0, err
		}
		if len(ids) == 0 {
			return 0, errors.New("claim vanished")
		}
		return ids[0], nil
	})
}

// applyKhusus turns the gathered basis month into the special payment of
// k: the employees k does not make eligible are left out (counted in the
// claim's notes), every other one is computed as the special payment.
func applyKhusus(g *Gathered, k Khusus) {
	kept := g.Employees[:0]
	out := map[string]int{}
	var reasons []string
	for _, e := range g.Employees {
		if why := k.eligible(e); why != "" {
			if out[why] == 0 {
				reasons = append(reasons, why)
			}
			out[why]++
			continue
		}
		e.Input.Special = k.special()
		kept = append(kept, e)
	}
	g.Employees = kept
	g.Notes = append(g.Notes, fmt.Sprintf("%s: %s x TPP %s bulan dasar %s (%s).", k.Label(), tpp.FormatPercent(k.Persen),
		map[bool]string{true: "kotor setelah potongan", false: "dasar tanpa potongan"}[k.DenganPotongan], k.Period().String(), k.DasarHukum))
	for _, why := range reasons {
		g.Notes = append(g.Notes, fmt.Sprintf("%d pegawai tidak berhak menurut keputusan %s: %s.", out[why], k.Label(), why))
	}
}

// KhususEntry is one OPD with its special claims of a decision.
type KhususEntry struct {
	OPDID     int64   `gorm:"column:opd_id" json:"opd_id"`
	OPDKode   string  `gorm:"column:opd_kode" json:"opd_kode"`
	OPDNama   string  `gorm:"column:opd_nama" json:"opd_nama"`
	ClaimID   *int64  `gorm:"column:claim_id" json:"klaim_id"`
	Susulan   int     `gorm:"column:susulan" json:"susulan"`
	Status    *Status `gorm:"column:status" json:"status"`
	Employees int     `gorm:"column:employees" json:"pegawai"`
	TotalNet  int64   `gorm:"column:total_net" json:"total_bersih"`
}

// KhususEntries lists the OPDs the actor may see with their claims of decision id.
func (s *Service) KhususEntries(ctx context.Context, a Actor, id int64) ([]KhususEntry, error) {
	q := `SELECT o.id AS opd_id, o.kode AS opd_kode, o.nama AS opd_nama, c.id AS claim_id, coalesce(c.susulan, 0) AS susulan, c.status,
    coalesce(c.employees, 0) AS employees, coalesce(c.total_net, 0) AS total_net
FROM opd o LEFT JOIN tpp_claim c ON c.opd_id = o.id AND c.khusus_id = ?
WHERE o.aktif`
	args := []any{id}
	clause, scope, ferr := opdFilter(a, "o.id")
	if ferr != nil {
		return nil, ferr
	}
	q += clause
	args = append(args, scope...)
	var out []KhususEntry
	err := s.db.WithContext(ctx).Raw(q+` ORDER BY o.kode, c.susulan`, args...).Scan(&out).Error
	return out, err
}

// KhususTotal is the net of every special claim in entries.
// KhususPage is what the page of one THR / gaji 13 decision shows: the
// decision, its claims per OPD, their total, and whether this actor may
// start a computation from it (the rule BeginKhusus applies per OPD).
type KhususPage struct {
	Khusus     Khusus
	Entries    []KhususEntry
	Total      int64
	CanCompute bool
}

// KhususPage answers the decision page in one call.
func (s *Service) KhususPage(ctx context.Context, a Actor, id int64) (KhususPage, error) {
	k, err := s.KhususByID(ctx, a, id)
	if err != nil {
		return KhususPage{}, err
	}
	entries, err := s.KhususEntries(ctx, a, id)
	if err != nil {
		return KhususPage{}, err
	}
	return KhususPage{Khusus: k, Entries: entries, Total: KhususTotal(entries),
		CanCompute: a.Role == auth.RoleAdminOPD || a.Role == auth.RoleVerifikator}, nil
}

func KhususTotal(entries []KhususEntry) int64 {
	var t int64
	for _, e := range entries {
		t += e.TotalNet
	}
	return t
}
