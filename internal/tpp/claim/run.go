package claim

import (
	"context"
	"crypto/rand"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

// ComputeTimeout bounds one computation started from the web.
const ComputeTimeout = 5 * time.Minute

// A computation is tied to a live holder: from BeginCompute until it ends,
// a dedicated database connection holds a session-level advisory lock on
// the claim (RunLockKey). "Running" means the run is unfinished in
// tpp_claim_run AND that lock is held; a run whose holder died (the app
// server was killed, PostgreSQL restarted, the connection was cut) frees
// the claim the moment PostgreSQL notices, not after a grace period.
const runLockClass = 0x54505043 // "TPPC"

// RunLockKey is the advisory-lock key of a claim's computation.
func RunLockKey(claimID int64) int64 { return runLockClass<<32 | claimID&0xffffffff }

// "Held" is asked with CASE WHEN pg_try_advisory_lock(key) THEN NOT
// pg_advisory_unlock(key) ELSE true END: try the lock and, if it was free,
// give it straight back, in one statement so it stays on one connection.

// Run is one computation of a claim, marked in tpp_claim_run from
// BeginCompute until it finishes, and held by a live connection.
type Run struct {
	ClaimID int64
	OPDID   int64
	Period  tpp.Period
	// Khusus is the decision a special claim follows (nil: a monthly claim).
	Khusus *Khusus
	// Token tells this run from a later one that took over after its holder died.
	Token int64
	hold  *runHolder
}

// runHolder is the dedicated connection holding a run's advisory lock.
type runHolder struct {
	conn   *sql.Conn
	key    int64
	locked bool
	pid    int64
	once   sync.Once
}

// release gives the lock back and the connection to the pool; a connection
// that cannot say it gave the lock back is thrown away (closing it frees
// the lock), so no pooled connection ever keeps a claim locked.
func (h *runHolder) release() {
	if h == nil {
		return
	}
	h.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if !h.locked {
			_ = h.conn.Close()
			return
		}
		var unlocked bool
		if err := h.conn.QueryRowContext(ctx, `SELECT pg_advisory_unlock($1)`, h.key).Scan(&unlocked); err != nil || !unlocked {
			_ = h.conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		_ = h.conn.Close()
	})
}

// HolderPID is the PostgreSQL backend holding the run (tests kill it).
func (r Run) HolderPID() int64 {
	if r.hold == nil {
		return 0
	}
	return r.hold.pid
}

// Abandon ends a run that was begun but will not be computed: it is marked
// failed and its claim is free again.
func (s *Service) Abandon(ctx context.Context, run Run) {
	s.failRun(ctx, run, apperr.New(apperr.ErrConflict, "Perhitungan dibatalkan; hitung ulang."))
}

// RunState is what the claim page says about the claim's computation.
type RunState struct {
	Running   bool
	StartedAt time.Time
	// Error is why the last computation failed ("" when it did not).
	Error string
}

// BeginCompute checks that actor a may compute the monthly claim of opdID
// for month p and that it is recomputable, creates the (empty, draft) claim
// when the month has none yet, and marks the computation running, all in one
// short transaction. A computation of the same claim already running (on any
// app server) is refused with ErrConflict.
func (s *Service) BeginCompute(ctx context.Context, a Actor, opdID int64, p tpp.Period) (Run, error) {
	if !canAct(a, opdID) || a.Role == auth.RoleSuperadmin {
		return Run{}, fmt.Errorf("compute opd %d: %w", opdID, apperr.ErrForbidden)
	}
	if !p.Valid() {
		return Run{}, apperr.Invalid("bulan", tpp.PeriodMessage)
	}
	var opdCount int64
	if err := s.db.WithContext(ctx).Raw(`SELECT count(*) FROM opd WHERE id = ?`, opdID).Scan(&opdCount).Error; err != nil {
		return Run{}, err
	}
	if opdCount == 0 {
		return Run{}, fmt.Errorf("opd %d: %w", opdID, apperr.ErrNotFound)
	}
	rs, err := ruleSetFor(ctx, s.db, p)
	if err != nil {
		return Run{}, err
	}
	return s.beginRun(ctx, a, opdID, p, rs, nil, func(tx *gorm.DB) (int64, error) {
		if err := tx.Exec(`INSERT INTO tpp_claim (opd_id, period, susulan, rule_set_id, rule_set_version, computed_by)
VALUES (?, ?::date, 0, ?, ?, NULLIF(?, 0)) ON CONFLICT (opd_id, period, jenis, susulan) DO NOTHING`,
			opdID, periodDate(p), rs.ID, rs.Version, a.UserID).Error; err != nil {
			return 0, fmt.Errorf("create claim: %w", err)
		}
		var ids []int64
		if err := tx.Raw(`SELECT id FROM tpp_claim WHERE opd_id = ? AND period = ?::date AND susulan = 0 AND jenis = 'bulanan'`, opdID, periodDate(p)).Scan(&ids).Error; err != nil {
			return 0, err
		}
		if len(ids) == 0 {
			return 0, errors.New("claim vanished")
		}
		return ids[0], nil
	})
}

