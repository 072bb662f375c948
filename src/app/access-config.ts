import { isIP } from 'node:net';
import { formatDuration, parseDuration } from '../core/duration.ts';
import { fail } from '../core/errors.ts';
import { DEFAULT_SESSION_LIFETIME, type SessionLifetime } from '../store/session-store.ts';

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
