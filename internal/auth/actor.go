package auth

// Actor is who acts in one request: the person (user account, employee
// record, NIP), the role they act in now with its agency for an admin_opd,
// and the address the request came from (for the audit log). It is the one
// actor type of every domain (org, kinerja, attendance, tpp/claim keep their
// old name as an alias); internal/web builds it once per request from the
// signed-in Principal.
type Actor struct {
	UserID    int64
	PegawaiID int64
	NIP       string
	// Role is the role acted in (the active grant).
	Role Role
	// OPDID is the agency of the active admin_opd grant (0 for other roles).
	OPDID int64
	IP    string
}

// Actor returns the actor p is when acting from ip: its active grant's role
// and agency. A nil p is the zero Actor with ip (nobody signed in).
func (p *Principal) Actor(ip string) Actor {
	if p == nil {
		return Actor{IP: ip}
	}
	return Actor{UserID: p.UserID, PegawaiID: p.PegawaiID, NIP: p.NIP, Role: p.Active.Role, OPDID: p.Active.OPDID, IP: ip}
}
