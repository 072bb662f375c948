import { Badge, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import type { DecisionReview, ReviewStatus } from '../../core/decisions/review.ts';
import { formatDate, formatSigned, formatValue } from '../format/format.ts';
import { useEntityNames } from './decision-parts.tsx';

/**
 * A decided decision's review: what the chosen option predicted against what happened, per KPI
 * period and milestone it moved, and the money it was meant to protect against what it realised.
 */

/** Labels, and text and tint colours that read at 4.5:1 or better (axe). */
const STATUS: Record<ReviewStatus, { label: string; color: string; background: string }> = {
  awaiting: { label: 'Awaiting actuals', color: '#495057', background: '#f1f3f5' },
  partial: { label: 'Some actuals in', color: '#1c4f8a', background: '#e7f5ff' },
  complete: { label: 'Actuals in', color: '#0b5e3c', background: '#e6fcf5' },
  nothing_to_review: { label: 'Nothing to review', color: '#495057', background: '#f1f3f5' },
};

/** Shows `detail.review` when the decision has one (decided); nothing otherwise. */
export function DecisionReviewSection({
  detail,
}: {
  /** `GET /api/v1/decisions/{id}`'s answer. */
  detail: { decision: unknown; review?: DecisionReview | null };
}) {
  const names = useEntityNames();
  const review = detail.review;
  if (review === null || review === undefined) return null;
  const { money } = review;
  const status = STATUS[review.status];
  return (
    <Card component="section" aria-labelledby="review-title" padding="md" data-testid="review">
      <Stack gap="sm">
        <Group justify="space-between" gap="xs">
          <Title order={2} id="review-title" className="section-title">
            Review: predicted against actual
          </Title>
          <Badge
            radius="sm"
            data-testid="review-status"
            styles={{
              root: {
                textTransform: 'none',
                color: status.color,
                backgroundColor: status.background,
              },
            }}
          >
            {status.label}
          </Badge>
        </Group>
        <Text size="sm" data-testid="review-summary">
          {review.summary}
        </Text>
        <Text size="xs" c="dimmed">
          Predicted{' '}
          {review.predictedWhen === 'decided' ? 'when decided' : 'when the option was added'}, on{' '}
          {formatDate(review.predictedOn)}; actuals as of {formatDate(review.asOf)}. Saved is the
          option’s forecast minus doing nothing; realised is the actual minus doing nothing.
        </Text>
        {review.kpis.length > 0 && (
          <Table.ScrollContainer minWidth={640}>
            <Table fz="sm" data-testid="review-kpis">
              <Table.Caption className="visually-hidden">
                KPI forecasts the option predicted, against the actuals
              </Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">KPI, period</Table.Th>
                  <Table.Th scope="col">Doing nothing</Table.Th>
                  <Table.Th scope="col">Predicted</Table.Th>
                  <Table.Th scope="col">Actual</Table.Th>
                  <Table.Th scope="col">Against predicted</Table.Th>
                  <Table.Th scope="col">Saved: meant / realised</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {review.kpis.map((k) => {
                  const unit = k.unitOfMeasure ?? '';
                  return (
                    <Table.Tr key={`${k.kpi} ${k.period}`}>
                      <Table.Th scope="row" fw={500}>
                        {names.entity(k.kpi)}, {k.period}
                      </Table.Th>
                      <Table.Td>{formatValue(k.doNothing, unit)}</Table.Td>
                      <Table.Td>{formatValue(k.predicted, unit)}</Table.Td>
                      <Table.Td>
                        {k.actual === null ? (
                          <Text span size="sm" c="dimmed">
                            {k.note}
                          </Text>
                        ) : (
                          `${formatValue(k.actual, unit)}${k.ended ? '' : ' so far'}`
                        )}
                      </Table.Td>
                      <Table.Td>{k.gap === null ? '—' : formatSigned(k.gap, unit)}</Table.Td>
                      <Table.Td>
                        {k.saved === null ? '—' : formatSigned(k.saved, unit)} /{' '}
                        {k.realised === null ? '—' : formatSigned(k.realised, unit)}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {review.milestones.length > 0 && (
          <Table fz="sm" data-testid="review-milestones">
            <Table.Caption className="visually-hidden">
              Milestone dates the option predicted, against their completion
            </Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Milestone</Table.Th>
                <Table.Th scope="col">Doing nothing</Table.Th>
                <Table.Th scope="col">Predicted</Table.Th>
                <Table.Th scope="col">Completed</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {review.milestones.map((m) => (
                <Table.Tr key={m.milestone}>
                  <Table.Th scope="row" fw={500}>
                    {names.entity(m.milestone)}
                  </Table.Th>
                  <Table.Td>{formatDate(m.doNothing)}</Table.Td>
                  <Table.Td>{formatDate(m.predicted)}</Table.Td>
                  <Table.Td>
                    {m.actual === null ? m.note : `${formatDate(m.actual)} — ${m.note}`}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <Text size="sm" data-testid="review-money">
          Meant to protect {formatValue(money.meantToProtect, money.currency)}; realised{' '}
          {money.realised === null
            ? 'awaiting actuals'
            : `${formatValue(money.realised, money.currency)}${
                money.predictedWithActuals === money.meantToProtect
                  ? ''
                  : ` of ${formatValue(money.predictedWithActuals, money.currency)} predicted for the periods with actuals`
              }`}
          ; cost {formatValue(money.cost, money.currency)}.
        </Text>
        {review.awaiting.length > 0 && (
          <Text size="sm" c="dimmed" data-testid="review-awaiting">
            Still to come: {review.awaiting.join('; ')}.
          </Text>
        )}
      </Stack>
    </Card>
  );
}
