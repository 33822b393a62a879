package web

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
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
