package auth

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// actorTypeFindings returns every type declared in src whose name ends in
// "Actor" and that is not an alias of auth.Actor (a second actor type),
// except the one auth.Actor itself when pkg is "auth".
func actorTypeFindings(fset *token.FileSet, f *ast.File, pkg string) []string {
	var out []string
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.TYPE {
			continue
		}
		for _, s := range g.Specs {
			ts := s.(*ast.TypeSpec)
			if !strings.HasSuffix(ts.Name.Name, "Actor") {
				continue
			}
			if pkg == "auth" && ts.Name.Name == "Actor" && ts.Assign == 0 {
				continue // the one Actor
			}
			if sel, ok := ts.Type.(*ast.SelectorExpr); ok && ts.Assign != 0 && sel.Sel.Name == "Actor" {
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == "auth" {
					continue // type Actor = auth.Actor
				}
			}
			out = append(out, fset.Position(ts.Pos()).String()+": type "+ts.Name.Name+" is a second actor type; use auth.Actor (type "+ts.Name.Name+" = auth.Actor)")
		}
	}
	return out
}

// TestOneActorType: every domain takes the one auth.Actor. No non-test
// file under internal/ or cmd/ declares another type named *Actor other
// than an alias of auth.Actor.
func TestOneActorType(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	files := 0
	for _, root := range []string{"..", "../../cmd"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			files++
			for _, m := range actorTypeFindings(fset, f, f.Name.Name) {
				t.Error(m)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if files < 50 {
		t.Fatalf("only %d files scanned: the walk missed the source tree", files)
	}
}

// TestActorTypeCheckFinds proves the check flags a second actor type and
// leaves the aliases and auth.Actor alone.
func TestActorTypeCheckFinds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, pkg, src string
		want           int
	}{
		{"second struct", "org", "type Actor struct{ UserID int64 }", 1},
		{"struct with another name", "web", "type tppActor struct{ NIP string }", 1},
		{"defined from auth.Actor", "kinerja", "type Actor auth.Actor", 1},
		{"alias of another type", "claim", "type Actor = other.Actor", 1},
		{"alias of auth.Actor", "attendance", "type Actor = auth.Actor", 0},
		{"auth's own", "auth", "type Actor struct{ UserID int64 }", 0},
		{"unrelated types", "org", "type Actors []int; type Reactor struct{}", 0},
		{"other names", "org", "type Scope int; type ActorRow struct{}", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, "x.go", "package "+tt.pkg+"\n"+tt.src, 0)
			if err != nil {
				t.Fatal(err)
			}
			if got := actorTypeFindings(fset, f, tt.pkg); len(got) != tt.want {
				t.Errorf("findings %v, want %d", got, tt.want)
			}
		})
	}
}

// TestPrincipalActor: the actor of a principal is its active grant, with
// the client address; nobody signed in is the zero Actor with the address.
func TestPrincipalActor(t *testing.T) {
	t.Parallel()
	p := &Principal{UserID: 3, PegawaiID: 9, NIP: "199001012015031001",
		Grants: []Grant{{Role: RolePegawai}, {Role: RoleAdminOPD, OPDID: 4}}, Active: Grant{Role: RoleAdminOPD, OPDID: 4}}
	tests := []struct {
		name string
		p    *Principal
		want Actor
	}{
		{"admin_opd grant", p, Actor{UserID: 3, PegawaiID: 9, NIP: "199001012015031001", Role: RoleAdminOPD, OPDID: 4, IP: "10.0.0.1"}},
		{"nobody", nil, Actor{IP: "10.0.0.1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Actor("10.0.0.1"); got != tt.want {
				t.Errorf("Actor = %+v, want %+v", got, tt.want)
			}
		})
	}
}
