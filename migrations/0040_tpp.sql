-- +goose Up
-- TPP: versioned rule sets, the monthly claim per OPD with its per-employee
-- rows and itemised lines, and the payment. Database-level guards keep a
-- submitted, approved or paid claim frozen whatever path a change comes by.

-- tpp_rule_set holds every parameter of SPEC section 4 as the JSON of
-- tpp.RuleSet. A version used by an approved claim is never changed in place
-- (used = true); editing it makes a new version.
CREATE TABLE tpp_rule_set (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
    version         integer NOT NULL UNIQUE CHECK (version >= 1),
    effective_from  date NOT NULL CHECK (extract(day FROM effective_from) = 1),
    params          jsonb NOT NULL,
    created_by      bigint REFERENCES users(id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    used            boolean NOT NULL DEFAULT false
);
CREATE INDEX tpp_rule_set_effective_idx ON tpp_rule_set (effective_from, version);

-- +goose StatementBegin
CREATE FUNCTION tpp_rule_set_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.used THEN
            RAISE EXCEPTION 'tpp_rule_set % versi % sudah dipakai klaim yang disetujui dan tidak boleh dihapus', OLD.id, OLD.version
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.used AND (NOT NEW.used OR NEW.params IS DISTINCT FROM OLD.params OR NEW.name <> OLD.name
                     OR NEW.version <> OLD.version OR NEW.effective_from <> OLD.effective_from) THEN
        RAISE EXCEPTION 'tpp_rule_set % versi % sudah dipakai klaim yang disetujui; buat versi baru', OLD.id, OLD.version
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER tpp_rule_set_guard BEFORE UPDATE OR DELETE ON tpp_rule_set
    FOR EACH ROW EXECUTE FUNCTION tpp_rule_set_guard();

-- tpp_claim is one OPD's TPP for one month and its workflow:
-- draft -> submitted -> verified | returned -> approved -> paid.
CREATE TABLE tpp_claim (
    id                bigserial PRIMARY KEY,
    opd_id            bigint NOT NULL REFERENCES opd(id),
    period            date NOT NULL CHECK (extract(day FROM period) = 1),
    status            text NOT NULL DEFAULT 'draft'
                      CHECK (status IN ('draft', 'submitted', 'verified', 'returned', 'approved', 'paid')),
    rule_set_id       bigint NOT NULL REFERENCES tpp_rule_set(id),
    rule_set_version  integer NOT NULL,
    inputs_digest     text NOT NULL DEFAULT '',
    employees         integer NOT NULL DEFAULT 0,
    total_base        bigint NOT NULL DEFAULT 0,
    total_gross       bigint NOT NULL DEFAULT 0,
    total_pph21       bigint NOT NULL DEFAULT 0,
    total_bpjs        bigint NOT NULL DEFAULT 0,
    total_net         bigint NOT NULL DEFAULT 0,
    warnings          jsonb NOT NULL DEFAULT '[]',
    computed_at       timestamptz NOT NULL DEFAULT now(),
    computed_by       bigint REFERENCES users(id),
    submitted_at      timestamptz,
    submitted_by      bigint REFERENCES users(id),
    verified_at       timestamptz,
    verified_by       bigint REFERENCES users(id),
    return_note       text NOT NULL DEFAULT '',
    approved_at       timestamptz,
    approved_by       bigint REFERENCES users(id),
    reopen_reason     text NOT NULL DEFAULT '',
    paid_date         date,
    sp2d_number       text NOT NULL DEFAULT '',
    paid_at           timestamptz,
    paid_by           bigint REFERENCES users(id),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (opd_id, period),
    CHECK (status <> 'paid' OR (paid_date IS NOT NULL AND sp2d_number <> ''))
);
CREATE INDEX tpp_claim_period_idx ON tpp_claim (period);

-- The workflow and the freeze, enforced where no code path can skip them.
-- +goose StatementBegin
CREATE FUNCTION tpp_claim_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'klaim TPP % berstatus % tidak boleh dihapus', OLD.id, OLD.status USING ERRCODE = 'check_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF NEW.id <> OLD.id OR NEW.opd_id <> OLD.opd_id OR NEW.period <> OLD.period THEN
        RAISE EXCEPTION 'klaim TPP %: OPD dan bulan tidak boleh diubah', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    IF NOT ((OLD.status = NEW.status AND OLD.status IN ('draft', 'returned', 'submitted', 'verified'))
        OR (OLD.status, NEW.status) IN (('draft', 'submitted'), ('returned', 'submitted'), ('submitted', 'verified'),
            ('submitted', 'returned'), ('verified', 'returned'), ('verified', 'approved'), ('approved', 'paid'), ('approved', 'draft'))) THEN
        RAISE EXCEPTION 'klaim TPP %: perubahan status % ke % tidak diizinkan', OLD.id, OLD.status, NEW.status
            USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.status = 'approved' AND NEW.status = 'draft' AND btrim(NEW.reopen_reason) = '' THEN
        RAISE EXCEPTION 'klaim TPP %: membuka kembali klaim yang disetujui memerlukan alasan', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    -- From submission on the figures are frozen; they change again only after
    -- a return or an (audited) reopen, through a recompute in draft/returned.
    IF OLD.status IN ('submitted', 'verified', 'approved', 'paid') AND (
        NEW.rule_set_id <> OLD.rule_set_id OR NEW.rule_set_version <> OLD.rule_set_version
        OR NEW.inputs_digest <> OLD.inputs_digest OR NEW.employees <> OLD.employees
        OR NEW.total_base <> OLD.total_base OR NEW.total_gross <> OLD.total_gross OR NEW.total_pph21 <> OLD.total_pph21
        OR NEW.total_bpjs <> OLD.total_bpjs OR NEW.total_net <> OLD.total_net OR NEW.warnings <> OLD.warnings) THEN
        RAISE EXCEPTION 'klaim TPP % berstatus %: angka klaim sudah dikunci', OLD.id, OLD.status USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.status = 'paid' THEN
        RAISE EXCEPTION 'klaim TPP % sudah dibayar dan tidak boleh diubah', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.status = 'approved' AND NEW.status = 'approved' THEN
        RAISE EXCEPTION 'klaim TPP % sudah disetujui dan tidak boleh diubah', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER tpp_claim_guard BEFORE UPDATE OR DELETE ON tpp_claim
    FOR EACH ROW EXECUTE FUNCTION tpp_claim_guard();

-- tpp_claim_pegawai is one employee's result in a claim, with the identity,
-- bank account and inputs as they were when computed.
CREATE TABLE tpp_claim_pegawai (
    claim_id        bigint NOT NULL REFERENCES tpp_claim(id),
    pegawai_id      bigint NOT NULL REFERENCES pegawai(id),
    nip             text NOT NULL,
    nama            text NOT NULL,
    jabatan         text NOT NULL DEFAULT '',
    kelas           smallint NOT NULL DEFAULT 0,
    status_asn      text NOT NULL,
    golongan        text NOT NULL,
    bank_nama       text NOT NULL DEFAULT '',
    bank_rekening   text NOT NULL DEFAULT '',
    bank_atas_nama  text NOT NULL DEFAULT '',
    base            bigint NOT NULL DEFAULT 0,
    produktivitas   bigint NOT NULL DEFAULT 0,
    disiplin        bigint NOT NULL DEFAULT 0,
    hukdis          bigint NOT NULL DEFAULT 0,
    gross           bigint NOT NULL DEFAULT 0,
    pph21           bigint NOT NULL DEFAULT 0,
    pph21_withheld  boolean NOT NULL DEFAULT true,
    bpjs            bigint NOT NULL DEFAULT 0,
    bpjs_pemda      bigint NOT NULL DEFAULT 0,
    net             bigint NOT NULL DEFAULT 0 CHECK (net >= 0),
    warnings        text NOT NULL DEFAULT '',
    error           text NOT NULL DEFAULT '',
    input           jsonb NOT NULL,
    PRIMARY KEY (claim_id, pegawai_id)
);
CREATE INDEX tpp_claim_pegawai_pegawai_idx ON tpp_claim_pegawai (pegawai_id);

-- tpp_claim_line is one itemised line of an employee's result (tpp.Line).
CREATE TABLE tpp_claim_line (
    claim_id    bigint NOT NULL,
    pegawai_id  bigint NOT NULL,
    seq         smallint NOT NULL,
    code        text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('tambah', 'kurang', 'jumlah', 'info')),
    label       text NOT NULL,
    reason      text NOT NULL,
    count       bigint NOT NULL DEFAULT 0,
    rate        integer NOT NULL DEFAULT 0,
    basis       bigint NOT NULL DEFAULT 0,
    amount      bigint NOT NULL CHECK (amount >= 0),
    -- No foreign key to tpp_claim_pegawai: both are written together by
    -- one statement each in one transaction, and a per-row key check would
    -- cost more than the whole insert of a large OPD's lines.
    PRIMARY KEY (claim_id, pegawai_id, seq)
);

