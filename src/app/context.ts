import type { Database } from '../store/database.ts';
import type { SecretBox } from '../store/secret-box.ts';
import type { Clock } from './clock.ts';
import type { LiveModel } from './live-model.ts';

/** What every use-case is given: the store and the clock. Nothing else reaches in. */
export interface AppContext {
  db: Database;
  clock: Clock;
  /** The in-memory plan, work and derived state a long-running process keeps (the server). */
  model?: LiveModel;
  /** Seals and opens secrets kept in the database (Jira credentials); `openApp` provides it. */
  secrets?: SecretBox;
}
