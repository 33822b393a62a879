package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/tpp"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
	"github.com/ekinerja/ekinerja/views/pages"
)

// The rule set form shows every parameter of tpp.RuleSet as one input named
// by its JSON path ("disiplin.tl[1]"), which is also the key of
// apperr.ValidationError, so a message lands next to its own field. The form is
// built by walking the rule set's JSON in order, so a parameter added to
// tpp.RuleSet appears on the form without a change here.
//
// The lists of ruleLists grow and shrink without script: each row has a
// submit button name=hapus value=row and each list one name=tambah value=list;
// their POST re-renders the form with the values typed so far and one row
// more or less, and stores nothing. The current lengths travel in hidden
// inputs "baris.<list>".

var (
	reIndex      = regexp.MustCompile(`\[(\d+)\]`)
	moneyPaths   = regexp.MustCompile(`^(base\.table|base\.reference)\[\d+\]$|^bpjs\.cap$`)
	countPaths   = regexp.MustCompile(`^(plt\.min_working_days|produktivitas\.monthly_minutes_target|disiplin\.band_minutes\[\d+\]|leave\.sick\[\d+\]\.(min_days|max_days)|hukdis\.\w+\.months|pph21\.pppk\[\d+\]\.(from|to|group)|version)$`)
	textPaths    = regexp.MustCompile(`^(name|base\.mode|produktivitas\.mode|effective_from|effective_until|base\.indeks_tpp)$`)
	hiddenPaths  = regexp.MustCompile(`^version$`)
	groupByPrefx = []struct{ prefix, group string }{
		{"base.", "TPP dasar per kelas jabatan"}, {"status.", "Faktor status"}, {"plt.", "Plt/Plh"},
		{"split.", "Pembagian produktivitas dan disiplin"}, {"produktivitas.", "Produktivitas"},
		{"disiplin.", "Potongan disiplin"}, {"leave.", "Cuti"}, {"hukdis.", "Hukuman disiplin"},
		{"pph21.", "PPh 21"}, {"bpjs.", "BPJS Kesehatan"},
	}
)

var ruleLabels = map[string]string{
	"name": "Nama aturan", "effective_from": "Berlaku mulai (TTTT-BB)", "effective_until": "Berlaku sampai (TTTT-BB, kosong = seterusnya)",
	"base.mode": "Cara penetapan (tabel atau indeks)", "base.indeks_tpp": "Indeks TPP", "base.max_extra_criteria": "Kriteria tambahan paling tinggi (%)",
	"status.pns": "PNS (%)", "status.cpns": "CPNS (%)", "status.pppk": "PPPK (%)", "status.tugas_belajar": "Tugas belajar (%)",
	"plt.equal_level_share": "Tambahan Plt setingkat (%)", "plt.min_working_days": "Paling sedikit hari kerja Plt",
	"split.produktivitas": "Bagian produktivitas (%)", "split.disiplin": "Bagian disiplin (%)",
	"produktivitas.mode": "Cara penilaian (predikat atau menit)", "produktivitas.monthly_minutes_target": "Target menit aktivitas sebulan",
	"disiplin.tk_per_day": "TK per hari (%)", "disiplin.missing_both_per_day": "Tidak rekam masuk dan pulang per hari (%)",
	"disiplin.cap": "Batas jumlah potongan (%)", "pph21.borne_by_budget": "PPh 21 ditanggung anggaran daerah",
	"bpjs.employee_rate": "Iuran pegawai (%)", "bpjs.government_rate": "Iuran pemerintah daerah (%)", "bpjs.cap": "Batas dasar iuran (Rp)",
}

