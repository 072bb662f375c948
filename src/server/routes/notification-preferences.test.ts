import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, TEST_DATABASES } from '../../../test/support/databases.ts';
import { pinnedClock } from '../../app/clock.ts';
import { DEMO_AS_OF, loadDemo } from '../../app/load-demo.ts';
import type { Database } from '../../store/database.ts';
import { readNotificationPreference } from '../../store/notification-store.ts';
import { createApiToken } from '../../store/token-store.ts';
import { buildServer } from '../server.ts';

const PATH = '/api/v1/me/notification-preferences';

describe.each(TEST_DATABASES)('notification preferences over the API on $name', (kind) => {
  let db: Database;
  let app: FastifyInstance;
  let base: string;
  let marco: string;
  let dana: string;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const ctx = { db, clock: pinnedClock(DEMO_AS_OF) };
    await loadDemo(ctx, undefined);
    marco = await createApiToken(db, 'marco', 'test', new Date());
    dana = await createApiToken(db, 'dana', 'test', new Date());
    app = await buildServer(ctx);
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  async function call(
    method: 'GET' | 'PUT',
    token: string | null,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await fetch(`${base}${PATH}`, {
      method,
      headers: {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  it('answers the defaults, with the e-mail address from the plan', async () => {
    expect(await call('GET', marco)).toEqual({
      status: 200,
      json: {
        personId: 'marco',
        channel: 'email',
        mode: 'immediate',
        chatWebhookUrl: null,
        email: 'marco.rossi@acme.example',
        updatedAt: null,
      },
    });
  });

  it('sets the signed-in person’s preferences and nobody else’s', async () => {
    const put = await call('PUT', marco, {
      channel: 'chat',
      mode: 'digest',
      chatWebhookUrl: 'https://hooks.slack.example/services/T/B/x',
    });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({
      personId: 'marco',
      channel: 'chat',
      mode: 'digest',
      chatWebhookUrl: 'https://hooks.slack.example/services/T/B/x',
    });
    expect(typeof put.json.updatedAt).toBe('string');
    expect((await call('GET', marco)).json).toEqual(put.json);
    expect((await call('GET', dana)).json).toMatchObject({ personId: 'dana', channel: 'email' });
    // Switching the channel keeps the webhook URL for later.
    const email = await call('PUT', marco, { channel: 'email', mode: 'immediate' });
    expect(email.json).toMatchObject({
      channel: 'email',
      chatWebhookUrl: 'https://hooks.slack.example/services/T/B/x',
    });
    expect((await readNotificationPreference(db, 'marco')).mode).toBe('immediate');
  });

  it('refuses a chat channel without a webhook URL, naming the field', async () => {
    expect(await call('PUT', dana, { channel: 'chat', mode: 'immediate' })).toEqual({
      status: 400,
      json: expect.objectContaining({
        code: 'notify.bad_preference',
        path: '$.chatWebhookUrl',
      }) as unknown,
    });
    expect(
      await call('PUT', dana, { channel: 'chat', mode: 'immediate', chatWebhookUrl: 'ftp://x' }),
    ).toMatchObject({ status: 400, json: { code: 'notify.bad_preference' } });
    expect((await readNotificationPreference(db, 'dana')).updatedAt).toBeNull();
  });

  it('refuses bodies that do not match the schema', async () => {
    expect(await call('PUT', dana, { channel: 'pigeon', mode: 'immediate' })).toMatchObject({
      status: 400,
      json: { code: 'request.invalid', path: 'body/channel' },
    });
    expect(
      await call('PUT', dana, { channel: 'email', mode: 'immediate', cc: 'boss' }),
    ).toMatchObject({ status: 400, json: { code: 'request.invalid' } });
  });

  it('needs a token', async () => {
    expect(await call('GET', null)).toMatchObject({
      status: 401,
      json: { code: 'auth.missing_token' },
    });
    expect(await call('PUT', null, { channel: 'none', mode: 'immediate' })).toMatchObject({
      status: 401,
    });
  });
});
