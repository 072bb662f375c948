import { isIsoDate } from '../core/calendar.ts';
import type { IsoDate } from '../core/domain/plan.ts';
import { fail } from '../core/errors.ts';
import { parseSecretKey } from '../store/secret-box.ts';

/** Everything the process is configured with, parsed once at start-up. */
export interface Config {
  port: number;
  host: string;
  /** Folder of the embedded database. */
  dataDir: string;
  /** Server mode when set. */
  databaseUrl: string | undefined;
  /** Pinned engine date, from `--as-of` or `THROUGHLINE_AS_OF`. */
  asOf: IsoDate | undefined;
  /**
   * The key that seals stored secrets (`THROUGHLINE_SECRET_KEY`, 32 bytes as base64 or hex);
   * when absent, a key file in the data folder is made on first use.
   */
  secretKey: string | undefined;
}

export interface ConfigFlags {
  port?: string | undefined;
  host?: string | undefined;
  data?: string | undefined;
  asOf?: string | undefined;
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
      'THROUGHLINE_SECRET_KEY must be 32 bytes written as base64 (44 characters) or hex (64 characters); make one with `openssl rand -base64 32`',
      { path: 'THROUGHLINE_SECRET_KEY' },
    );
  }
  const databaseUrl = env.DATABASE_URL;
  return {
    port,
    host: flags.host ?? env.HOST ?? '127.0.0.1',
    dataDir: flags.data ?? env.THROUGHLINE_DATA ?? './data',
    databaseUrl: databaseUrl === undefined || databaseUrl === '' ? undefined : databaseUrl,
    asOf: asOf === undefined || asOf === '' ? undefined : asOf,
    secretKey: secretKey === undefined || secretKey === '' ? undefined : secretKey,
  };
}