func ruleLabel(path string) string {
	if l, ok := ruleLabels[path]; ok {
		return l
	}
	if l, ok := findList(path); ok {
		return "Daftar " + l.label
	}
	if list, row, rest, ok := splitRow(path); ok {
		l, _ := findList(list)
		head := fmt.Sprintf("%s baris %d", strings.ToUpper(l.label[:1])+l.label[1:], row+1)
		switch rest {
		case "":
			return fmt.Sprintf("%s bulan ke-%d: dibayar (%%)", strings.ToUpper(l.label[:1])+l.label[1:], row+1)
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
	l := reIndex.ReplaceAllStringFunc(path, func(m string) string {
		n, _ := strconv.Atoi(m[1 : len(m)-1])
		return " " + strconv.Itoa(n+1)
	})
	l = strings.NewReplacer(".", " ", "_", " ").Replace(l)
	switch {
	case strings.HasPrefix(path, "base.table"):
		l = "TPP kelas" + strings.TrimPrefix(l, "base table") + " (Rp)"
	case strings.HasPrefix(path, "base.reference"):
		l = "Tukin acuan kelas" + strings.TrimPrefix(l, "base reference") + " (Rp)"
	case ruleKind(path) == "persen":
		l += " (%)"
	}
	return l
}

func ruleKind(path string) string {
	switch {
	case moneyPaths.MatchString(path):
		return "rupiah"
	case countPaths.MatchString(path):
		return "angka"
	case textPaths.MatchString(path):
		return "text"
	case path == "pph21.borne_by_budget":
		return "ya"
	}
	return "persen"
}

func ruleGroup(path string) string {
	for _, g := range groupByPrefx {
		if strings.HasPrefix(path, g.prefix) {
			return g.group
		}
	}
	return "Umum"
}

// leaf is one scalar of the rule set's JSON.
type leaf struct {
	path string
	val  any // json.Number, string, bool
}

// walkJSON lists the scalars of a JSON document in document order.
func walkJSON(b []byte) ([]leaf, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out []leaf
	var walk func(path string) error
	walk = func(path string) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				for dec.More() {
					k, err := dec.Token()
					if err != nil {
						return err
					}
					p := k.(string)
					if path != "" {
						p = path + "." + p
					}
					if err := walk(p); err != nil {
						return err
					}
				}
				_, err = dec.Token()
				return err
			case '[':
				if !dec.More() { // an empty list still has a place on the form
					out = append(out, leaf{path: path})
				}
				for i := 0; dec.More(); i++ {
					if err := walk(fmt.Sprintf("%s[%d]", path, i)); err != nil {
						return err
					}
				}
				_, err = dec.Token()
				return err
			}
		default:
			out = append(out, leaf{path: path, val: t})
		}
		return nil
	}
	return out, walk("")
}

// ruleFields turns a rule set into the form's fields.
func ruleFields(rs tpp.RuleSet) ([]pages.TPPRuleField, error) {
	b, err := json.Marshal(rs)
	if err != nil {
		return nil, err
	}
	leaves, err := walkJSON(b)
	if err != nil {
		return nil, err
	}
	var out []pages.TPPRuleField
	for _, l := range leaves {
		if hiddenPaths.MatchString(l.path) {
			continue
		}
		f := pages.TPPRuleField{Name: l.path, Label: ruleLabel(l.path), Kind: ruleKind(l.path), Group: ruleGroup(l.path)}
		switch v := l.val.(type) {
		case json.Number:
			n, _ := v.Int64()
			switch f.Kind {
			case "persen":
				f.Value = formatPercentInput(n)
			case "rupiah":
				f.Value = tpp.FormatNumber(n)
			default:
				f.Value = v.String()
			}
		case nil:
			f.Kind = "kosong"
		case bool:
			f.Value = map[bool]string{true: "ya", false: "tidak"}[v]
		case string:
			f.Value = v
			if l.path == "base.indeks_tpp" { // written with a decimal comma
				f.Value = strings.Replace(v, ".", ",", 1)
			}
		}
		out = append(out, f)
	}
	out = withEndMonth(out)
	markLists(out)
	return out, nil
}

// withEndMonth puts the end month on the form right after the start month
// even when the rules are open-ended (effective_until is then omitted from
// the JSON the form is built from), so it can always be seen and set.
func withEndMonth(fields []pages.TPPRuleField) []pages.TPPRuleField {
	at := -1
	for i, f := range fields {
		switch f.Name {
		case "effective_until":
			return fields
		case "effective_from":
			at = i + 1
		}
	}
	if at < 0 {
		at = len(fields)
	}
	f := pages.TPPRuleField{Name: "effective_until", Label: ruleLabel("effective_until"), Kind: "text", Group: ruleGroup("effective_until")}
	return append(fields[:at], append([]pages.TPPRuleField{f}, fields[at:]...)...)
}

// ruleList is a list of the rule set that the form can grow and shrink.
type ruleList struct {
	path, label string
	max         int
}

