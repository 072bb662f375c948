/** Milliseconds in one of each unit a duration may be written in. */
const UNIT_MS = {
  s: 1_000,
  m: 60_000,
  h: 60 * 60_000,
  d: 24 * 60 * 60_000,
  w: 7 * 24 * 60 * 60_000,
} as const;

/** The longest duration accepted (ten years): further is "never" in disguise. */
export const MAX_DURATION_MS = 3650 * UNIT_MS.d;

/**
 * A duration written `<whole number><unit>` with unit s (seconds), m (minutes), h (hours), d
 * (days) or w (weeks), e.g. `90d`, `12h`, `30s`, in milliseconds; null when it is not one, is zero, or is longer
 * than ten years.
 */
export function parseDuration(text: string): number | null {
  const match = /^(\d{1,7})\s*([smhdw])$/.exec(text.trim());
  if (match?.[1] === undefined || match[2] === undefined) return null;
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  return ms > 0 && ms <= MAX_DURATION_MS ? ms : null;
}

/** A duration in the largest unit that writes it whole: `90d`, `12h`, `2w` is written `14d`. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm'] as const) {
    if (ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${Math.round(ms / 1000)}s`;
}
