-- The column mapping saved for each spreadsheet source: the next file from the same hands
-- imports with one command.
CREATE TABLE import_mapping (
  source text PRIMARY KEY,
  mapping jsonb NOT NULL,
  updated_at timestamptz NOT NULL,
  updated_by text NOT NULL
);

-- Every import that was applied or refused (dry runs are not recorded), with its outcome and
-- the first problems it met; append-only.
CREATE TABLE import_run (
  id bigserial PRIMARY KEY,
  source text NOT NULL,
  file text NOT NULL,
  format text NOT NULL CHECK (format IN ('csv', 'xlsx')),
  kind text NOT NULL,
  mode text NOT NULL CHECK (mode IN ('all_or_nothing', 'skip_bad_rows')),
  outcome text NOT NULL CHECK (outcome IN ('applied', 'refused')),
  started_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  rows_read integer NOT NULL,
  rows_applied integer NOT NULL,
  rows_skipped integer NOT NULL,
  changes integer NOT NULL,
  problem_count integer NOT NULL,
  problems jsonb NOT NULL,
  mapping jsonb NOT NULL,
  actor text NOT NULL
);
CREATE INDEX import_run_source ON import_run (source, id);
CREATE TRIGGER import_run_append_only BEFORE UPDATE OR DELETE ON import_run
  FOR EACH ROW EXECUTE FUNCTION refuse_history_edit();

-- Push API requests taken with an Idempotency-Key: the same key again gets the same answer
-- and changes nothing. Written in the transaction that makes the request's effect.
CREATE TABLE idempotency_key (
  actor text NOT NULL,
  scope text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  status_code integer NOT NULL,
  -- As text, not jsonb: a replay answers the very same bytes.
  response text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (actor, scope, key)
);