// ruleLists are the growable lists, with the most rows each may have.
var ruleLists = []ruleList{
	{"leave.sick", "cuti sakit", 31},
	{"leave.besar", "cuti besar", 36},
	{"leave.alasan_penting", "cuti alasan penting", 36},
	{"leave.melahirkan", "cuti melahirkan", 36},
	{"leave.melahirkan_anak_ketiga", "cuti melahirkan anak ketiga", 36},
	{"pph21.pppk", "golongan PPPK", 17},
}

func findList(path string) (ruleList, bool) {
	for _, l := range ruleLists {
		if l.path == path {
			return l, true
		}
	}
	return ruleList{}, false
}

// listRows returns the number of rows of each growable list of rs.
func listRows(rs tpp.RuleSet) map[string]int {
	return map[string]int{
		"leave.sick": len(rs.Leave.Sick), "leave.besar": len(rs.Leave.Besar),
		"leave.alasan_penting": len(rs.Leave.AlasanPenting), "leave.melahirkan": len(rs.Leave.Melahirkan),
		"leave.melahirkan_anak_ketiga": len(rs.Leave.MelahirkanAnakKetiga), "pph21.pppk": len(rs.PPh21.PPPK),
	}
}

func resize[T any](s []T, n int) []T {
	if n <= len(s) {
		return append([]T(nil), s[:n]...)
	}
	return append(append([]T(nil), s...), make([]T, n-len(s))...)
}

// resizeLists returns rs with its growable lists cut or padded (with zero
// rows) to rows; lists missing from rows keep their length.
func resizeLists(rs tpp.RuleSet, rows map[string]int) tpp.RuleSet {
	get := func(k string, cur int) int {
		if n, ok := rows[k]; ok {
			return n
		}
		return cur
	}
	l := &rs.Leave
	l.Sick = resize(l.Sick, get("leave.sick", len(l.Sick)))
	l.Besar = resize(l.Besar, get("leave.besar", len(l.Besar)))
	l.AlasanPenting = resize(l.AlasanPenting, get("leave.alasan_penting", len(l.AlasanPenting)))
	l.Melahirkan = resize(l.Melahirkan, get("leave.melahirkan", len(l.Melahirkan)))
	l.MelahirkanAnakKetiga = resize(l.MelahirkanAnakKetiga, get("leave.melahirkan_anak_ketiga", len(l.MelahirkanAnakKetiga)))
	rs.PPh21.PPPK = resize(rs.PPh21.PPPK, get("pph21.pppk", len(rs.PPh21.PPPK)))
	return rs
}

// postedRows reads the hidden row counts of the form; a missing or bad one
// keeps the stored length.
func postedRows(rs tpp.RuleSet, form func(string) string) map[string]int {
	rows := listRows(rs)
	for _, l := range ruleLists {
		if n, err := strconv.Atoi(strings.TrimSpace(form("baris." + l.path))); err == nil && n >= 0 && n <= l.max {
			rows[l.path] = n
		}
	}
	return rows
}

// splitRow splits "leave.sick[2].pay" into the list "leave.sick", the row 2
// and the rest ".pay"; ok is false for a path outside the growable lists.
func splitRow(path string) (list string, row int, rest string, ok bool) {
	open := strings.IndexByte(path, '[')
	shut := strings.IndexByte(path, ']')
	if open < 0 || shut < open {
		return "", 0, "", false
	}
	if _, known := findList(path[:open]); !known {
		return "", 0, "", false
	}
	n, err := strconv.Atoi(path[open+1 : shut])
	if err != nil || n < 0 {
		return "", 0, "", false
	}
	return path[:open], n, path[shut+1:], true
}

// markLists sets RowEnd and ListEnd on the fields of the growable lists.
func markLists(fields []pages.TPPRuleField) {
	for i := range fields {
		f := &fields[i]
		if l, ok := findList(f.Name); ok && f.Kind == "kosong" {
			f.ListEnd, f.ListLabel, f.Label = l.path, l.label, ruleLabel(l.path)
			continue
		}
		list, row, _, ok := splitRow(f.Name)
		if !ok {
			continue
		}
		l, _ := findList(list)
		f.ListLabel = l.label
		nextList, nextRow, _, nextOK := "", -1, "", false
		if i+1 < len(fields) {
			nextList, nextRow, _, nextOK = splitRow(fields[i+1].Name)
		}
		if !nextOK || nextList != list || nextRow != row {
			f.RowEnd = fmt.Sprintf("%s[%d]", list, row)
		}
		if !nextOK || nextList != list {
			f.ListEnd = list
		}
	}
}

