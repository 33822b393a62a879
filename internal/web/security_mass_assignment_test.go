package web

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// ownScope returns, per table, the rows a role may legitimately change
// through its own forms: a pegawai its own rows, an admin_opd its OPD's.
// Tables are classified by their columns, so tables added by other areas
// are covered without listing them.
func (h *harness) ownScope(role auth.Role, pegawaiID int64) map[string]string {
	h.t.Helper()
	var cols []struct {
		Table  string `gorm:"column:table_name"`
		Column string `gorm:"column:column_name"`
	}
	h.db.Raw(`SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'
AND column_name IN ('id', 'opd_id', 'pegawai_id', 'user_id')`).Scan(&cols)
	has := map[string]map[string]bool{}
	for _, c := range cols {
		if has[c.Table] == nil {
			has[c.Table] = map[string]bool{}
		}
		has[c.Table][c.Column] = true
	}
	var opdID int64
	h.db.Raw(`SELECT opd_id FROM pegawai WHERE id = ?`, pegawaiID).Scan(&opdID)
	mine := "(SELECT " + itoa(pegawaiID) + ")"
	if role == auth.RoleAdminOPD {
		mine = "(SELECT id FROM pegawai WHERE opd_id = " + itoa(opdID) + ")"
	}
	out := map[string]string{"pegawai": "id IN " + mine}
	if role == auth.RoleAdminOPD {
		out["opd"] = "id = " + itoa(opdID)
	}
	for tb, c := range has {
		switch {
		case tb == "pegawai" || tb == "opd":
		case c["pegawai_id"]:
			out[tb] = "pegawai_id IN " + mine
		case c["user_id"]:
			out[tb] = "user_id IN (SELECT id FROM users WHERE pegawai_id IN " + mine + ")"
		case c["opd_id"] && role == auth.RoleAdminOPD:
			out[tb] = "opd_id = " + itoa(opdID)
		}
	}
	// The notifications a legitimate change writes for others (the atasan
	// told of a submission) are part of that change, like its audit row;
	// refused requests are still checked (IDOR tests) to write none.
	out["notifikasi"], out["notifikasi_surel"] = "true", "true"
	// A child table without its own owner column (e.g. the realisation lines
	// of a monthly rating) belongs to whoever owns its parent row.
	var fks []struct {
		Child  string `gorm:"column:child"`
		Column string `gorm:"column:col"`
		Parent string `gorm:"column:parent"`
	}
	h.db.Raw(`SELECT cl.relname AS child, a.attname AS col, pl.relname AS parent
FROM pg_constraint k JOIN pg_class cl ON cl.oid = k.conrelid JOIN pg_class pl ON pl.oid = k.confrelid
JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
JOIN pg_namespace n ON n.oid = cl.relnamespace
WHERE k.contype = 'f' AND n.nspname = 'public' AND array_length(k.conkey, 1) = 1`).Scan(&fks)
	for _, fk := range fks {
		if _, done := out[fk.Child]; done {
			continue
		}
		if cond, ok := out[fk.Parent]; ok && fk.Parent != "pegawai" && fk.Parent != "opd" {
			out[fk.Child] = pgIdent(fk.Column) + " IN (SELECT id FROM " + pgIdent(fk.Parent) + " WHERE " + cond + ")"
		}
	}
	return out
}

// TestMassAssignmentChangesNothing posts every form a pegawai and an
// admin_opd see with extra fields an attacker would add (status=approved,
// another NIP or id, a role): no row outside the actor's own scope (its own
// rows; for admin_opd its OPD's) changes, and the actor's identity, OPD and
// roles stay as they were.
func TestMassAssignmentChangesNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	victim := login(t, auth.RoleSuperadmin)
	var victimPegawai, victimUser, otherOPD int64
	h.db.Raw(`SELECT pegawai_id FROM users WHERE nip = ?`, victim.NIP).Scan(&victimPegawai)
	h.db.Raw(`SELECT id FROM users WHERE nip = ?`, victim.NIP).Scan(&victimUser)
	h.db.Raw(`SELECT id FROM opd WHERE kode = 'BKPSDM'`).Scan(&otherOPD)
	extra := url.Values{
		"status": {"approved"}, "status_klaim": {"disetujui"}, "disetujui": {"true"}, "nilai": {"120"},
		"nip": {victim.NIP}, "pegawai_id": {itoa(victimPegawai)}, "user_id": {itoa(victimUser)}, "id": {itoa(victimPegawai)},
		"opd_id": {itoa(otherOPD)}, "role": {"superadmin"}, "peran": {"superadmin"}, "token_version": {"99"},
		"must_change_password": {"false"}, "disabled": {"false"}, "totp_enabled_at": {"2020-01-01"},
	}
	for _, role := range []auth.Role{auth.RolePegawai, auth.RoleAdminOPD} {
		me := login(t, role)
		var self struct {
			UserID    int64 `gorm:"column:user_id"`
			PegawaiID int64 `gorm:"column:pegawai_id"`
		}
		h.db.Raw(`SELECT id AS user_id, pegawai_id FROM users WHERE nip = ?`, me.NIP).Scan(&self)
		identity := func() string {
			var s string
			h.db.Raw(`SELECT p.nip || p.opd_id || p.status_asn || p.golongan || p.keadaan || u.nip || u.disabled ||
  coalesce((SELECT string_agg(role || coalesce(opd_id::text, ''), ',' ORDER BY role) FROM user_roles WHERE user_id = u.id), '')
FROM users u JOIN pegawai p ON p.id = u.pegawai_id WHERE u.id = ?`, self.UserID).Scan(&s)
			return s
		}
		c := h.as(role)
		except := h.ownScope(role, self.PegawaiID)
		// Between two forms nothing writes (identity and the fingerprint only
		// read), so one form's "after" is the next one's "before".
		beforeID, beforeDB := identity(), h.dbFingerprint(except)
		for _, f := range formsOf(h, crawlPages(t, h, c, role, 200)) {
			if f.method != http.MethodPost || sessionEnding(f) {
				continue
			}
			values := f.fill("isian biasa")
			for k, v := range extra {
				if values.Get(k) == "" {
					values[k] = v
				}
			}
			res := c.submitAs(role, f, values)
			if res.status >= 500 {
				t.Errorf("%s POST %s: status %d", role, f.action, res.status)
			}
			if identity() != beforeID {
				t.Errorf("%s POST %s with extra fields changed the actor's identity or roles", role, f.action)
			}
			after := h.dbFingerprint(except)
			for tb, sum := range beforeDB {
				if after[tb] != sum {
					t.Errorf("%s POST %s with extra fields changed table %s", role, f.action, tb)
				}
			}
			beforeDB = after
		}
	}
}
