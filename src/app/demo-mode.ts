import { readPlanFile } from '../plan-file/index.ts';
import { fail } from '../core/errors.ts';
import { loadPlan } from '../store/plan-store.ts';
import { readSetting, writeSetting } from '../store/setting-store.ts';
import { checkToken, createApiToken } from '../store/token-store.ts';
import type { AppContext } from './context.ts';
import { DEMO_FILES } from './load-demo.ts';

/** The person the demo's API token acts as: the COO, who sees everything. */
export const DEMO_TOKEN_PERSON = 'dana';

/** What the database holds, for demo mode: nothing yet, or the demo organisation. */
export type DemoDatabase = 'empty' | 'demo';

/**
 * Makes sure the database may run the demo: it holds no plan yet, or the demo organisation's
 * (its id and name as in the demo plan file). Any other organisation is refused, naming it —
 * demo mode lets anyone sign in as anyone, and the demo would be merged into a real plan.
 */
export async function checkDemoDatabase(ctx: AppContext, flag: string): Promise<DemoDatabase> {
  const plan = await loadPlan(ctx.db);
  if (plan === null) return 'empty';
  const { plan: demo } = await readPlanFile(DEMO_FILES.plan);
  const found = plan.organisation;
  if (found.id === demo.organisation.id && found.name === demo.organisation.name) return 'demo';
  fail(
    'config.invalid',
    `the database holds the plan of ${found.name} (organisation '${found.id}'), not the demo organisation ${demo.organisation.name}: demo mode lets anyone sign in as anyone, so it runs only on an empty database or the demo's. Leave out ${flag}, or give the demo a database of its own (--data DIR, or another DATABASE_URL)`,
    { path: flag },
  );
}

/**
 * The demo's API token for `DEMO_TOKEN_PERSON`, printed at every start of a demo: the one made
 * before while it is still good, else a new one. Only a demo keeps a token's secret (in the
 * settings): it opens nothing that the demo's one-click sign-in does not open to anyone anyway.
 */
export async function demoApiToken(ctx: AppContext): Promise<string | null> {
  const now = ctx.clock.now();
  const held = await readSetting(ctx.db, 'demo_api_token');
  if (typeof held === 'string' && (await checkToken(ctx.db, held, 'api', now)).ok) return held;
  const plan = await loadPlan(ctx.db);
  if (plan?.people.some((p) => p.id === DEMO_TOKEN_PERSON) !== true) return null;
  const token = await createApiToken(ctx.db, DEMO_TOKEN_PERSON, 'demo (printed at start)', now);
  await writeSetting(ctx.db, 'demo_api_token', token);
  return token;
}
