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
import { type ReactNode, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import type { PlanFile } from '../../plan-file/plan-file-types.ts';
import { api, ApiError } from '../api/client.ts';
import { mayDo } from '../api/types.ts';
import { useMe } from '../live/session-context.tsx';
import { EntityLink } from '../components/entity-link.tsx';
import { EditIcon, PlusIcon } from '../components/icons.tsx';
import { Failed, Loading, Page } from '../components/page.tsx';
import { formatDate } from '../format/format.ts';
import { useLiveStore } from '../live/live-context.tsx';
import { useApi } from '../live/use-api.ts';
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
import { type FormProblems, NO_PROBLEMS, sortProblems } from '../plan/problems.ts';

const SINGULAR: Record<EditableCollection, string> = {
  objectives: 'objective',
  kpis: 'KPI',
  initiatives: 'initiative',
  milestones: 'milestone',
  dependencies: 'dependency',
  benefits: 'benefit',
  decisionRights: 'decision right',
};

const TABS: { value: EditableCollection; label: string }[] = [
  { value: 'objectives', label: 'Objectives' },
  { value: 'kpis', label: 'KPIs' },
  { value: 'initiatives', label: 'Initiatives' },
  { value: 'milestones', label: 'Milestones' },
  { value: 'dependencies', label: 'Dependencies' },
  { value: 'benefits', label: 'Benefits' },
  { value: 'decisionRights', label: 'Decision rights' },
];

interface Editing {
  draft: Draft;
  /** The stored id being edited; null for a new entity. */
  originalId: string | null;
  problems: FormProblems;
  saving: boolean;
  confirmRemove: boolean;
}

interface ApplyResult {
  changes: { collection: string; id: string; action: string }[];
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
): Promise<{ result: ApplyResult; index: number }> {
  const plan = await api<PlanFile>('/api/v1/plan');
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
  // Removing, or moving a dependency to other milestones, drops an entity: the file is the whole plan.
  const drops = entry === null || (at >= 0 && originalId !== entityId(kind, entry));
  const body = { ...plan, [kind]: list };
  try {
    const result = await api<ApplyResult>(`/api/v1/plan${drops ? '?prune=true' : ''}`, {
      method: 'POST',
      body,
    });
    return { result, index };
  } catch (error) {
    if (error instanceof ApiError) throw Object.assign(error, { index });
    throw error;
  }
}

/**
 * Whether the person may change this entity item by item (docs/ACCESS.md "Roles and rules"):
 * the strategy office and admins anything; an owner the fields of their objectives, KPIs,
 * initiatives and milestones (and the milestones and dependencies of their initiatives). The
 * server decides; this only keeps the buttons it would refuse out of sight.
 */
function editableBy(
  me: { id: string; mayApply: boolean },
  plan: PlanFile,
  kind: EditableCollection,
  entity: unknown,
): boolean {
  if (me.mayApply) return true;
  const e = entity as { owner?: string; initiative?: string; successor?: string };
  const initiativeOwner = (id: string | undefined) =>
    (plan.initiatives ?? []).find((i) => i.id === id)?.owner;
  switch (kind) {
    case 'objectives':
    case 'kpis':
    case 'initiatives':
      return e.owner === me.id;
    case 'milestones':
      return e.owner === me.id || initiativeOwner(e.initiative) === me.id;
    case 'dependencies': {
      const successor = (plan.milestones ?? []).find((m) => m.id === e.successor);
      return initiativeOwner(successor?.initiative) === me.id;
    }
    default:
      return false;
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
  const editButton = (label: string, entity: unknown) =>
    canEdit(entity) && (
      <Button
        variant="subtle"
        size="xs"
        leftSection={<EditIcon size={14} />}
        onClick={() => onEdit(entity)}
        aria-label={`Edit ${label}`}
      >
        Edit
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
            <Table.Td>
              <EntityLink kind="milestone" id={b.milestone} named />
            </Table.Td>
            <Table.Td>
              <EntityLink kind="kpi" id={b.kpi} named />
            </Table.Td>
            <Table.Td>{b.amountPerWeek.toLocaleString('en-US')}</Table.Td>
            <Table.Td ta="right">{editButton(b.id, b)}</Table.Td>
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

/** Create and edit objectives, KPIs, initiatives, milestones and dependencies, checked by the plan-file rules. */
export function PlanEditorPage() {
  const me = useMe();
  const mayApply = mayDo(me, 'plan.apply');
  const [reloads, setReloads] = useState(0);
  const plan = useApi<PlanFile>('/api/v1/plan', reloads);
  const live = useLiveStore();
  const [tab, setTab] = useState<EditableCollection>('objectives');
  const [editing, setEditing] = useState<Editing | null>(null);
  const [saved, setSaved] = useState<{ text: string; item: string } | null>(null);
  const mayReadHistory = mayDo(me, 'audit.read');

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
    };
  }, [plan.data]);

  if (plan.data === null)
    return plan.status === 'error' ? (
      <Failed error={plan.error} />
    ) : (
      <Loading label="Loading the plan" />
    );
  const planFile = plan.data;

  const open = (kind: EditableCollection, entity: unknown) => {
    setSaved(null);
    setEditing({
      draft: entity === null ? emptyDraft(kind, planFile) : draftOf(kind, entity),
      originalId: entity === null ? null : entityId(kind, entity),
      problems: NO_PROBLEMS,
      saving: false,
      confirmRemove: false,
    });
  };

  const save = async (remove: boolean): Promise<void> => {
    if (editing === null) return;
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
              `There is already ${kind === 'dependencies' ? 'a dependency' : `${kind === 'decisionRights' ? 'a' : 'an'} ${SINGULAR[kind]}`} ${id}`,
            ],
          },
          general: [],
        },
      });
      return;
    }
    setEditing({ ...editing, saving: true });
    try {
      const { result } = await applyEdit(
        kind,
        editing.originalId,
        remove ? null : entryOf(editing.draft),
      );
      setEditing(null);
      const n = result.changes.length;
      const what = result.changes
        .slice(0, 4)
        .map((c) => `${c.collection.replace(/s$/, '')} ${c.id} ${c.action}`)
        .join(', ');
      setSaved({
        text: remove
          ? `Removed ${SINGULAR[kind]} ${editing.originalId ?? ''}, by ${me.person.name}.`
          : `Saved ${SINGULAR[kind]} ${id}, by ${me.person.name}: ${
              n === 0
                ? 'nothing changed'
                : `${n} change${n === 1 ? '' : 's'} (${what}${n > 4 ? ', …' : ''})`
            }.`,
        item: `${kind}/${remove ? (editing.originalId ?? '') : id}`,
      });
      setReloads((n) => n + 1);
      await live.refresh();
    } catch (error) {
      const index = (error as { index?: number }).index ?? -1;
      // The plan as sent, so that a problem names the entity by the id just typed.
      const submitted = (at: number) => {
        const list = [...listOf(planFile, kind)];
        if (at >= 0) list[at] = entryOf(editing.draft);
        return { ...planFile, [kind]: list };
      };
      const problems =
        error instanceof ApiError
          ? sortProblems(humanProblems(error.problems, submitted(index)), kind, index)
          : { fields: {}, general: [{ code: 'network', message: String(error) }] };
      setEditing((e) => (e === null ? e : { ...e, saving: false, problems }));
    }
  };

  const kind = tab;
  const who = { id: me.person.id, mayApply };
  const ownsAnInitiative = (planFile.initiatives ?? []).some((i) => i.owner === me.person.id);
  const mayCreate =
    mayApply || ((kind === 'milestones' || kind === 'dependencies') && ownsAnInitiative);
  return (
    <Page
      title="Plan editor"
      documentTitle="Plan editor"
      eyebrow={planFile.organisation.name}
      actions={
        <Group gap="sm">
          {mayReadHistory && (
            <Button variant="default" component={Link} to="/audit" data-testid="plan-history">
              Plan history
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
          people, units, removals, targets) is changed by the strategy office or an admin.
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
          <Text size="sm" c="dark.7">
            {saved.text}{' '}
            {mayReadHistory && (
              <Anchor component={Link} to={`/audit?item=${encodeURIComponent(saved.item)}`}>
                See its history
              </Anchor>
            )}
          </Text>
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
                canEdit={(entity) => editableBy(who, planFile, t.value, entity)}
              />
            </Tabs.Panel>
          ))}
        </Tabs>
      </Card>
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={
          editing === null
            ? ''
            : editing.originalId === null
              ? `New ${SINGULAR[editing.draft.kind]}`
              : `Edit ${SINGULAR[editing.draft.kind]} ${editing.originalId}`
        }
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
              <DraftForm
                draft={editing.draft}
                onChange={(draft) => setEditing({ ...editing, draft })}
                problems={editing.problems}
                options={options}
                isNew={editing.originalId === null}
              />
              <Group justify="space-between">
                <div>
                  {editing.originalId !== null && mayApply && (
                    <Button
                      variant={editing.confirmRemove ? 'filled' : 'subtle'}
                      color="red.8"
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
            </Stack>
          </form>
        )}
      </Modal>
    </Page>
  );
}
