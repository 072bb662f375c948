-- Validated value (docs/GOVERNANCE.md "Validated value"): a finance controller's confirmation of
-- the amount a benefit realised in a reporting period, with a note. Append-only: a correction is
-- a later row for the same benefit and period, and the latest row is the one that counts.
CREATE TABLE value_validation (
  seq bigserial PRIMARY KEY,
  benefit_id text NOT NULL,
  period text NOT NULL,
  amount double precision NOT NULL,
  note text NOT NULL,
  validated_by text NOT NULL,
  validated_at timestamptz NOT NULL
);
CREATE INDEX value_validation_benefit ON value_validation (benefit_id, period, seq);

CREATE TRIGGER value_validation_append_only BEFORE UPDATE OR DELETE ON value_validation
  FOR EACH ROW EXECUTE FUNCTION refuse_history_edit();
CREATE TRIGGER value_validation_no_truncate BEFORE TRUNCATE ON value_validation
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_edit();
