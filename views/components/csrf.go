package components

import "context"

type csrfKey struct{}

// WithCSRF returns ctx carrying the request's CSRF token; the web server
// sets it on every page it renders, and CSRF() writes it into each form.
func WithCSRF(ctx context.Context, token string) context.Context {
	return context.WithValue(ctx, csrfKey{}, token)
}

// CSRFToken returns the CSRF token carried by ctx ("" when none).
func CSRFToken(ctx context.Context) string {
	t, _ := ctx.Value(csrfKey{}).(string)
	return t
}
