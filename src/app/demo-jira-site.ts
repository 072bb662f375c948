import type { JiraCredentials } from '../connectors/jira/jira-client.ts';
import { loadJiraSite, saveJiraSite, type JiraSiteConfig } from '../store/jira-site-store.ts';
import type { AppContext } from './context.ts';

/**
 * The demo organisation's Jira site. Its id is `demo` (the `source` of the demo's work items),
 * and in demo mode only its webhook secret is the documented `demo-secret`, so that anyone can
 * replay the ERP story against a running demo:
 *
 *   body=demo/jira/erp-17-due-date-moved.json
 *   sig=$(openssl dgst -sha256 -hmac demo-secret -hex < "$body" | sed 's/^.* //')
 *   curl -H "X-Hub-Signature: sha256=$sig" -H 'content-type: application/json' \
 *     --data-binary @"$body" http://127.0.0.1:4400/hooks/jira/demo
 *
 * Its API points at the Jira stand-in a demo runs with `throughline jira stand-in --demo`
 * (port 4410, the credentials below), so `throughline jira sync demo` works too. None of these
 * values is a secret: the site is marked as the demo's and stores no credentials; configuring
 * the `demo` site with `throughline jira site add demo …` replaces them with real, encrypted ones.
 */

/** The demo's Jira site id (the same as the demo's work-item source). */
export const DEMO_JIRA_SITE_ID = 'demo';

/** The demo site's webhook secret, in demo mode only. */
export const DEMO_WEBHOOK_SECRET = 'demo-secret';

/** Where `throughline jira stand-in --demo` listens. */
export const DEMO_STAND_IN_PORT = 4410;

/** The credentials the demo stand-in accepts and the demo site sends. */
export const DEMO_STAND_IN_CREDENTIALS: Extract<JiraCredentials, { kind: 'basic' }> = {
  kind: 'basic',
  email: 'sync@acme-plants.example',
  apiToken: 'demo-token',
};

/** The demo stand-in's user time zone (the demo payloads are written in Europe/Berlin). */
export const DEMO_STAND_IN_TIME_ZONE = 'Europe/Berlin';

const DEMO_CONFIG: JiraSiteConfig = {
  projects: ['ERP'],
  jql: null,
  startDateField: 'customfield_10015',
  storyPointsFields: null,
  sprintField: null,
  overlapMinutes: 5,
  pageSize: 100,
};

/**
 * Makes sure the demo organisation has its Jira site `demo` (webhook secret `demo-secret`).
 * Safe to run again: an existing `demo` site, demo or configured for real, is left as it is.
 */
export async function ensureDemoJiraSite(ctx: AppContext): Promise<'created' | 'exists'> {
  if ((await loadJiraSite(ctx.db, DEMO_JIRA_SITE_ID)) !== null) return 'exists';
  await saveJiraSite(
    ctx.db,
    {
      id: DEMO_JIRA_SITE_ID,
      kind: 'cloud',
      baseUrl: `http://127.0.0.1:${DEMO_STAND_IN_PORT}`,
      authKind: 'basic',
      credentialsSealed: null,
      webhookSecretSealed: null,
      demo: true,
      config: DEMO_CONFIG,
    },
    ctx.clock.now(),
  );
  return 'created';
}
