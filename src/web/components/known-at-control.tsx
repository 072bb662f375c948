import { Alert, Button, Group, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { KNOWN_AT_PARAM, useKnownAt, useKnownAtError } from '../api/known-at.ts';
import { getProductDay, onProductClock, productOffset } from '../format/clock.ts';
import { formatInstant } from '../format/format.ts';
import { DateField } from './date-field.tsx';

const pad = (n: number): string => String(n).padStart(2, '0');

/** An instant as the control shows it, on the product's clock: its day and `HH:MM`. */
function shownParts(iso: string | null): { day: string; time: string } {
  const ms = iso === null ? Number.NaN : Date.parse(iso);
  if (Number.isNaN(ms)) return { day: '', time: '' };
  const date = new Date(onProductClock(ms));
  return {
    day: `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`,
    time: `${pad(date.getHours())}:${pad(date.getMinutes())}`,
  };
}

/**
 * The instant a day and time chosen on the product's clock stand for (ms), or null when they
 * read as no time. A day from the product's day on is the wall clock's, moved back by whole days
 * (as every stamp the app shows): it moves forward by the same days; earlier days are as chosen.
 */
function chosenInstant(day: string, time: string): number | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const t = /^(\d{1,2}):(\d{2})$/.exec(time.trim());
  if (d === null || t === null || Number(t[1]) > 23 || Number(t[2]) > 59) return null;
  const local = new Date(
    Number(d[1]),
    Number(d[2]) - 1,
    Number(d[3]),
    Number(t[1]),
    Number(t[2]),
  ).getTime();
  const productDay = getProductDay();
  return productDay !== null && day >= productDay ? local + productOffset() : local;
}

/**
 * The time control: "as we knew it on …". Choosing an instant puts it in the page's URL
 * (`?knownAt=`), and the page's reads answer from the history — the plan as it stood, the work
 * as we knew it, the forecasts and signals we had then; "Now" goes back to the live view.
 */
export function KnownAtControl() {
  const knownAt = useKnownAt();
  const error = useKnownAtError();
  const [params, setParams] = useSearchParams();
  const [draft, setDraft] = useState(() => shownParts(knownAt));
  useEffect(() => setDraft(shownParts(knownAt)), [knownAt]);
  const chosen = chosenInstant(draft.day, draft.time);

  const go = (value: string | null): void => {
    const next = new URLSearchParams(params);
    if (value === null) next.delete(KNOWN_AT_PARAM);
    else next.set(KNOWN_AT_PARAM, value);
    setParams(next);
  };
  const submit = (): void => {
    if (chosen === null) return;
    // The end of the chosen minute: everything known during it.
    go(new Date(chosen + 59_999).toISOString());
  };

  return (
    <section aria-label="As we knew it on" data-testid="known-at-control" className="known-at">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <Group gap="xs" align="flex-end" wrap="wrap">
          <DateField
            label="As we knew it on"
            size="xs"
            value={draft.day}
            onChange={(day) => setDraft((current) => ({ ...current, day }))}
            data-testid="known-at-date"
          />
          <TextInput
            label="At"
            size="xs"
            w={72}
            placeholder="HH:MM"
            value={draft.time}
            onChange={(event) => {
              const time = event.currentTarget.value;
              setDraft((current) => ({ ...current, time }));
            }}
            data-testid="known-at-time"
          />
          <Button type="submit" size="xs" disabled={chosen === null}>
            Show
          </Button>
          {knownAt !== null && (
            <Button size="xs" variant="subtle" onClick={() => go(null)} data-testid="known-at-now">
              Now
            </Button>
          )}
        </Group>
      </form>
      {knownAt !== null && error === null && (
        <Alert color="yellow" variant="light" mt="xs" data-testid="known-at-banner">
          <Text size="sm">
            As we knew it on {formatInstant(knownAt)}: the plan, the work, the forecasts and the
            signals read back from the history. Live updates do not change this view.
          </Text>
        </Alert>
      )}
      {knownAt !== null && error !== null && (
        <Alert color="red" variant="light" mt="xs" role="alert" data-testid="known-at-error">
          <Text size="sm">{error.message} Showing now instead.</Text>
        </Alert>
      )}
    </section>
  );
}
