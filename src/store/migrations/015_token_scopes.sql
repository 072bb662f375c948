-- API tokens get a scope, a ceiling on what the token may do of what its person may do (docs/SECURITY.md):
-- read (reads only), write (reads and writes), admin (also what only admins may: tokens of others,
-- site secrets). Tokens made before this version keep doing what they did: write. A web session
-- acts with its person's full rights: admin (an admin's rights only when the person is an admin).
ALTER TABLE api_token ADD COLUMN scope text;
UPDATE api_token SET scope = CASE WHEN kind = 'session' THEN 'admin' ELSE 'write' END;
ALTER TABLE api_token ALTER COLUMN scope SET NOT NULL;
ALTER TABLE api_token ADD CONSTRAINT api_token_scope_check CHECK (scope IN ('read', 'write', 'admin'));

-- Single sign-on: a sign-in started at the provider and not yet come back. Its state (hashed: the
-- browser holds it in a short-lived cookie too), nonce and PKCE verifier stay on the server; the
-- callback takes the row (DELETE … RETURNING), so a callback replayed finds nothing.
CREATE TABLE oidc_login (
  state_hash text PRIMARY KEY,
  nonce text NOT NULL,
  code_verifier text NOT NULL,
  return_to text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX oidc_login_expires ON oidc_login (expires_at);
