package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/backup"
)

const (
	rotatedPrefix = "ekinerja-"
	rotatedSuffix = ".backup"
)

// writeRotated writes a timestamped backup into dir (under a temporary name
// until it is complete) and then keeps only the newest keep backups there.
func writeRotated(ctx context.Context, db *gorm.DB, dir string, keep int, keys backup.WriteKeys) (string, backup.Manifest, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", backup.Manifest{}, err
	}
	name := filepath.Join(dir, rotatedPrefix+time.Now().UTC().Format("20060102T150405Z")+rotatedSuffix)
	tmp := name + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600) // #nosec G304 -- the operator names the backup directory
	if err != nil {
		return "", backup.Manifest{}, err
	}
	m, err := backup.Write(ctx, db, f, keys)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		os.Remove(tmp)
		return "", m, err
	}
	return name, m, prune(dir, keep)
}

// prune deletes all but the newest keep finished backups in dir (the names
// sort by time).
func prune(dir string, keep int) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); e.Type().IsRegular() && strings.HasPrefix(n, rotatedPrefix) && strings.HasSuffix(n, rotatedSuffix) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for i := 0; i < len(names)-keep; i++ {
		if err := os.Remove(filepath.Join(dir, names[i])); err != nil {
			return fmt.Errorf("hapus cadangan lama: %w", err)
		}
	}
	return nil
}
