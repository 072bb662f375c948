/**
 * How many calendar days of a period a benefit counts for, as a closed formula on day numbers:
 * the days of [periodStart, periodEnd] on or after both the day the milestone lands and `floor`
 * (asOf when an actual already covers the period's past). Zero when none are.
 */
export function accrualDays(
  periodStart: number,
  periodEnd: number,
  landsOn: number,
  floor: number,
): number {
  const from = Math.max(periodStart, landsOn, floor);
  return from > periodEnd ? 0 : periodEnd - from + 1;
}

/** The benefit accrued over some days at `amountPerWeek` (per calendar day: amountPerWeek / 7). */
export function accruedAmount(days: number, amountPerWeek: number): number {
  // Multiplying before dividing keeps whole-number inputs exact until the one division.
  return (days * amountPerWeek) / 7;
}
