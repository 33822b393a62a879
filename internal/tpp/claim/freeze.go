package claim

import (
	"encoding/json"
	"fmt"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
)

// A claim names the rule-set version it was computed with and the SHA-256 of
// those rules and its inputs (Digest). Both must keep meaning the same thing
// until the claim is paid: the version is frozen from the first computation
// that uses it (freezeRuleSet; SaveRuleSet refuses to edit it, and migration
// 0090 refuses it in the database whatever path an UPDATE comes by), and
// approval recomputes the digest from the stored rules and inputs
// (checkDigest), refusing a claim whose figures no longer follow from them.

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

// storedDigest recomputes the digest of claim c from what is stored now: the
// rules of its version and every employee's stored input.
func storedDigest(tx *gorm.DB, c Claim) (string, error) {
	rs, err := ruleSetByID(tx.Statement.Context, tx, c.RuleSetID)
	if err != nil {
		return "", err
	}
	var raw []string
	if err := tx.Raw(`SELECT input::text FROM tpp_claim_pegawai WHERE claim_id = ?`, c.ID).Scan(&raw).Error; err != nil {
		return "", fmt.Errorf("stored inputs: %w", err)
	}
	emps := make([]Employee, len(raw))
	for i, r := range raw {
		if err := json.Unmarshal([]byte(r), &emps[i].Input); err != nil {
			return "", fmt.Errorf("stored input: %w", err)
		}
	}
	return Digest(rs.Rules, emps)
}

// checkDigest refuses (ErrConflict) a claim whose stored rules and inputs no
// longer give its recorded digest: approving it would freeze figures that the
// rule set it names does not produce, and its continuity bundle would fail
// `tpp verify`.
func checkDigest(tx *gorm.DB, c Claim) error {
	d, err := storedDigest(tx, c)
	if err != nil {
		return err
	}
	if d != c.InputsDigest {
		return apperr.New(apperr.ErrConflict, fmt.Sprintf("Klaim ini tidak dapat disetujui: aturan TPP versi %d atau masukan klaim telah berubah "+
			"sejak dihitung (digest masukan tidak cocok). Kembalikan klaim ke admin OPD untuk dihitung ulang.", c.RuleSetVersion))
	}
	return nil
}
