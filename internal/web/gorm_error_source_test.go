package web

import (
	"go/ast"
	"go/types"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// gormFinishers are the GORM calls that run a query. Their *gorm.DB result
// carries the query's error; a statement that discards it turns a database
// failure into a wrong answer (an empty count reads as "OPD tidak dikenal").
var gormFinishers = map[string]bool{
	"First": true, "Last": true, "Take": true, "Find": true, "Scan": true, "Count": true, "Pluck": true,
	"Create": true, "Save": true, "Update": true, "Updates": true, "UpdateColumn": true, "UpdateColumns": true,
	"Delete": true, "Exec": true, "FirstOrCreate": true, "FirstOrInit": true, "FindInBatches": true,
}

// scanDroppedGormErrors type-checks every package under root (production
// code; test files are not yet held to it) and returns each statement that runs a GORM query and discards the *gorm.DB
// it returns, so its .Error is never read.
func scanDroppedGormErrors(t *testing.T, root string) []string {
	t.Helper()
	pkgs := loadProductionPackages(t, root)
	seen := map[string]bool{}
	var out []string
	for _, pkg := range pkgs {
		for _, file := range pkg.Syntax {
			ast.Inspect(file, func(n ast.Node) bool {
				var call *ast.CallExpr
				switch st := n.(type) {
				case *ast.ExprStmt:
					call, _ = st.X.(*ast.CallExpr)
				case *ast.AssignStmt: // _ = db.Find(&x)
					if len(st.Rhs) == 1 && len(st.Lhs) == 1 {
						if id, ok := st.Lhs[0].(*ast.Ident); ok && id.Name == "_" {
							call, _ = st.Rhs[0].(*ast.CallExpr)
						}
					}
				}
				if call == nil {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok || !gormFinishers[sel.Sel.Name] || !isGormDB(pkg.TypesInfo.TypeOf(call)) {
					return true
				}
				pos := pkg.Fset.Position(call.Pos())
				key := pos.String()
				if !seen[key] {
					seen[key] = true
					out = append(out, key+": "+sel.Sel.Name+" result (and its .Error) discarded")
				}
				return true
			})
		}
	}
	return out
}

func isGormDB(t types.Type) bool {
	p, ok := t.(*types.Pointer)
	if !ok {
		return false
	}
	n, ok := p.Elem().(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "gorm.io/gorm" && n.Obj().Name() == "DB"
}

// TestNoDroppedGormErrors fails on any GORM query whose error is never read.
func TestNoDroppedGormErrors(t *testing.T) {
	t.Parallel()
	for _, f := range scanDroppedGormErrors(t, "../..") {
		t.Error(strings.TrimSpace(f))
	}
}

// TestDroppedGormErrorCheckFinds proves the check flags the pattern it is for.
func TestDroppedGormErrorCheckFinds(t *testing.T) {
	t.Parallel()
	got := scanDroppedGormErrors(t, "testdata/droppederr")
	if len(got) != 3 || !strings.Contains(strings.Join(got, "\n"), "Find result") {
		t.Fatalf("findings = %q, want the Scan, the _ = First and the bare db.Find(&xs)", got)
	}
}

// TestDroppedGormErrorCheckCoversEveryFile: the check reads every non-test
// .go file under internal/ and cmd/ (none is left out by a build tag or a
// package that fails to load), so a dropped error cannot hide in one.
func TestDroppedGormErrorCheckCoversEveryFile(t *testing.T) {
	t.Parallel()
	scanned := map[string]bool{}
	for _, pkg := range loadProductionPackages(t, "../..") {
		for _, f := range pkg.Syntax {
			scanned[filepath.Clean(pkg.Fset.Position(f.Pos()).Filename)] = true
		}
	}
	n := 0
	for _, dir := range []string{"../../internal", "../../cmd"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == "testdata" {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			abs, err := filepath.Abs(path)
			if err != nil {
				return err
			}
			n++
			if !scanned[abs] {
				t.Errorf("%s is not scanned for dropped GORM errors", path)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n < 100 {
		t.Fatalf("only %d source files found under internal/ and cmd/", n)
	}
}
