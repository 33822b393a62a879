package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
	keys.TempDir = dir // the spool lives on the backup volume, not in memory or a read-only /tmp
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

// nextDaily is the first moment after now at hh:mm in loc.
func nextDaily(now time.Time, hhmm string, loc *time.Location) (time.Time, error) {
	t, err := time.Parse("15:04", hhmm)
	if err != nil {
		return time.Time{}, errors.New("--daily harus berbentuk JJ:MM, misalnya 01:30")
	}
	n := now.In(loc)
	next := time.Date(n.Year(), n.Month(), n.Day(), t.Hour(), t.Minute(), 0, 0, loc)
	if !next.After(n) {
		next = time.Date(n.Year(), n.Month(), n.Day()+1, t.Hour(), t.Minute(), 0, 0, loc)
	}
	return next, nil
}

// backupDaily writes a rotated backup every day at hh:mm (the regency's
// zone) until ctx ends: the scheduler for hosts without cron, such as the
// distroless image in docker compose. A failed night is logged and the next
// night tried; it never exits on its own.
func (a *app) backupDaily(ctx context.Context, db *gorm.DB, dir string, keep int, hhmm string, keys backup.WriteKeys) error {
	if _, err := nextDaily(time.Now(), hhmm, a.cfg.Location); err != nil {
		return err
	}
	for {
		next, _ := nextDaily(time.Now(), hhmm, a.cfg.Location)
		a.log.Info("cadangan terjadwal", slog.Time("berikutnya", next))
		t := time.NewTimer(time.Until(next))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		start := time.Now()
		name, m, err := writeRotated(ctx, db, dir, keep, keys)
		if err != nil {
			a.log.Error("cadangan terjadwal gagal", slog.String("error", err.Error()))
			continue
		}
		a.log.Info("cadangan terjadwal selesai", slog.String("berkas", name), slog.Int64("skema", m.SchemaVersion),
			slog.Int("tabel", len(m.Tables)), slog.Duration("durasi", time.Since(start)))
	}
}
