import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { DomainError } from '../core/errors.ts';

/** Something that runs SQL: the database itself or an open transaction. */
export interface Queryable {
  /** Runs one statement with `$1…` parameters and returns its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

/** An open transaction. */
export interface Transaction extends Queryable {
  /** Runs several statements at once (migrations). */
  exec(sql: string): Promise<void>;
}

/**
 * The one SQL dialect we speak is PostgreSQL: embedded (PGlite, in a data folder) by default,
 * a PostgreSQL server when a connection string is given.
 */
export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `work` in one transaction: it lands whole or not at all. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  /** Runs several statements at once (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A PostgreSQL connection string; when absent the embedded database is used. */
  databaseUrl?: string | undefined;
  /** Folder of the embedded database; in memory when absent. */
  dataDir?: string | undefined;
  /** PostgreSQL schema to work in (server mode only); lets tests share one server. */
  schema?: string | undefined;
}

/** Opens the embedded or the server database. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl !== undefined && options.databaseUrl !== '') {
    return openPostgres(options.databaseUrl, options.schema);
  }
  return openPglite(options.dataDir);
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  const db = dataDir === undefined ? await PGlite.create() : await PGlite.create(dataDir);
  // PGlite is one connection: serialise transactions so that no statement of another caller
  // slips into an open one.
  let queue: Promise<unknown> = Promise.resolve();
  const serialised = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    kind: 'pglite',
    query: <Row>(sql: string, params: readonly unknown[] = []) =>
      serialised(async () => (await db.query<Row>(sql, [...params])).rows),
    transaction: <T>(work: (tx: Transaction) => Promise<T>) =>
      serialised(() =>
        db.transaction(async (tx) =>
          work({
            query: async <Row>(sql: string, params: readonly unknown[] = []) =>
              (await tx.query<Row>(sql, [...params])).rows,
            exec: async (sql: string) => {
              await tx.exec(sql);
            },
          }),
        ),
      ),
    exec: (sql) =>
      serialised(async () => {
        await db.exec(sql);
      }),
    close: () => db.close(),
  };
}

async function openPostgres(url: string, schema: string | undefined): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // Fail fast with a clear message when the server is not there.
  let probe: pg.PoolClient;
  try {
    probe = await pool.connect();
  } catch (error) {
    await pool.end();
    const reason = error instanceof Error ? error.message : String(error);
    throw new DomainError({
      code: 'config.invalid',
      message: `cannot reach the PostgreSQL server named by DATABASE_URL: ${reason}`,
      path: 'DATABASE_URL',
    });
  }
  try {
    if (schema !== undefined) await probe.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } finally {
    probe.release();
  }
  return {
    kind: 'postgres',
    query: async <Row>(sql: string, params: readonly unknown[] = []) =>
      (await pool.query(sql, [...params])).rows as Row[],
    async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work({
          query: async <Row>(sql: string, params: readonly unknown[] = []) =>
            (await client.query(sql, [...params])).rows as Row[],
          exec: async (sql: string) => {
            await client.query(sql);
          },
        });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
    },
    async exec(sql) {
      await pool.query(sql);
    },
    close: () => pool.end(),
  };
}
