import {
  Alert,
  Anchor,
  Breadcrumbs,
  Center,
  Group,
  Loader,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { type ReactNode, useEffect } from 'react';
import { Link } from 'react-router-dom';

interface PageLink {
  label: string;
  to: string;
}

/** A relation of the page's entity that is not containment: "Serves", "Measures", "Delivers". */
export interface PageRelation {
  label: string;
  links: PageLink[];
}

interface PageProps {
  title: ReactNode;
  /** The document title (the tab), when the visible title is not plain text. */
  documentTitle: string;
  eyebrow?: ReactNode;
  /**
   * The path down to this page, each crumb containing the next (an objective's parents, a
   * milestone's initiative). Never siblings one after the other: what an entity relates to
   * several of at once goes in `relations`.
   */
  crumbs?: PageLink[];
  /** Many-to-many relations, shown as a line of links under the title, not as a path. */
  relations?: PageRelation[];
  actions?: ReactNode;
  children: ReactNode;
  testId?: string;
}

/** A page: breadcrumbs, its one h1, its relations, actions on the right, the body. */
export function Page({
  title,
  documentTitle,
  eyebrow,
  crumbs,
  relations,
  actions,
  children,
  testId,
}: PageProps) {
  useEffect(() => {
    document.title = `${documentTitle} · Throughline`;
  }, [documentTitle]);
  return (
    <Stack gap="lg" className="page" data-testid={testId} maw={1360} mx="auto">
      <Stack gap={6}>
        {crumbs !== undefined && crumbs.length > 0 && (
          <nav aria-label="Breadcrumb">
            <Breadcrumbs separatorMargin={6}>
              {crumbs.map((c) => (
                <Anchor component={Link} to={c.to} key={c.to} size="sm">
                  {c.label}
                </Anchor>
              ))}
            </Breadcrumbs>
          </nav>
        )}
        <Group justify="space-between" align="flex-end" gap="md">
          <Stack gap={4}>
            {eyebrow !== undefined && (
              <Text size="xs" tt="uppercase" fw={700} c="dimmed" className="eyebrow">
                {eyebrow}
              </Text>
            )}
            <Title order={1} className="page-title">
              {title}
            </Title>
            {relations
              ?.filter((r) => r.links.length > 0)
              .map((r) => (
                <Text size="sm" c="dark.4" key={r.label} data-testid="page-relation">
                  {r.label}{' '}
                  {r.links.map((l, at) => (
                    <span key={l.to}>
                      {at > 0 && ' · '}
                      <Anchor component={Link} to={l.to} size="sm">
                        {l.label}
                      </Anchor>
                    </span>
                  ))}
                </Text>
              ))}
          </Stack>
          {actions !== undefined && <Group gap="sm">{actions}</Group>}
        </Group>
      </Stack>
      {children}
    </Stack>
  );
}

/** A page that is still loading. */
export function Loading({ label = 'Loading' }: { label?: string }) {
  return (
    <Center h={240} aria-busy="true">
      <Group gap="sm">
        <Loader size="sm" aria-hidden="true" />
        <Text c="dimmed">{label}…</Text>
      </Group>
    </Center>
  );
}

/** Something could not be shown, and why. */
export function Failed({
  error,
  title = 'This could not be loaded',
}: {
  error: Error;
  title?: string;
}) {
  return (
    <Alert color="red" title={title} role="alert" variant="light">
      <Text size="sm" c="dark.7">
        {error.message}
      </Text>
    </Alert>
  );
}
