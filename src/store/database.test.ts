import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from './database.ts';
import { migrate } from './migrate.ts';

/** Every file and folder under `dir` whose mode lets the group or others in. */
async function openToOthers(dir: string): Promise<{ path: string; mode: string }[]> {
  const found: { path: string; mode: string }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    const { mode } = await stat(path);
    if ((mode & 0o077) !== 0) found.push({ path, mode: (mode & 0o777).toString(8) });
  }
  return found;
}

describe('the embedded database folder', () => {
  let parent: string;
  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), 'throughline-data-'));
  });
  afterEach(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  it(
    'is the owner’s alone: the folder 0700, nothing in it open to the group or others',
    { timeout: 120_000 },
    async () => {
      const data = join(parent, 'data');
      const db = await openDatabase({ dataDir: data });
      try {
        await migrate(db);
        expect((await stat(data)).mode & 0o777).toBe(0o700);
        expect(await openToOthers(data)).toEqual([]);
        // Tables made while it runs add files; closing leaves none of them open either.
        await db.exec('CREATE TABLE scratch (x int); INSERT INTO scratch VALUES (1)');
      } finally {
        await db.close();
      }
      expect((await stat(data)).mode & 0o777).toBe(0o700);
      expect(await openToOthers(data)).toEqual([]);
      expect((await readdir(data, { recursive: true })).length).toBeGreaterThan(900);
    },
  );
});
