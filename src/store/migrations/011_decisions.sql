-- Scenarios: what-if change sets, kept as written (never edited; a new one is a new row).
CREATE TABLE scenario (
  seq bigserial UNIQUE,
  id text PRIMARY KEY,
  name text NOT NULL,
  author text NOT NULL,
  created_at timestamptz NOT NULL,
  changes jsonb NOT NULL
);

-- Decisions as they stand: open or decided. Their every step is in decision_event.
CREATE TABLE decision (
  seq bigserial UNIQUE,
  id text PRIMARY KEY,
  signal_id text,
  title text NOT NULL,
  kinds jsonb NOT NULL,
  decider jsonb NOT NULL,
  -- YYYY-MM-DD, kept as text: a calendar day, no time zone.
  due_date text,
  opened_by text NOT NULL,
  opened_at timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'decided')),
  outcome jsonb
);
CREATE INDEX decision_open_signal ON decision (signal_id) WHERE status = 'open';

-- Options as they were priced when added: what the decision predicted. Never changed.
CREATE TABLE decision_option (
  decision_id text NOT NULL REFERENCES decision (id),
  number integer NOT NULL,
  title text NOT NULL,
  proposed_by text NOT NULL,
  changes jsonb NOT NULL,
  result jsonb NOT NULL,
  effect jsonb NOT NULL,
  last_day text,
  PRIMARY KEY (decision_id, number)
);

-- Every step of every decision: opened, option added, decided (who, when, why, what changed).
CREATE TABLE decision_event (
  seq bigserial PRIMARY KEY,
  decision_id text NOT NULL REFERENCES decision (id),
  at timestamptz NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  detail jsonb NOT NULL
);
CREATE INDEX decision_event_decision ON decision_event (decision_id, seq);

CREATE TRIGGER scenario_append_only BEFORE UPDATE OR DELETE ON scenario
  FOR EACH ROW EXECUTE FUNCTION refuse_history_edit();
CREATE TRIGGER scenario_no_truncate BEFORE TRUNCATE ON scenario
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_edit();
CREATE TRIGGER decision_option_append_only BEFORE UPDATE OR DELETE ON decision_option
  FOR EACH ROW EXECUTE FUNCTION refuse_history_edit();
CREATE TRIGGER decision_option_no_truncate BEFORE TRUNCATE ON decision_option
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_edit();
CREATE TRIGGER decision_event_append_only BEFORE UPDATE OR DELETE ON decision_event
  FOR EACH ROW EXECUTE FUNCTION refuse_history_edit();
CREATE TRIGGER decision_event_no_truncate BEFORE TRUNCATE ON decision_event
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_edit();
-- The decision row itself is updated when it is decided (the app role may UPDATE it: a table
-- with a history trigger is granted only SELECT, INSERT); its steps live in decision_event.
