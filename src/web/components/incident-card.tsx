import {
  Anchor,
  Badge,
  Button,
  Card,
  Collapse,
  Group,
  List,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { type ReactNode, useState } from 'react';
import { Link } from 'react-router-dom';
import type { Incident } from '../api/incident-types.ts';
import { count, formatDate, formatValue, readableText } from '../format/format.ts';

const GROUPS = [
  ['milestones', 'Milestones'],
  ['kpis', 'KPIs'],
  ['objectives', 'Objectives'],
  ['capacity', 'Capacity'],
  ['sources', 'Sources'],
] as const;

/**
 * One incident: its headline, the money at stake, who decides and its decision; the effects
 * (milestones, KPIs, objectives, capacity) and its signals' own cards (`children`) folded behind
 * one button, so one root cause is one card.
 */
export function IncidentCard({
  incident,
  headingLevel = 'h3',
  children,
  signalCount = 0,
}: {
  incident: Incident;
  headingLevel?: 'h2' | 'h3';
  /** The cards of its signals shown here, folded with the effects. */
  children?: ReactNode;
  signalCount?: number;
}) {
  const [open, setOpen] = useState(false);
  const { money, effects, decision, decider } = incident;
  const titleId = `incident-${incident.id.replace(/[^A-Za-z0-9_-]/g, '-')}-title`;
  const effectsId = `${titleId}-effects`;
  const effectCount = GROUPS.reduce((n, [key]) => n + effects[key].length, 0);
  return (
    <Card
      component="section"
      aria-labelledby={titleId}
      data-testid="incident-card"
      data-incident-id={incident.id}
      padding="md"
      withBorder
    >
      <Stack gap="xs">
        <Text size="xs" c="dimmed" fw={600}>
          Incident · {count(incident.signals.length, 'signal')}
        </Text>
        <Title order={headingLevel === 'h2' ? 2 : 3} id={titleId} fz="md" className="card-title">
          {readableText(incident.headline)}
        </Title>
        <Group gap="xs" data-testid="incident-money">
          <Badge
            color="red"
            variant="light"
            radius="sm"
            styles={{ root: { textTransform: 'none', color: '#8b1a1a' } }}
          >
            {formatValue(money.againstPlan, money.currency)} against plan
          </Badge>
          <Badge
            color="orange"
            variant="light"
            radius="sm"
            styles={{ root: { textTransform: 'none', color: '#7a3e00' } }}
          >
            {formatValue(money.againstTarget, money.currency)} below target
          </Badge>
          {incident.slipWeeks > 0 && (
            <Text size="sm" c="dimmed">
              up to {incident.slipWeeks} weeks late
            </Text>
          )}
        </Group>
        <Text size="sm" data-testid="incident-decider">
          {decider === null ? 'Nobody can be named to decide it.' : `${decider.name} decides.`}{' '}
          {decision === null ? (
            <Text span size="sm" c="dimmed">
              No decision yet: open one from the Decisions page.
            </Text>
          ) : (
            <Anchor
              component={Link}
              to={`/decisions/${encodeURIComponent(decision.id)}`}
              fz="sm"
              data-testid="incident-decision"
            >
              {decision.status === 'open'
                ? `Decision ${decision.id}, due ${formatDate(decision.dueDate)}`
                : `Decision ${decision.id} (decided)`}
            </Anchor>
          )}
        </Text>
        <Group>
          <Button
            variant="default"
            size="compact-sm"
            onClick={() => setOpen((o) => !o)}
            aria-expanded={open}
            aria-controls={effectsId}
          >
            {open ? 'Hide' : 'Show'} what it does ({count(effectCount, 'effect')}
            {signalCount > 0 ? `, ${count(signalCount, 'signal')}` : ''})
          </Button>
        </Group>
        <Collapse expanded={open} id={effectsId}>
          <Stack gap="xs" data-testid="incident-effects">
            <Text size="sm">
              <strong>Causes:</strong> {incident.causes.map((c) => readableText(c.text)).join('; ')}
            </Text>
            {GROUPS.map(([key, label]) =>
              effects[key].length === 0 ? null : (
                <Stack gap={2} key={key}>
                  <Text size="xs" fw={700} c="dimmed" tt="uppercase">
                    {label}
                  </Text>
                  <List size="sm" spacing={2}>
                    {effects[key].map((e) => (
                      <List.Item key={e.text}>{readableText(e.text)}</List.Item>
                    ))}
                  </List>
                </Stack>
              ),
            )}
            {signalCount > 0 && (
              <Stack gap="sm" data-testid="incident-signals">
                <Text size="xs" fw={700} c="dimmed" tt="uppercase">
                  Its signals
                </Text>
                {children}
              </Stack>
            )}
          </Stack>
        </Collapse>
      </Stack>
    </Card>
  );
}
