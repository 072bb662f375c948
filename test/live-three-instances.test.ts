import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addJiraSite } from '../src/app/add-jira-site.ts';
import { pinnedClock } from '../src/app/clock.ts';
import type { AppContext } from '../src/app/context.ts';
import { DEMO_AS_OF, loadDemo } from '../src/app/load-demo.ts';
import {
  startJiraStandIn,
  type JiraStandIn,
} from '../src/connectors/jira/stand-in/jira-stand-in.ts';
import { openDatabase, type Database } from '../src/store/database.ts';
import { loadJiraSite } from '../src/store/jira-site-store.ts';
import { migrate } from '../src/store/migrate.ts';
import { createSecretBox, parseSecretKey } from '../src/store/secret-box.ts';
import { createApiToken } from '../src/store/token-store.ts';
import { startRoundRobinProxy, type RoundRobinProxy } from './support/round-robin-proxy.ts';
import { connectSse, type SseClient } from './support/sse-client.ts';

/**
 * Three app instances (processes of their own) on one PostgreSQL server behind one address: the
 * servers schedule the Jira sync themselves and a row lease lets exactly one sync the site at a
 * time; one is killed with SIGKILL in the middle of a sync, another takes the site over and
 * resumes from the cursor; signed webhooks sent to the address land on whichever instance the
 * proxy picks; every stream on every surviving instance gets every change once, in order; every
 * instance converges on the same work.
 */

const url = process.env.TEST_DATABASE_URL;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = fileURLToPath(new URL('./support/cli-entry.ts', import.meta.url));
const TOKEN = 'three-instances-api-token';
const HOOK_SECRET = 'three-instances-webhook-secret';
const ISSUES = 40;
const DELIVERIES = 30;

interface Instance {
  child: ChildProcess;
  base: string;
  pid: number;
  exited: Promise<NodeJS.Signals | number | null>;
}

