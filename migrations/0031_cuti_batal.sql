-- +goose Up
-- An employee may cancel their own leave/DL request while it still waits
-- for the atasan: status 'dibatalkan', with the time it was cancelled. A
-- cancelled request excuses nothing and no longer blocks its dates.
ALTER TABLE cuti DROP CONSTRAINT cuti_status_check;
ALTER TABLE cuti ADD CONSTRAINT cuti_status_check CHECK (status IN ('diajukan', 'disetujui', 'ditolak', 'dibatalkan'));
ALTER TABLE cuti ADD COLUMN dibatalkan_at timestamptz;

-- +goose Down
-- Forward-only: restoring from a backup is the way back.
SELECT 1;
