package web

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The source check (ASVS 1.2, 1.3): templ escapes everything and GORM binds
// every parameter, unless code opts out. The opt-outs are templ.Raw,
// templ.SafeURL and SQL text built from strings. Each use must be reviewed
// and listed, with its reason, in scripts/reviewed-unsafe.txt; any other
// use fails `make test`.

const allowlistPath = "scripts/reviewed-unsafe.txt"

var (
	unsafeTempl = regexp.MustCompile(`templ\.(Raw|SafeURL|SafeCSS|SafeScript|UnsafeAttr)\b`)
	sqlCall     = regexp.MustCompile(`\.(Raw|Exec|Where|Or|Not|Order|Joins|Group|Having|Select|Distinct|ExecContext|QueryContext|QueryRowContext)\(`)
	sprintf     = regexp.MustCompile(`fmt\.Sprintf\(`)
	concat      = regexp.MustCompile("[\"`]\\s*\\+|\\+\\s*[\"`]")
)

// finding is one flagged line: its file and trimmed text identify it, so
// line-number shifts do not invalidate a review.
type finding struct {
	file, line, rule string
	n                int
}

func scanSources(t *testing.T, root string) []finding {
	t.Helper()
	var out []finding
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == ".git" || name == "node_modules" || name == "bin" {
				return filepath.SkipDir
			}
			return nil
		}
		isTempl := strings.HasSuffix(path, ".templ")
		if !(strings.HasSuffix(path, ".go") || isTempl) || strings.HasSuffix(path, "_templ.go") || strings.HasSuffix(path, "unsafe_source_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		f, err := os.Open(path) // #nosec G304 -- walking this repository's own sources
		if err != nil {
			return err
		}
		defer f.Close()
		var lines []string
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
		for i, l := range lines {
			trim := strings.TrimSpace(l)
			if strings.HasPrefix(trim, "//") {
				continue
			}
			if unsafeTempl.MatchString(l) {
				out = append(out, finding{rel, trim, "templ-unescaped", i + 1})
			}
			if isTempl {
				continue
			}
			if sqlCall.MatchString(l) && concat.MatchString(l) {
				out = append(out, finding{rel, trim, "sql-concat", i + 1})
			}
			if sprintf.MatchString(l) {
				for j := max(0, i-3); j <= min(len(lines)-1, i+3); j++ {
					if sqlCall.MatchString(lines[j]) {
						out = append(out, finding{rel, trim, "sql-sprintf", i + 1})
						break
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// loadAllowlist reads "path | trimmed line | reason" entries.
func loadAllowlist(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path) // #nosec G304 -- the repository's own allowlist
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") {
			continue
		}
		parts := strings.SplitN(l, " | ", 3)
		if len(parts) != 3 || strings.TrimSpace(parts[2]) == "" {
			t.Fatalf("%s: entry without a reason: %q", allowlistPath, l)
		}
		m[parts[0]+" | "+strings.TrimSpace(parts[1])] = parts[2]
	}
	return m
}

func TestNoUnreviewedRawHTMLOrStringBuiltSQL(t *testing.T) {
	root := filepath.Join("..", "..")
	allowed := loadAllowlist(t, filepath.Join(root, allowlistPath))
	used := map[string]bool{}
	for _, f := range scanSources(t, root) {
		key := filepath.ToSlash(f.file) + " | " + f.line
		if _, ok := allowed[key]; ok {
			used[key] = true
			continue
		}
		t.Errorf("%s:%d: unreviewed %s: %s\n\tuse a bound parameter (?) or templ's escaping; if this use is safe, add to %s:\n\t%s | <reason>",
			f.file, f.n, f.rule, f.line, allowlistPath, key)
	}
	for key := range allowed {
		if !used[key] {
			t.Errorf("%s: stale entry (the line no longer exists): %s", allowlistPath, key)
		}
	}
}

// TestSourceCheckCatchesUnsafeCode proves the scanner flags what it must.
func TestSourceCheckCatchesUnsafeCode(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"a.go":    "package a\nfunc f() {\n\tq := fmt.Sprintf(\"SELECT * FROM t WHERE nama = '%s'\", x)\n\tdb.Raw(q)\n}\n",
		"b.go":    "package a\nfunc g() { db.Where(\"nip = '\" + nip + \"'\") }\n",
		"c.templ": "templ X(s string) {\n\t@templ.Raw(s)\n\t<a href={ templ.SafeURL(s) }>x</a>\n}\n",
		"ok.go":   "package a\nfunc h() { db.Where(\"nip = ?\", nip) }\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]int{}
	for _, f := range scanSources(t, dir) {
		got[f.file+" "+f.rule]++
	}
	for _, want := range []string{"a.go sql-sprintf", "b.go sql-concat", "c.templ templ-unescaped"} {
		if got[want] == 0 {
			t.Errorf("not flagged: %s (got %v)", want, got)
		}
	}
	if got["c.templ templ-unescaped"] != 2 {
		t.Errorf("templ.Raw and templ.SafeURL: %d findings", got["c.templ templ-unescaped"])
	}
	for k := range got {
		if strings.HasPrefix(k, "ok.go") {
			t.Errorf("false positive: %s", k)
		}
	}
}
