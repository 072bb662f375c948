import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  List,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, ApiError, apiPath } from '../api/client.ts';
import type { ReviewList, ReviewPack, ReviewPackSummary } from '../api/types.ts';
import { Failed, Loading, Page } from '../components/page.tsx';
import { count, formatDate, formatInstant } from '../format/format.ts';
import { useApi } from '../live/use-api.ts';

/** A review as listed: its meetings, its latest pack, and whether the reader may read and publish. */
type ReviewView = ReviewList['reviews'][number];

function packPath(id: string, suffix = ''): string {
  return `${apiPath('review-packs', id)}${suffix}`;
}

/** One review: its meetings, its packs, and publishing one now. */
function ReviewCard({ review, onPublished }: { review: ReviewView; onPublished: () => void }) {
  const [reload, setReload] = useState(0);
  const packs = useApi<{ packs: ReviewPackSummary[] }>(
    review.mayRead ? `${apiPath('reviews', review.id)}/packs` : null,
    reload,
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const publish = async () => {
    setBusy(true);
    setError(null);
    try {
      await api(`${apiPath('reviews', review.id)}/packs`, { method: 'POST' });
      setReload((n) => n + 1);
      onPublished();
    } catch (e) {
      setError(e instanceof ApiError ? e : null);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card padding="md" data-testid={`review-${review.id}`}>
      <Stack gap="xs">
        <Group justify="space-between" align="flex-start">
          <Stack gap={2}>
            <Title order={2} size="h3">
              {review.name}
            </Title>
            <Text size="sm" c="dimmed">
              {review.cadence} · {review.attendees.map((a) => a.name).join(', ')}
            </Text>
          </Stack>
          {review.mayPublish && (
            <Button onClick={() => void publish()} loading={busy}>
              Publish a pack now
            </Button>
          )}
        </Group>
        <Text size="sm">
          Last meeting {review.lastMeeting === null ? '–' : formatDate(review.lastMeeting.date)}
          {review.lastMeeting === null ? '' : ` at ${review.lastMeeting.at}`}; next{' '}
          {review.nextMeeting === null ? '–' : formatDate(review.nextMeeting.date)}
          {review.nextMeeting === null ? '' : ` at ${review.nextMeeting.at}`}.
        </Text>
        {error !== null && <Failed error={error} />}
        {!review.mayRead ? (
          <Text size="sm" c="dimmed">
            Its packs are for its attendees, the executives and the strategy office.
          </Text>
        ) : packs.data === null ? (
          packs.error === null ? (
            <Loading label="Loading the packs" />
          ) : (
            <Failed error={packs.error} />
          )
        ) : packs.data.packs.length === 0 ? (
          <Text size="sm" c="dimmed">
            No pack yet: the first is published at the next meeting.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={520}>
            <Table striped>
              <caption className="visually-hidden">Packs of {review.name}</caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Meeting</Table.Th>
                  <Table.Th>Published</Table.Th>
                  <Table.Th>Pack</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {packs.data.packs.map((p) => (
                  <Table.Tr key={p.id}>
                    <Table.Td>
                      {formatDate(p.occurrence)}
                      {p.onDemand && (
                        <Badge ml="xs" size="sm" variant="light" color="gray">
                          on demand
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>{formatInstant(p.publishedAt)}</Table.Td>
                    <Table.Td>
                      <Anchor component={Link} to={`/reviews/packs/${encodeURIComponent(p.id)}`}>
                        {p.id}
                      </Anchor>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Card>
  );
}

/** The reviews the plan declares and their packs. */
export function ReviewsPage() {
  const [reload, setReload] = useState(0);
  const list = useApi<ReviewList>('/api/v1/reviews', reload);
  return (
    <Page
      title="Reviews"
      documentTitle="Reviews"
      eyebrow="The review cadence"
      testId="reviews-page"
    >
      {list.data === null ? (
        list.error === null ? (
          <Loading label="Loading the reviews" />
        ) : (
          <Failed error={list.error} />
        )
      ) : list.data.reviews.length === 0 ? (
        <Text c="dimmed">The plan declares no review.</Text>
      ) : (
        <Stack gap="md">
          <Text c="dimmed" size="sm">
            {count(list.data.reviews.length, 'review')}; each pack is assembled from the data at the
            meeting&apos;s time and kept exactly as it was published.
          </Text>
          {list.data.reviews.map((r) => (
            <ReviewCard key={r.id} review={r} onPublished={() => setReload((n) => n + 1)} />
          ))}
        </Stack>
      )}
    </Page>
  );
}

/** One pack, as it was published, with its Markdown and PDF. */
export function ReviewPackPage() {
  const { id = '' } = useParams();
  const loaded = useApi<{ pack: ReviewPack }>(packPath(id));
  const pack = loaded.data?.pack;
  return (
    <Page
      title={
        pack === undefined
          ? 'Review pack'
          : `${pack.content.review.name} — ${formatDate(pack.occurrence)}`
      }
      documentTitle={
        pack === undefined ? 'Review pack' : `${pack.content.review.name} ${pack.occurrence}`
      }
      eyebrow="Review pack"
      crumbs={[{ label: 'Reviews', to: '/reviews' }]}
      testId="review-pack-page"
      actions={
        pack === undefined ? undefined : (
          <>
            <Button component="a" href={packPath(pack.id, '.md')} variant="default">
              Markdown
            </Button>
            <Button component="a" href={packPath(pack.id, '.pdf')} variant="default">
              PDF
            </Button>
          </>
        )
      }
    >
      {pack === undefined ? (
        loaded.error === null ? (
          <Loading label="Loading the pack" />
        ) : (
          <Failed error={loaded.error} />
        )
      ) : (
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            {pack.content.review.cadence}. Meeting {formatDate(pack.content.occurrence.date)} at{' '}
            {pack.content.occurrence.at} ({pack.content.occurrence.timeZone}); figures as of{' '}
            {formatDate(pack.content.asOf)}
            {pack.content.since === null
              ? '; changes against the plan (the first pack)'
              : `; changes since the review of ${formatDate(pack.content.since.date)}`}
            . Published {formatInstant(pack.publishedAt)}
            {pack.onDemand ? ' on demand' : ''}. Attendees:{' '}
            {pack.content.review.attendees.map((a) => a.name).join(', ')}.
          </Text>
          <Alert color="blue" title="Headline" data-testid="pack-headline">
            <List size="sm" spacing={4}>
              {pack.content.headline.map((h) => (
                <List.Item key={h}>{h}</List.Item>
              ))}
            </List>
          </Alert>
          {pack.content.sections.map((s) => (
            <Card key={s.id} padding="md" data-testid={`pack-section-${s.id}`}>
              <Title order={2} size="h4">
                {s.title}
              </Title>
              <Text size="sm" c="dimmed" mb={s.rows.length > 0 ? 'xs' : 0}>
                {s.summary}
              </Text>
              {s.rows.length > 0 && (
                <List size="sm" spacing={4}>
                  {s.rows.map((r, i) => (
                    <List.Item key={i}>{r.text}</List.Item>
                  ))}
                </List>
              )}
            </Card>
          ))}
          {pack.content.withheld > 0 && (
            <Text size="sm" c="dimmed">
              {count(pack.content.withheld, 'confidential initiative')} left out: not every attendee
              is cleared for them.
            </Text>
          )}
        </Stack>
      )}
    </Page>
  );
}
