/**
 * The product's clock, as the web app learns it from the server (`asOf` of `GET /api/v1/state`).
 *
 * The server's engine can be pinned to a day (the demo pins 2026-09-14) while the wall clock runs
 * on: stamps the server writes (a signal raised, an audit entry) carry the wall clock's day. The
 * app shows every time on the product's clock: "now" is the product's day at the wall clock's time
 * of day on the reader's clock (the days counted on the server's clock, whose day is the UTC
 * date), and a stamp later than that can only be the wall clock's, so it moves back by the same
 * days. Unpinned, the product's day is today and nothing moves, in any reader's zone.
 */

let productDay: string | null = null;

/** Tells the clock the server's day (`asOf`, `YYYY-MM-DD`); the app does it with every view. */
export function setProductDay(asOf: string | null): void {
  productDay = asOf !== null && /^\d{4}-\d{2}-\d{2}$/.test(asOf) ? asOf : null;
}

/** The server's day as last heard, or null before the first view. */
export function getProductDay(): string | null {
  return productDay;
}

const DAY_MS = 86_400_000;

/** How far the product's clock is behind the wall clock (ms); 0 when unpinned. */
export function productOffset(
  wallNow: number = Date.now(),
  day: string | null = productDay,
): number {
  if (day === null) return 0;
  const product = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(product)) return 0;
  // Whole days between the server's day (the UTC date, as its asOf) and the product's day:
  // unpinned there are none, and nothing moves whatever the reader's zone …
  const days = Math.round((Math.floor(wallNow / DAY_MS) * DAY_MS - product) / DAY_MS);
  if (days === 0) return 0;
  // … taken on the reader's calendar, so the time of day they read stays theirs across a
  // daylight-saving change between the two days.
  const wall = new Date(wallNow);
  const then = new Date(wall);
  then.setDate(wall.getDate() - days);
  return wallNow - then.getTime();
}

/** "Now" on the product's clock (ms since the epoch). */
export function productNow(wallNow: number = Date.now(), day: string | null = productDay): number {
  return wallNow - productOffset(wallNow, day);
}

/**
 * An instant on the product's clock (ms): a stamp later than the product's now is a wall-clock
 * stamp and moves back by the clock's offset; earlier ones (the work's own dates) stay.
 */
export function onProductClock(
  instant: number,
  wallNow: number = Date.now(),
  day: string | null = productDay,
): number {
  const offset = productOffset(wallNow, day);
  if (offset <= 0) return instant;
  // The end of the product's day on the reader's clock: anything later never happened on it.
  const today = new Date(wallNow - offset);
  const endOfDay = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1).getTime();
  return instant >= endOfDay ? instant - offset : instant;
}
