import { Anchor, Badge, Card, Group, Stack, Text } from '@mantine/core';
import { Link } from 'react-router-dom';
import type { Decision } from '../api/decision-types.ts';
import type { Incident } from '../api/incident-types.ts';
import type { InboxSignal } from '../api/types.ts';
import { count, formatDate, formatValue } from '../format/format.ts';
import { KIND_LABEL, moneyAtStake } from './decision-parts.tsx';
import { IncidentCard } from './incident-card.tsx';
import { SignalCard } from './signal-card.tsx';

/** How many signals of their own stand on the home before "more on the Signals page". */
const SIGNALS_SHOWN = 3;

/** The signed-in person's open decisions: what, due when, how much money, with links. */
function MyDecisions({ decisions }: { decisions: readonly Decision[] }) {
  return (
    <Stack gap={4} data-testid="my-decisions">
      <h3 className="card-title">Decisions you make</h3>
      <ol className="home-list">
        {decisions.map((d) => (
          <li key={d.id} data-decision-id={d.id}>
            <Anchor component={Link} to={`/decisions/${encodeURIComponent(d.id)}`} fz="sm">
              {d.title}
            </Anchor>{' '}
            <Text span size="sm" c="dimmed">
              · {d.kinds.map((k) => KIND_LABEL[k] ?? k).join(', ')} · due {formatDate(d.dueDate)} ·{' '}
              {moneyAtStake(d)} short of target
            </Text>
          </li>
        ))}
      </ol>
    </Stack>
  );
}

/**
 * What waits on the signed-in person, first the decisions they make (due first), then the
 * incidents that reach them by the money at stake (their signals folded inside), then their own
 * signals; the rest of the incidents as one line.
 */
export function HomeWaiting({
  now = false,
  firstName,
  decisions,
  incidents,
  otherIncidents,
  signals,
  nameOf,
  unitOf,
}: {
  /** True when the page looks back: what waits is still today's. */
  now?: boolean;
  firstName: string;
  decisions: readonly Decision[];
  /** The incidents that reach the person, by money at stake. */
  incidents: readonly Incident[];
  /** The incidents that do not reach them. */
  otherIncidents: readonly Incident[];
  /** Their open signals. */
  signals: readonly InboxSignal[];
  nameOf: (id: string) => string;
  unitOf: (kpi: string) => string;
}) {
  // Their signals of those incidents are folded inside them; the rest stand on their own.
  const folded = new Set(incidents.flatMap((i) => i.signals.map((s) => s.id)));
  const standalone = signals.filter((s) => !folded.has(s.id));
  const signalCard = (s: InboxSignal, level: 'h3' | 'h4') => (
    <SignalCard
      key={s.id}
      signal={s}
      nameOf={nameOf}
      unitOf={unitOf}
      compact
      headingLevel={level}
    />
  );
  const elsewhere = otherIncidents.reduce((sum, i) => sum + i.money.againstPlan, 0);
  const currency = otherIncidents[0]?.money.currency ?? 'USD';
  return (
    <Card
      component="section"
      aria-labelledby="waiting-title"
      data-testid="waiting-on-me"
      className="waiting-card home-card"
      padding="md"
    >
      <Stack gap="sm">
        <Group justify="space-between" gap="xs">
          <h2 id="waiting-title" className="section-title">
            Waiting on you{now ? ' now' : ''}
          </h2>
          <Badge
            variant="light"
            radius="sm"
            styles={{
              root: { color: '#343a40', backgroundColor: '#f1f3f5', textTransform: 'none' },
            }}
          >
            {count(signals.length, 'signal')}
            {decisions.length > 0 && `, ${count(decisions.length, 'decision')}`}
          </Badge>
        </Group>
        {decisions.length > 0 && <MyDecisions decisions={decisions} />}
        {incidents.length > 0 && (
          <Stack gap="sm" data-testid="my-incidents">
            {incidents.map((i) => {
              const ids = new Set(i.signals.map((s) => s.id));
              const inside = signals.filter((s) => ids.has(s.id));
              return (
                <IncidentCard key={i.id} incident={i} headingLevel="h3" signalCount={inside.length}>
                  {inside.map((s) => signalCard(s, 'h4'))}
                </IncidentCard>
              );
            })}
          </Stack>
        )}
        {signals.length === 0 ? (
          <Text size="sm" c="dimmed" data-testid="no-signals">
            {decisions.length > 0 ? 'No signal' : 'Nothing'} needs you, {firstName}: every objective
            you own or serve is where it should be.
          </Text>
        ) : (
          standalone.length > 0 && (
            <Stack gap="sm" data-testid="my-signals">
              {standalone.slice(0, SIGNALS_SHOWN).map((s) => signalCard(s, 'h3'))}
              {standalone.length > SIGNALS_SHOWN && (
                <Anchor component={Link} to="/signals" fz="sm">
                  {count(standalone.length - SIGNALS_SHOWN, 'more signal')} on the Signals page
                </Anchor>
              )}
            </Stack>
          )
        )}
        {otherIncidents.length > 0 && (
          <Text size="sm" c="dimmed" data-testid="other-incidents">
            {count(otherIncidents.length, 'other incident')} put {formatValue(elsewhere, currency)}{' '}
            at stake elsewhere:{' '}
            <Anchor component={Link} to="/decisions" fz="sm" underline="always">
              the decisions queue
            </Anchor>
            .
          </Text>
        )}
      </Stack>
    </Card>
  );
}
