import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, resetDatabase, TEST_DATABASES } from '../../test/support/databases.ts';
import type { Signal } from '../core/domain/state.ts';
import type { Database } from './database.ts';
import {
  claimDelivery,
  type DeliveryClaim,
  findDelivery,
  leaseDeliveryForRetry,
  leaseDigestItems,
  listDeliveries,
  listDigestRecipients,
  listRetryableDeliveries,
  loadNotificationPreferences,
  loadSignalRaisings,
  markDeliveriesFailed,
  markDeliveriesSent,
  readNotificationPreference,
  recordDigestSent,
  writeNotificationPreference,
} from './notification-store.ts';
import { syncSignals } from './signal-store.ts';

const signal: Signal = {
  id: 'kpi.misses_target:K-SAVINGS:2026-Q4',
  kind: 'kpi.misses_target',
  subject: { kind: 'kpi', id: 'K-SAVINGS' },
  title: 'Realised cost savings misses its 2026-Q4 target',
  chain: [],
  affectedOwners: ['priya', 'marco', 'dana'],
};

function claimFor(personId: string, overrides: Partial<DeliveryClaim> = {}): DeliveryClaim {
  return {
    signalId: signal.id,
    personId,
    signalVersion: 1,
    channel: 'email',
    mode: 'immediate',
    status: 'pending',
    signal,
    ...overrides,
  };
}

