-- Notifications to the affected owners of a signal (docs/NOTIFICATIONS.md).

-- Each person's preferences; a person without a row gets the defaults (e-mail, immediately).
CREATE TABLE notification_preference (
  person_id text PRIMARY KEY,
  channel text NOT NULL CHECK (channel IN ('email', 'chat', 'none')),
  mode text NOT NULL CHECK (mode IN ('immediate', 'digest')),
  chat_webhook_url text,
  updated_at timestamptz NOT NULL,
  CHECK (channel <> 'chat' OR chat_webhook_url IS NOT NULL)
);

-- Digests sent: one message to one person carrying several signals.
CREATE TABLE notification_digest (
  id bigserial PRIMARY KEY,
  person_id text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('email', 'chat')),
  sent_at timestamptz NOT NULL,
  items integer NOT NULL
);

-- One row per signal, person and raising of that signal (signal_version: 1 for the first time
-- it was raised, 2 after it resolved and was raised again, ...). The row is claimed BEFORE
-- anything is sent, and the unique key makes a second claim fail, so a signal reaches a person
-- once per raising. A failed send stays 'pending' and is retried on the same row; 'sent' is final.
-- The digest queue is the 'pending' rows of mode 'digest'.
CREATE TABLE notification_delivery (
  id bigserial PRIMARY KEY,
  signal_id text NOT NULL,
  person_id text NOT NULL,
  signal_version integer NOT NULL CHECK (signal_version > 0),
  channel text NOT NULL CHECK (channel IN ('email', 'chat', 'none')),
  mode text NOT NULL CHECK (mode IN ('immediate', 'digest')),
  status text NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
  -- Why it was skipped, or the last send error.
  reason text,
  -- Send attempts started; a lease keeps a second process off a row while one is sending.
  attempts integer NOT NULL DEFAULT 0,
  lease_until timestamptz,
  -- The signal as it stood when the row was claimed.
  signal jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  attempted_at timestamptz,
  sent_at timestamptz,
  digest_id bigint REFERENCES notification_digest (id),
  UNIQUE (signal_id, person_id, signal_version)
);
CREATE INDEX notification_delivery_pending ON notification_delivery (mode, person_id)
  WHERE status = 'pending';
CREATE INDEX notification_delivery_person ON notification_delivery (person_id, created_at);
