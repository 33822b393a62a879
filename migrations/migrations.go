// Package migrations embeds the forward-only SQL schema migrations, applied by
// `ekinerja migrate up` (goose). Numbering: 0001-0009 foundation, 0010-0019
// organisation, 0020-0029 e-Kinerja, 0030-0039 attendance, 0040-0049 TPP,
// 0050-0059 security.
package migrations

import "embed"

// FS holds every *.sql migration, embedded in the binary.
//
//go:embed *.sql
var FS embed.FS
