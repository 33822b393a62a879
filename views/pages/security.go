package pages

// PasswordForm is the change-password page's state.
type PasswordForm struct {
	// Forced: the account must change its password before anything else.
	Forced bool
	Errors map[string]string
}

// CodeForm is the second login step: the TOTP or recovery code.
type CodeForm struct {
	Error string
}

// TOTPView is the two-factor page: status, or enrolment with a QR code, or
// the freshly made recovery codes.
type TOTPView struct {
	Enabled      bool
	Required     bool
	RecoveryLeft int64
	Secret       string
	Error        string
	NewCodes     []string
	// Regenerated says NewCodes replace earlier recovery codes (two-factor
	// was already on).
	Regenerated bool
	// Reenrolling is set while a new secret (a new phone) waits for its
	// first code; Secret is then the new one.
	Reenrolling bool
	// Form names the management form (nonaktif, pemulihan, ganti) whose
	// Errors are shown.
	Form   string
	Errors map[string]string
}

// errsFor returns v.Errors when form is the one that was posted.
func (v TOTPView) errsFor(form string) map[string]string {
	if v.Form == form {
		return v.Errors
	}
	return nil
}
