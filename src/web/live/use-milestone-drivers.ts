import { useEffect, useState } from 'react';
import type { MilestoneDriver } from '../../core/domain/state.ts';
import { api, apiPath } from '../api/client.ts';
import type { Explained, MilestoneDerived } from '../api/types.ts';
import { useLive } from './live-context.tsx';

/**
 * What sets each milestone's forecast (its plan, a work item, or a predecessor), following the
 * dependencies upstream so that the whole driving chain is known; refetched on live changes.
 */
export function useMilestoneDrivers(
  start: readonly string[],
  dependencies: readonly { predecessor: string; successor: string }[] | null,
): ReadonlyMap<string, MilestoneDriver> | null {
  const { version } = useLive();
  const [drivers, setDrivers] = useState<ReadonlyMap<string, MilestoneDriver> | null>(null);
  const key = JSON.stringify([start, dependencies]);
  useEffect(() => {
    if (dependencies === null) return;
    const predecessorsOf = (id: string): string[] =>
      dependencies.filter((d) => d.successor === id).map((d) => d.predecessor);
    let cancelled = false;
    const run = async (): Promise<void> => {
      const found = new Map<string, MilestoneDriver>();
      let frontier = [...new Set(start)];
      // Breadth-first up the dependencies; plans are acyclic, and the seen-set bounds it anyway.
      while (frontier.length > 0) {
        const answers = await Promise.all(
          frontier.map((id) =>
            api<Explained<unknown, MilestoneDerived>>(apiPath('milestones', id)).then(
              (e) => [id, e.derived?.driver ?? { kind: 'plan' }] as const,
              (): readonly [string, MilestoneDriver] => [id, { kind: 'plan' }],
            ),
          ),
        );
        const next: string[] = [];
        for (const [id, driver] of answers) {
          found.set(id, driver);
          for (const p of predecessorsOf(id)) if (!found.has(p)) next.push(p);
        }
        frontier = [...new Set(next)].filter((id) => !found.has(id));
      }
      if (!cancelled) setDrivers(found);
    };
    void run();
    return () => {
      cancelled = true;
    };
    // `key` stands for `start` and `dependencies`, compared by value.
  }, [key, version]);
  return drivers;
}
