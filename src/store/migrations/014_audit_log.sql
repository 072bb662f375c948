-- The audit log (docs/SECURITY.md "What is logged"): every write, who made it, when, what it
-- changed (before and after) and where the request came from. Append-only like the histories:
-- UPDATE, DELETE and TRUNCATE are refused by the database itself.
CREATE TABLE audit_log (
  seq bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  item text,
  before jsonb,
  after jsonb,
  origin jsonb NOT NULL
);
CREATE INDEX audit_log_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_item ON audit_log (item, seq);
CREATE INDEX audit_log_at ON audit_log (at, seq);

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION refuse_history_edit();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_edit();
