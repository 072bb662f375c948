/** A source of numbers in [0, 1) that the same seed always repeats. */
export type Random = () => number;

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator): tiny, fast and good enough for sampling
 * schedules. The core takes its randomness from a seed, never from the platform.
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
