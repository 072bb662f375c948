import { Anchor, type AnchorProps } from '@mantine/core';
import { type ReactNode, useMemo } from 'react';
import { Link } from 'react-router-dom';
import type { EntityKind } from '../api/types.ts';
import { useDirectory } from '../live/use-directory.ts';
import { useStateIndex } from '../live/use-state-index.ts';

const ROUTES: Partial<Record<EntityKind, string>> = {
  objective: 'objectives',
  kpi: 'kpis',
  initiative: 'initiatives',
  milestone: 'milestones',
  work_item: 'work-items',
  unit: 'units',
};

/** The app's page of an entity, or null when it has none (dependencies, benefits, demands). */
export function entityHref(kind: EntityKind, id: string): string | null {
  const route = ROUTES[kind];
  return route === undefined ? null : `/${route}/${encodeURIComponent(id)}`;
}

/** `Name (ID)`, or the id alone when there is no name (or the name is the id: unit `IT`). */
export function nameAndId(name: string | undefined, id: string): string {
  return name === undefined || name === '' || name === id ? id : `${name} (${id})`;
}

/**
 * How an entity is named on screen: `ERP go-live, plant 1 (M-GOLIVE)`, `Finance (FIN)`, a work
 * item by its summary and key: never the code alone when a name is known.
 */
export function useEntityLabel(): (kind: EntityKind, id: string) => string {
  const index = useStateIndex();
  const directory = useDirectory();
  return useMemo(
    () => (kind: EntityKind, id: string) => {
      switch (kind) {
        case 'objective':
          return nameAndId(index?.objectives.get(id)?.objective.name, id);
        case 'kpi':
          return nameAndId(index?.kpis.get(id)?.kpi.name, id);
        case 'initiative':
          return nameAndId(index?.initiatives.get(id)?.initiative.name, id);
        case 'milestone':
          return nameAndId(index?.milestones.get(id)?.milestone.name, id);
        case 'work_item':
          return nameAndId(index?.workItems.get(id)?.item.summary, id);
        case 'unit':
          return nameAndId(directory.units.get(id), id);
        default:
          return id;
      }
    },
    [index, directory],
  );
}

interface EntityLinkProps extends AnchorProps {
  kind: EntityKind;
  id: string;
  children?: ReactNode;
  title?: string;
  /** Without children: name the entity (`ERP go-live, plant 1 (M-GOLIVE)`), not just its id. */
  named?: boolean;
}

/**
 * A link to an objective, KPI, initiative, milestone, work item or unit page; without children
 * it shows the id, or with `named` the entity's name and id.
 */
export function EntityLink({ kind, id, children, named = false, ...props }: EntityLinkProps) {
  const label = useEntityLabel();
  const href = entityHref(kind, id);
  const text = children ?? (named ? label(kind, id) : id);
  if (href === null) return <>{text}</>;
  return (
    <Anchor component={Link} to={href} fz="inherit" {...props}>
      {text}
    </Anchor>
  );
}
