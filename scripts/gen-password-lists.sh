#!/usr/bin/env bash
# Rebuilds the embedded password lists in internal/auth/passwords/ from the
# zxcvbn-ts dictionary packages on the npm registry (MIT; see
# internal/auth/passwords/README.md for sources and licences). Needs npm and
# node. The output is deterministic (gzip -n): running it again with the same
# versions changes nothing.
#   scripts/gen-password-lists.sh
set -euo pipefail
cd "$(dirname "$0")/.."
COMMON=@zxcvbn-ts/language-common@4.1.3
ID=@zxcvbn-ts/language-id@4.1.1
out=internal/auth/passwords
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$COMMON" "$ID" >/dev/null)
mkdir -p "$tmp/common" "$tmp/id"
tar xzf "$tmp"/zxcvbn-ts-language-common-*.tgz -C "$tmp/common"
tar xzf "$tmp"/zxcvbn-ts-language-id-*.tgz -C "$tmp/id"
sha256sum "$tmp"/*.tgz | sed "s|$tmp/||" > "$out/SOURCES.sha256"
# Breached passwords: the whole list, lower-cased, in frequency order.
node -e '
const p = require(process.argv[1]);
const seen = new Set(), out = [];
for (const w of p) { const l = String(w).trim().toLowerCase(); if (l && !seen.has(l)) { seen.add(l); out.push(l); } }
process.stdout.write(out.join("\n") + "\n");
' "$tmp/common/package/src/passwords.json" | gzip -9n > "$out/breached.txt.gz"
# Indonesian: every given name, and the 10,000 most frequent words of at
# least 4 letters (a-z only) of the Indonesian subtitle corpus.
node -e '
const names = require(process.argv[1]), words = require(process.argv[2]);
const seen = new Set(), out = [];
const add = (w) => { const l = String(w).trim().toLowerCase(); if (/^[a-z]{4,}$/.test(l) && !seen.has(l)) { seen.add(l); out.push(l); } };
names.forEach(add);
let n = 0;
for (const w of words) { const before = out.length; add(w); if (out.length > before && ++n >= 10000) break; }
process.stdout.write(out.join("\n") + "\n");
' "$tmp/id/package/src/names.json" "$tmp/id/package/src/commonWords.json" | gzip -9n > "$out/indonesia.txt.gz"
cp "$tmp/id/package/NOTICE.md" "$out/NOTICE-language-id.md"
cp "$tmp/common/package/LICENSE.txt" "$out/LICENSE-zxcvbn-ts.txt"
for f in "$out"/*.txt.gz; do echo "$f: $(gzip -dc "$f" | wc -l) entries, $(stat -c %s "$f") bytes"; done
