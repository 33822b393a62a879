package tpp

import (
	"encoding/binary"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/apperr"
)

// checkInvariants asserts what must hold for every result, whatever the input.
func checkInvariants(t *testing.T, rs RuleSet, in Input, r Result) {
	t.Helper()
	if !(0 <= r.Net && r.Net <= r.Gross && r.Gross <= r.Base) {
		t.Fatalf("want 0 <= net <= gross <= base; got net %d, gross %d, base %d", r.Net, r.Gross, r.Base)
	}
	if r.ProduktivitasPagu+r.DisiplinPagu != r.Base {
		t.Fatalf("shares %d + %d != base %d", r.ProduktivitasPagu, r.DisiplinPagu, r.Base)
	}
	if r.Produktivitas > r.ProduktivitasPagu || r.Disiplin > r.DisiplinPagu || r.Disiplin < 0 {
		t.Fatalf("a component exceeds its share: %+v", r)
	}
	if r.Gross != r.Produktivitas+r.Disiplin-r.Hukdis {
		t.Fatalf("gross %d != %d + %d - %d", r.Gross, r.Produktivitas, r.Disiplin, r.Hukdis)
	}
	withheld := r.BPJS
	if r.PPh21Withheld {
		withheld += r.PPh21
	}
	if r.Net != r.Gross-withheld {
		t.Fatalf("net %d != gross %d - %d", r.Net, r.Gross, withheld)
	}
	if r.PPh21Withheld == rs.PPh21.BorneByBudget {
		t.Fatalf("PPh21Withheld = %v with BorneByBudget = %v", r.PPh21Withheld, rs.PPh21.BorneByBudget)
	}

	// Each total is the lines before it, back to the line it builds on.
	sum := func(from, to string) (adds, deducts int64) {
		on := from == ""
		for _, l := range r.Lines {
			if l.Code == to {
				return
			}
			if on {
				switch l.Kind {
				case KindAdd:
					adds += l.Amount
				case KindDeduct:
					deducts += l.Amount
				}
			}
			if l.Code == from {
				on = true
			}
		}
		t.Fatalf("no line %s", to)
		return
	}
	if a, d := sum("", CodeBase); a-d != r.Base {
		t.Fatalf("base lines %d - %d != base %d", a, d, r.Base)
	}
	if a, d := sum(CodeDisiplinPagu, CodeDisiplin); r.DisiplinPagu+a-d != r.Disiplin {
		t.Fatalf("disiplin lines: %d + %d - %d != %d", r.DisiplinPagu, a, d, r.Disiplin)
	}

	for _, code := range []string{CodeBase, CodeProduktivitasPagu, CodeProduktivitas, CodeDisiplinPagu,
		CodeDisiplin, CodeGross, CodePPh21, CodeBPJS, CodeBPJSGovernment, CodeNet} {
		if _, ok := r.LineByCode(code); !ok {
			t.Fatalf("line %s missing", code)
		}
	}
	for i, l := range r.Lines {
		if l.Amount < 0 || l.Count < 0 || l.Rate < 0 || l.Basis < 0 {
			t.Fatalf("line %d %s has a negative field: %+v", i, l.Code, l)
		}
		if l.Code == "" || l.Label == "" || l.Reason == "" {
			t.Fatalf("line %d is missing its code, label or reason: %+v", i, l)
		}
		if l.Kind != KindAdd && l.Kind != KindDeduct && l.Kind != KindTotal && l.Kind != KindInfo {
			t.Fatalf("line %d has kind %q", i, l.Kind)
		}
	}

	// The order of the input slices must not matter.
	shuffled := in
	shuffled.Segments = slices.Clone(in.Segments)
	slices.Reverse(shuffled.Segments)
	shuffled.Leave = slices.Clone(in.Leave)
	slices.Reverse(shuffled.Leave)
	if len(shuffled.Leave) > 2 {
		shuffled.Leave[0], shuffled.Leave[1] = shuffled.Leave[1], shuffled.Leave[0]
	}
	r2, err := Calculate(rs, shuffled)
	if err != nil {
		t.Fatalf("reordered input rejected: %v", err)
	}
	if !reflect.DeepEqual(r, r2) {
		t.Fatalf("result depends on the order of the input slices:\n%+v\n%+v", r.Lines, r2.Lines)
	}
}