-- Statement-level guard for the rows of a claim: one check per statement
-- (not per row, so computing 20.000 employees stays fast); no INSERT, UPDATE
-- or DELETE can touch the rows of a submitted, verified, approved or paid claim.
-- +goose StatementBegin
CREATE FUNCTION tpp_claim_rows_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    frozen bigint;
BEGIN
    SELECT c.id INTO frozen FROM tpp_claim c
    WHERE c.status IN ('submitted', 'verified', 'approved', 'paid') AND c.id IN (SELECT DISTINCT claim_id FROM changed)
    LIMIT 1;
    IF frozen IS NOT NULL THEN
        RAISE EXCEPTION 'klaim TPP % sudah diajukan atau disetujui: rincian tidak boleh diubah', frozen
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION tpp_claim_rows_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'rincian klaim TPP tidak boleh dikosongkan dengan TRUNCATE' USING ERRCODE = 'check_violation';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER tpp_claim_pegawai_ins AFTER INSERT ON tpp_claim_pegawai
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tpp_claim_rows_guard();
CREATE TRIGGER tpp_claim_pegawai_upd AFTER UPDATE ON tpp_claim_pegawai
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tpp_claim_rows_guard();
CREATE TRIGGER tpp_claim_pegawai_del AFTER DELETE ON tpp_claim_pegawai
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tpp_claim_rows_guard();
CREATE TRIGGER tpp_claim_pegawai_trunc BEFORE TRUNCATE ON tpp_claim_pegawai
    FOR EACH STATEMENT EXECUTE FUNCTION tpp_claim_rows_no_truncate();
