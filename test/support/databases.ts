import { randomBytes } from 'node:crypto';
import { openDatabase, type Database } from '../../src/store/database.ts';
import { migrate } from '../../src/store/migrate.ts';

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
  await db.exec(`TRUNCATE ${tables.map((t) => t.name).join(', ')} RESTART IDENTITY`);
}
