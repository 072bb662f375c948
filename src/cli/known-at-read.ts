import type { AppContext } from '../app/context.ts';
import { deriveSnapshot, type Snapshot } from '../app/derive.ts';
import { parseKnownAt, readKnownAt, type KnownAt } from '../app/known-at.ts';
import { readSignals, type StoredSignal } from '../app/signal-inbox.ts';
import type { CommandKit } from './main.ts';

/**
 * The read commands under the global `--known-at`: the snapshot and the signals as known at that
 * instant (read back from the history), or as they stand now without it.
 */

const known = new WeakMap<AppContext, KnownAt>();

async function knownAt(kit: CommandKit, ctx: AppContext): Promise<KnownAt | null> {
  const text = kit.knownAt();
  if (text === undefined) return null;
  const held = known.get(ctx);
  if (held !== undefined) return held;
  const read = await readKnownAt(ctx, parseKnownAt(text, '--known-at'), { param: '--known-at' });
  known.set(ctx, read);
  return read;
}

/** The snapshot now, or as known at `--known-at` (null before any plan, now). */
export async function snapshotAt(kit: CommandKit, ctx: AppContext): Promise<Snapshot | null> {
  const read = await knownAt(kit, ctx);
  return read === null ? deriveSnapshot(ctx.db, ctx.clock.asOf()) : read.snapshot;
}

/** The signals now (open, or all), or those open at `--known-at` as they stood then. */
export async function signalsAt(
  kit: CommandKit,
  ctx: AppContext,
  all: boolean,
): Promise<StoredSignal[]> {
  const read = await knownAt(kit, ctx);
  return read === null ? readSignals(ctx, all) : read.signals;
}

/** `{ knownAt }` for JSON output under `--known-at`, nothing otherwise. */
export function knownAtJson(kit: CommandKit): { knownAt?: string } {
  const text = kit.knownAt();
  return text === undefined ? {} : { knownAt: parseKnownAt(text, '--known-at').toISOString() };
}