// formLists lists the growable lists of rs with their lengths for the form.
func formLists(rs tpp.RuleSet) []pages.TPPRuleList {
	rows := listRows(rs)
	out := make([]pages.TPPRuleList, 0, len(ruleLists))
	for _, l := range ruleLists {
		out = append(out, pages.TPPRuleList{Name: l.path, Rows: rows[l.path]})
	}
	return out
}

// withoutRow reads the form as if row i of list had never been there: the
// rows after it move up by one.
func withoutRow(form func(string) string, list string, i int) func(string) string {
	return func(name string) string {
		if l, row, rest, ok := splitRow(name); ok && l == list && row >= i {
			return form(fmt.Sprintf("%s[%d]%s", list, row+1, rest))
		}
		return form(name)
	}
}

// parseRuleForm reads the form back into a rule set shaped like base: every
// field of base's JSON is read from the form (a missing one is an error).
func parseRuleForm(base tpp.RuleSet, form func(string) string) (tpp.RuleSet, []pages.TPPRuleField, map[string]string) {
	fields, _ := ruleFields(base)
	errs := map[string]string{}
	vals := map[string]any{}
	for i, f := range fields {
		if f.Kind == "kosong" {
			continue
		}
		raw := strings.TrimSpace(form(f.Name))
		fields[i].Value = raw
		switch f.Kind {
		case "persen":
			v, err := parsePercent(raw)
			if err != nil {
				errs[f.Name] = "tulis persen seperti 3 atau 0,5"
				continue
			}
			vals[f.Name] = v
		case "rupiah":
			v, err := parseRupiah(raw)
			if err != nil {
				errs[f.Name] = "tulis rupiah utuh seperti 5.000.000"
				continue
			}
			vals[f.Name] = v
		case "angka":
			v, err := parseCount(raw)
			if err != nil {
				errs[f.Name] = "tulis bilangan bulat"
				continue
			}
			vals[f.Name] = v
		case "ya":
			vals[f.Name] = raw == "ya"
		default:
			if f.Name == "base.indeks_tpp" {
				if _, err := tpp.ParseRatio(raw); err != nil {
					errs[f.Name] = "tulis indeks seperti 0,59112978"
					continue
				}
				raw = strings.Replace(raw, ",", ".", 1)
			}
			if f.Name == "effective_from" || (f.Name == "effective_until" && raw != "") {
				if _, err := tpp.ParsePeriod(raw); err != nil {
					errs[f.Name] = "tulis bulan seperti 2027-01"
					continue
				}
			}
			vals[f.Name] = raw
		}
	}
	if len(errs) > 0 {
		return base, fields, errs
	}
	// Rebuild the JSON with the form's values in place of the old ones.
	b, _ := json.Marshal(base)
	var tree any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	_ = dec.Decode(&tree)
	tree = replaceLeaves(tree, "", vals)
	nb, _ := json.Marshal(tree)
	var out tpp.RuleSet
	if err := json.Unmarshal(nb, &out); err != nil {
		errs["_lain"] = "aturan tidak dapat dibaca: " + err.Error()
	}
	// The end month is set from the form whether or not the rules had one
	// (an open-ended rule set has no effective_until leaf to replace).
	out.EffectiveUntil = tpp.Period{}
	if v, _ := vals["effective_until"].(string); v != "" {
		out.EffectiveUntil, _ = tpp.ParsePeriod(v) // checked above
	}
	return out, fields, errs
}

func replaceLeaves(n any, path string, vals map[string]any) any {
	switch t := n.(type) {
	case map[string]any:
		for k, v := range t {
			p := k
			if path != "" {
				p = path + "." + k
			}
			t[k] = replaceLeaves(v, p, vals)
		}
		return t
	case []any:
		for i, v := range t {
			t[i] = replaceLeaves(v, fmt.Sprintf("%s[%d]", path, i), vals)
		}
		return t
	}
	if v, ok := vals[path]; ok {
		return v
	}
	return n
}

func (s *Server) tppRuleSets(c echo.Context) error {
	items, err := s.tpp.RuleSets(c.Request().Context())
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.TPPRuleSets(s.chrome(c, "Aturan TPP"), pages.TPPRuleSetsView{Items: items}))
}