// source hands out bounded values from fuzz bytes (zeros once they run out).
type source struct{ b []byte }

func (s *source) n(mod int) int {
	if len(s.b) == 0 {
		return 0
	}
	v := int(s.b[0])
	s.b = s.b[1:]
	return v % mod
}

func (s *source) u32() uint32 {
	var buf [4]byte
	copy(buf[:], s.b)
	s.b = s.b[min(4, len(s.b)):]
	return binary.LittleEndian.Uint32(buf[:])
}

func (s *source) bp() BasisPoints { return BasisPoints(s.u32() % 10001) }

// fromBytes builds a rule set (a variation of the demo) and an input that are
// mostly valid, so the fuzzer spends its time in the arithmetic.
func fromBytes(data []byte) (RuleSet, Input) {
	s := &source{data}
	rs := DemoRuleSet()
	if s.n(2) == 1 {
		rs.Produktivitas.Mode = ProduktivitasMenit
	}
	if s.n(2) == 1 {
		rs.PPh21.BorneByBudget = true
	}
	if s.n(3) == 0 {
		rs.Base.Mode = BaseModeIndeks
		rs.Base.IndeksTPP = Ratio{Num: int64(s.u32()%200_000_000 + 1), Den: 100_000_000}
	}
	if s.n(4) == 0 {
		rs.Base.Table[s.n(KelasCount)] = Rupiah(s.u32()) + 1
	}
	if s.n(4) == 0 {
		p := s.bp()
		rs.Split = SplitRule{Produktivitas: p, Disiplin: Whole - p}
	}
	if s.n(4) == 0 {
		rs.Disiplin.Cap = s.bp()
		rs.Status.PPPK = s.bp()
		rs.Plt.EqualLevelShare = s.bp()
		rs.Hukdis.Ringan.Rate = s.bp()
		rs.BPJS.Cap = Rupiah(s.u32()%20_000_000) + 1
	}

	in := Input{
		NIP:    "199001012015031001",
		Period: Period{Year: 2026, Month: 1 + s.n(12)},
		Status: []Status{StatusPNS, StatusCPNS, StatusPPPK}[s.n(3)],
	}
	dim := in.Period.Days()
	if in.Status == StatusPPPK {
		in.Golongan = roman(1 + s.n(17))
	} else {
		in.Golongan = roman(1+s.n(4)) + "/" + string(rune('a'+s.n(4)))
	}
	in.TugasBelajar = s.n(8) == 0
	from := 1 + s.n(4)
	for range 1 + s.n(3) {
		if from > dim {
			break
		}
		to := min(dim, from+s.n(dim))
		seg := Segment{Kelas: 1 + s.n(KelasCount), FromDay: from, ToDay: to}
		if s.n(4) == 0 {
			seg.ExtraCriteria = s.bp()
		}
		in.Segments = append(in.Segments, seg)
		from = to + 1 + s.n(2)
	}
	if s.n(3) == 0 {
		in.Plt = &Plt{
			Kelas: 1 + s.n(KelasCount), Level: []PltLevel{PltSetingkat, PltLebihTinggi}[s.n(2)],
			WorkingDays: s.n(dim + 1), ExtraCriteria: BasisPoints(s.n(3) * 500),
		}
	}
	in.Predikat = Predikats[s.n(len(Predikats))]
	in.ApprovedMinutes = int64(s.u32() % 20_000)
	in.Attendance.TK = s.n(dim + 1)
	for i := range 4 {
		in.Attendance.TL[i] = s.n(dim + 1)
		in.Attendance.PSW[i] = s.n(dim + 1)
	}
	in.Attendance.MissingBoth = s.n(dim + 1)
	for range s.n(5) {
		in.Leave = append(in.Leave, Leave{Kind: leaveKinds[s.n(len(leaveKinds))], Days: 1 + s.n(10), MonthIndex: 1 + s.n(5)})
	}
	if k := s.n(4); k > 0 {
		kind := []HukdisKind{HukdisRingan, HukdisSedang, HukdisBerat}[k-1]
		in.Hukdis = &HukdisInForce{Kind: kind, MonthIndex: s.n(2)}
	}
	in.OtherBPJSIncome = int64(s.u32() % 20_000_000)
	return rs, in
}

