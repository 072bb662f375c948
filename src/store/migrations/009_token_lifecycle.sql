-- Tokens get a lifecycle: a public id to list and revoke them by (the secret is still kept as a
-- hash only), a kind (an API token, or a web session minted at sign-in, so that signing out ends
-- the session and never the API token it was started with), an expiry, and for web sessions an
-- idle timeout measured from last_used_at.
ALTER TABLE api_token ADD COLUMN id text;
ALTER TABLE api_token ADD COLUMN kind text NOT NULL DEFAULT 'api';
ALTER TABLE api_token ADD COLUMN expires_at timestamptz;
ALTER TABLE api_token ADD COLUMN idle_timeout_seconds integer;

-- Tokens made before this version: an id derived from the stored hash (the secret stays unknown).
UPDATE api_token SET id = substr(md5(token_hash), 1, 10);
-- The demo's one-click sign-in stored its cookies' tokens as API tokens: they were sessions.
UPDATE api_token
   SET kind = 'session', idle_timeout_seconds = 43200, expires_at = now() + interval '7 days'
 WHERE label = 'web session (demo)';
-- Every other token made before had no end: it lasts the default API token lifetime from now.
UPDATE api_token SET expires_at = now() + interval '90 days' WHERE expires_at IS NULL;

ALTER TABLE api_token ALTER COLUMN id SET NOT NULL;
ALTER TABLE api_token ALTER COLUMN expires_at SET NOT NULL;
ALTER TABLE api_token ALTER COLUMN kind DROP DEFAULT;
ALTER TABLE api_token ADD CONSTRAINT api_token_id_unique UNIQUE (id);
ALTER TABLE api_token ADD CONSTRAINT api_token_kind_check CHECK (kind IN ('api', 'session'));
ALTER TABLE api_token ADD CONSTRAINT api_token_idle_check
  CHECK (idle_timeout_seconds IS NULL OR (kind = 'session' AND idle_timeout_seconds > 0));
CREATE INDEX api_token_person ON api_token (person_id);
