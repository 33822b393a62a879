package web

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"
)

// asset is one embedded file served under a content-hashed name.
type asset struct {
	name   string // original name, e.g. app.css
	hashed string // served name, e.g. app.1a2b3c4d5e6f.css
	sha256 string
	body   []byte
	ctype  string
}

// Assets maps embedded files to cache-busting names. Every byte served under
// /static/ comes from the binary; there is no disk path to write to.
type Assets struct {
	byName   map[string]*asset
	byHashed map[string]*asset
}

// ManifestName is the file listing the reviewed SHA-256 of every asset.
const ManifestName = "MANIFEST.sha256"

// LoadAssets reads every file of fsys, names it by its SHA-256, and checks
// the set against fsys's MANIFEST.sha256 (written by `make manifest` and
// committed). A mismatch refuses start-up: the assets in the binary must be
// exactly the reviewed ones, so a build from a tampered tree (a defaced
// stylesheet, an injected script) never serves.
func LoadAssets(fsys fs.FS) (*Assets, error) {
	a := &Assets{byName: map[string]*asset{}, byHashed: map[string]*asset{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == ManifestName {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		h := hex.EncodeToString(sum[:])
		ext := path.Ext(p)
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = "application/octet-stream"
		}
		as := &asset{name: p, hashed: strings.TrimSuffix(p, ext) + "." + h[:12] + ext, sha256: h, body: body, ctype: ct}
		a.byName[p], a.byHashed[as.hashed] = as, as
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load assets: %w", err)
	}
	manifest, err := fs.ReadFile(fsys, ManifestName)
	if err != nil {
		return nil, fmt.Errorf("load assets: %s tidak ada: %w", ManifestName, err)
	}
	if err := a.CheckManifest(manifest); err != nil {
		return nil, err
	}
	return a, nil
}

// CheckManifest compares the loaded assets with a sha256sum-format manifest:
// every asset listed with its hash, nothing missing, nothing extra.
func (a *Assets) CheckManifest(manifest []byte) error {
	want := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(manifest)), "\n") {
		sum, name, ok := strings.Cut(strings.TrimSpace(line), "  ")
		if !ok || len(sum) != 64 {
			return fmt.Errorf("%s: baris tidak sah: %q", ManifestName, line)
		}
		want[strings.TrimPrefix(name, "*")] = sum
	}
	var problems []string
	for name, as := range a.byName {
		switch sum, ok := want[name]; {
		case !ok:
			problems = append(problems, name+" tidak tercantum di manifest")
		case sum != as.sha256:
			problems = append(problems, name+" berbeda dari manifest")
		}
	}
	for name := range want {
		if _, ok := a.byName[name]; !ok {
			problems = append(problems, name+" tercantum di manifest tetapi tidak ada")
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("aset tertanam tidak cocok dengan %s (jalankan 'make manifest' bila perubahan ini disengaja): %s", ManifestName, strings.Join(problems, "; "))
	}
	return nil
}

// URL returns the cache-busting URL of an embedded file.
func (a *Assets) URL(name string) string {
	if as, ok := a.byName[name]; ok {
		return "/static/" + as.hashed
	}
	return "/static/missing-" + name
}

// Manifest returns name -> SHA-256 of every embedded asset.
func (a *Assets) Manifest() map[string]string {
	m := make(map[string]string, len(a.byName))
	for n, as := range a.byName {
		m[n] = as.sha256
	}
	return m
}

func (a *Assets) serve(c echo.Context) error {
	as, ok := a.byHashed[c.Param("file")]
	if !ok {
		return echo.ErrNotFound
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", `"`+as.sha256[:16]+`"`)
	if c.Request().Header.Get("If-None-Match") == `"`+as.sha256[:16]+`"` {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, as.ctype, as.body)
}
