import { isIsoDate } from '../core/calendar.ts';
import { openDatabase, restrictDataFolder, type Database } from '../store/database.ts';
import { grantAppRole, migrate } from '../store/migrate.ts';
import { secretBoxFrom } from '../store/secret-box.ts';
import { readSetting } from '../store/setting-store.ts';
import { pinnedClock, systemClock, type Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { AppContext } from './context.ts';

/**
 * Opens the database named by the configuration (migrated) and the clock it runs by. With a
 * migration URL, the schema's owner migrates and grants DATABASE_URL's role its privileges, and
 * the app then works as that role, which owns nothing and so cannot erase history.
 */
export async function openApp(
  config: Pick<Config, 'dataDir' | 'databaseUrl' | 'asOf'> &
    Partial<Pick<Config, 'secretKey' | 'migrationUrl'>>,
): Promise<AppContext> {
  if (config.databaseUrl === undefined) await restrictDataFolder(config.dataDir);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    if (config.databaseUrl !== undefined && config.migrationUrl !== undefined) {
      await migrateAsOwner(db, config.migrationUrl);
    }
    await migrate(db);
    return {
      db,
      clock: await resolveClock(db, config.asOf),
      secrets: secretBoxFrom({
        secretKey: config.secretKey,
        dataDir: config.databaseUrl === undefined ? config.dataDir : undefined,
      }),
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** Migrates through the owner's connection and grants the app's role what it needs. */
async function migrateAsOwner(app: Database, migrationUrl: string): Promise<void> {
  const [who] = await app.query<{ role: string }>('SELECT current_user AS role');
  const owner = await openDatabase({
    databaseUrl: migrationUrl,
    urlName: 'DATABASE_MIGRATION_URL',
  });
  try {
    await migrate(owner);
    const [self] = await owner.query<{ role: string }>('SELECT current_user AS role');
    if (who !== undefined && who.role !== self?.role) await grantAppRole(owner, who.role);
  } finally {
    await owner.close();
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
