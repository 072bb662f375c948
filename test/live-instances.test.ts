import { createHmac, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedClock } from '../src/app/clock.ts';
import type { AppContext } from '../src/app/context.ts';
import { DEMO_AS_OF, DEMO_FILES, DEMO_SOURCE, loadDemo } from '../src/app/load-demo.ts';
import { DEMO_WEBHOOK_SECRET, webhookSecretLookup } from '../src/app/webhook-secrets.ts';
import { buildServer } from '../src/server/server.ts';
import { stampedNow } from './support/jira-deliveries.ts';
import { openDatabase, type Database } from '../src/store/database.ts';
import { migrate } from '../src/store/migrate.ts';
import { createApiToken } from '../src/store/token-store.ts';
import { expectStorySlipped, type StateView } from './support/erp-story.ts';
import { connectSse } from './support/sse-client.ts';

const url = process.env.TEST_DATABASE_URL;

// Several stateless app instances share one PostgreSQL server: an event ingested by one reaches
// the clients of another through LISTEN/NOTIFY and the shared event log.
describe.skipIf(url === undefined || url === '')(
  'two app instances on one PostgreSQL server',
  () => {
    const schema = `test_${randomBytes(6).toString('hex')}`;
    const dbs: Database[] = [];
    const apps: FastifyInstance[] = [];
    const bases: string[] = [];
    let token = '';

    beforeAll(async () => {
      for (let i = 0; i < 2; i += 1) {
        const db = await openDatabase({ databaseUrl: url, schema });
        await migrate(db);
        dbs.push(db);
      }
      const [first] = dbs;
      if (first === undefined) throw new Error('no database');
      await loadDemo({ db: first, clock: pinnedClock(DEMO_AS_OF) }, undefined);
      token = await createApiToken(first, 'dana', 'test', new Date());
      for (const db of dbs) {
        const ctx: AppContext = { db, clock: pinnedClock(DEMO_AS_OF) };
        const app = await buildServer(ctx, {
          demo: true,
          webhookSecret: webhookSecretLookup(ctx, { demo: true }),
          databaseUrl: url,
        });
        apps.push(app);
        bases.push(await app.listen({ port: 0, host: '127.0.0.1' }));
      }
    });
    afterAll(async () => {
      for (const app of apps) await app.close();
      await dbs[0]?.exec(`DROP SCHEMA "${schema}" CASCADE`);
      for (const db of dbs) await db.close();
    });

    it('delivers an event ingested by instance A to a client of instance B', async () => {
      const [a, b] = bases;
      const client = connectSse(`${b}/api/v1/events`, token);
      await client.opened;
      // Stamped now: the webhook route refuses deliveries outside its freshness window.
      const body = stampedNow(await readFile(DEMO_FILES.erp17Slip, 'utf8'));
      const response = await fetch(`${a}/hooks/jira/${DEMO_SOURCE}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature': `sha256=${createHmac('sha256', DEMO_WEBHOOK_SECRET).update(body).digest('hex')}`,
        },
        body,
      });
      expect(response.status).toBe(202);
      const event = await client.waitFor(
        (e) =>
          e.event === 'signal' &&
          (e.data as { signal?: { id?: string } }).signal?.id ===
            'kpi.misses_target:K-SAVINGS:2026-Q4',
        3000,
      );
      expect(event.id).toBeGreaterThan(0);
      // Instance B's own view moved too, without a restart.
      const state = await fetch(`${b}/api/v1/state`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expectStorySlipped((await state.json()) as StateView);
      client.close();
    });
  },
);