// BeginRecompute is BeginCompute for an existing claim (monthly or susulan).
func (s *Service) BeginRecompute(ctx context.Context, a Actor, claimID int64) (Run, error) {
	c, err := s.Get(ctx, a, claimID)
	if err != nil {
		return Run{}, err
	}
	if err := allowedWho(a, c, ActCompute); err != nil {
		return Run{}, err
	}
	var k *Khusus
	if c.KhususID != nil {
		if c.Susulan == 0 {
			return s.BeginKhusus(ctx, a, *c.KhususID, c.OPDID)
		}
		d, err := s.khusus(ctx, s.db, *c.KhususID)
		if err != nil {
			return Run{}, err
		}
		k = &d
	} else if c.Susulan == 0 {
		return s.BeginCompute(ctx, a, c.OPDID, c.Period())
	}
	rs, err := ruleSetFor(ctx, s.db, c.Period())
	if err != nil {
		return Run{}, err
	}
	return s.beginRun(ctx, a, c.OPDID, c.Period(), rs, k, func(*gorm.DB) (int64, error) { return c.ID, nil })
}

// BeginSusulan makes the next supplementary claim (klaim susulan) of the OPD
// and month of claim fromID and starts its computation. It pays who the
// month's approved claims hold out (ditangguhkan: not computable, or no bank
// account), so it is made only once the claim fromID is approved or paid,
// while some employee of the month still waits, and while no other claim of
// the OPD and month is still open.
func (s *Service) BeginSusulan(ctx context.Context, a Actor, fromID int64) (Run, error) {
	from, err := s.Get(ctx, a, fromID)
	if err != nil {
		return Run{}, err
	}
	if err := allowedWho(a, from, ActSusulan); err != nil {
		return Run{}, err
	}
	if !from.Status.Final() {
		return Run{}, apperr.New(apperr.ErrConflict, "Klaim susulan dibuat setelah klaim ini disetujui.")
	}
	p := from.Period()
	rs, err := ruleSetFor(ctx, s.db, p)
	if err != nil {
		return Run{}, err
	}
	var k *Khusus
	if from.KhususID != nil {
		d, err := s.khusus(ctx, s.db, *from.KhususID)
		if err != nil {
			return Run{}, err
		}
		k = &d
	}
	return s.beginRun(ctx, a, from.OPDID, p, rs, k, func(tx *gorm.DB) (int64, error) {
		// One susulan at a time per OPD and month: the claims of the month are
		// locked, so two clicks make one claim.
		var claims []struct {
			ID      int64  `gorm:"column:id"`
			Status  Status `gorm:"column:status"`
			Susulan int    `gorm:"column:susulan"`
		}
		if err := tx.Raw(`SELECT id, status, susulan FROM tpp_claim WHERE opd_id = ? AND period = ?::date AND jenis = ? ORDER BY susulan FOR UPDATE`,
			from.OPDID, periodDate(p), from.Jenis).Scan(&claims).Error; err != nil {
			return 0, err
		}
		next := 0
		for _, c := range claims {
			if !c.Status.Final() {
				return 0, apperr.New(apperr.ErrConflict, fmt.Sprintf("Masih ada klaim bulan ini yang belum disetujui (klaim %d); selesaikan klaim itu lebih dulu.", c.ID))
			}
			next = max(next, c.Susulan+1)
		}
		var waiting int64
		if err := tx.Raw(`SELECT count(DISTINCT r.pegawai_id) FROM tpp_claim_pegawai r JOIN tpp_claim c ON c.id = r.claim_id
WHERE c.opd_id = ? AND c.period = ?::date AND c.jenis = ?
  AND NOT EXISTS (SELECT 1 FROM tpp_bayar_pegawai b WHERE b.pegawai_id = r.pegawai_id AND b.opd_id = c.opd_id AND b.period = c.period AND b.jenis = c.jenis)`,
			from.OPDID, periodDate(p), from.Jenis).Scan(&waiting).Error; err != nil {
			return 0, err
		}
		if waiting == 0 {
			return 0, apperr.New(apperr.ErrConflict, "Tidak ada pegawai bulan ini yang ditangguhkan; klaim susulan tidak diperlukan.")
		}
		var ids []int64
		if err := tx.Raw(`INSERT INTO tpp_claim (opd_id, period, susulan, jenis, khusus_id, rule_set_id, rule_set_version, computed_by)
VALUES (?, ?::date, ?, ?, ?, ?, ?, NULLIF(?, 0)) RETURNING id`, from.OPDID, periodDate(p), next, from.Jenis, from.KhususID, rs.ID, rs.Version, a.UserID).Scan(&ids).Error; err != nil {
			return 0, fmt.Errorf("create susulan: %w", err)
		}
		if len(ids) == 0 {
			return 0, errors.New("susulan not created")
		}
		return ids[0], audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActorNIP: a.NIP, IP: a.IP, Action: "tpp.susulan",
			ObjectType: "tpp_claim", ObjectID: fmt.Sprint(ids[0]),
			Detail: map[string]any{"opd_id": from.OPDID, "bulan": periodText(p), "susulan": next, "dari_klaim": from.ID, "menunggu": waiting}})
	})
}

