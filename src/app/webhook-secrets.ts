import { DomainError } from '../core/errors.ts';
import type { AppContext } from './context.ts';
import { findJiraWebhookSecret } from './jira-site-secrets.ts';

export { DEMO_WEBHOOK_SECRET } from './demo-jira-site.ts';

/**
 * Finds the secret a Jira site signs its deliveries with: null when the site has none (its
 * deliveries are accepted unsigned), undefined when there is no such site. The demo site's
 * secret is `demo-secret`, and only the demo site (made by the demo loader) has it.
 */
export function webhookSecretLookup(
  ctx: AppContext,
): (site: string) => Promise<string | null | undefined> {
  return async (site) => {
    try {
      return await findJiraWebhookSecret(ctx, site);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'webhook.unknown_site') return undefined;
      throw error;
    }
  };
}
