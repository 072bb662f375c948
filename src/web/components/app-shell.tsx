import {
  AppShell,
  Avatar,
  Badge,
  Box,
  Burger,
  Group,
  Menu,
  NavLink,
  Stack,
  Text,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { type ReactNode, useEffect } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { mayDo } from '../api/types.ts';
import { formatDate, formatInstant } from '../format/format.ts';
import { useLive } from '../live/live-context.tsx';
import { useMe, useSession } from '../live/session-context.tsx';
import { DemoActions } from './demo-actions.tsx';
import {
  BellIcon,
  BranchIcon,
  CheckIcon,
  ClockIcon,
  EditIcon,
  GaugeIcon,
  GraphIcon,
  MapIcon,
} from './icons.tsx';
import { LiveNotices } from './live-notices.tsx';
import { useTableCards } from './responsive-tables.tsx';
import { SearchPalette } from './search-palette.tsx';

const NAV = [
  { to: '/', label: 'Strategy map', icon: MapIcon, match: (p: string) => p === '/' },
  {
    to: '/initiatives',
    label: 'Portfolio',
    icon: CheckIcon,
    match: (p: string) => p === '/initiatives',
  },
  {
    to: '/signals',
    label: 'Signals',
    icon: BellIcon,
    match: (p: string) => p.startsWith('/signals'),
  },
  {
    to: '/decisions',
    label: 'Decisions',
    icon: CheckIcon,
    match: (p: string) => p.startsWith('/decisions'),
  },
  {
    to: '/scenarios',
    label: 'Scenarios',
    icon: BranchIcon,
    match: (p: string) => p.startsWith('/scenarios'),
  },
  {
    to: '/dependencies',
    label: 'Dependencies',
    icon: GraphIcon,
    match: (p: string) => p.startsWith('/dependencies'),
  },
  {
    to: '/capacity',
    label: 'Capacity',
    icon: GaugeIcon,
    match: (p: string) => p.startsWith('/capacity') || p.startsWith('/units/'),
  },
  {
    to: '/plan',
    label: 'Plan editor',
    icon: EditIcon,
    match: (p: string) => p.startsWith('/plan'),
  },
  {
    to: '/reviews',
    label: 'Reviews',
    icon: ClockIcon,
    match: (p: string) => p.startsWith('/reviews'),
  },
  {
    to: '/audit',
    label: 'Audit log',
    icon: ClockIcon,
    match: (p: string) => p.startsWith('/audit'),
    // Admins and finance controllers (docs/SECURITY.md): nobody else is offered it.
    permission: 'audit.read',
  },
  {
    to: '/periods',
    label: 'Closed periods',
    icon: ClockIcon,
    match: (p: string) => p.startsWith('/periods'),
  },
];

function initials(name: string): string {
  return name
    .split(/\s+/)
    .map((part) => part[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
}

function LiveIndicator() {
  const { mode, offline } = useLive();
  const text = offline
    ? 'Offline'
    : mode === 'push'
      ? 'Live'
      : mode === 'poll'
        ? 'Live'
        : 'Connecting';
  const detail = offline
    ? 'The server cannot be reached; retrying'
    : mode === 'push'
      ? 'Changes are pushed by the server as they happen'
      : 'Checking for changes every second';
  return (
    <Tooltip label={detail} withArrow>
      <Group
        gap={6}
        wrap="nowrap"
        className="live-indicator"
        data-mode={mode}
        data-offline={offline}
      >
        <span className={`live-dot${offline ? ' live-dot-off' : ''}`} aria-hidden="true" />
        <Text size="sm" fw={600} c={offline ? 'red.9' : 'dark.6'} className="live-text">
          <span className="live-word">{text}</span>
          <span className="visually-hidden">: {detail}</span>
        </Text>
      </Group>
    </Tooltip>
  );
}

/** The app's frame: header (organisation, as-of, live, demo actions, person), navigation, page. */
export function Shell({ children }: { children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure(false);
  const { pathname } = useLocation();
  const me = useMe();
  const { signOut } = useSession();
  const live = useLive();
  useEffect(() => close(), [pathname, close]);
  useTableCards();
  const waiting = live.signals?.filter((s) => s.forMe && !s.acknowledgedByMe).length ?? 0;
  const latest = live.sources
    ?.map((s) => s.latestUpdateAt)
    .filter((t): t is string => t !== null)
    .sort()
    .at(-1);
  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 232, breakpoint: 'md', collapsed: { mobile: !opened } }}
      padding="lg"
    >
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <AppShell.Header>
        <Group
          h="100%"
          px={{ base: 'xs', sm: 'md' }}
          justify="space-between"
          wrap="nowrap"
          gap="xs"
        >
          <Group gap="xs" wrap="nowrap" className="header-start">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="md"
              size="sm"
              aria-label={opened ? 'Close navigation' : 'Open navigation'}
              aria-expanded={opened}
              aria-controls="main-navigation"
            />
            <Link to="/" className="brand" aria-label="Throughline: strategy map">
              <img src="/favicon.svg" alt="" width={26} height={26} />
              <span className="brand-name">Throughline</span>
            </Link>
            {live.state !== null && (
              <Text size="sm" c="dimmed" visibleFrom="lg" className="org-name">
                {live.state.organisation.name}
              </Text>
            )}
          </Group>
          <Group gap="sm" wrap="nowrap" className="header-end">
            {live.state !== null && (
              <div className="as-of" data-testid="as-of">
                <span className="as-of-label">As of</span>{' '}
                <span className="as-of-date">{formatDate(live.state.asOf)}</span>
              </div>
            )}
            <LiveIndicator />
            <SearchPalette />
            {me.demo && (
              <Box visibleFrom="sm">
                <DemoActions />
              </Box>
            )}
            <Menu position="bottom-end" withArrow>
              <Menu.Target>
                <UnstyledButton className="person-button" data-testid="account-button">
                  <Group gap={8} wrap="nowrap">
                    <span className="visually-hidden">Account menu of</span>
                    <Avatar color="indigo" radius="xl" size={32} alt="" aria-hidden="true">
                      {initials(me.person.name)}
                    </Avatar>
                    <Stack gap={0} className="person-name">
                      <Text size="sm" fw={600} lh={1.2}>
                        {me.person.name}
                      </Text>
                      {me.person.title !== null && (
                        <Text size="xs" c="dimmed" lh={1.2}>
                          {me.person.title}
                        </Text>
                      )}
                    </Stack>
                  </Group>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>
                  {me.person.name}
                  {me.person.title !== null && `, ${me.person.title}`}
                </Menu.Label>
                <Menu.Item onClick={() => void signOut()}>Sign out</Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar
        p="sm"
        id="main-navigation"
        aria-label="Main"
        className="app-navbar"
        data-open={opened}
      >
        {me.demo && (
          <AppShell.Section hiddenFrom="sm" className="drawer-demo" data-testid="drawer-demo">
            <Text size="xs" fw={700} c="dark.6" tt="uppercase" mb={6}>
              Demo
            </Text>
            <DemoActions />
          </AppShell.Section>
        )}
        <AppShell.Section grow>
          <Stack gap={4}>
            {NAV.filter((item) => item.permission === undefined || mayDo(me, item.permission)).map(
              (item) => {
                const active = item.match(pathname);
                const Icon = item.icon;
                return (
                  <NavLink
                    key={item.to}
                    component={Link}
                    to={item.to}
                    label={item.label}
                    active={active}
                    aria-current={active ? 'page' : undefined}
                    leftSection={<Icon size={18} />}
                    variant="light"
                    className="nav-link"
                    rightSection={
                      item.to === '/signals' && waiting > 0 ? (
                        <Badge
                          size="sm"
                          circle
                          color="red.9"
                          aria-label={`${waiting} waiting on you`}
                        >
                          {waiting}
                        </Badge>
                      ) : undefined
                    }
                  />
                );
              },
            )}
          </Stack>
        </AppShell.Section>
        <AppShell.Section>
          <Stack gap={2} p="xs" className="freshness-mini">
            <Text size="xs" fw={700} c="dark.6" tt="uppercase">
              Sources
            </Text>
            {(live.sources ?? []).map((s) => (
              <Text size="xs" c="dimmed" key={s.source}>
                {s.source}: {s.workItems} work items
                {s.deliveries.deadLettered > 0 && (
                  <Text span size="xs" c="red.8" fw={600}>
                    {' '}
                    · {s.deliveries.deadLettered} set aside
                  </Text>
                )}
              </Text>
            ))}
            <Text size="xs" c="dimmed">
              latest update {formatInstant(latest ?? null)}
            </Text>
          </Stack>
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        {children}
      </AppShell.Main>
      <LiveNotices />
    </AppShell>
  );
}
