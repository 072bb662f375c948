import type { IsoDate } from '../core/domain/plan.ts';

/**
 * Where "now" comes from. The engine's today (`asOf`) can be pinned — the demo pins it to
 * 2026-09-14 so the story reads the same on any day — while `now` stays the wall clock, which
 * stamps when things were received and stored.
 */
export interface Clock {
  now(): Date;
  asOf(): IsoDate;
  /** True when `asOf` is pinned rather than today's date. */
  readonly pinned: boolean;
}

/** The wall clock; today is the UTC date. */
export function systemClock(): Clock {
  return {
    now: () => new Date(),
    asOf: () => new Date().toISOString().slice(0, 10),
    pinned: false,
  };
}

/** The wall clock with the engine's today pinned to a date. */
export function pinnedClock(asOf: IsoDate): Clock {
  return { now: () => new Date(), asOf: () => asOf, pinned: true };
}
