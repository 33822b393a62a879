-- +goose Up
-- "Versi baru" copies a version into a new one that the superadmin edits
-- before it applies: a draft version is never the rules in force (so no
-- computation can use, and freeze, a half-edited copy); saving it puts it in
-- force. A version used by a computation is never a draft.
ALTER TABLE tpp_rule_set ADD COLUMN draft boolean NOT NULL DEFAULT false;
ALTER TABLE tpp_rule_set ADD CONSTRAINT tpp_rule_set_draft_unused CHECK (NOT (draft AND used));

-- +goose Down
ALTER TABLE tpp_rule_set DROP CONSTRAINT tpp_rule_set_draft_unused;
ALTER TABLE tpp_rule_set DROP COLUMN draft;
