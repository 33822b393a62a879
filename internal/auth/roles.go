package auth

import (
	"slices"
	"strconv"
)

// Role is what a person may do; a person holds one or more.
type Role string

// The roles of SPEC section 2.
const (
	RolePegawai     Role = "pegawai"
	RoleAtasan      Role = "atasan"
	RoleAdminOPD    Role = "admin_opd"
	RoleVerifikator Role = "verifikator"
	RoleSuperadmin  Role = "superadmin"
)

// AllRoles lists every role, from the narrowest scope to the widest.
var AllRoles = []Role{RolePegawai, RoleAtasan, RoleAdminOPD, RoleVerifikator, RoleSuperadmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(AllRoles, r) }

// Label is the role's name as people read it.
func (r Role) Label() string {
	switch r {
	case RolePegawai:
		return "Pegawai"
	case RoleAtasan:
		return "Atasan"
	case RoleAdminOPD:
		return "Admin OPD"
	case RoleVerifikator:
		return "Verifikator BKPSDM"
	case RoleSuperadmin:
		return "Super Admin"
	}
	return string(r)
}

// Scope is how far a role reaches.
type Scope string

// The scopes of SPEC section 2.
const (
	ScopeSelf         Scope = "self"
	ScopeSubordinates Scope = "subordinates"
	ScopeOPD          Scope = "opd"
	ScopeAll          Scope = "all"
)

// Scope returns how far r reaches.
func (r Role) Scope() Scope {
	switch r {
	case RoleAtasan:
		return ScopeSubordinates
	case RoleAdminOPD:
		return ScopeOPD
	case RoleVerifikator, RoleSuperadmin:
		return ScopeAll
	}
	return ScopeSelf
}

// Grant is one role held, with its OPD for admin_opd.
type Grant struct {
	Role  Role
	OPDID int64
}

// Principal is the authenticated person behind a request.
type Principal struct {
	UserID    int64
	PegawaiID int64
	NIP       string
	Nama      string
	OPDID     int64
	Grants    []Grant
	// OPDNames are the short names of the agencies of Grants, loaded with them.
	OPDNames           map[int64]string
	Active             Grant
	SessionID          string
	TokenVersion       int
	MustChangePassword bool
	// TOTPEnabled: the person has two-factor on.
	TOTPEnabled bool
	// NeedsTOTPEnrolment: the person's roles require two-factor and it is
	// not on yet; until it is, only the enrolment page is open to them.
	NeedsTOTPEnrolment bool
	// Unread is the person's unread notifications when the request began
	// (the header's inbox badge), counted in the session query itself so
	// that the page frame costs no round trip of its own.
	Unread int
}

// Has reports whether p holds role r (in any OPD).
func (p *Principal) Has(r Role) bool {
	for _, g := range p.Grants {
		if g.Role == r {
			return true
		}
	}
	return false
}

// GrantLabel is grant g as the role switcher shows it: "Admin OPD (BKPSDM)".
func (p *Principal) GrantLabel(g Grant) string {
	label := g.Role.Label()
	if g.OPDID != 0 {
		label += " (" + p.OPDName(g.OPDID) + ")"
	}
	return label
}

// OPDName is the short name of the agency of one of p's grants.
func (p *Principal) OPDName(id int64) string {
	if name := p.OPDNames[id]; name != "" {
		return name
	}
	return "OPD " + strconv.FormatInt(id, 10)
}

// holds reports whether p holds exactly grant g.
func (p *Principal) holds(g Grant) bool { return slices.Contains(p.Grants, g) }

// widest returns the grant with the widest scope, the default active role.
func widest(grants []Grant) Grant {
	best := Grant{Role: RolePegawai}
	rank := func(r Role) int { return slices.Index(AllRoles, r) }
	for _, g := range grants {
		if rank(g.Role) > rank(best.Role) {
			best = g
		}
	}
	return best
}
