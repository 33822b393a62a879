package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
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

// ruleFields turns a rule set into the form's fields: tpp.RuleFields gives
// every parameter with its kind (from its Go type), label and group.
func ruleFields(rs tpp.RuleSet) ([]pages.TPPRuleField, error) {
	params, err := tpp.RuleFields(rs)
	if err != nil {
		return nil, err
	}
	out := make([]pages.TPPRuleField, 0, len(params))
	for _, p := range params {
		f := pages.TPPRuleField{Name: p.Path, Label: p.Label, Kind: string(p.Kind), Group: p.Group, Value: p.Format()}
		if p.Path == "base.indeks_tpp" { // written with a decimal comma
			f.Value = strings.Replace(f.Value, ".", ",", 1)
		}
		out = append(out, f)
	}
	markLists(out)
	return out, nil
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
	for _, l := range tpp.RuleLists {
		if n, err := strconv.Atoi(strings.TrimSpace(form("baris." + l.Path))); err == nil && n >= 0 && n <= l.Max {
			rows[l.Path] = n
		}
	}
	return rows
}

// markLists sets RowEnd and ListEnd on the fields of the growable lists.
func markLists(fields []pages.TPPRuleField) {
	for i := range fields {
		f := &fields[i]
		if l, ok := tpp.FindRuleList(f.Name); ok && f.Kind == "kosong" {
			f.ListEnd, f.ListLabel, f.Label = l.Path, l.Label, tpp.RuleLabel(l.Path, tpp.KindList)
			continue
		}
		list, row, _, ok := tpp.SplitRuleRow(f.Name)
		if !ok {
			continue
		}
		l, _ := tpp.FindRuleList(list)
		f.ListLabel = l.Label
		nextList, nextRow, _, nextOK := "", -1, "", false
		if i+1 < len(fields) {
			nextList, nextRow, _, nextOK = tpp.SplitRuleRow(fields[i+1].Name)
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
	out := make([]pages.TPPRuleList, 0, len(tpp.RuleLists))
	for _, l := range tpp.RuleLists {
		out = append(out, pages.TPPRuleList{Name: l.Path, Rows: rows[l.Path]})
	}
	return out
}

// withoutRow reads the form as if row i of list had never been there: the
// rows after it move up by one.
func withoutRow(form func(string) string, list string, i int) func(string) string {
	return func(name string) string {
		if l, row, rest, ok := tpp.SplitRuleRow(name); ok && l == list && row >= i {
			return form(fmt.Sprintf("%s[%d]%s", list, row+1, rest))
		}
		return form(name)
	}
}

// kindMessage says how to write a value of each kind that could not be read.
var kindMessage = map[tpp.FieldKind]string{
	tpp.KindMoney: "tulis rupiah utuh seperti 5.000.000",
	tpp.KindBP:    "tulis persen seperti 3 atau 0,5",
	tpp.KindInt:   "tulis bilangan bulat",
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
		kind := tpp.FieldKind(f.Kind)
		v, err := kind.Parse(raw)
		if err != nil {
			errs[f.Name] = kindMessage[kind]
			continue
		}
		if kind == tpp.KindText {
			if f.Name == "base.indeks_tpp" {
				if _, err := tpp.ParseRatio(raw); err != nil {
					errs[f.Name] = "tulis indeks seperti 0,59112978"
					continue
				}
				v = strings.Replace(raw, ",", ".", 1)
			}
			if f.Name == "effective_from" || (f.Name == "effective_until" && raw != "") {
				if _, err := tpp.ParsePeriod(raw); err != nil {
					errs[f.Name] = "tulis bulan seperti 2027-01"
					continue
				}
			}
		}
		vals[f.Name] = v
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
		l, ok := tpp.FindRuleList(add)
		switch {
		case !ok:
			return apperr.Invalid("tambah", "daftar aturan tidak dikenal")
		case rows[add] >= l.Max:
			errs[add] = fmt.Sprintf("paling banyak %d baris", l.Max)
			status = http.StatusUnprocessableEntity
		default:
			rows[add]++
		}
	} else {
		list, i, rest, ok := tpp.SplitRuleRow(del)
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
			other = append(other, tpp.RuleLabel(k, "")+": "+v)
		}
	}
	if len(other) > 0 {
		sort.Strings(other)
		out["_lain"] = strings.Join(other, "; ")
	}
	return out
}
