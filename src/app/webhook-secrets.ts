import type { AppContext } from './context.ts';
import { DEMO_SOURCE } from './load-demo.ts';

/** The demo site's webhook secret: documented, and only ever valid in demo mode. */
export const DEMO_WEBHOOK_SECRET = 'demo-secret';

/**
 * Finds the secret a Jira site signs its deliveries with: null when the site has none (its
 * deliveries are accepted unsigned), undefined when there is no such site.
 */
export function webhookSecretLookup(
  _ctx: AppContext,
  options: { demo: boolean },
): (site: string) => Promise<string | null | undefined> {
  return (site) => {
    if (options.demo && site === DEMO_SOURCE) return Promise.resolve(DEMO_WEBHOOK_SECRET);
    return Promise.resolve(undefined);
  };
}
