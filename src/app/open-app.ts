import { mkdir } from 'node:fs/promises';
import { isIsoDate } from '../core/calendar.ts';
import { openDatabase } from '../store/database.ts';
import { migrate } from '../store/migrate.ts';
import { secretBoxFrom } from '../store/secret-box.ts';
import { readSetting } from '../store/setting-store.ts';
import { pinnedClock, systemClock, type Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { AppContext } from './context.ts';

/** Opens the database named by the configuration (migrated) and the clock it runs by. */
export async function openApp(
  config: Pick<Config, 'dataDir' | 'databaseUrl' | 'asOf'> & Partial<Pick<Config, 'secretKey'>>,
): Promise<AppContext> {
  if (config.databaseUrl === undefined) await mkdir(config.dataDir, { recursive: true });
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrate(db);
    return {
      db,
      clock: await resolveClock(db, config.asOf),
      secrets: secretBoxFrom({ secretKey: config.secretKey, dataDir: config.dataDir }),
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/**
 * The clock's "as of": the `--as-of` flag or `THROUGHLINE_AS_OF` first, then a date pinned in
 * the database (the demo pins one), then today.
 */
export async function resolveClock(db: AppContext['db'], asOf: string | undefined): Promise<Clock> {
  if (asOf !== undefined) return pinnedClock(asOf);
  const pinned = await readSetting(db, 'pinned_as_of');
  if (typeof pinned === 'string' && isIsoDate(pinned)) return pinnedClock(pinned);
  return systemClock();
}
