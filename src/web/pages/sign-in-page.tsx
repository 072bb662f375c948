import {
  Alert,
  Avatar,
  Badge,
  Button,
  Card,
  Center,
  Divider,
  Group,
  PasswordInput,
  SimpleGrid,
  Stack,
  Text,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import { api, ApiError } from '../api/client.ts';
import type { DemoPeople, SessionState, DemoSignInBody, SignInBody } from '../api/types.ts';
import { useSession } from '../live/session-context.tsx';

/** Single sign-on, when the server has a provider: its name and where sign-in starts. */
type SignOn = NonNullable<SessionState['signOn']>;

function initials(name: string): string {
  return name
    .split(/\s+/)
    .map((part) => part[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
}

/**
 * Sign-in. With single sign-on configured: "Sign in with <provider>", the way people sign in. In
 * the demo organisation (demo mode only, and the page says so): its people, one click each, to
 * see through their eyes. Always: an API token, e.g. from `throughline token create`.
 */
export function SignInPage() {
  const { reload, session } = useSession();
  const isDemo = session.kind === 'signed-out' && session.demo;
  const [demo, setDemo] = useState<DemoPeople | null | 'loading'>('loading');
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [signOn, setSignOn] = useState<SignOn | null>(null);

  useEffect(() => {
    api<{ signOn?: SignOn | null }>('/api/v1/session', { quiet401: true }).then(
      (answer) => setSignOn(answer.signOn ?? null),
      () => setSignOn(null),
    );
  }, []);

  // Back to the page that sent the person here, once signed in (a path of this app only).
  const next = new URLSearchParams(window.location.search).get('next');
  const returnTo = next !== null && next.startsWith('/') && !next.startsWith('//') ? next : '/';

  useEffect(() => {
    document.title = 'Sign in · Throughline';
    if (!isDemo) {
      setDemo(null);
      return;
    }
    api<DemoPeople>('/api/v1/demo/people', { quiet401: true }).then(setDemo, () => setDemo(null));
  }, [isDemo]);

  const signInAs = async (personId: string): Promise<void> => {
    setBusy(personId);
    setError(null);
    try {
      await api('/api/v1/demo/sign-in', {
        method: 'POST',
        body: { personId } satisfies DemoSignInBody,
        quiet401: true,
      });
      await reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(null);
    }
  };

  const signInWithToken = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy('token');
    setError(null);
    try {
      await api('/api/v1/session', {
        method: 'POST',
        body: { token } satisfies SignInBody,
        quiet401: true,
      });
      await reload();
    } catch (e) {
      setError(e instanceof ApiError && e.status === 401 ? 'That token is not valid.' : String(e));
      setBusy(null);
    }
  };

  return (
    <main className="sign-in" id="main">
      <Center mih="100vh" p="md">
        <Stack gap="lg" w="100%" maw={720}>
          <Group gap="sm" justify="center">
            <img src="/favicon.svg" alt="" width={36} height={36} />
            <Text fz={26} fw={750} c="dark.8">
              Throughline
            </Text>
          </Group>
          <Card padding="xl" shadow="sm">
            <Stack gap="lg">
              <Stack gap={4}>
                <Group gap="sm">
                  <Title order={1} fz={24}>
                    Sign in
                  </Title>
                  {isDemo && (
                    <Badge color="red.9" variant="filled">
                      Demo mode
                    </Badge>
                  )}
                </Group>
                <Text c="dimmed" size="sm">
                  {demo !== null && demo !== 'loading'
                    ? `This is the demo organisation${demo.organisation === null ? '' : `, ${demo.organisation}`}. Choose whose eyes to look through.`
                    : signOn !== null
                      ? `Sign in with your ${signOn.name} account.`
                      : 'Sign in with an API token.'}
                </Text>
                {isDemo && (
                  <Text size="sm" data-testid="demo-mode-note">
                    Demo mode: anyone who reaches this server can sign in as anyone of the demo
                    organisation with one click. A real installation signs people in with single
                    sign-on or an API token, never like this.
                  </Text>
                )}
              </Stack>
              {signOn !== null && (
                <Button
                  component="a"
                  href={`${signOn.url}?returnTo=${encodeURIComponent(returnTo)}`}
                  size="md"
                  fullWidth
                >
                  Sign in with {signOn.name}
                </Button>
              )}
              {error !== null && (
                <Alert color="red" role="alert" title="Not signed in">
                  {error}
                </Alert>
              )}
              {demo !== null && demo !== 'loading' && (
                <SimpleGrid
                  cols={{ base: 1, sm: 2 }}
                  spacing="sm"
                  component="ul"
                  className="people-list"
                  aria-label="Demo people"
                >
                  {demo.people.map((p) => (
                    <li key={p.id}>
                      <UnstyledButton
                        className="person-choice"
                        onClick={() => void signInAs(p.id)}
                        disabled={busy !== null}
                        data-person={p.id}
                      >
                        <span className="visually-hidden">Sign in as </span>
                        <Group gap="sm" wrap="nowrap">
                          <Avatar color="indigo" radius="xl" alt="" aria-hidden="true">
                            {initials(p.name)}
                          </Avatar>
                          <Stack gap={0}>
                            <Text fw={650}>{p.name}</Text>
                            <Text size="sm" c="dimmed">
                              {[p.title, p.unitName].filter((x) => x !== null).join(' · ')}
                            </Text>
                          </Stack>
                        </Group>
                      </UnstyledButton>
                    </li>
                  ))}
                </SimpleGrid>
              )}
              {((demo !== null && demo !== 'loading') || signOn !== null) && (
                <Divider label="or use an API token" labelPosition="center" />
              )}
              <form onSubmit={(e) => void signInWithToken(e)}>
                <Group align="flex-end" gap="sm">
                  <PasswordInput
                    label="API token"
                    description="From `throughline token create --person ID`, or the one `npm start` prints"
                    value={token}
                    onChange={(e) => setToken(e.currentTarget.value)}
                    style={{ flex: 1, minWidth: 240 }}
                    autoComplete="off"
                    required
                  />
                  <Button type="submit" loading={busy === 'token'} disabled={token.trim() === ''}>
                    Sign in
                  </Button>
                </Group>
              </form>
            </Stack>
          </Card>
        </Stack>
      </Center>
    </main>
  );
}
