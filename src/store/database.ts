import { access, chmod, mkdir, readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
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
  /** The setting the connection string came from, for messages (default DATABASE_URL). */
  urlName?: string | undefined;
}

/** Opens the embedded or the server database. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl !== undefined && options.databaseUrl !== '') {
    return openPostgres(options.databaseUrl, options.schema, options.urlName ?? 'DATABASE_URL');
  }
  return openPglite(options.dataDir);
}

/**
 * A saved image of a pristine cluster (what PGlite's initdb makes), named by
 * THROUGHLINE_PGLITE_IMAGE: a new embedded database starts from it instead of running initdb,
 * which takes seconds. The tests make one image per run (test/support/build.ts); nothing else
 * sets it. Read once per process.
 */
let pristineImage: { path: string; image: Promise<Blob> } | undefined;

async function startingImage(dataDir: string | undefined): Promise<Blob | undefined> {
  const path = process.env.THROUGHLINE_PGLITE_IMAGE;
  if (path === undefined || path === '') return undefined;
  // An existing cluster opens as it is.
  if (dataDir !== undefined && (await exists(join(dataDir, 'PG_VERSION')))) return undefined;
  if (pristineImage?.path !== path) {
    pristineImage = { path, image: readFile(path).then((bytes) => new Blob([bytes])) };
  }
  return pristineImage.image;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Saves a pristine cluster's image for THROUGHLINE_PGLITE_IMAGE (tests' global set-up). */
export async function pristineClusterImage(): Promise<Uint8Array> {
  const db = await PGlite.create();
  try {
    const tarball = await db.dumpDataDir('none');
    return new Uint8Array(await tarball.arrayBuffer());
  } finally {
    await db.close();
  }
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  if (dataDir !== undefined) await restrictDataFolder(dataDir);
  const image = await startingImage(dataDir);
  const options = image === undefined ? {} : { loadDataDir: image };
  const db =
    dataDir === undefined ? await PGlite.create(options) : await PGlite.create(dataDir, options);
  if (dataDir !== undefined) await restrictDataFolder(dataDir);
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
    async close() {
      await db.close();
      // Files PGlite made while open (new tables, WAL) carry its 0666 too.
      if (dataDir !== undefined) await restrictDataFolder(dataDir);
    },
  };
}

/**
 * Makes the embedded database's folder the process owner's alone: the folder 0700, and no group
 * or world bit on anything in it. PGlite's file system layer creates its files 0666 whatever the
 * umask, so the folder's own mode is what keeps others out while it runs, and the walk keeps a
 * copied or moved folder private too.
 */
export async function restrictDataFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  await restrictEntries(dir);
}

async function restrictEntries(dir: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  // One folder's entries at once: a fresh database holds about a thousand files.
  await Promise.all(
    entries.map(async (entry) => {
      // A link is followed by chmod: leave whatever it points at alone.
      if (entry.isSymbolicLink()) return;
      const path = join(dir, entry.name);
      try {
        const { mode } = await stat(path);
        if ((mode & 0o077) !== 0) await chmod(path, mode & 0o700);
        if (entry.isDirectory()) await restrictEntries(path);
      } catch (error) {
        // The database may drop a file between the listing and the stat.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }),
  );
}

async function openPostgres(
  url: string,
  schema: string | undefined,
  urlName: string,
): Promise<Database> {
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
      message: `cannot reach the PostgreSQL server named by ${urlName}: ${reason}`,
      path: urlName,
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
