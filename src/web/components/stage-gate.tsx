import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  List,
  Stack,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { api, apiPath } from '../api/client.ts';
import type { GateView, DecideGateBody } from '../api/types.ts';
import { formatDate } from '../format/format.ts';
import { useApi } from '../live/use-api.ts';
import { Failed, Loading } from './page.tsx';
import { CheckIcon, CrossIcon } from './icons.tsx';

/** The stages along the line, in order. */
export const STAGE_LINE = [
  'idea',
  'defined',
  'approved',
  'in_delivery',
  'delivered',
  'value_validated',
  'closed',
] as const;

/** A stage in words: `In delivery`. */
export function stageLabel(stage: string): string {
  const words = stage.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The stage as a badge: dark text on a light ground (never colour alone: the words say it). */
export function StageBadge({ stage, size = 'md' }: { stage: string; size?: 'sm' | 'md' | 'lg' }) {
  return (
    <Badge
      size={size}
      radius="sm"
      variant="outline"
      styles={{ root: { background: '#eef2ff', color: '#27306b', borderColor: '#c5cdf5' } }}
      data-testid="stage-badge"
    >
      Stage: {stageLabel(stage)}
    </Badge>
  );
}

/** Go / no-go with a note, for the gate's owner. */
function GateDecisionForm({ id, gate, onDone }: { id: string; gate: string; onDone: () => void }) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const send = async (decision: 'go' | 'no_go') => {
    setBusy(true);
    setError(null);
    try {
      await api(apiPath('initiatives', id, 'gate'), {
        method: 'POST',
        body: { decision, note } satisfies DecideGateBody,
      });
      setNote('');
      onDone();
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void send('go');
  };
  return (
    <form onSubmit={submit} aria-label={`Decide the gate to ${stageLabel(gate).toLowerCase()}`}>
      <Stack gap="xs">
        <Textarea
          label="Note"
          description="Why it is a go or a no-go: kept with the decision"
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
          autosize
          minRows={2}
          maxLength={2000}
          required
        />
        <Group gap="sm">
          <Button type="submit" loading={busy} disabled={note.trim() === ''}>
            Go: {stageLabel(gate).toLowerCase()}
          </Button>
          <Button
            variant="default"
            loading={busy}
            disabled={note.trim() === ''}
            onClick={() => void send('no_go')}
          >
            No-go
          </Button>
        </Group>
        {error !== null && <Failed error={error} title="The gate was not passed" />}
      </Stack>
    </form>
  );
}

/**
 * An initiative's stage, the gate ahead with each criterion met or missing, who owns the gate,
 * the gates passed; the gate's owner decides go or no-go here (docs/GOVERNANCE.md "Stage gates").
 */
export function StageGate({ id }: { id: string }) {
  const [reload, setReload] = useState(0);
  const loaded = useApi<{ gate: GateView; mayPass: boolean }>(
    apiPath('initiatives', id, 'gate'),
    reload,
  );
  return (
    <Card component="section" aria-labelledby="stage-gate-heading" data-testid="stage-gate">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-end">
          <Title order={2} id="stage-gate-heading" className="section-title">
            Stage and gate
          </Title>
          {loaded.data !== null && <StageBadge stage={loaded.data.gate.stage} />}
        </Group>
        {loaded.data === null ? (
          loaded.error === null ? (
            <Loading label="Loading the gate" />
          ) : (
            <Failed error={loaded.error} />
          )
        ) : (
          <GateBody
            view={loaded.data.gate}
            mayPass={loaded.data.mayPass}
            onDone={() => setReload((n) => n + 1)}
          />
        )}
      </Stack>
    </Card>
  );
}

function GateBody({
  view,
  mayPass,
  onDone,
}: {
  view: GateView;
  mayPass: boolean;
  onDone: () => void;
}) {
  const noGos = view.decisions.filter((d) => !d.go);
  return (
    <Stack gap="sm">
      <Text size="sm" aria-label="The stages">
        {STAGE_LINE.map((s, k) => (
          <Text
            span
            key={s}
            fw={s === view.stage ? 700 : 400}
            c={s === view.stage ? undefined : 'dimmed'}
          >
            {k > 0 ? ' → ' : ''}
            {stageLabel(s)}
          </Text>
        ))}
      </Text>
      {view.gate === null ? (
        <Text size="sm">
          {view.stage === 'closed'
            ? 'Closed: no gate ahead.'
            : `${stageLabel(view.stage)}: no gate ahead; the plan sets the stage to take it up again.`}
        </Text>
      ) : (
        <>
          <Alert
            color={view.passes ? 'green' : 'orange'}
            variant="light"
            title={
              view.passes
                ? `Ready for the gate to ${stageLabel(view.gate).toLowerCase()}`
                : `Blocked at the gate to ${stageLabel(view.gate).toLowerCase()}`
            }
            data-testid="gate-summary"
            styles={{ title: { color: view.passes ? '#1e6b2e' : '#8a4b00' } }}
          >
            <Text size="sm" c="dark.7">
              {view.owner === null ? 'Nobody owns this gate.' : `Gate owner: ${view.owner.because}`}
            </Text>
          </Alert>
          <List spacing={4} size="sm" listStyleType="none" data-testid="gate-criteria">
            {view.criteria.map((c) => (
              <List.Item
                key={c.id}
                icon={
                  c.pass ? (
                    <CheckIcon size={14} strokeWidth={2.6} aria-hidden="true" />
                  ) : (
                    <CrossIcon size={14} strokeWidth={2.6} aria-hidden="true" />
                  )
                }
              >
                <Text span fw={600}>
                  {c.pass ? 'Met' : 'Missing'}: {c.label}.
                </Text>{' '}
                {c.message}
              </List.Item>
            ))}
          </List>
          {mayPass && <GateDecisionForm id={view.initiative} gate={view.gate} onDone={onDone} />}
        </>
      )}
      {view.history.length > 0 && (
        <Stack gap={2}>
          <Text size="xs" c="dimmed" fw={700} tt="uppercase">
            Gates passed
          </Text>
          {view.history.map((p, k) => (
            <Text size="sm" key={`${p.stage}-${k}`}>
              {stageLabel(p.stage)} on {formatDate(p.on)}
              {p.by === undefined ? '' : ` by ${p.by}`}
              {p.decision === undefined ? '' : ` (${p.decision})`}
              {p.note === undefined ? '' : `: ${p.note}`}
            </Text>
          ))}
        </Stack>
      )}
      {noGos.map((d) => (
        <Text size="sm" key={d.id}>
          No-go at the gate to {stageLabel(d.to).toLowerCase()} on {formatDate(d.decidedOn)} by{' '}
          {d.decidedBy} ({d.id}): {d.note}
        </Text>
      ))}
    </Stack>
  );
}
