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

interface PageProps {
  title: ReactNode;
  /** The document title (the tab), when the visible title is not plain text. */
  documentTitle: string;
  eyebrow?: ReactNode;
  crumbs?: { label: string; to: string }[];
  actions?: ReactNode;
  children: ReactNode;
  testId?: string;
}

/** A page: breadcrumbs, its one h1, actions on the right, the body. */
export function Page({
  title,
  documentTitle,
  eyebrow,
  crumbs,
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
          <Breadcrumbs aria-label="Breadcrumb" separatorMargin={6}>
            {crumbs.map((c) => (
              <Anchor component={Link} to={c.to} key={c.to} size="sm">
                {c.label}
              </Anchor>
            ))}
          </Breadcrumbs>
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
