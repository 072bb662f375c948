-- Stage gates (docs/GOVERNANCE.md "Stage gates"): every go / no-go at an initiative's gate, with
-- who decided, the note, the criteria as they were checked and the gate's owner. Append-only: a
-- later decision at the same gate is a new row. A go also moves the initiative's stage in the
-- plan (and its plan history) in the same write.
CREATE TABLE gate_decision (
  seq bigserial UNIQUE,
  id text PRIMARY KEY,
  initiative_id text NOT NULL,
  from_stage text NOT NULL,
  to_stage text NOT NULL,
  go boolean NOT NULL,
  note text NOT NULL,
  decided_by text NOT NULL,
  decided_at timestamptz NOT NULL,
  -- YYYY-MM-DD: the day the stage history records.
  decided_on text NOT NULL,
  owner jsonb NOT NULL,
  criteria jsonb NOT NULL
);
CREATE INDEX gate_decision_initiative ON gate_decision (initiative_id, seq);

CREATE TRIGGER gate_decision_append_only BEFORE UPDATE OR DELETE ON gate_decision
  FOR EACH ROW EXECUTE FUNCTION refuse_history_edit();
CREATE TRIGGER gate_decision_no_truncate BEFORE TRUNCATE ON gate_decision
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_edit();
