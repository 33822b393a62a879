// Package static embeds the stylesheet, scripts and images served under
// /static/. Nothing is served from disk: there is no writable web root.
package static

import "embed"

// FS holds every asset, embedded in the binary.
//
//go:embed *.css *.js
var FS embed.FS
