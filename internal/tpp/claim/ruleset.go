package claim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/attendance"
	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/snapshot"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

// StoredRuleSet is one version of the rules as stored.
type StoredRuleSet struct {
	ID            int64     `gorm:"column:id"`
	Name          string    `gorm:"column:name"`
	Version       int       `gorm:"column:version"`
	EffectiveFrom time.Time `gorm:"column:effective_from"`
	Params        string    `gorm:"column:params"`
	CreatedAt     time.Time `gorm:"column:created_at"`
	Used          bool      `gorm:"column:used"`
	// Draft is a new version not yet saved: never the rules in force.
	Draft bool `gorm:"column:draft"`
	// Rules is Params decoded.
	Rules tpp.RuleSet `gorm:"-"`
}

func (r *StoredRuleSet) decode() error {
	if err := json.Unmarshal([]byte(r.Params), &r.Rules); err != nil {
		return fmt.Errorf("aturan TPP versi %d rusak: %w", r.Version, err)
	}
	// The row is the authority for the identity of the version.
	r.Rules.Name, r.Rules.Version = r.Name, r.Version
	r.Rules.EffectiveFrom = tpp.PeriodOf(r.EffectiveFrom)
	return nil
}

const ruleSetCols = `id, name, version, effective_from, params::text AS params, created_at, used, draft`

// RuleSets lists every version, newest first.
func (s *Service) RuleSets(ctx context.Context) ([]StoredRuleSet, error) {
	var rs []StoredRuleSet
	if err := s.db.WithContext(ctx).Raw(`SELECT ` + ruleSetCols + ` FROM tpp_rule_set ORDER BY version DESC`).Scan(&rs).Error; err != nil {
		return nil, fmt.Errorf("rule sets: %w", err)
	}
	for i := range rs {
		if err := rs[i].decode(); err != nil {
			return nil, err
		}
	}
	return rs, nil
}

// RuleSet returns one version by id.
func (s *Service) RuleSet(ctx context.Context, id int64) (StoredRuleSet, error) {
	return ruleSetByID(ctx, s.db, id)
}

func ruleSetByID(ctx context.Context, db *gorm.DB, id int64) (StoredRuleSet, error) {
	var rs []StoredRuleSet
	if err := db.WithContext(ctx).Raw(`SELECT `+ruleSetCols+` FROM tpp_rule_set WHERE id = ?`, id).Scan(&rs).Error; err != nil {
		return StoredRuleSet{}, fmt.Errorf("rule set: %w", err)
	}
	if len(rs) == 0 {
		return StoredRuleSet{}, fmt.Errorf("aturan TPP %d: %w", id, apperr.ErrNotFound)
	}
	return rs[0], rs[0].decode()
}

// RuleSetFor returns the rules in force for month p: the version with the
// latest effective-from month on or before p (the highest version among
// equals) whose effective-until, if any, has not passed. A draft version
// (made by NewRuleSetVersion, not yet saved) is never in force.
func (s *Service) RuleSetFor(ctx context.Context, p tpp.Period) (StoredRuleSet, error) {
	return ruleSetFor(ctx, s.db, p)
}

// ErrNoRuleSet answers a month no TPP rule set covers yet: its attendance
// cannot be judged (the TL/PSW bands come from the rule set), and the
// person is told what to do instead of being shown made-up numbers.
var ErrNoRuleSet = apperr.New(apperr.ErrConflict, "Belum ada aturan TPP yang berlaku untuk bulan ini, sehingga keterlambatan (TL) "+
	"dan pulang cepat (PSW) belum dapat dinilai. Super Admin perlu menetapkan aturan TPP untuk bulan ini di menu Aturan TPP.")

// AttendanceBands are the TL/PSW band edges of the rule set in force for
// month p, so the attendance pages judge exactly as the computation will.
// A month no rule set covers is ErrNoRuleSet; only a demo installation
// (demo true) judges it by the demo bands of SPEC §4.4 instead.
func (s *Service) AttendanceBands(ctx context.Context, p tpp.Period, demo bool) (attendance.Bands, error) {
	rs, err := s.RuleSetFor(ctx, p)
	if errors.Is(err, apperr.ErrNotFound) {
		if demo {
			return attendance.DemoBands(), nil
		}
		return attendance.Bands{}, ErrNoRuleSet
	}
	if err != nil {
		return attendance.Bands{}, err
	}
	b := rs.Rules.Disiplin.BandMinutes
	return attendance.Bands{Late: b, Early: b}, nil
}

// ruleSetKey is the request memo's key of the rule set in force for a month.
type ruleSetKey struct{ p tpp.Period }

// ruleSetFor is the rule set in force for p. A read request reads it once
// (the page's attendance bands and its estimate both need it); each call
// decodes its own copy of the rules from the row as read.
func ruleSetFor(ctx context.Context, db *gorm.DB, p tpp.Period) (StoredRuleSet, error) {
	rs, err := snapshot.Once(ctx, ruleSetKey{p}, func() ([]StoredRuleSet, error) {
		var rs []StoredRuleSet
		err := db.WithContext(ctx).Raw(`SELECT `+ruleSetCols+` FROM tpp_rule_set
WHERE NOT draft AND effective_from <= ?::date
  AND coalesce(nullif(params->>'effective_until', ''), '9999-12') >= ?
ORDER BY effective_from DESC, version DESC LIMIT 1`, periodDate(p), periodText(p)).Scan(&rs).Error
		return rs, err
	})
	if err != nil {
		return StoredRuleSet{}, fmt.Errorf("rule set for %s: %w", p, err)
	}
	if len(rs) == 0 {
		return StoredRuleSet{}, apperr.New(apperr.ErrNotFound, "Belum ada aturan TPP yang berlaku untuk "+p.String()+".")
	}
	r := rs[0] // a copy: decode fills its own Rules
	return r, r.decode()
}

