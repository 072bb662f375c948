-- Who acknowledged which signal, and when; append-only (a later acknowledgement adds a row).
CREATE TABLE signal_ack (
  seq bigserial PRIMARY KEY,
  signal_id text NOT NULL,
  person_id text NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX signal_ack_person ON signal_ack (person_id, signal_id, at);
CREATE TRIGGER signal_ack_append_only BEFORE UPDATE OR DELETE ON signal_ack
  FOR EACH ROW EXECUTE FUNCTION refuse_history_edit();
