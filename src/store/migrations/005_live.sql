-- Webhook deliveries are persisted first and processed after: nothing is lost on a crash.
CREATE TABLE webhook_inbox (
  seq bigserial PRIMARY KEY,
  source text NOT NULL,
  -- X-Atlassian-Webhook-Identifier: a retry keeps it, so it dedupes retries.
  delivery_id text,
  received_at timestamptz NOT NULL,
  body text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processed', 'failed')),
  processed_at timestamptz,
  error jsonb,
  UNIQUE (source, delivery_id)
);
CREATE INDEX webhook_inbox_pending ON webhook_inbox (seq) WHERE status = 'pending';

-- Live events, in commit order: the SSE stream and its resumption (Last-Event-ID = seq).
CREATE TABLE event_log (
  seq bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  kind text NOT NULL CHECK (kind IN ('signal', 'state')),
  data jsonb NOT NULL,
  -- Who the event concerns (person ids) and which units it touches: visibility filter.
  owners text[] NOT NULL DEFAULT '{}',
  units text[] NOT NULL DEFAULT '{}',
  -- Reality latency: when the change happened at the source and when we received it.
  source_changed_at timestamptz,
  received_at timestamptz
);

-- Every write stamps the work items it touches with a new version, so that an app instance can
-- bring its in-memory model up to date by reading only what changed since it last looked.
CREATE SEQUENCE write_version_seq;
ALTER TABLE work_item ADD COLUMN version bigint NOT NULL DEFAULT 0;
CREATE INDEX work_item_version ON work_item (version);
