import { fromDayNumber, toDayNumber } from '../core/calendar.ts';
import type { IsoDate } from '../core/domain/plan.ts';
import {
  type TeamHistory,
  type WorkHistory,
  teamOf,
} from '../core/engine/probabilistic-forecast.ts';
import type { Queryable } from './database.ts';

interface HistoryRow {
  key: string;
  source_updated_at: Date;
  category: string | null;
  done_date: string | null;
  start_date: string | null;
}

/** What the history says about one work item. */
interface ItemHistory {
  firstSeen: number;
  inProgress: number | null;
  done: number | null;
  open: boolean;
}

/**
 * Each team's completed work from the work-item history, as the Monte Carlo forecast reads it:
 * cycle times (first seen in progress → done, calendar days) and items done per week, over the
 * last `weeks` weeks up to `asOf` (fewer when the team's history is younger); and, for each
 * open item, the day it was first seen in progress.
 */
export async function loadWorkHistory(
  db: Queryable,
  asOf: IsoDate,
  weeks = 26,
): Promise<WorkHistory> {
  const rows = await db.query<HistoryRow>(
    `SELECT key, source_updated_at, data->>'statusCategory' AS category,
            data->>'doneDate' AS done_date, data->>'startDate' AS start_date
     FROM work_item_history
     WHERE outcome = 'applied' AND op = 'upsert' AND data IS NOT NULL
     ORDER BY source, key, source_updated_at, seq`,
  );
  const asOfDay = toDayNumber(asOf);
  const items = new Map<string, ItemHistory>();
  for (const row of rows) {
    const day = toDayNumber(row.source_updated_at.toISOString().slice(0, 10));
    if (day > asOfDay) continue;
    let item = items.get(row.key);
    if (item === undefined) {
      item = { firstSeen: day, inProgress: null, done: null, open: true };
      items.set(row.key, item);
    }
    if (row.category === 'in_progress' && item.inProgress === null) {
      item.inProgress = row.start_date === null ? day : Math.min(day, toDayNumber(row.start_date));
    }
    if (row.category === 'done') {
      if (item.done === null) item.done = row.done_date === null ? day : toDayNumber(row.done_date);
      item.open = false;
    } else {
      item.open = true;
    }
  }

  const windowStart = asOfDay - weeks * 7 + 1;
  const teams = new Map<string, { firstSeen: number; done: number[]; cycles: number[] }>();
  const inProgressSince: Record<string, IsoDate> = {};
  for (const [key, item] of items) {
    const name = teamOf(key);
    let team = teams.get(name);
    if (team === undefined) {
      team = { firstSeen: item.firstSeen, done: [], cycles: [] };
      teams.set(name, team);
    }
    team.firstSeen = Math.min(team.firstSeen, item.firstSeen);
    if (item.open) {
      if (item.inProgress !== null) inProgressSince[key] = fromDayNumber(item.inProgress);
      continue;
    }
    if (item.done === null || item.done > asOfDay || item.done < windowStart) continue;
    team.done.push(item.done);
    if (item.inProgress !== null && item.inProgress <= item.done) {
      team.cycles.push(item.done - item.inProgress);
    }
  }

  const history: Record<string, TeamHistory> = {};
  for (const [name, team] of teams) {
    const observed = Math.min(weeks, Math.max(1, Math.ceil((asOfDay - team.firstSeen + 1) / 7)));
    const weekly = new Array<number>(observed).fill(0);
    for (const day of team.done) {
      const ago = Math.floor((asOfDay - day) / 7);
      if (ago < observed) weekly[observed - 1 - ago]! += 1;
    }
    history[name] = {
      cycleTimes: team.cycles,
      weeklyThroughput: weekly,
      completed: weekly.reduce((sum, n) => sum + n, 0),
    };
  }
  return { teams: history, inProgressSince };
}
