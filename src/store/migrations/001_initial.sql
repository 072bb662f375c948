-- The plan: one row per entity, its fields as the core shapes them.
CREATE TABLE plan_entity (
  collection text NOT NULL,
  id text NOT NULL,
  data jsonb NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (collection, id)
);

-- Every change to the plan, append-only.
CREATE TABLE plan_change (
  seq bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  collection text NOT NULL,
  entity_id text NOT NULL,
  action text NOT NULL CHECK (action IN ('created', 'updated', 'removed')),
  before jsonb,
  after jsonb,
  actor text
);

-- The mirror of each work item as last known; data is null once the source deleted it.
CREATE TABLE work_item (
  source text NOT NULL,
  key text NOT NULL,
  source_id text,
  data jsonb,
  deleted boolean NOT NULL DEFAULT false,
  source_updated_at timestamptz NOT NULL,
  changelog_id bigint,
  last_change jsonb,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (source, key)
);

-- Every delivery about a work item and what we did with it, append-only: answers
-- "what did we know at time T".
CREATE TABLE work_item_history (
  seq bigserial PRIMARY KEY,
  source text NOT NULL,
  key text NOT NULL,
  received_at timestamptz NOT NULL,
  source_updated_at timestamptz NOT NULL,
  changelog_id bigint,
  outcome text NOT NULL CHECK (outcome IN ('applied', 'stale')),
  op text NOT NULL CHECK (op IN ('upsert', 'delete')),
  data jsonb,
  change jsonb,
  delivery text NOT NULL
);
CREATE INDEX work_item_history_item ON work_item_history (source, key, received_at);

-- Deliveries already taken, so a duplicate changes nothing.
CREATE TABLE ingested_delivery (
  dedupe_key text PRIMARY KEY,
  received_at timestamptz NOT NULL
);

-- Signals as they stand now.
CREATE TABLE signal (
  id text PRIMARY KEY,
  kind text NOT NULL,
  subject_kind text NOT NULL,
  subject_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'resolved')),
  data jsonb NOT NULL,
  raised_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  resolved_at timestamptz
);
CREATE INDEX signal_status ON signal (status);

-- Every raise, change and resolution of a signal, append-only.
CREATE TABLE signal_history (
  seq bigserial PRIMARY KEY,
  signal_id text NOT NULL,
  at timestamptz NOT NULL,
  event text NOT NULL CHECK (event IN ('raised', 'changed', 'resolved')),
  data jsonb NOT NULL
);
CREATE INDEX signal_history_signal ON signal_history (signal_id, at);

-- API tokens: only a hash is kept.
CREATE TABLE api_token (
  token_hash text PRIMARY KEY,
  person_id text NOT NULL,
  label text NOT NULL,
  created_at timestamptz NOT NULL,
  last_used_at timestamptz
);

-- History tables cannot be edited or pruned.
CREATE FUNCTION refuse_history_edit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'history is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END
$$;
CREATE TRIGGER plan_change_append_only BEFORE UPDATE OR DELETE ON plan_change
  FOR EACH ROW EXECUTE FUNCTION refuse_history_edit();
CREATE TRIGGER work_item_history_append_only BEFORE UPDATE OR DELETE ON work_item_history
  FOR EACH ROW EXECUTE FUNCTION refuse_history_edit();
CREATE TRIGGER signal_history_append_only BEFORE UPDATE OR DELETE ON signal_history
  FOR EACH ROW EXECUTE FUNCTION refuse_history_edit();

-- Settings of this installation, e.g. the pinned "as of" date of the demo.
CREATE TABLE setting (
  key text PRIMARY KEY,
  value jsonb NOT NULL
);
