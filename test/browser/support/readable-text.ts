/** What the readability checks look for in a page's text (issue 14, part 2). */

export const MONTHS = 'Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec';

/** A date in another format than the app's one (`5 Oct 2026`): ISO, or `Oct 5, 2026`. */
export const OTHER_DATE_FORMAT = new RegExp(
  `\\b\\d{4}-\\d{2}-\\d{2}\\b|\\b(${MONTHS}) \\d{1,2}, \\d{4}\\b`,
);

/** A plan code alone (`M-GOLIVE`, `K-SAVINGS`, `ERP-17`), as the whole text of a link. */
export const CODE_ONLY = /^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$/;

/** Today on the wall clock, in the app's format: with the demo pinned, no time may show it. */
export function wallToday(): string {
  const now = new Date();
  return `${now.getUTCDate()} ${MONTHS.split('|')[now.getUTCMonth()]} ${now.getUTCFullYear()}`;
}
