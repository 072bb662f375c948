import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedClock } from '../src/app/clock.ts';
import { DEMO_AS_OF, loadDemo } from '../src/app/load-demo.ts';
import { buildServer } from '../src/server/server.ts';
import type { Database } from '../src/store/database.ts';
import { createApiToken } from '../src/store/token-store.ts';
import { openTestDatabase } from './support/databases.ts';

/**
 * What the web app needs from the server, over HTTP: sessions in a cookie, the demo's routes
 * only in demo mode, acknowledgements, source freshness, and the app's page for its own paths.
 */
describe('the server side of the web app', () => {
  let db: Database;
  let webRoot: string;
  let demo: FastifyInstance;
  let plain: FastifyInstance;
  let demoBase: string;
  let plainBase: string;
  let token: string;

  beforeAll(async () => {
    // A stand-in for the built app: the server serves whatever `vite build` left.
    webRoot = await mkdtemp(join(tmpdir(), 'throughline-web-'));
    await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>app</title>');
    await mkdir(join(webRoot, 'assets'));
    await writeFile(join(webRoot, 'assets', 'app-123.js'), 'console.log(1)');
    db = await openTestDatabase({ name: 'pglite' });
    const ctx = { db, clock: pinnedClock(DEMO_AS_OF) };
    await loadDemo(ctx, undefined);
    token = await createApiToken(db, 'dana', 'test', new Date());
    demo = await buildServer(ctx, { demo: true, webRoot });
    plain = await buildServer(ctx, { webRoot });
    demoBase = await demo.listen({ port: 0, host: '127.0.0.1' });
    plainBase = await plain.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await demo.close();
    await plain.close();
    await db.close();
    await rm(webRoot, { recursive: true, force: true });
  });

  function sessionCookie(response: Response): string {
    const cookies = response.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith('tl_session='));
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    return (session ?? '').split(';')[0] ?? '';
  }

  it('lists the demo people and signs in as one of them, in demo mode only', async () => {
    const people = (await (await fetch(`${demoBase}/api/v1/demo/people`)).json()) as {
      people: { id: string; name: string }[];
    };
    expect(people.people.map((p) => p.id)).toContain('dana');
    const signIn = await fetch(`${demoBase}/api/v1/demo/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ personId: 'marco' }),
    });
    expect(signIn.status).toBe(200);
    const cookie = sessionCookie(signIn);
    const me = (await (await fetch(`${demoBase}/api/v1/me`, { headers: { cookie } })).json()) as {
      person: { id: string; name: string };
    };
    expect(me).toMatchObject({ person: { id: 'marco', name: 'Marco Rossi' } });
    // Whether this is the demo is the session's answer (GET /api/v1/me says roles and permissions).
    const session = (await (
      await fetch(`${demoBase}/api/v1/session`, { headers: { cookie } })
    ).json()) as { signedIn: boolean; demo: boolean };
    expect(session).toMatchObject({ signedIn: true, demo: true });

    const nobody = await fetch(`${demoBase}/api/v1/demo/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ personId: 'Steering Committee' }),
    });
    expect(nobody.status).toBe(404);

    // Outside the demo these routes do not exist.
    expect((await fetch(`${plainBase}/api/v1/demo/people`)).status).toBe(404);
    const replay = await fetch(`${plainBase}/api/v1/demo/replay`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ payload: 'erp-17-due-date-moved' }),
    });
    expect(replay.status).toBe(404);
  });

  it('signs in with a token, says who is signed in without a 401, and signs out for good', async () => {
    const anonymous = await fetch(`${plainBase}/api/v1/session`);
    expect(await anonymous.json()).toEqual({
      signedIn: false,
      person: null,
      demo: false,
      signOn: null,
    });

    const bad = await fetch(`${plainBase}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: 'tl_not-a-token' }),
    });
    expect(bad.status).toBe(401);

    const sessionToken = await createApiToken(db, 'priya', 'session test', new Date());
    const signIn = await fetch(`${plainBase}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: sessionToken }),
    });
    expect(signIn.status).toBe(200);
    const cookie = sessionCookie(signIn);
    const session = (await (
      await fetch(`${plainBase}/api/v1/session`, { headers: { cookie } })
    ).json()) as {
      signedIn: boolean;
      person: { id: string };
    };
    expect(session).toMatchObject({ signedIn: true, person: { id: 'priya' } });
    expect((await fetch(`${plainBase}/api/v1/state`, { headers: { cookie } })).status).toBe(200);

    const out = await fetch(`${plainBase}/api/v1/session`, {
      method: 'DELETE',
      headers: { cookie },
    });
    expect(out.status).toBe(200);
    // The token behind the cookie is revoked, not only forgotten by the browser.
    const after = await fetch(`${plainBase}/api/v1/state`, { headers: { cookie } });
    expect(after.status).toBe(401);
    expect(((await after.json()) as { code: string }).code).toBe('auth.bad_token');
  });

  it('refuses a write that carries the session cookie from another site', async () => {
    const signIn = await fetch(`${demoBase}/api/v1/demo/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ personId: 'dana' }),
    });
    const cookie = sessionCookie(signIn);
    const forged = await fetch(`${demoBase}/api/v1/demo/replay`, {
      method: 'POST',
      headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ payload: 'erp-17-due-date-moved' }),
    });
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { code: string }).code).toBe('auth.cross_site');
  });

  it('acknowledges a signal for the caller only, until it is raised again', async () => {
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const replay = await fetch(`${demoBase}/api/v1/demo/replay`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ payload: 'erp-17-due-date-moved' }),
    });
    expect(replay.status).toBe(200);
    const id = 'kpi.misses_target:K-SAVINGS:2026-Q4';
    const ack = await fetch(`${demoBase}/api/v1/signals/${encodeURIComponent(id)}/ack`, {
      method: 'POST',
      headers: auth,
      body: '{}',
    });
    expect(ack.status).toBe(200);
    type Listed = { signals: { id: string; forMe: boolean; acknowledgedByMe: boolean }[] };
    const mine = (await (
      await fetch(`${demoBase}/api/v1/signals`, { headers: auth })
    ).json()) as Listed;
    expect(mine.signals.find((s) => s.id === id)).toMatchObject({
      forMe: true,
      acknowledgedByMe: true,
    });
    const ninaToken = await createApiToken(db, 'nina', 'test', new Date());
    const hers = (await (
      await fetch(`${demoBase}/api/v1/signals`, {
        headers: { authorization: `Bearer ${ninaToken}` },
      })
    ).json()) as Listed;
    expect(hers.signals.find((s) => s.id === id)).toMatchObject({
      forMe: false,
      acknowledgedByMe: false,
    });

    const unknown = await fetch(`${demoBase}/api/v1/signals/no-such-signal/ack`, {
      method: 'POST',
      headers: auth,
      body: '{}',
    });
    expect(unknown.status).toBe(404);

    // Restored, then slipped again: a new raise asks for a new acknowledgement.
    for (const payload of ['erp-17-due-date-restored', 'erp-17-due-date-moved']) {
      await fetch(`${demoBase}/api/v1/demo/replay`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ payload }),
      });
    }
    const again = (await (
      await fetch(`${demoBase}/api/v1/signals`, { headers: auth })
    ).json()) as Listed;
    expect(again.signals.find((s) => s.id === id)).toMatchObject({ acknowledgedByMe: false });
  });

  it('says how fresh each source is', async () => {
    const sources = (await (
      await fetch(`${demoBase}/api/v1/sources`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { sources: { source: string; workItems: number; latestUpdateAt: string }[] };
    const demoSource = sources.sources.find((s) => s.source === 'demo');
    expect(demoSource?.workItems).toBe(6);
    expect(Date.parse(demoSource?.latestUpdateAt ?? '')).not.toBeNaN();
  });

  it("serves the app's page for its own paths, its files as they are, and never for the API", async () => {
    for (const path of ['/', '/kpis/K-SAVINGS', '/work-items/ERP-17']) {
      const page = await fetch(`${demoBase}${path}`);
      expect(page.status, path).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await page.text()).toContain('<title>app</title>');
    }
    const asset = await fetch(`${demoBase}/assets/app-123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${demoBase}/assets/missing.js`)).status).toBe(404);
    const api = await fetch(`${demoBase}/api/v1/nothing-here`);
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toMatch(/application\/json/);
    expect((await fetch(`${demoBase}/docs/json`)).headers.get('content-type')).toMatch(/json/);
  });
});
