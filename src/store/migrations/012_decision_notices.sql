-- Decisions tell the people they concern (docs/DECISIONS.md, "Reminders, escalation and
-- notices"): each step of a decision's history that tells someone (opened, option added,
-- reminded, escalated, overdue, decided) is turned into one notice per person, once.

-- The steps already turned into notices (told or not: a step nobody is to hear of is here too).
-- The first process to insert a step's row fans it out; another finds it and does nothing.
CREATE TABLE decision_event_told (
  -- decision_event.seq (no foreign key: TRUNCATE on decision_event must meet its own guard).
  event_seq bigint PRIMARY KEY,
  told_at timestamptz NOT NULL,
  recipients integer NOT NULL
);
-- Steps taken before this version are history, not news: nobody is told of them now.
INSERT INTO decision_event_told (event_seq, told_at, recipients)
  SELECT seq, now(), 0 FROM decision_event;

-- One row per step and person, claimed before anything is sent; the message as rendered then.
-- A failed send stays 'pending' and is retried on the same row; 'sent' is final.
CREATE TABLE decision_notice (
  id bigserial PRIMARY KEY,
  event_seq bigint NOT NULL,
  decision_id text NOT NULL,
  action text NOT NULL,
  person_id text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('email', 'chat', 'none')),
  status text NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
  reason text,
  attempts integer NOT NULL DEFAULT 0,
  lease_until timestamptz,
  message jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  attempted_at timestamptz,
  sent_at timestamptz,
  UNIQUE (event_seq, person_id)
);
CREATE INDEX decision_notice_pending ON decision_notice (id) WHERE status = 'pending';
CREATE INDEX decision_notice_decision ON decision_notice (decision_id, id);

CREATE TRIGGER decision_event_told_append_only BEFORE UPDATE OR DELETE ON decision_event_told
  FOR EACH ROW EXECUTE FUNCTION refuse_history_edit();
CREATE TRIGGER decision_event_told_no_truncate BEFORE TRUNCATE ON decision_event_told
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_edit();

-- Browsers hear of decisions on the live stream too (SSE `event: decision`).
ALTER TABLE event_log DROP CONSTRAINT event_log_kind_check;
ALTER TABLE event_log ADD CONSTRAINT event_log_kind_check
  CHECK (kind IN ('signal', 'state', 'decision'));
