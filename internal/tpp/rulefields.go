package tpp

import (
	"encoding"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// FieldKind is how one parameter of a rule set is written on the form, and
// so how it is read back. It comes from the parameter's Go type, never from
// its name: a Rupiah field is money, a BasisPoints field a percentage.
type FieldKind string

// The kinds of rule-set parameters.
const (
	// KindMoney is a Rupiah: whole rupiah, "5.000.000".
	KindMoney FieldKind = "rupiah"
	// KindBP is a BasisPoints: a percentage, "0,5" = 50.
	KindBP FieldKind = "persen"
	// KindInt is an int or int64: a count (days, minutes, golongan).
	KindInt FieldKind = "angka"
	// KindText is a string kind, a Period or a Ratio (their text form).
	KindText FieldKind = "text"
	// KindBool is a bool: "ya" or anything else.
	KindBool FieldKind = "ya"
	// KindList is the place of an empty list (no value).
	KindList FieldKind = "kosong"
)

var (
	rupiahType = reflect.TypeFor[Rupiah]()
	bpType     = reflect.TypeFor[BasisPoints]()
	textType   = reflect.TypeFor[encoding.TextMarshaler]()
)

// KindOf is the kind of a parameter of Go type t; ok is false for a type
// that is not a single parameter (a struct, array or slice, walked into) or
// that the form cannot show (a map, a fraction type: refused by TestRuleFieldsCoverRuleSet).
func KindOf(t reflect.Type) (k FieldKind, ok bool) {
	switch {
	case t == rupiahType:
		return KindMoney, true
	case t == bpType:
		return KindBP, true
	case t.Implements(textType):
		return KindText, true
	}
	switch t.Kind() {
	case reflect.String:
		return KindText, true
	case reflect.Bool:
		return KindBool, true
	case reflect.Int, reflect.Int64:
		return KindInt, true
	}
	return "", false
}

// RuleField is one parameter of a rule set as the form shows it.
type RuleField struct {
	// Path is the parameter's JSON path ("disiplin.tl[1]"), the form input's
	// name and the key of its apperr.ValidationError message.
	Path  string
	Label string
	Group string
	Kind  FieldKind
	// The value, by kind: Int for money, percentages (basis points) and
	// counts; Text for text; Bool for bool.
	Int  int64
	Text string
	Bool bool
}

// RuleList is a list of the rule set that the form can grow and shrink.
type RuleList struct {
	Path, Label string
	Max         int // the most rows it may have
}

// RuleLists are the growable lists of a RuleSet.
var RuleLists = []RuleList{
	{"leave.sick", "cuti sakit", 31},
	{"leave.besar", "cuti besar", 36},
	{"leave.alasan_penting", "cuti alasan penting", 36},
	{"leave.melahirkan", "cuti melahirkan", 36},
	{"leave.melahirkan_anak_ketiga", "cuti melahirkan anak ketiga", 36},
	{"pph21.pppk", "golongan PPPK", 17},
}

// FindRuleList returns the growable list at path.
func FindRuleList(path string) (RuleList, bool) {
	for _, l := range RuleLists {
		if l.Path == path {
			return l, true
		}
	}
	return RuleList{}, false
}

// RuleFields lists every parameter of rs in declaration order (the order of
// its JSON), the version excepted (it is not typed on the form). The form
// is rendered from it and read back with it, so a parameter added to RuleSet
// appears on the form with the kind of its Go type.
func RuleFields(rs RuleSet) ([]RuleField, error) {
	fields, err := FieldsOf(rs)
	if err != nil {
		return nil, err
	}
	out := fields[:0]
	for _, f := range fields {
		if f.Path != "version" {
			out = append(out, f)
		}
	}
	return out, nil
}

// FieldsOf lists the parameters of any struct v the way RuleFields does for
// a RuleSet: JSON names, declaration order, kinds from the Go types. A field
// of a type the form cannot show is an error.
func FieldsOf(v any) ([]RuleField, error) {
	var out []RuleField
	err := walkFields(reflect.ValueOf(v), "", &out)
	return out, err
}

func walkFields(v reflect.Value, path string, out *[]RuleField) error {
	if k, ok := KindOf(v.Type()); ok {
		f := RuleField{Path: path, Label: RuleLabel(path, k), Group: ruleGroup(path), Kind: k}
		switch k {
		case KindMoney, KindBP, KindInt:
			f.Int = v.Int()
		case KindBool:
			f.Bool = v.Bool()
		case KindText:
			if m, ok := v.Interface().(encoding.TextMarshaler); ok {
				b, err := m.MarshalText()
				if err != nil {
					return fmt.Errorf("%s: %w", path, err)
				}
				f.Text = string(b)
			} else {
				f.Text = v.String()
			}
		}
		*out = append(*out, f)
		return nil
	}
	switch v.Kind() {
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			sf := t.Field(i)
			if !sf.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			p := name
			if path != "" {
				p = path + "." + name
			}
			if err := walkFields(v.Field(i), p, out); err != nil {
				return err
			}
		}
		return nil
	case reflect.Array, reflect.Slice:
		if v.Len() == 0 {
			*out = append(*out, RuleField{Path: path, Label: RuleLabel(path, KindList), Group: ruleGroup(path), Kind: KindList})
		}
		for i := range v.Len() {
			if err := walkFields(v.Index(i), fmt.Sprintf("%s[%d]", path, i), out); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("tpp: parameter %s of type %s has no form kind", path, v.Type())
}

var errNumber = errors.New("bukan angka")

// Parse reads a value of kind k as people type it: money "5.000.000" (also
// "Rp 5.000.000") in whole rupiah, a percentage "0,5" in basis points, a
// count "1.440". It returns an int64 for those, the trimmed text for text,
// and raw == "ya" for bool; an error for anything it cannot read.
func (k FieldKind) Parse(raw string) (any, error) {
	raw = strings.TrimSpace(raw)
	switch k {
	case KindMoney:
		v, err := ParseRupiah(raw)
		return int64(v), err
	case KindBP:
		v, err := ParsePercent(raw)
		return int64(v), err
	case KindInt:
		v, err := ParseRupiah(raw) // a whole count, thousands dots allowed
		return int64(v), err
	case KindBool:
		return raw == "ya", nil
	case KindText:
		return raw, nil
	}
	return nil, fmt.Errorf("tpp: kind %q has no value", k)
}

// Format writes a value of kind k the way Parse reads it back.
func (f RuleField) Format() string {
	switch f.Kind {
	case KindMoney:
		return FormatNumber(f.Int)
	case KindInt:
		return strconv.FormatInt(f.Int, 10)
	case KindBP:
		return FormatPercentInput(BasisPoints(f.Int))
	case KindBool:
		if f.Bool {
			return "ya"
		}
		return "tidak"
	}
	return f.Text
}

// ParsePercent reads a percentage as people type it ("3", "0,5", "1,25%",
// "1.25") into basis points (1% = 100). At most two decimals, not negative.
func ParsePercent(s string) (BasisPoints, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	whole, frac, _ := strings.Cut(strings.Replace(s, ",", ".", 1), ".")
	if whole == "" || len(whole) > 6 || len(frac) > 2 || !allDigits(whole) || !allDigits(frac) {
		return 0, errNumber
	}
	frac += strings.Repeat("0", 2-len(frac))
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt(frac, 10, 64)
	return BasisPoints(w*100 + f), nil
}

// FormatPercentInput writes basis points back the way ParsePercent reads
// them: 50 -> "0,5", 300 -> "3".
func FormatPercentInput(bp BasisPoints) string {
	s := strconv.FormatInt(int64(bp)/100, 10)
	if f := int64(bp) % 100; f != 0 {
		s += "," + strings.TrimRight(strconv.FormatInt(100+f, 10)[1:], "0")
	}
	return s
}

// ParseRupiah reads an amount in whole rupiah as people type it: "5.000.000",
// "Rp 5.000.000", "5000000". Dots (and spaces) group thousands; a decimal
// part or a sign is refused, since money typed on a form is whole and not
// negative.
func ParseRupiah(s string) (Rupiah, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(s, "Rp"), "."))
	s = strings.NewReplacer(".", "", " ", "").Replace(s)
	if s == "" || len(s) > 15 || !allDigits(s) {
		return 0, errNumber
	}
	v, err := strconv.ParseInt(s, 10, 64)
	return Rupiah(v), err
}

