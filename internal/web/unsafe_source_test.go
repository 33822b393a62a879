package web

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/types"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/go/packages"
)

// The source check (ASVS 1.2, 1.3): templ escapes everything and GORM binds
// every parameter, unless code opts out. The opt-outs are templ.Raw,
// templ.SafeURL and SQL text built from strings. Each use must be reviewed
// and listed, with its reason, in scripts/reviewed-unsafe.txt; any other
// use fails `make test`.

const allowlistPath = "scripts/reviewed-unsafe.txt"

var (
	unsafeTempl = regexp.MustCompile(`templ\.(Raw|SafeURL|SafeCSS|SafeScript|UnsafeAttr)\b`)
)

// sqlMethods are the calls whose first string argument is SQL text (GORM,
// database/sql, pgx).
var sqlMethods = map[string]bool{
	"Raw": true, "Exec": true, "Where": true, "Or": true, "Not": true, "Order": true, "Joins": true, "Group": true,
	"Having": true, "Select": true, "Distinct": true, "ExecContext": true, "QueryContext": true, "QueryRowContext": true,
	"Query": true, "QueryRow": true, "CopyFrom": true, "CopyTo": true, "Prepare": true, "PrepareContext": true,
}

// finding is one flagged line: its file and trimmed text identify it, so
// line-number shifts do not invalidate a review.
type finding struct {
	file, line, rule string
	n                int
}

// typedPackages caches loadProductionPackages per root: type-checking the
// module is the slow part of every source check, and each check reads the
// same packages without changing them.
var typedPackages = struct {
	sync.Mutex
	byRoot map[string][]*packages.Package
}{byRoot: map[string][]*packages.Package{}}

// loadProductionPackages type-checks every package under root (not its test
// files) once per test binary and fails the test on any load error.
func loadProductionPackages(t *testing.T, root string) []*packages.Package {
	t.Helper()
	typedPackages.Lock()
	defer typedPackages.Unlock()
	if pkgs, ok := typedPackages.byRoot[root]; ok {
		return pkgs
	}
	cfg := &packages.Config{Dir: root, Tests: false,
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo}
	pkgs, err := packages.Load(cfg, "./...")
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range pkgs {
		for _, e := range pkg.Errors {
			t.Fatalf("load %s: %v", pkg.PkgPath, e)
		}
	}
	typedPackages.byRoot[root] = pkgs
	return pkgs
}

// scanSQL type-checks every package under root (not its tests) and flags
// each SQL call whose SQL text is not a compile-time constant: a constant
// (a literal, a const, or constants joined with +) cannot carry input, so
// only the rest needs a review.
func scanSQL(t *testing.T, root string) []finding {
	t.Helper()
	pkgs := loadProductionPackages(t, root) // tests build SQL from their own fixtures, never from input
	absRoot, _ := filepath.Abs(root)
	seen := map[string]bool{}
	var out []finding
	for _, pkg := range pkgs {
		for _, file := range pkg.Syntax {
			name := pkg.Fset.Position(file.Pos()).Filename
			if strings.HasSuffix(name, "_templ.go") || strings.HasSuffix(name, "unsafe_source_test.go") {
				continue
			}
			var src []string
			ast.Inspect(file, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok || !sqlMethods[sel.Sel.Name] {
					return true
				}
				for _, arg := range call.Args {
					tv, ok := pkg.TypesInfo.Types[arg]
					if !ok || tv.Type == nil {
						continue
					}
					if b, ok := tv.Type.Underlying().(*types.Basic); !ok || b.Kind() != types.String && b.Kind() != types.UntypedString {
						continue
					}
					if tv.Value == nil { // the SQL text is built at run time
						pos := pkg.Fset.Position(arg.Pos())
						if src == nil {
							b, err := os.ReadFile(pos.Filename) // #nosec G304 -- this repository's own sources
							if err != nil {
								t.Fatal(err)
							}
							src = strings.Split(string(b), "\n")
						}
						rel, _ := filepath.Rel(absRoot, pos.Filename)
						key := fmt.Sprintf("%s:%d", rel, pos.Line)
						if !seen[key] {
							seen[key] = true
							out = append(out, finding{rel, strings.TrimSpace(src[pos.Line-1]), "sql-nonconstant", pos.Line})
						}
					}
					break // only the first string argument is SQL text
				}
				return true
			})
		}
	}
	return out
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
	t.Parallel()
	root := filepath.Join("..", "..")
	allowed := loadAllowlist(t, filepath.Join(root, allowlistPath))
	used := map[string]bool{}
	for _, f := range append(scanSources(t, root), scanSQL(t, root)...) {
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

// TestSourceCheckCatchesUnsafeCode proves the scanners flag what they must
// and pass what is safe: SQL built with Sprintf or from a variable is
// flagged; a literal, a const and constants joined with + are not.
func TestSourceCheckCatchesUnsafeCode(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":  "module example.com/a\n\ngo 1.22\n",
		"db.go":   "package a\n\ntype DB struct{}\n\nfunc (DB) Raw(string, ...any) DB   { return DB{} }\nfunc (DB) Where(any, ...any) DB    { return DB{} }\n\nvar db DB\n",
		"a.go":    "package a\n\nimport \"fmt\"\n\nfunc f(x string) {\n\tq := fmt.Sprintf(\"SELECT * FROM t WHERE nama = '%s'\", x)\n\tdb.Raw(q)\n}\n",
		"b.go":    "package a\n\nfunc g(nip string) { db.Where(\"nip = '\" + nip + \"'\") }\n",
		"ok.go":   "package a\n\nconst sel = \"SELECT * FROM t \"\n\nfunc h(nip string) {\n\tdb.Where(\"nip = ?\", nip)\n\tdb.Raw(sel+`WHERE nip = ?`, nip)\n\tdb.Where(struct{ N string }{nip})\n}\n",
		"c.templ": "templ X(s string) {\n\t@templ.Raw(s)\n\t<a href={ templ.SafeURL(s) }>x</a>\n}\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]int{}
	for _, f := range append(scanSources(t, dir), scanSQL(t, dir)...) {
		got[f.file+" "+f.rule]++
	}
	for _, want := range []string{"a.go sql-nonconstant", "b.go sql-nonconstant", "c.templ templ-unescaped"} {
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
