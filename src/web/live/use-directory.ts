import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';

/** Names of the plan's people and units, by id: what the strategic view does not carry. */
export interface Directory {
  people: Map<string, string>;
  units: Map<string, string>;
}

interface PlanNames {
  people?: { id: string; name: string }[];
  units?: { id: string; name: string }[];
}

const EMPTY: Directory = { people: new Map(), units: new Map() };
let cached: Directory | null = null;
let loading: Promise<Directory> | null = null;

function load(): Promise<Directory> {
  loading ??= api<PlanNames>('/api/v1/plan').then(
    (plan) => {
      cached = {
        people: new Map((plan.people ?? []).map((p) => [p.id, p.name])),
        units: new Map((plan.units ?? []).map((u) => [u.id, u.name])),
      };
      return cached;
    },
    () => {
      loading = null;
      return EMPTY;
    },
  );
  return loading;
}

/** Forgets the names read, after the plan changed (a save in the plan editor). */
export function forgetDirectory(): void {
  cached = null;
  loading = null;
}

/**
 * Everyone's and every unit's name, read once from the plan (which any signed-in person may
 * read): so that "sam" reads "Sam Carter" wherever a person or unit is named.
 */
export function useDirectory(): Directory {
  const [directory, setDirectory] = useState<Directory>(cached ?? EMPTY);
  useEffect(() => {
    if (cached !== null) {
      if (directory !== cached) setDirectory(cached);
      return;
    }
    let live = true;
    void load().then((d) => {
      if (live) setDirectory(d);
    });
    return () => {
      live = false;
    };
  }, [directory]);
  return directory;
}