// beginRun finds (or makes) the claim with claimOf, takes the claim's
// computation lock on a dedicated connection and marks the computation
// running, in one transaction on that connection. The lock stays with the
// connection (session level) after the commit, until the run ends.
func (s *Service) beginRun(ctx context.Context, a Actor, opdID int64, p tpp.Period, rs StoredRuleSet, k *Khusus, claimOf func(tx *gorm.DB) (int64, error)) (Run, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return Run{}, err
	}
	run := Run{OPDID: opdID, Period: p, Khusus: k, Token: int64(binary.BigEndian.Uint64(b[:]) >> 1)}
	sqlDB, err := s.db.DB()
	if err != nil {
		return Run{}, err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return Run{}, fmt.Errorf("run holder: %w", err)
	}
	h := &runHolder{conn: conn}
	held := false
	defer func() {
		if !held {
			h.release()
		}
	}()
	if err := conn.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&h.pid); err != nil {
		return Run{}, fmt.Errorf("run holder: %w", err)
	}
	on := s.db.WithContext(ctx)
	on.Statement.ConnPool = conn
	err = on.Transaction(func(tx *gorm.DB) error {
		id, err := claimOf(tx)
		if err != nil {
			return err
		}
		// The lock decides, so two servers starting at once cannot both win;
		// whoever holds it is alive, whoever held it before is gone. It is
		// tried before the claim's row lock, which a running computation
		// holds in its transaction: a second click is told at once.
		h.key = RunLockKey(id)
		var got bool
		if err := tx.Raw(`SELECT pg_try_advisory_lock(?)`, h.key).Scan(&got).Error; err != nil {
			return fmt.Errorf("run lock: %w", err)
		}
		if !got {
			return apperr.New(apperr.ErrConflict, "Klaim ini sedang dihitung; tunggu sampai selesai lalu muat ulang halaman klaim.")
		}
		h.locked = true
		var cur []struct {
			ID     int64  `gorm:"column:id"`
			Status Status `gorm:"column:status"`
		}
		if err := tx.Raw(`SELECT id, status FROM tpp_claim WHERE id = ? FOR UPDATE`, id).Scan(&cur).Error; err != nil {
			return err
		}
		if len(cur) == 0 {
			return errors.New("claim vanished")
		}
		run.ClaimID = cur[0].ID
		if !cur[0].Status.Recomputable() {
			return apperr.New(apperr.ErrConflict, "Klaim berstatus "+cur[0].Status.Label()+" tidak dapat dihitung ulang.")
		}
		if err := tx.Exec(`INSERT INTO tpp_claim_run (claim_id, token, started_by) VALUES (?, ?, NULLIF(?, 0))
ON CONFLICT (claim_id) DO UPDATE SET token = EXCLUDED.token, started_at = now(), started_by = EXCLUDED.started_by,
    finished_at = NULL, error = ''`, run.ClaimID, run.Token, a.UserID).Error; err != nil {
			return fmt.Errorf("mark run: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActorNIP: a.NIP, IP: a.IP, Action: "tpp.hitung_mulai",
			ObjectType: "tpp_claim", ObjectID: fmt.Sprint(run.ClaimID),
			Detail: map[string]any{"opd_id": opdID, "bulan": periodText(p), "aturan_versi": rs.Version}})
	})
	if err != nil {
		return Run{}, err
	}
	held = true
	run.hold = h
	return run, nil
}

