-- Review packs (docs/GOVERNANCE.md "Review cadence and packs"): each published pack is kept
-- exactly as it was published — its content as JSON and its Markdown — and never changes.
-- Re-opening last month's pack shows it as the meeting read it. Append-only like the histories:
-- UPDATE, DELETE and TRUNCATE are refused by the database itself.
CREATE TABLE review_pack (
  seq bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  review_id text NOT NULL,
  -- The meeting's local date (the occurrence); a pack made on demand between meetings names the
  -- day it was made and is marked so.
  occurrence date NOT NULL,
  on_demand boolean NOT NULL,
  published_at timestamptz NOT NULL,
  published_by text NOT NULL,
  content jsonb NOT NULL,
  markdown text NOT NULL
);
-- One scheduled pack per meeting: the minute tick of several instances publishes it once.
CREATE UNIQUE INDEX review_pack_scheduled ON review_pack (review_id, occurrence) WHERE NOT on_demand;
CREATE INDEX review_pack_review ON review_pack (review_id, seq);

CREATE TRIGGER review_pack_append_only BEFORE UPDATE OR DELETE ON review_pack
  FOR EACH ROW EXECUTE FUNCTION refuse_history_edit();
CREATE TRIGGER review_pack_no_truncate BEFORE TRUNCATE ON review_pack
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_edit();
