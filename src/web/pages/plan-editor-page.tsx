import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  List,
  Modal,
  Stack,
  Table,
  Tabs,
  Text,
} from '@mantine/core';
import { type ReactNode, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import type { PlanFile } from '../../plan-file/plan-file-types.ts';
import { api, ApiError } from '../api/client.ts';
import {
  type EntityKind,
  mayDo,
  type PlanApplyAnswer,
  type PlanHistoryPage,
} from '../api/types.ts';
import { useMe } from '../live/session-context.tsx';
import { EntityLink } from '../components/entity-link.tsx';
import { EditIcon, PlusIcon } from '../components/icons.tsx';
import { Failed, Loading, Page } from '../components/page.tsx';
import { productNow } from '../format/clock.ts';
import { formatDate, formatInstant } from '../format/format.ts';
import { useLiveStore } from '../live/live-context.tsx';
import { useApi } from '../live/use-api.ts';
import { accessTo, type EntityAccess, holdersWords, ownsAnInitiative } from '../plan/access.ts';
import { changeWords, diffFields } from '../plan/change-summary.ts';
import { DraftForm, type FormOptions } from '../plan/draft-form.tsx';
import {
  type Draft,
  draftId,
  draftOf,
  type EditableCollection,
  emptyDraft,
  entityId,
  entryOf,
} from '../plan/drafts.ts';
import { humanProblems } from '../plan/human-problems.ts';
import { actorWords, PlanHistoryDrawer } from '../plan/plan-history-drawer.tsx';
import { type FormProblems, NO_PROBLEMS, sortProblems } from '../plan/problems.ts';
import { sendablePlan } from '../plan/sendable-plan.ts';

/** A table cell linking to an entity by its name. */
function LinkCell({ kind, id }: { kind: EntityKind; id: string }) {
  return (
    <Table.Td>
      <EntityLink kind={kind} id={id} named />
    </Table.Td>
  );
}

const SINGULAR: Record<EditableCollection, string> = {
  objectives: 'objective',
  kpis: 'KPI',
  initiatives: 'initiative',
  milestones: 'milestone',
  dependencies: 'dependency',
  benefits: 'benefit',
  units: 'unit',
  demands: 'demand',
  decisionRights: 'decision right',
};

const TABS: { value: EditableCollection; label: string }[] = [
  { value: 'objectives', label: 'Objectives' },
  { value: 'kpis', label: 'KPIs' },
  { value: 'initiatives', label: 'Initiatives' },
  { value: 'milestones', label: 'Milestones' },
  { value: 'dependencies', label: 'Dependencies' },
  { value: 'benefits', label: 'Benefits' },
  { value: 'units', label: 'Units and capacity' },
  { value: 'demands', label: 'Demands' },
  { value: 'decisionRights', label: 'Decision rights' },
];

interface Editing {
  draft: Draft;
  /** The stored id being edited; null for a new entity. */
  originalId: string | null;
  problems: FormProblems;
  saving: boolean;
  confirmRemove: boolean;
  /** What the person may change of it: read-only with the reason, or some fields locked. */
  access: EntityAccess;
}

interface Saved {
  text: string;
  item: string;
  /** What changed, in words: `Milestone ERP go-live (M-GOLIVE): planned date … → …`. */
  lines: { entity: string; lines: string[] }[];
  /** Who and when, on the product's clock. */
  by: string;
  at: string;
}

function listOf(plan: PlanFile, kind: EditableCollection): unknown[] {
  return plan[kind] ?? [];
}

/**
 * Applies the plan with one entity changed (or removed): the whole plan file goes back to the
 * server, which checks it with the same rules and messages as a plan file.
 */
async function applyEdit(
  kind: EditableCollection,
  originalId: string | null,
  entry: unknown,
): Promise<{ result: PlanApplyAnswer; index: number; before: PlanFile; sent: PlanFile }> {
  const stored = await api<PlanFile>('/api/v1/plan');
  // Removing, or moving a dependency to other milestones, drops an entity: the file is the whole
  // plan. Otherwise what points at entities hidden from the person is left out (it stays as is).
  const dropping = entry === null || (originalId !== null && originalId !== entityId(kind, entry));
  const plan = dropping ? stored : sendablePlan(stored);
  const list = [...listOf(plan, kind)];
  const at = originalId === null ? -1 : list.findIndex((e) => entityId(kind, e) === originalId);
  let index: number;
  if (entry === null) {
    if (at >= 0) list.splice(at, 1);
    index = -1;
  } else if (at >= 0) {
    list[at] = entry;
    index = at;
  } else {
    list.push(entry);
    index = list.length - 1;
  }
  const drops = entry === null || (at >= 0 && originalId !== entityId(kind, entry));
  const body = { ...plan, [kind]: list };
  try {
    const result = await api<PlanApplyAnswer>(`/api/v1/plan${drops ? '?prune=true' : ''}`, {
      method: 'POST',
      body,
    });
    return { result, index, before: stored, sent: body };
  } catch (error) {
    if (error instanceof ApiError) throw Object.assign(error, { index, sent: body });
    throw error;
  }
}

function Rows({
  kind,
  plan,
  onEdit,
  canEdit,
}: {
  kind: EditableCollection;
  plan: PlanFile;
  onEdit: (entity: unknown) => void;
  canEdit: (entity: unknown) => boolean;
}) {
  const people = new Map((plan.people ?? []).map((p) => [p.id, p.name]));
  const name = (id: string | undefined) => (id === undefined ? '—' : (people.get(id) ?? id));
  const measure = plan.organisation.capacityMeasure ?? 'FTE';
  // What the person may not change opens read-only, with the reason.
  const editButton = (label: string, entity: unknown) =>
    canEdit(entity) ? (
      <Button
        variant="subtle"
        size="xs"
        leftSection={<EditIcon size={14} />}
        onClick={() => onEdit(entity)}
        aria-label={`Edit ${label}`}
      >
        Edit
      </Button>
    ) : (
      <Button
        variant="subtle"
        size="xs"
        color="dark"
        c="dark.7"
        onClick={() => onEdit(entity)}
        aria-label={`View ${label}`}
      >
        View
      </Button>
    );
  const table = (head: string[], rows: ReactNode[]) => (
    <Table.ScrollContainer minWidth={640}>
      <Table verticalSpacing={6} highlightOnHover data-testid={`plan-table-${kind}`}>
        <Table.Thead>
          <Table.Tr>
            {head.map((h) => (
              <Table.Th key={h} scope="col">
                {h}
              </Table.Th>
            ))}
            <Table.Th scope="col">
              <span className="visually-hidden">Actions</span>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>{rows}</Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
  switch (kind) {
    case 'objectives':
      return table(
        ['Objective', 'Owner', 'Parent', 'Horizon'],
        (plan.objectives ?? []).map((o) => (
          <Table.Tr key={o.id} data-entity={o.id}>
            <Table.Td>
              <EntityLink kind="objective" id={o.id} fw={600} /> {o.name}
            </Table.Td>
            <Table.Td>{name(o.owner)}</Table.Td>
            <Table.Td>{o.parent ?? '—'}</Table.Td>
            <Table.Td>
              {o.horizon === undefined
                ? '—'
                : `${formatDate(o.horizon.start)} – ${formatDate(o.horizon.end)}`}
            </Table.Td>
            <Table.Td ta="right">{editButton(o.id, o)}</Table.Td>
          </Table.Tr>
        )),
      );
    case 'kpis':
      return table(
        ['KPI', 'Owner', 'Unit', 'Targets'],
        (plan.kpis ?? []).map((k) => (
          <Table.Tr key={k.id} data-entity={k.id}>
            <Table.Td>
              <EntityLink kind="kpi" id={k.id} fw={600} /> {k.name}
            </Table.Td>
            <Table.Td>{name(k.owner)}</Table.Td>
            <Table.Td>{k.unitOfMeasure}</Table.Td>
            <Table.Td>
              {Object.entries(k.targets ?? {})
                .map(([p, v]) => `${p}: ${v.toLocaleString('en-US')}`)
                .join(', ') || '—'}
            </Table.Td>
            <Table.Td ta="right">{editButton(k.id, k)}</Table.Td>
          </Table.Tr>
        )),
      );
    case 'initiatives':
      return table(
        ['Initiative', 'Owner', 'Unit', 'Serves'],
        (plan.initiatives ?? []).map((i) => (
          <Table.Tr key={i.id} data-entity={i.id}>
            <Table.Td>
              <EntityLink kind="initiative" id={i.id} fw={600} /> {i.name}
            </Table.Td>
            <Table.Td>{name(i.owner)}</Table.Td>
            <Table.Td>{i.unit}</Table.Td>
            <Table.Td>{(i.objectives ?? []).join(', ') || '—'}</Table.Td>
            <Table.Td ta="right">{editButton(i.id, i)}</Table.Td>
          </Table.Tr>
        )),
      );
    case 'milestones':
      return table(
        ['Milestone', 'Initiative', 'Planned', 'Work'],
        (plan.milestones ?? []).map((m) => (
          <Table.Tr key={m.id} data-entity={m.id}>
            <Table.Td>
              <EntityLink kind="milestone" id={m.id} fw={600} /> {m.name}
            </Table.Td>
            <Table.Td>{m.initiative}</Table.Td>
            <Table.Td>{formatDate(m.plannedDate)}</Table.Td>
            <Table.Td>
              {[...(m.work?.keys ?? []), ...(m.work?.epics ?? [])].join(', ') || '—'}
            </Table.Td>
            <Table.Td ta="right">{editButton(m.id, m)}</Table.Td>
          </Table.Tr>
        )),
      );
    case 'dependencies':
      return table(
        ['Predecessor', 'Successor', 'Type', 'Lag'],
        (plan.dependencies ?? []).map((d) => {
          const id = `${d.predecessor}->${d.successor}`;
          return (
            <Table.Tr key={id} data-entity={id}>
              <Table.Td>
                <EntityLink kind="milestone" id={d.predecessor} fw={600} />
              </Table.Td>
              <Table.Td>
                <EntityLink kind="milestone" id={d.successor} fw={600} />
              </Table.Td>
              <Table.Td>{d.type ?? 'FS'}</Table.Td>
              <Table.Td>{d.lagDays ?? 0} working days</Table.Td>
              <Table.Td ta="right">{editButton(`${d.predecessor} → ${d.successor}`, d)}</Table.Td>
            </Table.Tr>
          );
        }),
      );
    case 'benefits':
      return table(
        ['Benefit', 'From the completion of', 'Moves', 'A week'],
        (plan.benefits ?? []).map((b) => (
          <Table.Tr key={b.id} data-entity={b.id}>
            <Table.Td fw={600}>
              {b.id}
              {b.description !== undefined && (
                <Text size="xs" c="dimmed" fw={400}>
                  {b.description}
                </Text>
              )}
            </Table.Td>
            <LinkCell kind="milestone" id={b.milestone} />
            <LinkCell kind="kpi" id={b.kpi} />
            <Table.Td>{b.amountPerWeek.toLocaleString('en-US')}</Table.Td>
            <Table.Td ta="right">{editButton(b.id, b)}</Table.Td>
          </Table.Tr>
        )),
      );
    case 'units':
      return table(
        ['Unit', `Capacity a week (${measure})`, 'By period', 'Cost of one more a week'],
        (plan.units ?? []).map((u) => (
          <Table.Tr key={u.id} data-entity={u.id}>
            <Table.Td>
              <EntityLink kind="unit" id={u.id} fw={600} named />
            </Table.Td>
            <Table.Td>
              {u.capacity === undefined ? 'not set' : u.capacity.perWeek.toLocaleString('en-US')}
            </Table.Td>
            <Table.Td>
              {Object.entries(u.capacity?.periods ?? {})
                .map(([p, v]) => `${p}: ${v.toLocaleString('en-US')}`)
                .join(', ') || '—'}
            </Table.Td>
            <Table.Td>
              {u.capacity?.costPerWeek === undefined
                ? '—'
                : `${u.capacity.costPerWeek.toLocaleString('en-US')} ${plan.organisation.currency}`}
            </Table.Td>
            <Table.Td ta="right">{editButton(u.id, u)}</Table.Td>
          </Table.Tr>
        )),
      );
    case 'demands':
      return table(
        ['Demand', 'Initiative', 'Takes from', `A week (${measure})`, 'Runs'],
        (plan.demands ?? []).map((d) => (
          <Table.Tr key={d.id} data-entity={d.id}>
            <Table.Td fw={600}>{d.id}</Table.Td>
            <LinkCell kind="initiative" id={d.initiative} />
            <LinkCell kind="unit" id={d.unit} />
            <Table.Td>{d.perWeek.toLocaleString('en-US')}</Table.Td>
            <Table.Td>
              {d.workItem !== undefined
                ? `while ${d.workItem} runs${d.from === undefined ? '' : ` (from ${formatDate(d.from)})`}`
                : `${formatDate(d.from)} – ${formatDate(d.to)}`}
              {d.milestone !== undefined && (
                <Text size="xs" c="dark.6">
                  delivers <EntityLink kind="milestone" id={d.milestone} size="xs" named />
                </Text>
              )}
            </Table.Td>
            <Table.Td ta="right">{editButton(d.id, d)}</Table.Td>
          </Table.Tr>
        )),
      );
    case 'decisionRights':
      return table(
        ['Right', 'Held by', 'Kinds', 'Scope', 'Limits'],
        (plan.decisionRights ?? []).map((r) => (
          <Table.Tr key={r.id} data-entity={r.id}>
            <Table.Td fw={600}>{r.id}</Table.Td>
            <Table.Td>
              {r.person !== undefined ? name(r.person) : `every ${r.role ?? '—'}`}
            </Table.Td>
            <Table.Td>{(r.kinds ?? []).join(', ') || 'every kind'}</Table.Td>
            <Table.Td>
              {[...(r.objectives ?? []), ...(r.initiatives ?? []), ...(r.units ?? [])].join(', ') ||
                'everywhere'}
            </Table.Td>
            <Table.Td>
              {[
                r.maxAmount === undefined
                  ? null
                  : `up to ${r.maxAmount.toLocaleString('en-US')} ${plan.organisation.currency}`,
                r.maxSlipWeeks === undefined ? null : `up to ${r.maxSlipWeeks} weeks later`,
                r.kpisOnTarget === true ? 'KPIs on target' : null,
              ]
                .filter((x) => x !== null)
                .join('; ') || 'no limit'}
            </Table.Td>
            <Table.Td ta="right">{editButton(r.id, r)}</Table.Td>
          </Table.Tr>
        )),
      );
  }
}

/** The entity of a collection with this id, in a plan file. */
function findIn(plan: PlanFile, collection: string, id: string): unknown {
  const list = (plan as unknown as Partial<Record<string, unknown>>)[collection];
  return Array.isArray(list)
    ? (list as unknown[]).find((e) => {
        if (collection === 'dependencies') {
          const d = e as { predecessor: string; successor: string };
          return `${d.predecessor}->${d.successor}` === id;
        }
        return (e as { id?: string }).id === id;
      })
    : undefined;
}

/**
 * Create and edit objectives, KPIs, initiatives, milestones, dependencies, benefits, units'
 * capacity, demands and decision rights, checked by the plan-file rules; what the person may not
 * change opens read-only with the reason; each save says what changed, who made it and when, and
 * the plan's history is one click away.
 */
export function PlanEditorPage() {
  const me = useMe();
  const mayApply = mayDo(me, 'plan.apply');
  const [reloads, setReloads] = useState(0);
  const plan = useApi<PlanFile>('/api/v1/plan', reloads);
  const live = useLiveStore();
  const [tab, setTab] = useState<EditableCollection>('objectives');
  const [editing, setEditing] = useState<Editing | null>(null);
  // The dialog's last title: it keeps its name while it closes.
  const lastTitle = useRef('Edit');
  const [saved, setSaved] = useState<Saved | null>(null);
  const [historyOpen, setHistoryOpen] = useState(false);
  const mayReadAudit = mayDo(me, 'audit.read');

  const options = useMemo<FormOptions | null>(() => {
    const p = plan.data;
    if (p === null) return null;
    return {
      people: (p.people ?? []).map((x) => ({
        value: x.id,
        label: `${x.name}${x.title === undefined ? '' : `, ${x.title}`}`,
      })),
      objectives: (p.objectives ?? []).map((x) => ({ value: x.id, label: `${x.id} · ${x.name}` })),
      units: (p.units ?? []).map((x) => ({ value: x.id, label: x.name })),
      initiatives: (p.initiatives ?? []).map((x) => ({
        value: x.id,
        label: `${x.id} · ${x.name}`,
      })),
      milestones: (p.milestones ?? []).map((x) => ({ value: x.id, label: `${x.id} · ${x.name}` })),
      kpis: (p.kpis ?? []).map((x) => ({ value: x.id, label: `${x.id} · ${x.name}` })),
      demands: (p.demands ?? []).map((x) => ({ value: x.id, label: x.id })),
      milestoneInitiative: Object.fromEntries(
        (p.milestones ?? []).map((m) => [m.id, m.initiative]),
      ),
      capacityMeasure: p.organisation.capacityMeasure ?? 'FTE',
      currency: p.organisation.currency,
    };
  }, [plan.data]);

  if (plan.data === null)
    return plan.status === 'error' ? (
      <Failed error={plan.error} />
    ) : (
      <Loading label="Loading the plan" />
    );
  const planFile = plan.data;
  const who = { id: me.person.id, mayApply, roles: me.roles };

  const open = (kind: EditableCollection, entity: unknown) => {
    setSaved(null);
    setEditing({
      draft: entity === null ? emptyDraft(kind, planFile) : draftOf(kind, entity),
      originalId: entity === null ? null : entityId(kind, entity),
      problems: NO_PROBLEMS,
      saving: false,
      confirmRemove: false,
      access: accessTo(who, planFile, kind, entity),
    });
  };

  const save = async (remove: boolean): Promise<void> => {
    if (editing === null || !editing.access.editable) return;
    const kind = editing.draft.kind;
    const id = draftId(editing.draft);
    // Ids are how the plan is merged: a new entity with a taken id would overwrite the old one.
    if (
      !remove &&
      id !== editing.originalId &&
      listOf(planFile, kind).some((e) => entityId(kind, e) === id)
    ) {
      const field = kind === 'dependencies' ? 'successor' : 'id';
      setEditing({
        ...editing,
        problems: {
          fields: {
            [field]: [
              `There is already ${kind === 'dependencies' ? 'a dependency' : `${/^[aeiouAEIOU]/.test(SINGULAR[kind]) || kind === 'kpis' ? 'an' : 'a'} ${SINGULAR[kind]}`} ${id}`,
            ],
          },
          general: [],
        },
      });
      return;
    }
    setEditing({ ...editing, saving: true });
    try {
      const { result, before } = await applyEdit(
        kind,
        editing.originalId,
        remove ? null : entryOf(editing.draft),
      );
      setEditing(null);
      const after = await api<PlanFile>('/api/v1/plan');
      const n = result.changes.length;
      const what = result.changes
        .slice(0, 4)
        .map((c) => `${c.collection.replace(/s$/, '')} ${c.id} ${c.action}`)
        .join(', ');
      const lines = result.changes.slice(0, 12).map((c) =>
        changeWords(c.action === 'removed' ? before : after, {
          collection: c.collection,
          id: c.id,
          action: c.action,
          fields: diffFields(findIn(before, c.collection, c.id), findIn(after, c.collection, c.id)),
        }),
      );
      // When and by whom, as the plan's history recorded it (the product's clock).
      const first = result.changes[0];
      const recorded =
        first === undefined || first.action === 'removed'
          ? null
          : await api<PlanHistoryPage>(
              `/api/v1/plan/history?item=${encodeURIComponent(`${first.collection}/${first.id}`)}&limit=1`,
            ).then(
              (h) => h.changes[0] ?? null,
              () => null,
            );
      setSaved({
        text: remove
          ? `Removed ${SINGULAR[kind]} ${editing.originalId ?? ''}, by ${me.person.name}.`
          : `Saved ${SINGULAR[kind]} ${id}, by ${me.person.name}: ${
              n === 0
                ? 'nothing changed'
                : `${n} change${n === 1 ? '' : 's'} (${what}${n > 4 ? ', …' : ''})`
            }.`,
        item: `${kind}/${remove ? (editing.originalId ?? '') : id}`,
        lines,
        by: recorded === null ? me.person.name : actorWords(recorded),
        at: formatInstant(recorded?.at ?? new Date(productNow()).toISOString()),
      });
      setReloads((r) => r + 1);
      await live.refresh();
    } catch (error) {
      const index = (error as { index?: number }).index ?? -1;
      const sent = (error as { sent?: PlanFile }).sent;
      // The plan as sent, so that a problem names the entity by the id just typed.
      const submitted = (at: number) => {
        if (sent !== undefined) return sent;
        const list = [...listOf(planFile, kind)];
        if (at >= 0) list[at] = entryOf(editing.draft);
        return { ...planFile, [kind]: list };
      };
      const problems =
        error instanceof ApiError
          ? sortProblems(
              error.status === 403
                ? [{ code: 'access.forbidden', message: refusedWords(error.message) }]
                : humanProblems(error.problems, submitted(index)),
              kind,
              index,
            )
          : { fields: {}, general: [{ code: 'network', message: String(error) }] };
      setEditing((e) => (e === null ? e : { ...e, saving: false, problems }));
    }
  };

  const kind = tab;
  const mayCreate =
    accessTo(who, planFile, kind, null).editable ||
    (!mayApply &&
      ownsAnInitiative(who, planFile) &&
      (kind === 'milestones' ||
        kind === 'dependencies' ||
        kind === 'benefits' ||
        kind === 'demands'));
  const readOnly = editing !== null && !editing.access.editable;
  // The dialog keeps its name while it closes (axe: a dialog always has an accessible name).
  const title =
    editing === null
      ? null
      : editing.originalId === null
        ? `New ${SINGULAR[editing.draft.kind]}`
        : `${readOnly ? 'View' : 'Edit'} ${SINGULAR[editing.draft.kind]} ${editing.originalId}`;
  if (title !== null) lastTitle.current = title;
  const modalTitle = title ?? lastTitle.current;
  return (
    <Page
      title="Plan editor"
      documentTitle="Plan editor"
      eyebrow={planFile.organisation.name}
      actions={
        <Group gap="sm">
          <Button
            variant="default"
            onClick={() => setHistoryOpen(true)}
            data-testid="plan-history-open"
          >
            Plan history
          </Button>
          {mayReadAudit && (
            <Button variant="subtle" component={Link} to="/audit" data-testid="plan-history">
              Audit log
            </Button>
          )}
          {mayCreate && (
            <Button leftSection={<PlusIcon size={16} />} onClick={() => open(kind, null)}>
              New {SINGULAR[kind]}
            </Button>
          )}
        </Group>
      }
      testId="plan-editor-page"
    >
      <Text size="sm" c="dimmed" maw={860}>
        Changes are checked with the same rules as a plan file (one owner who is a person,
        references, cycles, dates, periods) and land in one transaction; the plan history keeps
        every change. The plan file stays the way to version the plan in git:{' '}
        <code>throughline plan export</code>.
      </Text>
      {!mayApply && (
        <Text size="sm" c="dark.6" maw={860} data-testid="plan-access-note">
          You may change the items you own. The whole plan (new objectives, KPIs, initiatives,
          people, units and their capacity, removals, targets) is changed by{' '}
          {holdersWords(planFile, ['strategy_office', 'admin'])}.
        </Text>
      )}
      {saved !== null && (
        <Alert
          color="green"
          variant="light"
          role="status"
          withCloseButton
          onClose={() => setSaved(null)}
          data-testid="plan-saved"
          closeButtonLabel="Dismiss"
        >
          <Stack gap={6}>
            <Text size="sm" c="dark.7">
              {saved.text}{' '}
              {mayReadAudit && (
                <Anchor component={Link} to={`/audit?item=${encodeURIComponent(saved.item)}`}>
                  See its history
                </Anchor>
              )}
            </Text>
            {saved.lines.length > 0 && (
              <List size="sm" spacing={2} data-testid="plan-saved-changes">
                {saved.lines.map((l) => (
                  <List.Item key={l.entity}>
                    <Text size="sm" c="dark.8" span>
                      {l.entity}: {l.lines.join('; ')}
                    </Text>
                  </List.Item>
                ))}
              </List>
            )}
            <Group gap="xs" justify="space-between">
              <Text size="xs" c="dark.6" data-testid="plan-saved-by">
                By {saved.by}, {saved.at}
              </Text>
              <Button variant="subtle" size="compact-sm" onClick={() => setHistoryOpen(true)}>
                Open the plan history
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
      <Card padding="sm">
        <Tabs
          value={tab}
          onChange={(v) => setTab((v ?? 'objectives') as EditableCollection)}
          keepMounted={false}
        >
          <Tabs.List>
            {TABS.map((t) => (
              <Tabs.Tab
                value={t.value}
                key={t.value}
                rightSection={
                  <Badge
                    size="xs"
                    variant="light"
                    color="gray"
                    styles={{ root: { color: '#343a40' } }}
                  >
                    {listOf(planFile, t.value).length}
                  </Badge>
                }
              >
                {t.label}
              </Tabs.Tab>
            ))}
          </Tabs.List>
          {TABS.map((t) => (
            <Tabs.Panel value={t.value} key={t.value} pt="sm">
              <Rows
                kind={t.value}
                plan={planFile}
                onEdit={(entity) => open(t.value, entity)}
                canEdit={(entity) => accessTo(who, planFile, t.value, entity).editable}
              />
            </Tabs.Panel>
          ))}
        </Tabs>
      </Card>
      <PlanHistoryDrawer
        opened={historyOpen}
        onClose={() => setHistoryOpen(false)}
        plan={planFile}
        mayReadAudit={mayReadAudit}
        reloadKey={reloads}
      />
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={modalTitle}
        size="xl"
        closeButtonProps={{ 'aria-label': 'Close without saving' }}
      >
        {editing !== null && options !== null && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void save(false);
            }}
            noValidate
            data-testid="plan-form"
          >
            <Stack gap="md">
              {readOnly && (
                <Alert color="gray" variant="light" data-testid="plan-readonly-reason">
                  <Text size="sm" c="dark.8">
                    {editing.access.reason}
                  </Text>
                </Alert>
              )}
              {editing.problems.general.length > 0 && (
                <Alert
                  color="red"
                  title="The plan was not changed"
                  role="alert"
                  data-testid="plan-problems"
                >
                  <List size="sm" spacing={4}>
                    {editing.problems.general.map((p, i) => (
                      <List.Item key={i}>
                        <Text size="sm" c="dark.8" span>
                          {p.message}
                        </Text>
                      </List.Item>
                    ))}
                  </List>
                </Alert>
              )}
              {Object.keys(editing.problems.fields).length > 0 &&
                editing.problems.general.length === 0 && (
                  <Alert
                    color="red"
                    role="alert"
                    title="The plan was not changed"
                    data-testid="plan-problems"
                  >
                    <Text size="sm" c="dark.8">
                      See the fields marked below.
                    </Text>
                  </Alert>
                )}
              <fieldset className="plan-form-fields" disabled={readOnly}>
                <legend className="visually-hidden">
                  {readOnly ? 'Read-only fields' : 'Fields'}
                </legend>
                <DraftForm
                  draft={editing.draft}
                  onChange={(draft) => setEditing({ ...editing, draft })}
                  problems={editing.problems}
                  options={options}
                  isNew={editing.originalId === null}
                  locked={editing.access.locked}
                />
              </fieldset>
              {readOnly ? (
                <Group justify="flex-end">
                  <Button variant="default" onClick={() => setEditing(null)}>
                    Close
                  </Button>
                </Group>
              ) : (
                <Group justify="space-between">
                  <div>
                    {editing.originalId !== null && mayApply && (
                      <Button
                        variant={editing.confirmRemove ? 'filled' : 'subtle'}
                        color="red.9"
                        {...(editing.confirmRemove ? {} : { c: 'red.9' })}
                        onClick={() =>
                          editing.confirmRemove
                            ? void save(true)
                            : setEditing({ ...editing, confirmRemove: true })
                        }
                        disabled={editing.saving}
                      >
                        {editing.confirmRemove ? `Really remove ${editing.originalId}` : 'Remove'}
                      </Button>
                    )}
                  </div>
                  <Group gap="sm">
                    <Button variant="default" onClick={() => setEditing(null)}>
                      Cancel
                    </Button>
                    <Button type="submit" loading={editing.saving}>
                      {editing.originalId === null
                        ? `Create ${SINGULAR[editing.draft.kind]}`
                        : 'Save changes'}
                    </Button>
                  </Group>
                </Group>
              )}
            </Stack>
          </form>
        )}
      </Modal>
    </Page>
  );
}

/** The server's refusal in plain words: its sentence, ending with a full stop. */
function refusedWords(message: string): string {
  const text = message.trim();
  return `You may not make this change. ${text}${/[.!?]$/.test(text) ? '' : '.'}`;
}
