-- Named baselines: the plan as it stood at a point of its append-only history (the latest plan
-- change then), saved by hand or when a re-plan decision is decided. A baseline points into the
-- plan history, which cannot be edited, so the plan it names is read back exactly; once saved it
-- is never changed or removed.
CREATE TABLE baseline (
  seq bigserial PRIMARY KEY,
  name text NOT NULL UNIQUE,
  kind text NOT NULL CHECK (kind IN ('approved', 'replan', 'manual')),
  plan_seq bigint NOT NULL,
  saved_at timestamptz NOT NULL,
  saved_by text NOT NULL,
  decision text,
  note text
);
CREATE TRIGGER baseline_append_only BEFORE UPDATE OR DELETE ON baseline
  FOR EACH ROW EXECUTE FUNCTION refuse_history_edit();
CREATE TRIGGER baseline_no_truncate BEFORE TRUNCATE ON baseline
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_edit();

-- Known-at reads look for the first plan change and the latest one by an instant.
CREATE INDEX plan_change_at ON plan_change (at);
