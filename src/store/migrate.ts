import { readdir, readFile } from 'node:fs/promises';
import { DomainError } from '../core/errors.ts';
import type { Database, Queryable } from './database.ts';

// Resolved from the package root so that the compiled copy (dist/store) finds the same files.
const MIGRATIONS_DIR = new URL('../../src/store/migrations/', import.meta.url);

// One lock for schema changes and grants: several app instances may start together.
const MIGRATION_LOCK = 4400001;

// PostgreSQL's SQLSTATE for "permission denied" and "must be owner".
const INSUFFICIENT_PRIVILEGE = '42501';

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

/**
 * Applies every migration the database has not seen yet, each in its own transaction. A
 * database that is already current is only read, so an app role that owns nothing (and may not
 * change the schema) starts on a schema its owner migrated; when migrations are due and the role
 * may not apply them, the error says so and names DATABASE_MIGRATION_URL.
 */
export async function migrate(db: Database): Promise<string[]> {
  const migrations = await listMigrations();
  const pending = await pendingMigrations(db, migrations);
  if (pending.length === 0) return [];
  try {
    return await applyMigrations(db, pending);
  } catch (error) {
    if (!isInsufficientPrivilege(error)) throw error;
    const [who] = await db.query<{ role: string }>('SELECT current_user AS role');
    throw new DomainError({
      code: 'config.invalid',
      message: `the database needs ${pending.length} migration(s) (${pending[0]?.name ?? ''} first) and the role '${who?.role ?? '?'}' may not change the schema (${errorText(error)}): run them as the schema's owner by setting DATABASE_MIGRATION_URL`,
      path: 'DATABASE_MIGRATION_URL',
    });
  }
}

async function pendingMigrations(db: Queryable, migrations: Migration[]): Promise<Migration[]> {
  const [table] = await db.query<{ found: boolean }>(
    `SELECT to_regclass('schema_migration') IS NOT NULL AS found`,
  );
  if (table?.found !== true) return migrations;
  const seen = new Set(
    (await db.query<{ version: number }>('SELECT version FROM schema_migration')).map(
      (row) => row.version,
    ),
  );
  return migrations.filter((m) => !seen.has(m.version));
}

async function applyMigrations(db: Database, pending: Migration[]): Promise<string[]> {
  await db.exec(
    `CREATE TABLE IF NOT EXISTS schema_migration (
       version integer PRIMARY KEY,
       name text NOT NULL,
       applied_at timestamptz NOT NULL DEFAULT now()
     )`,
  );
  const applied: string[] = [];
  for (const migration of pending) {
    const done = await db.transaction(async (tx) => {
      // Several app instances may start together: one applies, the others wait and skip.
      if (db.kind === 'postgres')
        await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
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

/**
 * Gives `role` what the application needs on every table of the current schema and no more:
 * SELECT and INSERT everywhere; UPDATE and DELETE only where no append-only guard stands (the
 * tables whose triggers call `refuse_history_edit`); never TRUNCATE, and, owning nothing, the role
 * cannot disable a trigger or alter a table. Run by the owner after migrating, at every start, so
 * the tables of a new migration are granted too.
 */
export async function grantAppRole(owner: Database, role: string): Promise<void> {
  await owner.transaction(async (tx) => {
    if (owner.kind === 'postgres')
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    const [names] = await tx.query<{ role: string; schema: string }>(
      'SELECT quote_ident($1) AS role, quote_ident(current_schema()) AS schema',
      [role],
    );
    if (names === undefined) throw new Error('no current schema');
    const tables = await tx.query<{ name: string; guarded: boolean }>(
      `SELECT quote_ident(c.relname) AS name,
              EXISTS (SELECT 1 FROM pg_trigger t
                      WHERE t.tgrelid = c.oid AND t.tgfoid = 'refuse_history_edit'::regproc)
                AS guarded
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
       ORDER BY c.relname`,
    );
    const statements = [`GRANT USAGE ON SCHEMA ${names.schema} TO ${names.role}`];
    for (const table of tables) {
      // Start from nothing, so a privilege granted by hand (or by an older version) goes.
      statements.push(`REVOKE ALL ON ${table.name} FROM ${names.role}`);
      const privileges =
        table.name === 'schema_migration'
          ? 'SELECT'
          : table.guarded
            ? 'SELECT, INSERT'
            : 'SELECT, INSERT, UPDATE, DELETE';
      statements.push(`GRANT ${privileges} ON ${table.name} TO ${names.role}`);
    }
    // bigserial columns and the write version draw from sequences.
    statements.push(
      `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${names.schema} TO ${names.role}`,
    );
    await tx.exec(statements.join(';\n'));
  });
}

function isInsufficientPrivilege(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === INSUFFICIENT_PRIVILEGE;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
