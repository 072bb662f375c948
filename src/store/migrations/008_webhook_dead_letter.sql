-- A delivery that cannot be applied is set aside (dead-lettered) with its error instead of
-- blocking the deliveries behind it; a transient fault is retried with backoff, a few times.
ALTER TABLE webhook_inbox DROP CONSTRAINT webhook_inbox_status_check;
UPDATE webhook_inbox SET status = 'dead_letter' WHERE status = 'failed';
ALTER TABLE webhook_inbox ADD CONSTRAINT webhook_inbox_status_check
  CHECK (status IN ('pending', 'processed', 'dead_letter'));
-- How often processing was tried and failed; when the next try may start (null: at once).
ALTER TABLE webhook_inbox ADD COLUMN attempts integer NOT NULL DEFAULT 0;
ALTER TABLE webhook_inbox ADD COLUMN next_attempt_at timestamptz;
CREATE INDEX webhook_inbox_dead_letter ON webhook_inbox (seq) WHERE status = 'dead_letter';
