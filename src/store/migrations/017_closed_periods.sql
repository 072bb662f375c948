-- Locked periods (docs/GOVERNANCE.md "Locked periods"): a finance controller closes a month or a
-- quarter. Its KPI actuals and budget lines are frozen as they stood (figures), with the forecast
-- as it stood at closing (forecast). A correction is an adjustment with a reason. Both tables are
-- append-only like the histories: a closing is never undone or edited, an adjustment never
-- removed; UPDATE, DELETE and TRUNCATE are refused by the database itself.
CREATE TABLE closed_period (
  period text PRIMARY KEY,
  closed_by text NOT NULL,
  closed_at timestamptz NOT NULL,
  figures jsonb NOT NULL,
  forecast jsonb NOT NULL
);

CREATE TABLE period_adjustment (
  seq bigserial PRIMARY KEY,
  period text NOT NULL,
  figure jsonb NOT NULL,
  amount double precision NOT NULL,
  reason text NOT NULL,
  adjusted_by text NOT NULL,
  adjusted_at timestamptz NOT NULL
);
CREATE INDEX period_adjustment_period ON period_adjustment (period, seq);

CREATE TRIGGER closed_period_append_only BEFORE UPDATE OR DELETE ON closed_period
  FOR EACH ROW EXECUTE FUNCTION refuse_history_edit();
CREATE TRIGGER closed_period_no_truncate BEFORE TRUNCATE ON closed_period
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_edit();
CREATE TRIGGER period_adjustment_append_only BEFORE UPDATE OR DELETE ON period_adjustment
  FOR EACH ROW EXECUTE FUNCTION refuse_history_edit();
CREATE TRIGGER period_adjustment_no_truncate BEFORE TRUNCATE ON period_adjustment
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_edit();