// check computes one generated case; it returns false when the case was
// (correctly) rejected by validation.
func check(t *testing.T, data []byte) bool {
	rs, in := fromBytes(data)
	r, err := Calculate(rs, in)
	if err != nil {
		var ve *apperr.ValidationError
		if errors.As(err, &ve) {
			return false
		}
		t.Fatalf("unexpected error: %v", err)
	}
	checkInvariants(t, rs, in, r)
	return true
}

func FuzzCalculate(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
	f.Add([]byte("ekinerja TPP Kabupaten Mukomuko 2026: adil, tepat, aman"))
	f.Add([]byte{1, 1, 0, 255, 255, 255, 255, 0, 3, 0, 200, 0, 0, 0, 0, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 4, 1, 2, 3, 4, 5, 6, 7, 8, 3, 1})
	r := rand.New(rand.NewPCG(42, 7))
	for range 8 {
		b := make([]byte, 96)
		for i := range b {
			b[i] = byte(r.UintN(256))
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) { check(t, data) })
}

// TestProperties runs the fuzz properties over many pseudo-random cases on every plain go test.
func TestProperties(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(2026, 11))
	n := 3000
	if testing.Short() {
		n = 300
	}
	valid := 0
	b := make([]byte, 128)
	for range n {
		for i := range b {
			b[i] = byte(r.UintN(256))
		}
		if check(t, b) {
			valid++
		}
	}
	// Make sure the generator is not producing only rejected inputs.
	if valid < n/3 {
		t.Errorf("only %d of %d generated cases were valid", valid, n)
	}
}

func BenchmarkCalculate(b *testing.B) {
	rs := DemoRuleSet()
	simple := DemoInput()
	busy := DemoInput()
	busy.Segments = []Segment{{Kelas: 9, FromDay: 1, ToDay: 14}, {Kelas: 11, ExtraCriteria: 1000, FromDay: 15, ToDay: 30}}
	busy.Plt = &Plt{Kelas: 12, Level: PltLebihTinggi, WorkingDays: 21}
	busy.Attendance = Attendance{TK: 2, TL: [4]int{1, 2, 1, 1}, PSW: [4]int{1, 0, 1, 0}, MissingBoth: 1}
	busy.Leave = []Leave{{Kind: CutiSakit, Days: 3}, {Kind: CutiTahunan, Days: 2}}
	busy.Hukdis = &HukdisInForce{Kind: HukdisRingan, MonthIndex: 1}
	for _, bc := range []struct {
		name string
		in   Input
	}{{"worked_example", simple}, {"busy_month", busy}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Calculate(rs, bc.in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestNoFloat keeps binary floating point out of the money code: no
// non-test file of the package may even mention it.
func TestNoFloat(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files found: %v", err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if strings.Contains(strings.ToLower(line), "float") {
				t.Errorf("%s:%d mentions float: %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
}

// TestImportsOnlyStandardLibrary keeps the calculation free of the database
// and web layers: the standard library, plus apperr for the one
// ValidationError, which itself imports only the standard library.
func TestImportsOnlyStandardLibrary(t *testing.T) {
	t.Parallel()
	const apperrPath = "github.com/ekinerja/ekinerja/internal/apperr"
	files, _ := filepath.Glob("*.go")
	more, _ := filepath.Glob("../apperr/*.go")
	files = append(files, more...)
	fset := token.NewFileSet()
	for _, f := range files {
		af, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range af.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			// Standard library paths have no dot in their first element.
			if first, _, _ := strings.Cut(path, "/"); strings.Contains(first, ".") && (path != apperrPath || strings.HasPrefix(f, "../")) {
				t.Errorf("%s imports %s; the TPP engine may import only the standard library", f, path)
			}
		}
	}
}

// TestExportedDocs checks that every exported top-level identifier and method
// has a doc comment that starts with its name.
func TestExportedDocs(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		check := func(name string, docs ...*ast.CommentGroup) {
			if !ast.IsExported(name) {
				return
			}
			for _, d := range docs {
				if d != nil && strings.HasPrefix(d.Text(), name+" ") {
					return
				}
			}
			t.Errorf("%s: %s has no doc comment starting with its name", f, name)
		}
		for _, decl := range af.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				check(d.Name.Name, d.Doc)
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						check(s.Name.Name, s.Doc, d.Doc)
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if len(d.Specs) == 1 {
								check(n.Name, s.Doc, d.Doc)
							} else {
								check(n.Name, s.Doc)
							}
						}
					}
				}
			}
		}
	}
}
