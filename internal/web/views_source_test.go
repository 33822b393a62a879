package web

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"net/http"
	"net/url"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// templFiles returns every .templ file under ../../views with its text.
func templFiles(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir("../../views", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".templ") {
			return err
		}
		b, err := os.ReadFile(p)
		out[filepath.ToSlash(p)] = string(b)
		return err
	})
	if err != nil || len(out) == 0 {
		t.Fatalf("views: %v (%d files)", err, len(out))
	}
	return out
}

var postForm = regexp.MustCompile(`(?s)<form[^>]*method="post".*?</form>`)

// TestFormsUseTheOneCSRFComponent: the CSRF field is written once, in
// components.CSRF (which reads the token from the render context), and
// every POST form of every view includes it.
func TestFormsUseTheOneCSRFComponent(t *testing.T) {
	t.Parallel()
	forms := 0
	for path, src := range templFiles(t) {
		if path != "../../views/components/csrf.templ" && strings.Contains(src, `name="csrf_token"`) {
			t.Errorf("%s writes its own csrf_token field; use @components.CSRF()", path)
		}
		for _, f := range postForm.FindAllString(src, -1) {
			forms++
			if !strings.Contains(f, "@components.CSRF()") {
				t.Errorf("%s: a POST form without @components.CSRF():\n%s", path, f)
			}
		}
	}
	if forms < 50 {
		t.Fatalf("found only %d POST forms: the scan is broken", forms)
	}
}

// controlTag matches a form control's start tag; described and invalid
// read the aria attributes of the one error scheme off it.
var (
	controlTag = regexp.MustCompile(`<(?:input|select|textarea)\b[^>]*>`)
	tagName    = regexp.MustCompile(`\bname="([^"]+)"`)
	described  = regexp.MustCompile(`\baria-describedby="err-([^"]+)"`)
)

// TestFormFieldsUseTheOneErrorScheme: a field's message is written only by
// components.FieldError (class field-error, role alert, id err-<field>) and
// the control's aria only by components.FieldAttrs; through the real route
// a refused form marks each bad control aria-invalid and describes it by
// its message.
func TestFormFieldsUseTheOneErrorScheme(t *testing.T) {
	t.Parallel()
	for path, src := range templFiles(t) {
		if strings.HasPrefix(path, "../../views/components/") {
			continue
		}
		for _, bad := range []string{`class="field-error"`, `aria-invalid`, `-error"`} {
			if strings.Contains(strings.ReplaceAll(src, `id="form-error"`, ""), bad) && !(bad == `-error"` && allowedSummaryIDs(src)) {
				t.Errorf("%s writes %s itself; use components.FieldError / FieldAttrs", path, bad)
			}
		}
	}
	h := newHarness(t)
	res := h.as(auth.RoleAdminOPD).postForm("/pegawai", url.Values{"nip": {"19900101201501100"}, "nama": {""}, "status_asn": {"PNS"},
		"golongan": {"III/z"}, "keadaan": {"aktif"}, "tugas_belajar": {"tidak"}})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad form: %d", res.status)
	}
	marked := map[string]bool{}
	for _, tag := range controlTag.FindAllString(res.body, -1) {
		n, d := tagName.FindStringSubmatch(tag), described.FindStringSubmatch(tag)
		if n == nil || d == nil || !strings.Contains(tag, `aria-invalid="true"`) {
			continue
		}
		if n[1] != d[1] {
			t.Errorf("control %s described by the message of %s", n[1], d[1])
		}
		marked[n[1]] = true
	}
	for _, f := range []string{"nip", "nama", "golongan"} {
		if !marked[f] || !strings.Contains(res.body, `<p class="field-error" role="alert" id="err-`+f+`"`) {
			t.Errorf("field %s: control marked %v, message present %v", f, marked[f], strings.Contains(res.body, `id="err-`+f+`"`))
		}
	}
	if marked["status_asn"] {
		t.Error("a good field is marked invalid")
	}
}

// allowedSummaryIDs reports whether every `-error"` in src is a form-level
// summary (login-error, impor-error, tinjau-error, kode-error of the
// sign-in step), not a field message.
func allowedSummaryIDs(src string) bool {
	for _, m := range regexp.MustCompile(`id="([a-z_]+)-error"`).FindAllStringSubmatch(src, -1) {
		switch m[1] {
		case "form", "login", "impor", "tinjau", "kode":
		default:
			return false
		}
	}
	return true
}