CREATE TRIGGER tpp_claim_line_ins AFTER INSERT ON tpp_claim_line
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tpp_claim_rows_guard();
CREATE TRIGGER tpp_claim_line_upd AFTER UPDATE ON tpp_claim_line
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tpp_claim_rows_guard();
CREATE TRIGGER tpp_claim_line_del AFTER DELETE ON tpp_claim_line
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tpp_claim_rows_guard();
CREATE TRIGGER tpp_claim_line_trunc BEFORE TRUNCATE ON tpp_claim_line
    FOR EACH STATEMENT EXECUTE FUNCTION tpp_claim_rows_no_truncate();

-- tpp_payment is the one payment of a claim: UNIQUE (claim_id) makes a
-- second "paid" impossible even if two requests race past the status check.
CREATE TABLE tpp_payment (
    id           bigserial PRIMARY KEY,
    claim_id     bigint NOT NULL UNIQUE REFERENCES tpp_claim(id),
    paid_date    date NOT NULL,
    sp2d_number  text NOT NULL CHECK (length(sp2d_number) BETWEEN 1 AND 100),
    amount       bigint NOT NULL CHECK (amount >= 0),
    paid_by      bigint REFERENCES users(id),
    created_at   timestamptz NOT NULL DEFAULT now()
);
-- +goose StatementBegin
CREATE FUNCTION tpp_payment_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'pembayaran TPP tidak boleh diubah atau dihapus' USING ERRCODE = 'check_violation';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER tpp_payment_no_change BEFORE UPDATE OR DELETE ON tpp_payment
    FOR EACH ROW EXECUTE FUNCTION tpp_payment_immutable();
CREATE TRIGGER tpp_payment_no_truncate BEFORE TRUNCATE ON tpp_payment
    FOR EACH STATEMENT EXECUTE FUNCTION tpp_payment_immutable();

-- The demo rule set of SPEC section 4 (tpp.DemoRuleSet; a test checks they
-- agree), so a fresh installation can compute at once. A regency enters its
-- own Perbup as a new version effective from its first month.
INSERT INTO tpp_rule_set (name, version, effective_from, params)
VALUES ('Aturan TPP demo (Kepmendagri 900-4700/2020)', 1, DATE '2026-01-01', '{"name":"Aturan TPP demo (Kepmendagri 900-4700/2020)","version":1,"effective_from":"2026-01","base":{"mode":"tabel","table":[1750000,2000000,2250000,2500000,2850000,3250000,3750000,4350000,5000000,6250000,7750000,9500000,11750000,14500000,17500000,21000000,25000000],"reference":[1968000,2089350,2531250,2702000,2928000,3510400,3915950,4595150,5079200,5979200,8757600,9896000,10936000,17064000,19280000,27577500,33240000],"indeks_tpp":"0.59112978","max_extra_criteria":10000},"status":{"pns":10000,"cpns":8000,"pppk":10000,"tugas_belajar":0},"plt":{"equal_level_share":2000,"min_working_days":20},"split":{"produktivitas":6000,"disiplin":4000},"produktivitas":{"mode":"predikat","predikat":{"sangat_baik":10000,"baik":10000,"butuh_perbaikan":7500,"kurang":5000,"sangat_kurang":2500,"tidak_ada":0},"monthly_minutes_target":6750},"disiplin":{"tk_per_day":300,"tl":[50,100,125,150],"psw":[50,100,125,150],"missing_both_per_day":300,"cap":10000,"band_minutes":[30,60,90]},"leave":{"sick":[{"min_days":1,"max_days":2,"pay":10000},{"min_days":3,"max_days":14,"pay":7500},{"min_days":15,"max_days":30,"pay":5000}],"besar":[5000,2500,1000],"alasan_penting":[5000],"melahirkan":[10000],"melahirkan_anak_ketiga":[6000,3000,2000]},"hukdis":{"ringan":{"rate":2500,"months":1},"sedang":{"rate":5000,"months":6},"berat":{"rate":10000,"months":12}},"pph21":{"golongan_i":0,"golongan_ii":0,"golongan_iii":500,"golongan_iv":1500,"pppk":[{"from":1,"to":4,"group":1},{"from":5,"to":8,"group":2},{"from":9,"to":12,"group":3},{"from":13,"to":17,"group":4}],"borne_by_budget":false},"bpjs":{"employee_rate":100,"government_rate":400,"cap":12000000}}'::jsonb);

-- +goose Down
-- Forward-only: restoring from a backup is the way back.
SELECT 1;
