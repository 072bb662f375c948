import type { Database } from '../store/database.ts';
import type { Clock } from './clock.ts';

/** What every use-case is given: the store and the clock. Nothing else reaches in. */
export interface AppContext {
  db: Database;
  clock: Clock;
}
