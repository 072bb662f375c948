/**
 * How the engine writes figures into explanations and cause chains. Text is for people, so
 * amounts are rounded to whole units here; the figures themselves keep full precision.
 */

const MINUS = '\u2212';

function groupThousands(whole: number): string {
  return String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Writes an amount rounded to whole units with thousands separators: `1,268,571`, `−360,000`. */
export function formatAmount(value: number): string {
  const rounded = Math.round(Math.abs(value));
  // Rounding can turn a tiny negative into zero; a person should not read "−0".
  if (rounded === 0) return '0';
  return value < 0 ? `${MINUS}${groupThousands(rounded)}` : groupThousands(rounded);
}

/** Writes an amount with its sign always shown: `+21`, `−360,000`, `0`. */
export function formatSigned(value: number): string {
  const text = formatAmount(value);
  return text === '0' || text.startsWith(MINUS) ? text : `+${text}`;
}

/** Writes a count of working days: `1 working day`, `+15 working days`. */
export function formatWorkingDays(days: number, signed = false): string {
  const figure = signed ? formatSigned(days) : formatAmount(days);
  return `${figure} working ${Math.abs(days) === 1 ? 'day' : 'days'}`;
}

/** Writes an amount followed by its unit of measure: `−360,000 USD`. */
export function formatWithUnit(figure: string, unitOfMeasure: string): string {
  return unitOfMeasure === '' ? figure : `${figure} ${unitOfMeasure}`;
}