const T0 = new Date('2026-09-15T10:00:00Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

describe.each(TEST_DATABASES)('notification store on $name', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    await resetDatabase(db);
    await db.exec(
      'TRUNCATE notification_delivery, notification_digest, notification_preference RESTART IDENTITY',
    );
  });

  it('is created by migration 006', async () => {
    const rows = await db.query<{ name: string }>(
      'SELECT name FROM schema_migration WHERE version = 6',
    );
    expect(rows).toEqual([{ name: '006_notifications' }]);
  });

  it('gives defaults until a person sets preferences, then keeps what they set', async () => {
    expect(await readNotificationPreference(db, 'dana')).toEqual({
      personId: 'dana',
      channel: 'email',
      mode: 'immediate',
      chatWebhookUrl: null,
      updatedAt: null,
    });
    await writeNotificationPreference(
      db,
      {
        personId: 'dana',
        channel: 'chat',
        mode: 'digest',
        chatWebhookUrl: 'https://hooks.example/x',
      },
      T0,
    );
    await writeNotificationPreference(
      db,
      { personId: 'marco', channel: 'none', mode: 'immediate', chatWebhookUrl: null },
      T0,
    );
    const prefs = await loadNotificationPreferences(db, ['dana', 'marco', 'priya']);
    expect(prefs.get('dana')).toEqual({
      personId: 'dana',
      channel: 'chat',
      mode: 'digest',
      chatWebhookUrl: 'https://hooks.example/x',
      updatedAt: T0.toISOString(),
    });
    expect(prefs.get('marco')?.channel).toBe('none');
    expect(prefs.get('priya')?.updatedAt).toBeNull();
  });

  it('refuses a chat preference without a webhook URL', async () => {
    await expect(
      writeNotificationPreference(
        db,
        { personId: 'dana', channel: 'chat', mode: 'immediate', chatWebhookUrl: null },
        T0,
      ),
    ).rejects.toThrow();
  });

  it('lets one claim win per signal, person and raising, even when claims race', async () => {
    const claims = await Promise.all(
      Array.from({ length: 8 }, () => claimDelivery(db, claimFor('dana'), T0, at(120))),
    );
    expect(claims.filter((c) => c !== null)).toHaveLength(1);
    const won = claims.find((c) => c !== null);
    expect(won).toMatchObject({ status: 'pending', attempts: 1, signalVersion: 1, signal });
    // Another person, or another raising of the signal, is another delivery.
    expect(await claimDelivery(db, claimFor('marco'), T0, at(120))).not.toBeNull();
    expect(
      await claimDelivery(db, claimFor('dana', { signalVersion: 2 }), T0, at(120)),
    ).not.toBeNull();
    expect(await listDeliveries(db, { personId: 'dana' })).toHaveLength(2);
  });

  it('retries a failed delivery on the same row, one process at a time, until given up', async () => {
    const claimed = await claimDelivery(db, claimFor('dana'), T0, at(120));
    if (claimed === null) throw new Error('not claimed');
    // While the first attempt holds its lease, nobody else may take the row.
    expect(await leaseDeliveryForRetry(db, claimed.id, at(1), at(121))).toBeNull();
    expect(await listRetryableDeliveries(db, at(1))).toEqual([]);

    await markDeliveriesFailed(db, [claimed.id], 'SMTP: 451 try later', {
      permanent: false,
      maxAttempts: 3,
    });
    expect(await listRetryableDeliveries(db, at(2))).toMatchObject([
      { id: claimed.id, status: 'pending', reason: 'SMTP: 451 try later', attempts: 1 },
    ]);
    const racing = await Promise.all([
      leaseDeliveryForRetry(db, claimed.id, at(2), at(122)),
      leaseDeliveryForRetry(db, claimed.id, at(2), at(122)),
    ]);
    expect(racing.filter((r) => r !== null)).toHaveLength(1);
    await markDeliveriesFailed(db, [claimed.id], 'SMTP: 451 again', {
      permanent: false,
      maxAttempts: 3,
    });
    expect(await leaseDeliveryForRetry(db, claimed.id, at(3), at(123))).toMatchObject({
      attempts: 3,
    });
    await markDeliveriesFailed(db, [claimed.id], 'SMTP: 451 still', {
      permanent: false,
      maxAttempts: 3,
    });
    expect(await findDelivery(db, signal.id, 'dana', 1)).toMatchObject({
      status: 'failed',
      attempts: 3,
      reason: 'SMTP: 451 still',
    });
    expect(await listRetryableDeliveries(db, at(4))).toEqual([]);
  });

  it('never takes a sent delivery again', async () => {
    const claimed = await claimDelivery(db, claimFor('dana'), T0, at(120));
    if (claimed === null) throw new Error('not claimed');
    await markDeliveriesSent(db, [claimed.id], at(1));
    expect(await leaseDeliveryForRetry(db, claimed.id, at(1000), at(1120))).toBeNull();
    expect(await findDelivery(db, signal.id, 'dana', 1)).toMatchObject({
      status: 'sent',
      sentAt: at(1).toISOString(),
    });
  });

  it('queues digest items and hands them to one flush only', async () => {
    const other: Signal = { ...signal, id: 'milestone.slipped:M-PURCH' };
    await claimDelivery(db, claimFor('marco', { mode: 'digest' }), T0, null);
    await claimDelivery(
      db,
      claimFor('marco', { mode: 'digest', signalId: other.id, signal: other }),
      T0,
      null,
    );
    await claimDelivery(db, claimFor('dana'), T0, at(120));
    expect(await listDigestRecipients(db, at(1))).toEqual(['marco']);
    const [first, second] = await Promise.all([
      leaseDigestItems(db, 'marco', at(1), at(121)),
      leaseDigestItems(db, 'marco', at(1), at(121)),
    ]);
    expect([first?.length, second?.length].sort()).toEqual([0, 2]);
    const items = first?.length === 2 ? first : (second ?? []);
    expect(items.map((i) => i.signalId)).toEqual([signal.id, other.id]);
    const digestId = await recordDigestSent(
      db,
      'marco',
      'email',
      items.map((i) => i.id),
      at(2),
    );
    expect(await listDeliveries(db, { personId: 'marco' })).toMatchObject([
      { status: 'sent', digestId },
      { status: 'sent', digestId },
    ]);
    expect(await listDigestRecipients(db, at(1000))).toEqual([]);
  });

  it('counts the raisings of a stored signal: resolved and raised again is version 2', async () => {
    await db.transaction((tx) => syncSignals(tx, [signal], at(0)));
    expect(await loadSignalRaisings(db, [signal.id, 'unknown'])).toEqual(
      new Map([[signal.id, { version: 1, status: 'open', signal }]]),
    );
    await db.transaction((tx) => syncSignals(tx, [], at(1)));
    expect((await loadSignalRaisings(db, [signal.id])).get(signal.id)).toMatchObject({
      version: 1,
      status: 'resolved',
    });
    await db.transaction((tx) => syncSignals(tx, [signal], at(2)));
    expect((await loadSignalRaisings(db, [signal.id])).get(signal.id)).toMatchObject({
      version: 2,
      status: 'open',
    });
  });
});
