import { Alert, Button, Group, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { KNOWN_AT_PARAM, useKnownAt, useKnownAtError } from '../api/known-at.ts';

/** `2026-09-14T10:05` in the browser's zone, for a datetime-local field. */
function localValue(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
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
  const [draft, setDraft] = useState(knownAt === null ? '' : localValue(knownAt));
  useEffect(() => setDraft(knownAt === null ? '' : localValue(knownAt)), [knownAt]);

  const go = (value: string | null): void => {
    const next = new URLSearchParams(params);
    if (value === null) next.delete(KNOWN_AT_PARAM);
    else next.set(KNOWN_AT_PARAM, value);
    setParams(next);
  };
  const submit = (): void => {
    const date = new Date(draft);
    if (draft === '' || Number.isNaN(date.getTime())) return;
    // The end of the chosen minute: everything known during it.
    go(new Date(date.getTime() + 59_999).toISOString());
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
          <TextInput
            type="datetime-local"
            label="As we knew it on"
            size="xs"
            value={draft}
            onChange={(event) => setDraft(event.currentTarget.value)}
            data-testid="known-at-input"
          />
          <Button type="submit" size="xs" disabled={draft === ''}>
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
            As we knew it on {new Date(knownAt).toLocaleString()}: the plan, the work, the forecasts
            and the signals read back from the history. Live updates do not change this view.
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
