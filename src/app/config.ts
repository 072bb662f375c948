import { isIsoDate } from '../core/calendar.ts';
import type { IsoDate } from '../core/domain/plan.ts';
import { fail } from '../core/errors.ts';
import type { SessionLifetime } from '../core/access/tokens.ts';
import {
  readOidcConfig,
  readSessionLifetime,
  readTrustProxy,
  type OidcConfig,
  type TrustProxy,
} from './access-config.ts';
import { MAKE_A_KEY, parseSecretKey } from '../store/secret-box.ts';

/** Everything the process is configured with, parsed once at start-up. */
export interface Config {
  port: number;
  host: string;
  /** Folder of the embedded database. */
  dataDir: string;
  /** Server mode when set. */
  databaseUrl: string | undefined;
  /**
   * `DATABASE_MIGRATION_URL`: the schema owner's connection, used only to migrate and to grant
   * DATABASE_URL's role what it needs, so that the app itself can own nothing.
   */
  migrationUrl: string | undefined;
  /** Pinned engine date, from `--as-of` or `THROUGHLINE_AS_OF`. */
  asOf: IsoDate | undefined;
  /**
   * The key that seals stored secrets (`THROUGHLINE_SECRET_KEY`, 32 bytes as base64 or hex);
   * required in server mode; when absent with the embedded database, a key file in the data
   * folder is made on first use.
   */
  secretKey: string | undefined;
  /** The proxies believed about the client and its protocol (`--trust-proxy`). */
  trustProxy: TrustProxy;
  /** How long a web session lasts at most, and without a request. */
  sessionLifetime: SessionLifetime;
  /** Single sign-on with an OpenID Connect provider, when configured. */
  oidc: OidcConfig | null;
}

export interface ConfigFlags {
  port?: string | undefined;
  host?: string | undefined;
  data?: string | undefined;
  asOf?: string | undefined;
  trustProxy?: string | undefined;
}

/** Reads flags over environment over defaults; fails fast naming the bad setting. */
export function readConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv): Config {
  const portText = flags.port ?? env.PORT ?? '4400';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    fail('config.invalid', `port '${portText}' is not a port number (0-65535)`, {
      path: flags.port === undefined ? 'PORT' : '--port',
    });
  }
  const asOf = flags.asOf ?? env.THROUGHLINE_AS_OF;
  if (asOf !== undefined && asOf !== '' && !isIsoDate(asOf)) {
    fail('config.invalid', `as-of date '${asOf}' is not a date written YYYY-MM-DD`, {
      path: flags.asOf === undefined ? 'THROUGHLINE_AS_OF' : '--as-of',
    });
  }
  const secretKey = env.THROUGHLINE_SECRET_KEY;
  if (secretKey !== undefined && secretKey !== '' && parseSecretKey(secretKey) === null) {
    fail(
      'config.invalid',
      `THROUGHLINE_SECRET_KEY must be 32 bytes written as base64 (44 characters) or hex (64 characters); ${MAKE_A_KEY}`,
      { path: 'THROUGHLINE_SECRET_KEY' },
    );
  }
  const databaseUrl = env.DATABASE_URL;
  const serverMode = databaseUrl !== undefined && databaseUrl !== '';
  // A key file would land in whatever folder this instance started from; another instance has
  // another key or none and cannot open what this one sealed.
  if (serverMode && (secretKey === undefined || secretKey === '')) {
    fail(
      'config.invalid',
      `THROUGHLINE_SECRET_KEY is required with DATABASE_URL, the same on every instance; ${MAKE_A_KEY}`,
      { path: 'THROUGHLINE_SECRET_KEY' },
    );
  }
  const migrationUrl = env.DATABASE_MIGRATION_URL;
  if (!serverMode && migrationUrl !== undefined && migrationUrl !== '') {
    fail(
      'config.invalid',
      'DATABASE_MIGRATION_URL is only used with DATABASE_URL (the embedded database needs no roles)',
      { path: 'DATABASE_MIGRATION_URL' },
    );
  }
  return {
    port,
    host: flags.host ?? env.HOST ?? '127.0.0.1',
    dataDir: flags.data ?? env.THROUGHLINE_DATA ?? './data',
    databaseUrl: serverMode ? databaseUrl : undefined,
    migrationUrl: migrationUrl === undefined || migrationUrl === '' ? undefined : migrationUrl,
    asOf: asOf === undefined || asOf === '' ? undefined : asOf,
    secretKey: secretKey === undefined || secretKey === '' ? undefined : secretKey,
    trustProxy: readTrustProxy(flags.trustProxy, env),
    sessionLifetime: readSessionLifetime(env),
    oidc: readOidcConfig(env),
  };
}