var ruleLabels = map[string]string{
	"name": "Nama aturan", "effective_from": "Berlaku mulai (TTTT-BB)", "effective_until": "Berlaku sampai (TTTT-BB, kosong = seterusnya)",
	"base.mode": "Cara penetapan (tabel atau indeks)", "base.indeks_tpp": "Indeks TPP", "base.max_extra_criteria": "Kriteria tambahan paling tinggi (%)",
	"status.pns": "PNS (%)", "status.cpns": "CPNS (%)", "status.pppk": "PPPK (%)", "status.tugas_belajar": "Tugas belajar (%)",
	"plt.equal_level_share": "Tambahan Plt setingkat (%)", "plt.min_working_days": "Paling sedikit hari kerja Plt",
	"split.produktivitas": "Bagian produktivitas (%)", "split.disiplin": "Bagian disiplin (%)",
	"produktivitas.mode": "Cara penilaian (predikat atau menit)", "produktivitas.sumber": "Sumber predikat (lokal atau ekinerja_bkn; kosong = lokal)", "produktivitas.monthly_minutes_target": "Target menit aktivitas sebulan",
	"disiplin.tk_per_day": "TK per hari (%)", "disiplin.missing_both_per_day": "Tidak rekam masuk dan pulang per hari (%)",
	"disiplin.cap": "Batas jumlah potongan (%)", "pph21.borne_by_budget": "PPh 21 ditanggung anggaran daerah",
	"bpjs.employee_rate": "Iuran pegawai (%)", "bpjs.government_rate": "Iuran pemerintah daerah (%)", "bpjs.cap": "Batas dasar iuran (Rp)",
}

