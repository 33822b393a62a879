package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// securityTestDirs maps the prefixes SECURITY.md uses to package
// directories, and names the call that makes a test of that package drive
// the real entry point: the server's handler (web) or the command's run
// function (cmd). Tests of the other packages call functions directly.
var securityTestDirs = map[string]struct {
	dir   string
	entry []string
}{
	"web":       {".", []string{".Handler", "New"}},
	"cmd":       {"../../cmd/ekinerja", []string{"run", "runWith"}},
	"auth":      {"../auth", nil},
	"audit":     {"../audit", nil},
	"selfcheck": {"../selfcheck", nil},
	"kinerja":   {"../kinerja", nil},
	"backup":    {"../backup", nil},
}

// securityRowsWithoutRoute are the rows (by the start of their
// requirement) whose control is not a runtime path, with the reason; every
// other row must name a route-level test.
var securityRowsWithoutRoute = map[string]string{
	"static analysis": "go vet and gosec run in the build (make lint), not in the server",
	"no unreviewed":   "a check of the source code, run by the test suite on every package",
}

var securityTestRef = regexp.MustCompile("`(web|cmd|auth|audit|selfcheck|kinerja|backup)/((?:Test|Fuzz)[A-Za-z0-9_]+)`")

// TestSecurityRowsNameRouteTests: every row of SECURITY.md's table names
// tests that exist, and at least one of them drives the real route (it
// reaches the server's Handler, through the harness, or the command's run
// function), so a control proven only on a function no route calls fails
// here (issue 16: the upload filter and RevokeUser were such controls).
func TestSecurityRowsNameRouteTests(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../../SECURITY.md")
	if err != nil {
		t.Fatal(err)
	}
	type pkgInfo struct {
		funcs   map[string]bool
		reaches map[string]bool // function -> reaches an entry call
	}
	pkgs := map[string]pkgInfo{}
	for prefix, d := range securityTestDirs {
		pkgs[prefix] = loadTestCallGraph(t, d.dir, d.entry)
	}
	rows := 0
	for _, line := range strings.Split(string(doc), "\n") {
		cols := strings.Split(line, " | ")
		if !strings.HasPrefix(line, "| ") || len(cols) < 3 || strings.HasPrefix(line, "| ASVS") || strings.HasPrefix(line, "|---") {
			continue
		}
		rows++
		asvs := strings.TrimPrefix(cols[0], "| ")
		refs := securityTestRef.FindAllStringSubmatch(cols[len(cols)-1], -1)
		exempt := false
		for prefix := range securityRowsWithoutRoute {
			exempt = exempt || strings.HasPrefix(cols[1], prefix)
		}
		if exempt {
			continue
		}
		if len(refs) == 0 {
			t.Errorf("row %q names no test", asvs)
			continue
		}
		routed := false
		for _, r := range refs {
			p := pkgs[r[1]]
			if !p.funcs[r[2]] {
				t.Errorf("row %q: %s/%s does not exist", asvs, r[1], r[2])
				continue
			}
			routed = routed || p.reaches[r[2]]
		}
		if !routed {
			t.Errorf("row %q: none of its tests drives a route (%v)", asvs, refs)
		}
	}
	if rows < 30 {
		t.Fatalf("only %d rows read from SECURITY.md", rows)
	}
}

// loadTestCallGraph parses the package's files and reports, for every
// top-level function of its test files, whether it calls (directly or
// through functions of the package, by name) one of entry.
func loadTestCallGraph(t *testing.T, dir string, entry []string) (out struct {
	funcs   map[string]bool
	reaches map[string]bool
}) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("%s: %v", dir, err)
	}
	fset := token.NewFileSet()
	calls := map[string]map[string]bool{}
	out.funcs = map[string]bool{}
	for _, f := range files {
		if !strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range af.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			name := fd.Name.Name
			out.funcs[name] = true
			if calls[name] == nil {
				calls[name] = map[string]bool{}
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				if ce, ok := n.(*ast.CallExpr); ok {
					switch fn := ce.Fun.(type) {
					case *ast.Ident:
						calls[name][fn.Name] = true
					case *ast.SelectorExpr:
						calls[name]["."+fn.Sel.Name] = true
					}
				}
				return true
			})
		}
	}
	out.reaches = map[string]bool{}
	for _, e := range entry {
		for name, cs := range calls {
			if cs[e] {
				out.reaches[name] = true
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for name, cs := range calls {
			if out.reaches[name] {
				continue
			}
			for c := range cs {
				if out.reaches[strings.TrimPrefix(c, ".")] {
					out.reaches[name], changed = true, true
					break
				}
			}
		}
	}
	return out
}
