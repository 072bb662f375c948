import { isIP } from 'node:net';
import { formatDuration, parseDuration } from '../core/duration.ts';
import { fail } from '../core/errors.ts';
import { DEFAULT_SESSION_LIFETIME, type SessionLifetime } from '../core/access/tokens.ts';

/**
 * Which proxies in front of the server are believed about the client (X-Forwarded-For, -Proto,
 * -Host), as Fastify's `trustProxy` takes it: none (false), every one (true: only when nothing
 * but the proxy can reach the server), or a comma-separated list of addresses and CIDR ranges
 * (`loopback`, `linklocal`, `uniquelocal` name the usual ones).
 */
export type TrustProxy = boolean | string;

const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrRange(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

/**
 * Reads `--trust-proxy` or `THROUGHLINE_TRUST_PROXY` (default: trust no proxy, so a client's
 * own X-Forwarded-Proto changes nothing); fails naming the setting and the bad entry.
 */
export function readTrustProxy(flag: string | undefined, env: NodeJS.ProcessEnv): TrustProxy {
  const text = (flag ?? env.THROUGHLINE_TRUST_PROXY ?? '').trim();
  const path = flag === undefined ? 'THROUGHLINE_TRUST_PROXY' : '--trust-proxy';
  if (text === '' || text === 'false') return false;
  if (text === 'true') return true;
  const entries = text.split(',').map((e) => e.trim());
  const bad = entries.find((e) => !isAddressOrRange(e));
  if (bad !== undefined) {
    fail(
      'config.invalid',
      `'${bad}' is not an IP address, a CIDR range (10.0.0.0/8) or one of loopback, linklocal, uniquelocal; write true, false or a comma-separated list`,
      { path },
    );
  }
  return entries.join(',');
}

function readDuration(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const ms = parseDuration(text);
  if (ms === null) {
    fail(
      'config.invalid',
      `'${text}' is not a duration: write a whole number with m, h, d or w, e.g. ${formatDuration(fallback)}`,
      { path: name },
    );
  }
  return ms;
}

/**
 * Reads how long web sessions last: `THROUGHLINE_SESSION_MAX_AGE` (default 7d) after sign-in at
 * most, `THROUGHLINE_SESSION_IDLE` (default 12h) without a request.
 */
export function readSessionLifetime(env: NodeJS.ProcessEnv): SessionLifetime {
  return {
    maxAgeMs: readDuration(env, 'THROUGHLINE_SESSION_MAX_AGE', DEFAULT_SESSION_LIFETIME.maxAgeMs),
    idleMs: readDuration(env, 'THROUGHLINE_SESSION_IDLE', DEFAULT_SESSION_LIFETIME.idleMs),
  };
}

/** Single sign-on with an OpenID Connect provider (authorization code with PKCE). */
export interface OidcConfig {
  /** The provider's issuer URL (its discovery document is at `/.well-known/openid-configuration`). */
  issuer: URL;
  clientId: string;
  clientSecret: string;
  /** This server's public address, as the browser sees it: the callback is under it. */
  publicUrl: URL;
  /** The provider's name on the sign-in page: "Sign in with <name>". */
  name: string;
  /** Plain HTTP to the provider: allowed only for a provider on this machine (tests, a local one). */
  allowHttp: boolean;
}

const OIDC_SETTINGS = [
  'THROUGHLINE_OIDC_ISSUER',
  'THROUGHLINE_OIDC_CLIENT_ID',
  'THROUGHLINE_OIDC_CLIENT_SECRET',
  'THROUGHLINE_PUBLIC_URL',
] as const;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function readUrl(env: NodeJS.ProcessEnv, name: string, what: string): URL {
  const text = (env[name] ?? '').trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    fail('config.invalid', `'${text}' is not a URL: write ${what}`, { path: name });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    fail('config.invalid', `'${text}' is not an http(s) URL: write ${what}`, { path: name });
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    fail(
      'config.invalid',
      `'${text}' is plain HTTP: single sign-on needs https (plain http only on this machine, localhost or 127.0.0.1)`,
      { path: name },
    );
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    fail('config.invalid', `'${text}' must not hold a user, a query or a fragment`, {
      path: name,
    });
  }
  return url;
}

/**
 * Reads single sign-on from `THROUGHLINE_OIDC_ISSUER`, `THROUGHLINE_OIDC_CLIENT_ID`,
 * `THROUGHLINE_OIDC_CLIENT_SECRET` and `THROUGHLINE_PUBLIC_URL` (all four, or none: then null),
 * with `THROUGHLINE_OIDC_NAME` for the sign-in button (default: the issuer's host). Fails naming
 * the setting that is missing or wrong.
 */
export function readOidcConfig(env: NodeJS.ProcessEnv): OidcConfig | null {
  const given = OIDC_SETTINGS.filter((name) => (env[name] ?? '').trim() !== '');
  if (given.length === 0) return null;
  const missing = OIDC_SETTINGS.find((name) => !given.includes(name));
  if (missing !== undefined) {
    fail(
      'config.invalid',
      `single sign-on needs ${OIDC_SETTINGS.join(', ')}; ${given.join(', ')} ${given.length === 1 ? 'is' : 'are'} set but ${missing} is not`,
      { path: missing },
    );
  }
  const issuer = readUrl(
    env,
    'THROUGHLINE_OIDC_ISSUER',
    "the provider's issuer, e.g. https://login.example.com/realms/acme",
  );
  const publicUrl = readUrl(
    env,
    'THROUGHLINE_PUBLIC_URL',
    "this server's address as browsers reach it, e.g. https://throughline.example.com",
  );
  const clientId = (env.THROUGHLINE_OIDC_CLIENT_ID ?? '').trim();
  const clientSecret = env.THROUGHLINE_OIDC_CLIENT_SECRET ?? '';
  for (const [name, value] of [
    ['THROUGHLINE_OIDC_CLIENT_ID', clientId],
    ['THROUGHLINE_OIDC_CLIENT_SECRET', clientSecret],
  ] as const) {
    if (value.length > 500 || [...value].some((c) => c.charCodeAt(0) < 32 || c === '\u007f')) {
      fail('config.invalid', `${name} holds a control character or is longer than 500 characters`, {
        path: name,
      });
    }
  }
  const name = (env.THROUGHLINE_OIDC_NAME ?? '').trim() || issuer.host;
  if (name.length > 60) {
    fail('config.invalid', 'THROUGHLINE_OIDC_NAME is longer than 60 characters', {
      path: 'THROUGHLINE_OIDC_NAME',
    });
  }
  return {
    issuer,
    clientId,
    clientSecret,
    publicUrl,
    name,
    allowHttp: issuer.protocol === 'http:',
  };
}
