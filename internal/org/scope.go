package org

import (
	"fmt"

	"github.com/ekinerja/ekinerja/internal/apperr"
)

// Scope is how much of the organisation a caller may see or change: one OPD
// (an admin_opd) or everything (OPDID 0: verifikator, superadmin). The web
// layer derives it from the active role; every Store method that takes a
// Scope filters by it in SQL, so an ID from another OPD reads as not found.
type Scope struct {
	OPDID int64
}

// All is the scope of the whole regency.
var All = Scope{}

// ScopeOPD is the scope of one agency.
func ScopeOPD(id int64) Scope { return Scope{OPDID: id} }

// Allows reports whether the scope covers an agency.
func (s Scope) Allows(opdID int64) bool { return s.OPDID == 0 || s.OPDID == opdID }

// notFound is what an out-of-scope ID looks like: the same as a missing one,
// so an admin of one OPD learns nothing about another's employees.
func notFound(what string, id int64) error {
	return fmt.Errorf("%s %d: %w", what, id, apperr.ErrNotFound)
}