/** `throughline serve` in a process of its own, on a free port; resolves once it listens. */
async function startInstance(env: NodeJS.ProcessEnv): Promise<Instance> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'serve', '--port', '0'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  let output = '';
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start in 60 s: ${output}`)), 60_000);
    const read = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = /running at (http:\/\/[^\s]+) /.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    void exited.then((how) =>
      reject(new Error(`exited (${String(how)}) before listening: ${output}`)),
    );
  });
  return { child, base, pid: child.pid ?? 0, exited };
}

describe.skipIf(url === undefined || url === '')(
  'three app instances behind one address (PostgreSQL)',
  () => {
    const schema = `test_${randomBytes(6).toString('hex')}`;
    const secretKey = randomBytes(32).toString('base64');
    let db: Database;
    let standIn: JiraStandIn;
    let proxy: RoundRobinProxy;
    let token = '';
    const instances: Instance[] = [];
    const streams: { name: string; client: SseClient }[] = [];

    beforeAll(async () => {
      db = await openDatabase({ databaseUrl: url, schema });
      await migrate(db);
      const key = parseSecretKey(secretKey);
      if (key === null) throw new Error('bad key');
      const ctx: AppContext = {
        db,
        clock: pinnedClock(DEMO_AS_OF),
        secrets: createSecretBox(key),
      };
      await loadDemo(ctx, undefined);
      token = await createApiToken(db, 'dana', 'test', new Date());
      standIn = await startJiraStandIn({
        kind: 'cloud',
        credentials: { email: 'sync@acme.example', apiToken: TOKEN },
      });
      for (let n = 1; n <= ISSUES; n += 1)
        standIn.issues.add({ key: `OPS-${n}`, fields: { duedate: '2026-11-30' } });
      await addJiraSite(ctx, {
        id: 'acme',
        kind: 'cloud',
        baseUrl: standIn.url,
        credentials: { kind: 'basic', email: 'sync@acme.example', apiToken: TOKEN },
        projects: ['OPS'],
        pageSize: 5,
        webhookSecret: HOOK_SECRET,
      });
    }, 120_000);

    afterAll(async () => {
      for (const { client } of streams) client.close();
      for (const instance of instances) instance.child.kill('SIGKILL');
      await Promise.all(instances.map((i) => i.exited));
      await proxy?.close();
      await standIn?.close();
      await db?.exec(`DROP SCHEMA "${schema}" CASCADE`);
      await db?.close();
    });

    it(
      'syncs under one lease, survives a kill mid-sync, and converges with every stream told once',
      { timeout: 300_000 },
      async () => {
        // The first sync's third page hangs: whoever holds the lease is killed waiting for it.
        let thirdPageAsked: () => void = () => undefined;
        const thirdPage = new Promise<void>((resolve) => (thirdPageAsked = resolve));
        let held = true;
        standIn.setDelay(({ searchPage }) => {
          if (searchPage !== 3 || !held) return 0;
          thirdPageAsked();
          return 120_000;
        });
        const env: NodeJS.ProcessEnv = {
          ...process.env,
          DATABASE_URL: `${url}${url!.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
          THROUGHLINE_SECRET_KEY: secretKey,
          THROUGHLINE_AS_OF: DEMO_AS_OF,
          THROUGHLINE_JIRA_SYNC_EVERY: '2s',
          THROUGHLINE_JIRA_SYNC_LEASE: '3s',
          THROUGHLINE_LOG: '0',
        };
        delete env.DATABASE_MIGRATION_URL;
        instances.push(...(await Promise.all([0, 1, 2].map(() => startInstance(env)))));
        proxy = await startRoundRobinProxy(instances.map((i) => i.base));

        await thirdPage;
        // Three instances found the site due at once; one synced: one request in flight at most.
        expect(standIn.maxInFlight).toBe(1);
        // Exactly one instance syncs: the lease names it.
        const holder = (await loadJiraSite(db, 'acme'))?.leaseOwner ?? '';
        const victim = instances.find((i) => holder.includes(`:${i.pid}:`));
        expect(victim, `lease holder ${holder}`).toBeDefined();
        victim!.child.kill('SIGKILL');
        expect(await victim!.exited).toBe('SIGKILL');
        const killedAt = Date.now();
        held = false;
        const survivors = instances.filter((i) => i !== victim);

        // A survivor takes the site over once the lease has run out, and finishes the sync.
        let site = await loadJiraSite(db, 'acme');
        while (site?.lastSuccessAt === null && Date.now() - killedAt < 60_000) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          site = await loadJiraSite(db, 'acme');
        }
        const takenOverMs = Date.now() - killedAt;
        expect(site?.lastSuccessAt).not.toBeNull();
        const stored = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM work_item WHERE source = 'acme'`,
        );
        expect(stored[0]?.n).toBe(ISSUES);
        // Never two syncs at once: besides the dead instance's request, still held by the
        // stand-in, one request in flight at most.
        expect(standIn.maxInFlight).toBe(2);

        // Streams on every survivor, directly and through the proxy.
        for (const [n, instance] of survivors.entries())
          streams.push({
            name: `instance ${n + 1}`,
            client: connectSse(`${instance.base}/api/v1/events`, token),
          });
        streams.push({ name: 'proxy', client: connectSse(`${proxy.url}/api/v1/events`, token) });
        await Promise.all(streams.map((s) => s.client.opened));
        while (proxy.healthy().length !== survivors.length)
          await new Promise((resolve) => setTimeout(resolve, 100));

        // Deliveries to the one address, each a due date moved in Jira (with Jira's retries).
        const sentAt = Date.now();
        for (let n = 1; n <= DELIVERIES; n += 1) {
          const key = `OPS-${n}`;
          standIn.issues.update(key, {
            duedate: `2027-01-${String(1 + (n % 28)).padStart(2, '0')}`,
          });
          const sent = await standIn.sendWebhook(
            { url: `${proxy.url}/hooks/jira/acme`, secret: HOOK_SECRET },
            standIn.webhookBody(key, 'jira:issue_updated'),
            { retryOnFailure: true, maxRetries: 5 },
          );
          expect(sent.at(-1)?.status, key).toBe(202);
        }
        // Every survivor's own view converges on Jira's due dates.
        const expected = (n: number): string => `2027-01-${String(1 + (n % 28)).padStart(2, '0')}`;
        const converged = async (instance: Instance): Promise<boolean> => {
          for (const n of [1, DELIVERIES / 2, DELIVERIES]) {
            const response = await fetch(`${instance.base}/api/v1/work-items/OPS-${n}`, {
              headers: { authorization: `Bearer ${token}` },
            });
            if (!response.ok) return false;
            if (!JSON.stringify(await response.json()).includes(expected(n))) return false;
          }
          return true;
        };
        while (!(await Promise.all(survivors.map(converged))).every(Boolean)) {
          if (Date.now() - sentAt > 60_000) throw new Error('the survivors did not converge');
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        const convergedMs = Date.now() - sentAt;
        const applied = await db.query<{ key: string; n: number }>(
          `SELECT key, count(*)::int AS n FROM work_item_history
           WHERE source = 'acme' AND outcome = 'applied'
           GROUP BY key, source_updated_at HAVING count(*) > 1`,
        );
        expect(applied, 'an update applied twice').toEqual([]);

        // Every stream got the same events, once each, in order, with nothing missing.
        const lastSeq = (
          await db.query<{ seq: string }>('SELECT max(seq) AS seq FROM event_log')
        )[0]?.seq;
        await Promise.all(
          streams.map(({ client }) => client.waitFor((e) => e.id === Number(lastSeq), 30_000)),
        );
        const idsOf = (client: SseClient): number[] =>
          client.events.map((e) => e.id).filter((id): id is number => id !== null);
        const [first, ...others] = streams;
        const reference = idsOf(first!.client);
        expect(new Set(reference).size, 'an event told twice').toBe(reference.length);
        expect([...reference].sort((a, b) => a - b)).toEqual(reference);
        for (const { name, client } of others) expect(idsOf(client), name).toEqual(reference);
        expect(reference.length).toBeGreaterThan(0);

        // The figures the note records.
        console.log(
          JSON.stringify({
            instances: instances.length,
            killed: 1,
            issues: ISSUES,
            deliveries: DELIVERIES,
            takenOverMs,
            convergedMs,
            events: reference.length,
            streams: streams.length,
            perInstance: [...proxy.given.values()],
          }),
        );
      },
    );
  },
);
