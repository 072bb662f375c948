import { readdir, readFile } from 'node:fs/promises';
import type { Database } from './database.ts';

// Resolved from the package root so that the compiled copy (dist/store) finds the same files.
const MIGRATIONS_DIR = new URL('../../src/store/migrations/', import.meta.url);

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The forward-only migrations shipped with this version, in order. */
export async function listMigrations(): Promise<Migration[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d{3}_.+\.sql$/.test(f)).sort();
  return Promise.all(
    files.map(async (file) => ({
      version: Number(file.slice(0, 3)),
      name: file.replace(/\.sql$/, ''),
      sql: await readFile(new URL(file, MIGRATIONS_DIR), 'utf8'),
    })),
  );
}

/** Applies every migration the database has not seen yet, each in its own transaction. */
export async function migrate(db: Database): Promise<string[]> {
  await db.exec(
    `CREATE TABLE IF NOT EXISTS schema_migration (
       version integer PRIMARY KEY,
       name text NOT NULL,
       applied_at timestamptz NOT NULL DEFAULT now()
     )`,
  );
  const applied: string[] = [];
  for (const migration of await listMigrations()) {
    const done = await db.transaction(async (tx) => {
      // Several app instances may start together: one applies, the others wait and skip.
      if (db.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(4400001)');
      const seen = await tx.query('SELECT 1 FROM schema_migration WHERE version = $1', [
        migration.version,
      ]);
      if (seen.length > 0) return false;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migration (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      return true;
    });
    if (done) applied.push(migration.name);
  }
  return applied;
}
