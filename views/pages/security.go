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
}
