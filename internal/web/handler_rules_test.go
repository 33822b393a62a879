package web

import (
	"go/ast"
	"go/token"
	"go/types"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// moneyName matches the names of money values and fields (Kotor, Bersih,
// Potongan, Total, Rupiah, TotalNet, Gross, PPh, Pagu ...): arithmetic on
// such an operand belongs in the domain, which returns the totals.
var moneyName = regexp.MustCompile(`(?i)(kotor|bersih|potongan|total|rupiah|gross|^net|net$|pph|pagu|iuran|bpjs|nominal|uang)`)

// isMoneyType reports a named type meant for money (Rupiah, Money).
func isMoneyType(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && regexp.MustCompile(`(?i)^(rupiah|money|uang)$`).MatchString(n.Obj().Name())
}

// operandName is the last name of an identifier or field selection, "" for
// anything else (a literal, a call).
func operandName(e ast.Expr) string {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			break
		}
		e = p.X
	}
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return x.Sel.Name
	case *ast.IndexExpr:
		return operandName(x.X)
	case *ast.StarExpr:
		return operandName(x.X)
	}
	return ""
}

func isNumeric(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsNumeric != 0
}

var arithmetic = map[token.Token]bool{
	token.ADD: true, token.SUB: true, token.MUL: true, token.QUO: true, token.REM: true,
	token.ADD_ASSIGN: true, token.SUB_ASSIGN: true, token.MUL_ASSIGN: true, token.QUO_ASSIGN: true, token.REM_ASSIGN: true,
	token.INC: true, token.DEC: true,
}

// scanHandlerRules type-checks the package at dir (not its tests) and
// returns every import of gorm.io/*, every expression whose type comes from
// gorm.io/*, and every numeric +, -, *, /, % (and +=, ++ ...) with an
// operand of a money type or named like money.
func scanHandlerRules(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	for _, pkg := range loadProductionPackages(t, dir) {
		out = append(out, handlerRuleFindings(pkg)...)
	}
	return out
}

func handlerRuleFindings(pkg *packages.Package) []string {
	var out []string
	at := func(n ast.Node, msg string) { out = append(out, pkg.Fset.Position(n.Pos()).String()+": "+msg) }
	money := func(e ast.Expr) bool {
		if isMoneyType(pkg.TypesInfo.TypeOf(e)) {
			return true
		}
		name := operandName(e)
		return name != "" && moneyName.MatchString(name)
	}
	for _, f := range pkg.Syntax {
		for _, im := range f.Imports {
			if path, _ := strconv.Unquote(im.Path.Value); strings.HasPrefix(path, "gorm.io/") {
				at(im, "imports "+path)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case ast.Expr:
				if tv, ok := pkg.TypesInfo.Types[x]; ok && tv.Type != nil && strings.Contains(tv.Type.String(), "gorm.io/") {
					at(x, "uses a GORM type ("+tv.Type.String()+")")
					return false
				}
			}
			switch x := n.(type) {
			case *ast.BinaryExpr:
				if arithmetic[x.Op] && isNumeric(pkg.TypesInfo.TypeOf(x)) && (money(x.X) || money(x.Y)) {
					at(x, "money arithmetic "+types.ExprString(x))
				}
			case *ast.AssignStmt:
				if arithmetic[x.Tok] && len(x.Lhs) == 1 && isNumeric(pkg.TypesInfo.TypeOf(x.Lhs[0])) && (money(x.Lhs[0]) || money(x.Rhs[0])) {
					at(x, "money arithmetic "+types.ExprString(x.Lhs[0])+" "+x.Tok.String()+" "+types.ExprString(x.Rhs[0]))
				}
			case *ast.IncDecStmt:
				if money(x.X) {
					at(x, "money arithmetic "+types.ExprString(x.X)+x.Tok.String())
				}
			}
			return true
		})
	}
	return out
}

// TestWebHandlersImportNoGormAndComputeNoMoney: handlers parse, call one
// domain function and render. No non-test file of package web imports GORM
// or holds a GORM value (persistence stays in the domain stores, which also
// translate their errors into apperr kinds), and none does arithmetic on
// money: the domain returns the totals.
func TestWebHandlersImportNoGormAndComputeNoMoney(t *testing.T) {
	t.Parallel()
	for _, f := range scanHandlerRules(t, ".") {
		t.Error(f)
	}
}

// TestHandlerRuleCheckFinds proves the check flags what it is for, and
// leaves counts and strings alone.
func TestHandlerRuleCheckFinds(t *testing.T) {
	t.Parallel()
	got := scanHandlerRules(t, "testdata/handlerrules")
	want := []string{"imports gorm.io/gorm", "uses a GORM type", "v.Total += e.TotalNet", "v.Total - 1", "a + b"}
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || strings.Contains(g, w)
		}
		if !found {
			t.Errorf("no finding %q in %q", w, got)
		}
	}
	for _, g := range got {
		if strings.Contains(g, "Jumlah") || strings.Contains(g, `"Total "`) {
			t.Errorf("false finding %q", g)
		}
	}
	if len(got) != len(want) {
		t.Errorf("findings = %d %q, want %d", len(got), got, len(want))
	}
}