// failRun marks run finished with the reason it failed. It runs after the
// computation's transaction rolled back, on a context that outlives a
// cancelled request, so the mark never stays behind for a failure.
func (s *Service) failRun(ctx context.Context, run Run, cause error) {
	msg := "Perhitungan gagal; coba hitung ulang."
	var m *apperr.Message
	if errors.As(cause, &m) {
		msg = m.Text
	}
	defer run.hold.release()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	// Best effort: if this fails too, the run stops counting as running
	// when its lock is released just after.
	_ = s.db.WithContext(ctx).Exec(`UPDATE tpp_claim_run SET finished_at = now(), error = ? WHERE claim_id = ? AND token = ? AND finished_at IS NULL`,
		msg, run.ClaimID, run.Token).Error
}

// interruptedRun is what the claim page says of a run whose holder died.
const interruptedRun = "Perhitungan terputus sebelum selesai (server atau basis data dimulai ulang); hitung ulang."

// RunState reports whether the claim is being computed and why its last
// computation failed, if it did.
func (s *Service) RunState(ctx context.Context, claimID int64) (RunState, error) {
	var rows []struct {
		Unfinished bool      `gorm:"column:unfinished"`
		Held       bool      `gorm:"column:held"`
		StartedAt  time.Time `gorm:"column:started_at"`
		Error      string    `gorm:"column:error"`
	}
	key := RunLockKey(claimID)
	err := s.db.WithContext(ctx).Raw(`SELECT finished_at IS NULL AS unfinished, (finished_at IS NULL AND CASE WHEN pg_try_advisory_lock(?) THEN NOT pg_advisory_unlock(?) ELSE true END) AS held, started_at, error
FROM tpp_claim_run WHERE claim_id = ?`, key, key, claimID).Scan(&rows).Error
	if err != nil || len(rows) == 0 {
		return RunState{}, err
	}
	r := rows[0]
	st := RunState{Running: r.Held, StartedAt: r.StartedAt, Error: r.Error}
	if r.Unfinished && !r.Held {
		st.Error = interruptedRun
	}
	return st, nil
}

// runningIn reports, inside tx, whether claimID's computation is running:
// unfinished, with its holder alive.
func runningIn(tx *gorm.DB, claimID int64) (bool, error) {
	var running []bool
	key := RunLockKey(claimID)
	if err := tx.Raw(`SELECT CASE WHEN pg_try_advisory_lock(?) THEN NOT pg_advisory_unlock(?) ELSE true END FROM tpp_claim_run WHERE claim_id = ? AND finished_at IS NULL`, key, key, claimID).Scan(&running).Error; err != nil {
		return false, err
	}
	return len(running) == 1 && running[0], nil
}
