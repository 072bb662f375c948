/**
 * The product's clock, as the web app learns it from the server (`asOf` of `GET /api/v1/state`).
 *
 * The server's engine can be pinned to a day (the demo pins 2026-09-14) while the wall clock runs
 * on: stamps the server writes (a signal raised, an audit entry) carry the wall clock's day. The
 * app shows every time on the product's clock: "now" is the product's day at the wall clock's time
 * of day, and a stamp later than that can only be the wall clock's, so it moves back by the same
 * whole days. Unpinned, the product's day is today and nothing moves.
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

/** How far the product's clock is behind the wall clock, in whole days (ms); 0 when unpinned. */
export function productOffset(
  wallNow: number = Date.now(),
  day: string | null = productDay,
): number {
  if (day === null) return 0;
  // Whole days in the reader's own zone, the one every time is shown in: a stamp moved back by
  // them lands on the product's day at the same time of day on the reader's clock.
  const wall = new Date(wallNow);
  const wallDay = new Date(wall.getFullYear(), wall.getMonth(), wall.getDate()).getTime();
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const product = new Date(year, month - 1, date).getTime();
  return Number.isNaN(product) ? 0 : wallDay - product;
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
  const now = wallNow - offset;
  // The end of the product's day (in the reader's zone): anything later never happened on its clock.
  const today = new Date(now);
  const endOfDay = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1).getTime();
  return instant >= endOfDay ? instant - offset : instant;
}