var ruleGroups = []struct{ prefix, group string }{
	{"base.", "TPP dasar per kelas jabatan"}, {"status.", "Faktor status"}, {"plt.", "Plt/Plh"},
	{"split.", "Pembagian produktivitas dan disiplin"}, {"produktivitas.", "Produktivitas"},
	{"disiplin.", "Potongan disiplin"}, {"leave.", "Cuti"}, {"hukdis.", "Hukuman disiplin"},
	{"pph21.", "PPh 21"}, {"bpjs.", "BPJS Kesehatan"},
}

func ruleGroup(path string) string {
	for _, g := range ruleGroups {
		if strings.HasPrefix(path, g.prefix) {
			return g.group
		}
	}
	return "Umum"
}

// SplitRuleRow splits "leave.sick[2].pay" into the growable list
// "leave.sick", the row 2 and the rest ".pay"; ok is false for a path
// outside the growable lists.
func SplitRuleRow(path string) (list string, row int, rest string, ok bool) {
	open := strings.IndexByte(path, '[')
	shut := strings.IndexByte(path, ']')
	if open < 0 || shut < open {
		return "", 0, "", false
	}
	if _, known := FindRuleList(path[:open]); !known {
		return "", 0, "", false
	}
	n, err := strconv.Atoi(path[open+1 : shut])
	if err != nil || n < 0 {
		return "", 0, "", false
	}
	return path[:open], n, path[shut+1:], true
}

// RuleLabel is the form's label of the parameter at path of kind k.
func RuleLabel(path string, k FieldKind) string {
	if l, ok := ruleLabels[path]; ok {
		return l
	}
	if l, ok := FindRuleList(path); ok {
		return "Daftar " + l.Label
	}
	if list, row, rest, ok := SplitRuleRow(path); ok {
		l, _ := FindRuleList(list)
		title := strings.ToUpper(l.Label[:1]) + l.Label[1:]
		head := fmt.Sprintf("%s baris %d", title, row+1)
		switch rest {
		case "":
			return fmt.Sprintf("%s bulan ke-%d: dibayar (%%)", title, row+1)
		case ".min_days":
			return head + ": dari hari ke-"
		case ".max_days":
			return head + ": sampai hari ke-"
		case ".pay":
			return head + ": dibayar (%)"
		case ".from":
			return head + ": dari golongan (1-17)"
		case ".to":
			return head + ": sampai golongan (1-17)"
		case ".group":
			return head + ": tarif golongan PNS (1-4)"
		}
	}
	// Readable fallback from the path: "disiplin.tl[1]" -> "disiplin tl 2".
	var b strings.Builder
	for i := 0; i < len(path); i++ {
		switch c := path[i]; c {
		case '[':
			j := strings.IndexByte(path[i:], ']')
			n, _ := strconv.Atoi(path[i+1 : i+j])
			b.WriteString(" " + strconv.Itoa(n+1))
			i += j
		case '.', '_':
			b.WriteByte(' ')
		default:
			b.WriteByte(c)
		}
	}
	l := b.String()
	switch {
	case strings.HasPrefix(path, "base.table"):
		return "TPP kelas" + strings.TrimPrefix(l, "base table") + " (Rp)"
	case strings.HasPrefix(path, "base.reference"):
		return "Tukin acuan kelas" + strings.TrimPrefix(l, "base reference") + " (Rp)"
	case k == KindBP:
		return l + " (%)"
	case k == KindMoney:
		return l + " (Rp)"
	}
	return l
}
