import type { JiraCredentials } from '../connectors/jira/jira-client.ts';
import { DomainError } from '../core/errors.ts';
import { loadJiraSite, type JiraSiteRecord } from '../store/jira-site-store.ts';
import type { SecretBox } from '../store/secret-box.ts';
import type { AppContext } from './context.ts';
import { DEMO_STAND_IN_CREDENTIALS, DEMO_WEBHOOK_SECRET } from './demo-jira-site.ts';

/** What each sealed secret of a site is bound to: a value copied to another row does not open. */
export const credentialsPurpose = (siteId: string): string => `jira_site:${siteId}:credentials`;
export const webhookSecretPurpose = (siteId: string): string =>
  `jira_site:${siteId}:webhook_secret`;

/** The box that seals secrets; `config.invalid` when the context has none. */
export function secretsOf(ctx: AppContext): SecretBox {
  if (ctx.secrets === undefined) {
    throw new DomainError({
      code: 'config.invalid',
      message:
        'no key to seal or open stored secrets: open the app with openApp (or give the context a SecretBox)',
      path: 'THROUGHLINE_SECRET_KEY',
    });
  }
  return ctx.secrets;
}

/**
 * The webhook secret of a Jira site, for verifying `X-Hub-Signature`: null when the site has
 * none (deliveries are then taken unsigned), `demo-secret` for the demo site. Throws
 * `webhook.unknown_site` when there is no site with the id.
 */
export async function findJiraWebhookSecret(
  ctx: AppContext,
  siteId: string,
): Promise<string | null> {
  const site = await loadJiraSite(ctx.db, siteId);
  if (site === null) {
    throw new DomainError({
      code: 'webhook.unknown_site',
      message: `there is no Jira site '${siteId}'; add it with \`throughline jira site add ${siteId} …\``,
      path: 'site',
    });
  }
  if (site.demo) return DEMO_WEBHOOK_SECRET;
  if (site.webhookSecretSealed === null) return null;
  return secretsOf(ctx).open(site.webhookSecretSealed, webhookSecretPurpose(site.id));
}

/** The API credentials of a site, opened; null when the site has none (webhooks only). */
export async function openJiraCredentials(
  ctx: AppContext,
  site: JiraSiteRecord,
): Promise<JiraCredentials | null> {
  if (site.demo) return DEMO_STAND_IN_CREDENTIALS;
  if (site.authKind === 'none' || site.credentialsSealed === null) return null;
  const plain = await secretsOf(ctx).open(site.credentialsSealed, credentialsPurpose(site.id));
  return JSON.parse(plain) as JiraCredentials;
}
