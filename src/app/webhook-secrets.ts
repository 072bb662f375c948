import { DomainError } from '../core/errors.ts';
import { loadJiraSite } from '../store/jira-site-store.ts';
import type { AppContext } from './context.ts';
import { findJiraWebhookSecret } from './jira-site-secrets.ts';

export { DEMO_WEBHOOK_SECRET } from './demo-jira-site.ts';

/** How long a found secret is reused before it is read again (a rotation takes this long). */
export const SECRET_CACHE_MS = 5_000;

/**
 * Finds the secret a Jira site signs its deliveries with: null when the site has none (its
 * deliveries are accepted unsigned), undefined when there is no such site. The demo site's
 * secret is the public `demo-secret`, so it is taken only by a server in demo mode: otherwise
 * the demo site's deliveries are refused (`webhook.bad_signature`). A found secret is kept for
 * `SECRET_CACHE_MS`, so that a burst of deliveries does not read and open it once each; an
 * unknown site is asked again every time, so a site added just now is found.
 */
export function webhookSecretLookup(
  ctx: AppContext,
  mode: { demo: boolean },
  cacheMs = SECRET_CACHE_MS,
): (site: string) => Promise<string | null | undefined> {
  const cache = new Map<string, { secret: string | null; until: number }>();
  return async (site) => {
    const held = cache.get(site);
    if (held !== undefined && held.until > performance.now()) return held.secret;
    if (!mode.demo && (await loadJiraSite(ctx.db, site))?.demo === true) {
      throw new DomainError({
        code: 'webhook.bad_signature',
        message: `site '${site}' is the demo's, whose secret is public: its deliveries are taken only by a server in demo mode (\`throughline serve --demo\`); give it a secret of its own with \`throughline jira site add ${site} …\``,
        path: 'site',
      });
    }
    try {
      const secret = await findJiraWebhookSecret(ctx, site);
      cache.set(site, { secret, until: performance.now() + cacheMs });
      return secret;
    } catch (error) {
      if (error instanceof DomainError && error.code === 'webhook.unknown_site') return undefined;
      throw error;
    }
  };
}
