import { randomBytes } from 'node:crypto';
import { openDatabase, type Database } from '../../src/store/database.ts';
import { migrate } from '../../src/store/migrate.ts';
import { lockForWrite } from '../../src/store/write-lock.ts';

/** A database the store tests run on. */
export interface TestDatabaseKind {
  name: 'pglite' | 'postgres';
  url?: string;
}

const serverUrl = process.env.TEST_DATABASE_URL;

/**
 * The embedded database always; the PostgreSQL server too when TEST_DATABASE_URL names one
 * (CI sets it). Store tests run once per entry.
 */
export const TEST_DATABASES: TestDatabaseKind[] = [
  { name: 'pglite' },
  ...(serverUrl === undefined || serverUrl === ''
    ? []
    : [{ name: 'postgres' as const, url: serverUrl }]),
];

/** A fresh, migrated database: in-memory PGlite, or a schema of its own on the server. */
export async function openTestDatabase(kind: TestDatabaseKind): Promise<Database> {
  const schema = kind.name === 'postgres' ? `test_${randomBytes(6).toString('hex')}` : undefined;
  const db = await openDatabase({ databaseUrl: kind.url, schema });
  await migrate(db);
  if (schema === undefined) return db;
  return {
    ...db,
    kind: db.kind,
    async close() {
      await db.exec(`DROP SCHEMA "${schema}" CASCADE`);
      await db.close();
    },
  };
}

/** Empties every table (history included) between tests that share a database. */
export async function resetDatabase(db: Database): Promise<void> {
  const tables = await db.query<{ name: string }>(
    `SELECT quote_ident(tablename) AS name FROM pg_tables
     WHERE schemaname = current_schema() AND tablename <> 'schema_migration'`,
  );
  await emptyTables(
    db,
    tables.map((t) => t.name),
  );
}

/**
 * Empties the named tables, history included. History refuses TRUNCATE by trigger; the tests own
 * their tables, so they lift the guards for the one statement, inside its transaction (the app
 * runs as a role that owns nothing and cannot do this; docs/OPERATIONS.md).
 */
export async function emptyTables(db: Database, tables: readonly string[]): Promise<void> {
  const guards = await db.query<{ tbl: string; name: string }>(
    `SELECT quote_ident(c.relname) AS tbl, quote_ident(t.tgname) AS name
     FROM pg_trigger t
     JOIN pg_class c ON c.oid = t.tgrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND t.tgfoid = 'refuse_history_edit'::regproc
       AND (t.tgtype & 32) <> 0`,
  );
  const lift = guards.map((g) => `ALTER TABLE ${g.tbl} DISABLE TRIGGER ${g.name}`);
  const restore = guards.map((g) => `ALTER TABLE ${g.tbl} ENABLE TRIGGER ${g.name}`);
  // A server under test may still be writing (a decision told, a webhook applied): its writes
  // hold the writers' lock, so taking it first keeps the table locks below from crossing theirs.
  // Any other crossing PostgreSQL breaks as a deadlock, and the reset is simply tried again.
  for (let attempt = 1; ; attempt += 1) {
    try {
      await db.transaction(async (tx) => {
        if (db.kind === 'postgres') await lockForWrite(db, tx);
        await tx.exec(
          [...lift, `TRUNCATE ${tables.join(', ')} RESTART IDENTITY`, ...restore].join(';\n'),
        );
      });
      return;
    } catch (error) {
      const deadlock = (error as { code?: unknown } | null)?.code === '40P01';
      if (!deadlock || attempt === 3) throw error;
    }
  }
}
