package claim

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

// A claim names the rule-set version it was computed with and the SHA-256 of
// those rules and its inputs (Digest). Both must keep meaning the same thing
// until the claim is paid: the version is frozen from the first computation
// that uses it (freezeRuleSet; SaveRuleSet refuses to edit it, and migration
// 0090 refuses it in the database whatever path an UPDATE comes by), and
// approval recomputes the digest from the stored rules and inputs
// (checkInputs), refusing a claim whose figures no longer follow from them.

// freezeRuleSet marks rs used, inside the computation's transaction, after
// checking under the row's lock that it still holds the rules the inputs were
// gathered and computed with: an edit saved meanwhile either commits first
// (and this computation is refused, to be repeated) or waits on the lock and
// then finds the version frozen.
func freezeRuleSet(tx *gorm.DB, rs StoredRuleSet) error {
	var params []string
	if err := tx.Raw(`SELECT params::text FROM tpp_rule_set WHERE id = ? FOR UPDATE`, rs.ID).Scan(&params).Error; err != nil {
		return fmt.Errorf("lock rule set: %w", err)
	}
	if len(params) == 0 || params[0] != rs.Params {
		return apperr.New(apperr.ErrConflict, fmt.Sprintf("Aturan TPP versi %d diubah selama perhitungan; hitung ulang klaim.", rs.Version))
	}
	if err := tx.Exec(`UPDATE tpp_rule_set SET used = true WHERE id = ? AND NOT used`, rs.ID).Error; err != nil {
		return fmt.Errorf("freeze rule set: %w", err)
	}
	return nil
}

// storedInputs reads what claim c stores now: the rules of its version and
// every employee's stored input.
func storedInputs(tx *gorm.DB, c Claim) (tpp.RuleSet, []Employee, error) {
	rs, err := ruleSetByID(tx.Statement.Context, tx, c.RuleSetID)
	if err != nil {
		return tpp.RuleSet{}, nil, err
	}
	var raw []struct {
		PegawaiID int64  `gorm:"column:pegawai_id"`
		Input     string `gorm:"column:input"`
	}
	if err := tx.Raw(`SELECT pegawai_id, input::text AS input FROM tpp_claim_pegawai WHERE claim_id = ?`, c.ID).Scan(&raw).Error; err != nil {
		return tpp.RuleSet{}, nil, fmt.Errorf("stored inputs: %w", err)
	}
	emps := make([]Employee, len(raw))
	for i, r := range raw {
		emps[i].PegawaiID = r.PegawaiID
		if err := json.Unmarshal([]byte(r.Input), &emps[i].Input); err != nil {
			return tpp.RuleSet{}, nil, fmt.Errorf("stored input: %w", err)
		}
	}
	return rs.Rules, emps, nil
}

// storedDigest recomputes the digest of claim c from what is stored now.
func storedDigest(tx *gorm.DB, c Claim) (string, error) {
	rules, emps, err := storedInputs(tx, c)
	if err != nil {
		return "", err
	}
	return Digest(rules, emps)
}

// checkInputs is approval's check that the claim's figures still follow from
// what they were computed with. It refuses (ErrConflict) a claim whose stored
// rules and inputs no longer give its recorded digest (approving it would
// freeze figures the rule set it names does not produce, and its continuity
// bundle would fail `tpp verify`), and a claim computed with a predikat that
// the atasan has corrected since (SPEC 3: a correction counts until a claim
// using it is approved).
func (s *Service) checkInputs(tx *gorm.DB, c Claim) error {
	rules, emps, err := storedInputs(tx, c)
	if err != nil {
		return err
	}
	d, err := Digest(rules, emps)
	if err != nil {
		return err
	}
	if d != c.InputsDigest {
		return apperr.New(apperr.ErrConflict, fmt.Sprintf("Klaim ini tidak dapat disetujui: aturan TPP versi %d atau masukan klaim telah berubah "+
			"sejak dihitung (digest masukan tidak cocok). Kembalikan klaim ke admin OPD untuk dihitung ulang.", c.RuleSetVersion))
	}
	if s.kinerja == nil {
		return nil
	}
	p := c.Period()
	km, err := s.kinerja.MonthlySummaries(tx.Statement.Context, Scope{OPDID: c.OPDID}, p.Year, time.Month(p.Month))
	if err != nil {
		return fmt.Errorf("kinerja summaries: %w", err)
	}
	var changed []string
	for _, e := range emps {
		k, ok := km[e.PegawaiID]
		if !ok {
			continue // moved to another OPD since: not a correction
		}
		if now := predikatOf(k, true, rules.Produktivitas.Source()); now != e.Input.Predikat {
			changed = append(changed, e.Input.Name)
		}
	}
	if len(changed) > 0 {
		sort.Strings(changed)
		how := "dinilai atau dikoreksi atasan"
		if rules.Produktivitas.Source() == tpp.SumberEKinerjaBKN {
			how = "diimpor dari e-Kinerja BKN"
		}
		return apperr.New(apperr.ErrConflict, fmt.Sprintf("Klaim ini tidak dapat disetujui: predikat %d pegawai (%s) berubah (%s) sesudah klaim dihitung. "+
			"Kembalikan klaim ke admin OPD untuk dihitung ulang.", len(changed), strings.Join(changed[:min(len(changed), 5)], ", "), how))
	}
	return nil
}