// FrozenError is the ErrConflict refusing an edit of a frozen version.
func FrozenError(version int) error {
	return apperr.New(apperr.ErrConflict, fmt.Sprintf("Aturan TPP versi %d sudah dipakai untuk menghitung klaim dan dikunci: "+
		"mengubahnya akan mengubah arti klaim yang sudah dihitung. Pakai tombol \"Versi baru\" untuk membuat salinan yang dapat diubah.", version))
}

// SaveRuleSet stores edited rules for version id, in place, and puts a
// draft version in force. A version is
// frozen from the first computation that uses it (used = true): editing it
// is refused with ErrConflict (make a new version with NewRuleSetVersion);
// the database refuses it too (migration 0090). Validation errors come back
// as an *apperr.ValidationError keyed by the rule set's JSON field paths.
func (s *Service) SaveRuleSet(ctx context.Context, a Actor, id int64, rules tpp.RuleSet) (StoredRuleSet, error) {
	var out StoredRuleSet
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var cur []StoredRuleSet
		if err := tx.Raw(`SELECT `+ruleSetCols+` FROM tpp_rule_set WHERE id = ? FOR UPDATE`, id).Scan(&cur).Error; err != nil {
			return err
		}
		if len(cur) == 0 {
			return fmt.Errorf("aturan TPP %d: %w", id, apperr.ErrNotFound)
		}
		old := cur[0]
		if old.Used {
			return FrozenError(old.Version)
		}
		rules.Version = old.Version
		if err := rules.Validate(); err != nil {
			return err
		}
		params, err := json.Marshal(rules)
		if err != nil {
			return err
		}
		out.ID = id
		if err := tx.Exec(`UPDATE tpp_rule_set SET name = ?, effective_from = ?::date, params = ?::jsonb, draft = false WHERE id = ?`,
			rules.Name, periodDate(rules.EffectiveFrom), string(params), id).Error; err != nil {
			return fmt.Errorf("save rule set: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActorNIP: a.NIP, IP: a.IP, Action: "tpp.aturan_ubah",
			ObjectType: "tpp_rule_set", ObjectID: fmt.Sprint(out.ID),
			Detail: map[string]any{"versi": rules.Version, "nama": rules.Name, "berlaku_mulai": periodText(rules.EffectiveFrom), "dari_draf": old.Draft,
				"berlaku_sampai": untilText(rules.EffectiveUntil)}})
	})
	if err != nil {
		return StoredRuleSet{}, err
	}
	return ruleSetByID(ctx, s.db, out.ID)
}

// NewRuleSetVersion copies version id (frozen or not) into a new draft
// version with the next number, to be edited. A draft is never in force, so
// no computation uses a half-edited copy; saving it (SaveRuleSet) puts it in
// force: being the higher version, it is the rules for its months in claims
// computed or recomputed after that. Audited.
func (s *Service) NewRuleSetVersion(ctx context.Context, a Actor, id int64) (StoredRuleSet, error) {
	var newID int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// The table lock makes two copies at once get different numbers
		// rather than one of them failing on the UNIQUE version.
		if err := tx.Exec(`LOCK TABLE tpp_rule_set IN SHARE ROW EXCLUSIVE MODE`).Error; err != nil {
			return err
		}
		src, err := ruleSetByID(ctx, tx, id)
		if err != nil {
			return err
		}
		rules := src.Rules
		if err := tx.Raw(`SELECT coalesce(max(version), 0) + 1 FROM tpp_rule_set`).Scan(&rules.Version).Error; err != nil {
			return err
		}
		params, err := json.Marshal(rules)
		if err != nil {
			return err
		}
		if err := tx.Raw(`INSERT INTO tpp_rule_set (name, version, effective_from, params, created_by, draft)
VALUES (?, ?, ?::date, ?::jsonb, NULLIF(?, 0), true) RETURNING id`, rules.Name, rules.Version, periodDate(rules.EffectiveFrom), string(params), a.UserID).Scan(&newID).Error; err != nil {
			return fmt.Errorf("new rule set version: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActorNIP: a.NIP, IP: a.IP, Action: "tpp.aturan_versi_baru",
			ObjectType: "tpp_rule_set", ObjectID: fmt.Sprint(newID),
			Detail: map[string]any{"versi": rules.Version, "dari_versi": src.Version, "dari_id": src.ID, "nama": rules.Name}})
	})
	if err != nil {
		return StoredRuleSet{}, err
	}
	return ruleSetByID(ctx, s.db, newID)
}

// periodDate is the first day of p, as the database stores months.
func periodDate(p tpp.Period) string { return fmt.Sprintf("%04d-%02d-01", p.Year, p.Month) }

// untilText is an end month as "2026-12", or "" when open-ended.
func untilText(p tpp.Period) string {
	if p.IsZero() {
		return ""
	}
	return periodText(p)
}

// periodText is p as "2026-11".
func periodText(p tpp.Period) string { return fmt.Sprintf("%04d-%02d", p.Year, p.Month) }
