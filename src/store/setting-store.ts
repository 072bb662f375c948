import type { Queryable } from './database.ts';

/** Names of the settings this installation keeps. */
export type SettingKey = 'pinned_as_of' | 'demo_api_token';

/** A setting's value, or null when it was never set. */
export async function readSetting(db: Queryable, key: SettingKey): Promise<unknown> {
  const rows = await db.query<{ value: unknown }>('SELECT value FROM setting WHERE key = $1', [
    key,
  ]);
  return rows[0]?.value ?? null;
}

/** Sets a setting. */
export async function writeSetting(db: Queryable, key: SettingKey, value: unknown): Promise<void> {
  await db.query(
    `INSERT INTO setting (key, value) VALUES ($1, $2::jsonb)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
    [key, JSON.stringify(value)],
  );
}
