// Package static embeds the stylesheet, scripts and images served under
// /static/. Nothing is served from disk: there is no writable web root.
package static

import "embed"

// FS holds every asset, embedded in the binary, and MANIFEST.sha256: the
// reviewed SHA-256 of each asset, which the server checks at start-up.
//
//go:embed *.css *.js MANIFEST.sha256
var FS embed.FS
