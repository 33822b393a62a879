// Package static embeds the stylesheet, scripts and images served under
// /static/. Nothing is served from disk: there is no writable web root.
package static

import "embed"

// FS holds every asset (htmx.min.js is htmx.org 2.0.8 from npm, 0BSD,
// licence in LICENSES/), embedded in the binary, and MANIFEST.sha256: the
// reviewed SHA-256 of each asset, which the server checks at start-up.
//
//go:embed *.css *.js LICENSES MANIFEST.sha256
var FS embed.FS
