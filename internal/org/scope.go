package org

import (
	"fmt"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
)

// Scope is how much of the organisation a caller may see or change: one OPD
// (an admin_opd) or everything (OPDID 0: verifikator, superadmin). ScopeOf
// derives it from the active role; every Store method that takes a
// Scope filters by it in SQL, so an ID from another OPD reads as not found.
type Scope struct {
	OPDID int64
}

// All is the scope of the whole regency.
var All = Scope{}

// ScopeOPD is the scope of one agency.
func ScopeOPD(id int64) Scope { return Scope{OPDID: id} }

// ScopeOf is how much of the organisation grant g reaches: its agency for
// an admin_opd, the regency for a verifikator or superadmin. Any other role
// gets a scope that matches no agency at all, so a route table mistake
// still leaks nothing.
func ScopeOf(g auth.Grant) Scope {
	switch g.Role.Scope() {
	case auth.ScopeOPD:
		return ScopeOPD(g.OPDID)
	case auth.ScopeAll:
		return All
	}
	return Scope{OPDID: -1}
}

// CanEdit reports whether role r may change organisation data (agencies'
// units, positions, employees): an admin_opd in their agency, a superadmin.
func CanEdit(r auth.Role) bool { return r == auth.RoleAdminOPD || r == auth.RoleSuperadmin }

// CanAdmin reports whether role r may administer the regency's agencies and
// accounts (create an OPD, give an employee an account): a superadmin.
func CanAdmin(r auth.Role) bool { return r == auth.RoleSuperadmin }

// ImportKindsFor lists the kinds role r may import: agencies and their
// units are the superadmin's.
func ImportKindsFor(r auth.Role) []ImportKind {
	if CanAdmin(r) {
		return []ImportKind{ImportOPD, ImportJabatan, ImportPegawai}
	}
	return []ImportKind{ImportJabatan, ImportPegawai}
}

// Allows reports whether the scope covers an agency.
func (s Scope) Allows(opdID int64) bool { return s.OPDID == 0 || s.OPDID == opdID }

// notFound is what an out-of-scope ID looks like: the same as a missing one,
// so an admin of one OPD learns nothing about another's employees.
func notFound(what string, id int64) error {
	return fmt.Errorf("%s %d: %w", what, id, apperr.ErrNotFound)
}

// sqlIn is the scope as a SQL condition on col, with its arguments: "TRUE"
// for the whole regency, "col = ?" for one agency. The agency is a condition
// of its own, not "(? = 0 OR col = ?)": a prepared statement's generic plan
// cannot use col's index for that and reads every agency's rows.
func (s Scope) sqlIn(col string) (string, []any) {
	if s.OPDID == 0 {
		return "TRUE", nil
	}
	return col + " = ?", []any{s.OPDID}
}
