import { Anchor, type AnchorProps } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { EntityKind } from '../api/types.ts';

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

interface EntityLinkProps extends AnchorProps {
  kind: EntityKind;
  id: string;
  children?: ReactNode;
  title?: string;
}

/** A link to an objective, KPI, initiative, milestone, work item or unit page. */
export function EntityLink({ kind, id, children, ...props }: EntityLinkProps) {
  const href = entityHref(kind, id);
  if (href === null) return <>{children ?? id}</>;
  return (
    <Anchor component={Link} to={href} fz="inherit" {...props}>
      {children ?? id}
    </Anchor>
  );
}