func (s *Server) tppRuleSetForm(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	rs, err := s.tpp.RuleSet(c.Request().Context(), id)
	if err != nil {
		return err
	}
	fields, err := ruleFields(rs.Rules)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.TPPRuleSetEdit(s.chrome(c, "Aturan TPP"), pages.TPPRuleSetForm{Stored: rs, Fields: fields, Lists: formLists(rs.Rules)}))
}

func (s *Server) tppRuleSetSave(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	cur, err := s.tpp.RuleSet(ctx, id)
	if err != nil {
		return err
	}
	if cur.Used {
		// Frozen since its first computation (SaveRuleSet refuses it too);
		// the row buttons are refused as well, the form being read-only.
		return claim.FrozenError(cur.Version)
	}
	base := resizeLists(cur.Rules, postedRows(cur.Rules, c.FormValue))
	if add, del := c.FormValue("tambah"), c.FormValue("hapus"); add != "" || del != "" {
		return s.tppRuleSetRows(c, cur, base, add, del)
	}
	rules, fields, errs := parseRuleForm(base, c.FormValue)
	if len(errs) == 0 {
		saved, err := s.tpp.SaveRuleSet(ctx, tppActor(c), id, rules)
		if err == nil {
			return redirectWith(c, fmt.Sprintf("/tpp/aturan/%d", saved.ID), "tpp-aturan")
		}
		var ve *apperr.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		errs = placeErrors(ve.Fields, fields)
	}
	return s.render(c, http.StatusUnprocessableEntity, pages.TPPRuleSetEdit(s.chrome(c, "Aturan TPP"),
		pages.TPPRuleSetForm{Stored: cur, Fields: fields, Lists: formLists(base), Errors: errs}))
}

// tppRuleSetNewVersion copies a version (frozen or not) into a new,
// editable version and opens its form.
func (s *Server) tppRuleSetNewVersion(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	nv, err := s.tpp.NewRuleSetVersion(c.Request().Context(), tppActor(c), id)
	if err != nil {
		return err
	}
	return redirectWith(c, fmt.Sprintf("/tpp/aturan/%d", nv.ID), "tpp-aturan-versi")
}

// tppRuleSetRows answers a "tambah baris" (add = list) or "hapus baris"
// (del = "list[i]") button: the form comes back with the values typed so far
// and one row more (empty) or less. Nothing is stored, so nothing is audited.
func (s *Server) tppRuleSetRows(c echo.Context, cur claim.StoredRuleSet, base tpp.RuleSet, add, del string) error {
	rows := listRows(base)
	form := c.FormValue
	errs := map[string]string{}
	status := http.StatusOK
	if add != "" {
		l, ok := findList(add)
		switch {
		case !ok:
			return apperr.Invalid("tambah", "daftar aturan tidak dikenal")
		case rows[add] >= l.max:
			errs[add] = fmt.Sprintf("paling banyak %d baris", l.max)
			status = http.StatusUnprocessableEntity
		default:
			rows[add]++
		}
	} else {
		list, i, rest, ok := splitRow(del)
		if !ok || rest != "" || i >= rows[list] {
			return apperr.Invalid("hapus", "baris aturan tidak dikenal")
		}
		rows[list]--
		form = withoutRow(form, list, i)
	}
	base = resizeLists(base, rows)
	_, fields, _ := parseRuleForm(base, form)
	return s.render(c, status, pages.TPPRuleSetEdit(s.chrome(c, "Aturan TPP"),
		pages.TPPRuleSetForm{Stored: cur, Fields: fields, Lists: formLists(base), Errors: errs}))
}

// placeErrors keeps messages of fields on the form and gathers the others
// (whole groups, like "split" or "pph21.pppk") into one message at the end.
func placeErrors(in map[string]string, fields []pages.TPPRuleField) map[string]string {
	on := map[string]bool{}
	for _, f := range fields {
		on[f.Name], on[f.RowEnd], on[f.ListEnd] = true, true, true
	}
	delete(on, "")
	out := map[string]string{}
	var other []string
	for k, v := range in {
		if on[k] {
			out[k] = v
		} else {
			other = append(other, ruleLabel(k)+": "+v)
		}
	}
	if len(other) > 0 {
		sort.Strings(other)
		out["_lain"] = strings.Join(other, "; ")
	}
	return out
}
