import type { AppContext } from '../app/context.ts';
import { openApp } from '../app/open-app.ts';
import type { CommandKit } from './main.ts';

/** Opens the configured database, runs the work, and closes it again whatever happens. */
export async function withApp<T>(
  kit: CommandKit,
  work: (ctx: AppContext) => Promise<T>,
): Promise<T> {
  const ctx = await openApp(kit.config());
  try {
    return await work(ctx);
  } finally {
    await ctx.db.close();
  }
}
