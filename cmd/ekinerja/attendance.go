package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/ekinerja/ekinerja/internal/attendance"
	"github.com/ekinerja/ekinerja/internal/database"
)

// attendance runs the attendance subcommands: demo-csv writes a month of
// demo fingerprint data in the documented import layout.
func (a *app) attendance(ctx context.Context, args []string) error {
	if wantsHelp(args) {
		fmt.Fprintln(a.stderr, "Pemakaian: ekinerja attendance demo-csv --month TTTT-BB [--opd KODE]")
		return flag.ErrHelp
	}
	if len(args) == 0 || args[0] != "demo-csv" {
		return fmt.Errorf("pemakaian: ekinerja attendance demo-csv --month TTTT-BB [--opd KODE]")
	}
	fs := a.flags("attendance demo-csv --month TTTT-BB [--opd KODE]",
		"Menulis presensi demo sebulan untuk pegawai aktif (semua OPD, atau satu OPD) ke stdout, dalam format impor CSV.")
	month := fs.String("month", "", "bulan, mis. 2026-10")
	opd := fs.String("opd", "", "kode OPD (kosong: semua OPD)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	p, err := parseMonthFlag(*month)
	if err != nil {
		return err
	}
	year, m := p.Year, time.Month(p.Month)
	db, err := a.open(ctx)
	if err != nil {
		return err
	}
	defer database.Close(db)
	var opdID int64
	if *opd != "" {
		if err := db.WithContext(ctx).Raw(`SELECT id FROM opd WHERE kode = ?`, strings.ToUpper(*opd)).Scan(&opdID).Error; err != nil {
			return err
		}
		if opdID == 0 {
			return fmt.Errorf("OPD %q tidak ditemukan", *opd)
		}
	}
	return attendance.NewStore(db, a.cfg.Location).DemoCSV(ctx, a.stdout, opdID, year, m)
}
