import {
  Checkbox,
  Group,
  MultiSelect,
  NumberInput,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  TagsInput,
  Textarea,
  Text,
  TextInput,
} from '@mantine/core';
import type { ChangeEvent, ReactNode } from 'react';
import type { DecisionKind, DependencyType, Role } from '../../core/domain/plan.ts';
import type { Draft } from './drafts.ts';
import { PeriodRows } from './period-rows.tsx';
import { fieldError, type FormProblems } from './problems.ts';
import { DateField } from '../components/date-field.tsx';

export interface Option {
  value: string;
  label: string;
}

export interface FormOptions {
  people: Option[];
  objectives: Option[];
  units: Option[];
  initiatives: Option[];
  milestones: Option[];
  kpis: Option[];
  demands: Option[];
  /** Milestone id → its initiative: a demand delivers a milestone of its own initiative. */
  milestoneInitiative: Record<string, string>;
  /** What capacity and demands are counted in (FTE, people…). */
  capacityMeasure: string;
  currency: string;
}

interface DraftFormProps {
  draft: Draft;
  onChange: (draft: Draft) => void;
  problems: FormProblems;
  options: FormOptions;
  isNew: boolean;
  /** Fields the person may not change, with the reason (a KPI's targets for its owner). */
  locked?: Partial<Record<string, string>>;
}

/** The keys of a draft whose values are of type V. */
type KeysOf<D, V> = { [K in keyof D]: D[K] extends V ? K : never }[keyof D] & string;

const DEPENDENCY_TYPES: { value: DependencyType; label: string }[] = [
  { value: 'FS', label: 'Finish-to-start (FS)' },
  { value: 'SS', label: 'Start-to-start (SS)' },
  { value: 'FF', label: 'Finish-to-finish (FF)' },
  { value: 'SF', label: 'Start-to-finish (SF)' },
];

const DECISION_KIND_LABELS: { value: DecisionKind; label: string }[] = [
  { value: 'replan', label: 'Accept a slip / re-plan' },
  { value: 'add_capacity', label: 'Add capacity or budget' },
  { value: 'reprioritise', label: 'Re-prioritise' },
  { value: 'scope_change', label: 'Change scope' },
  { value: 'hold', label: 'Put on hold' },
  { value: 'stop', label: 'Stop / cancel' },
  { value: 'go_no_go', label: 'Go / no-go' },
];

const ROLES: { value: Role; label: string }[] = [
  { value: 'executive', label: 'Executives' },
  { value: 'strategy_office', label: 'Strategy office' },
  { value: 'member', label: 'Members' },
];

const DEMAND_RUNS: { value: 'window' | 'work'; label: string }[] = [
  { value: 'window', label: 'Between two days' },
  { value: 'work', label: 'While a work item runs' },
];

const RIGHT_HOLDERS: { value: 'person' | 'role'; label: string }[] = [
  { value: 'person', label: 'A person' },
  { value: 'role', label: 'Everyone with a role' },
];

/** Fields side by side on a wide screen, one under the other on a narrow one. */
function Columns({ count = 2, children }: { count?: number; children: ReactNode }) {
  return (
    <SimpleGrid cols={{ base: 1, sm: count }} spacing="sm">
      {children}
    </SimpleGrid>
  );
}

/** One of a few ways, labelled above; `id` names the label for the control. */
function Toggle<V extends string>({
  id,
  label,
  data,
  value,
  onChange,
}: {
  id: string;
  label: string;
  data: { value: V; label: string }[];
  value: V;
  onChange: (value: V) => void;
}) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500} id={id}>
        {label}
      </Text>
      <SegmentedControl
        aria-labelledby={id}
        data={data}
        value={value}
        onChange={(v) => onChange(data.find((d) => d.value === v)?.value ?? value)}
      />
    </Stack>
  );
}

/** The fields of one plan entity, with the server's problems next to the fields they name. */
export function DraftForm({
  draft,
  onChange,
  problems,
  options,
  isNew,
  locked = {},
}: DraftFormProps) {
  const err = (...fields: string[]) => fieldError(problems, ...fields);
  /** A field's value, its change into a new draft, and the problem the server names there. */
  const field = <D extends Draft, K extends keyof D & string>(d: D, key: K) => ({
    value: d[key],
    onChange: (value: D[K]) => onChange({ ...d, [key]: value }),
    error: err(key),
  });
  /** The same for a number: empty while the input holds none. */
  const numberField = <D extends Draft, K extends KeysOf<D, number | ''>>(d: D, key: K) => ({
    value: d[key] as number | '',
    onChange: (value: number | string) =>
      onChange({ ...d, [key]: typeof value === 'number' ? value : '' }),
    error: err(key),
  });
  /** The same for text typed in an input or a text area. */
  const textField = <D extends Draft, K extends KeysOf<D, string>>(d: D, key: K) => ({
    value: d[key] as string,
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
      onChange({ ...d, [key]: e.currentTarget.value }),
    error: err(key),
  });
  const idField =
    draft.kind === 'dependencies' ? null : (
      <TextInput
        label="Id"
        description={
          isNew ? 'Short and stable, e.g. O-GROWTH; it cannot change later' : 'Ids do not change'
        }
        {...textField(draft, 'id')}
        readOnly={!isNew}
        required
        data-autofocus={isNew ? true : undefined}
      />
    );
  /** A choice of one the entity cannot do without, searchable. */
  const choice = <D extends Draft, K extends KeysOf<D, string | null>>(
    d: D,
    key: K,
    data: Option[],
    label: string,
    description?: string,
  ) => (
    <Select
      label={label}
      description={description}
      data={data}
      value={d[key] as string | null}
      onChange={(value) => onChange({ ...d, [key]: value })}
      error={err(key)}
      searchable
      required
    />
  );
  /** The name, for the entities that have one. */
  const nameField = (d: Extract<Draft, { name: string }>) => (
    <TextInput
      label="Name"
      {...textField(d, 'name')}
      required
      data-autofocus={isNew ? undefined : true}
    />
  );
  /** Id and owner side by side, then the name: how an objective, a KPI and an initiative open. */
  const ownedHeader = (d: Extract<Draft, { owner: string | null; name: string }>) => (
    <>
      <Columns>
        {idField}
        {choice(d, 'owner', options.people, 'Owner', 'One person: accountability is binary')}
      </Columns>
      {nameField(d)}
    </>
  );
  switch (draft.kind) {
    case 'objectives':
      return (
        <Stack gap="sm">
          {ownedHeader(draft)}
          <Select
            label="Parent objective"
            placeholder="None: a top-level objective"
            data={options.objectives.filter((o) => o.value !== draft.id)}
            {...field(draft, 'parent')}
            clearable
            searchable
          />
          <Group grow gap="sm" align="flex-start">
            <DateField label="Horizon start" {...field(draft, 'start')} error={err('horizon')} />
            <DateField
              label="Horizon end"
              {...field(draft, 'end')}
              error={err('horizon') === undefined ? undefined : ' '}
            />
          </Group>
          <Textarea label="Description" autosize minRows={2} {...textField(draft, 'description')} />
        </Stack>
      );
    case 'kpis':
      return (
        <Stack gap="sm">
          {ownedHeader(draft)}
          <Columns count={3}>
            <TextInput
              label="Unit of measure"
              description="USD, %, hours…"
              {...textField(draft, 'unitOfMeasure')}
              required
            />
            <Select
              label="Direction"
              description="Which way is better"
              data={[
                { value: 'higher_is_better', label: 'Higher is better' },
                { value: 'lower_is_better', label: 'Lower is better' },
              ]}
              value={draft.direction}
              onChange={(v) => onChange({ ...draft, direction: v ?? 'higher_is_better' })}
              allowDeselect={false}
              error={err('direction')}
            />
            <NumberInput
              label="Baseline"
              description="Per period, before benefits"
              {...numberField(draft, 'baseline')}
              thousandSeparator=","
            />
          </Columns>
          <MultiSelect
            label="Measures the objectives"
            data={options.objectives}
            {...field(draft, 'objectives')}
            searchable
          />
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
            <PeriodRows
              legend="Targets"
              columns={['Target']}
              rows={draft.targets}
              onChange={(rows) => onChange({ ...draft, targets: rows })}
              error={err('targets')}
              {...(locked['targets'] === undefined ? {} : { locked: locked['targets'] })}
            />
            <PeriodRows
              legend="Actuals"
              columns={['Actual']}
              rows={draft.actuals}
              onChange={(rows) => onChange({ ...draft, actuals: rows })}
              error={err('actuals')}
              {...(locked['actuals'] === undefined ? {} : { locked: locked['actuals'] })}
            />
          </SimpleGrid>
        </Stack>
      );
    case 'initiatives':
      return (
        <Stack gap="sm">
          {ownedHeader(draft)}
          <Columns>
            <Select label="Unit" data={options.units} {...field(draft, 'unit')} required />
            <TextInput
              label="Currency"
              description="When not the organisation's"
              placeholder="USD"
              value={draft.currency}
              onChange={(e) =>
                onChange({ ...draft, currency: e.currentTarget.value.toUpperCase() })
              }
              error={err('currency')}
            />
          </Columns>
          <MultiSelect
            label="Serves the objectives"
            data={options.objectives}
            {...field(draft, 'objectives')}
            searchable
          />
          <PeriodRows
            legend="Budget"
            columns={['Plan', 'Committed', 'Actual']}
            rows={draft.budget}
            onChange={(rows) => onChange({ ...draft, budget: rows })}
            error={err('budget')}
            firstRequired
          />
        </Stack>
      );
    case 'milestones':
      return (
        <Stack gap="sm">
          <Columns>
            {idField}
            {choice(draft, 'initiative', options.initiatives, 'Initiative')}
          </Columns>
          {nameField(draft)}
          <Columns>
            <DateField
              label="Planned date"
              description="The baseline"
              {...field(draft, 'plannedDate')}
              required
            />
            <Select
              label="Owner"
              placeholder="The initiative's owner"
              data={options.people}
              {...field(draft, 'owner')}
              clearable
              searchable
            />
          </Columns>
          <TagsInput
            label="Work items"
            description="Keys of the work that delivers it, e.g. ERP-17 (press Enter after each)"
            {...field(draft, 'keys')}
            error={err('work')}
          />
          <TagsInput
            label="Epics"
            description="Every child of these is linked work"
            value={draft.epics}
            onChange={(v) => onChange({ ...draft, epics: v })}
          />
        </Stack>
      );
    case 'dependencies':
      return (
        <Stack gap="sm">
          <Columns>
            <Select
              label="Predecessor"
              description="The milestone that must happen first"
              data={options.milestones}
              {...field(draft, 'predecessor')}
              searchable
              required
              data-autofocus
            />
            {choice(
              draft,
              'successor',
              options.milestones,
              'Successor',
              'The milestone that waits',
            )}
          </Columns>
          <Columns>
            <Select
              label="Type"
              data={DEPENDENCY_TYPES}
              value={draft.type}
              onChange={(v) => onChange({ ...draft, type: v ?? 'FS' })}
              allowDeselect={false}
              error={err('type')}
            />
            <NumberInput
              label="Lag"
              description="Working days; may be negative"
              {...numberField(draft, 'lagDays')}
              allowDecimal={false}
            />
          </Columns>
        </Stack>
      );
    case 'benefits':
      return (
        <Stack gap="sm">
          <Columns>
            {idField}
            <NumberInput
              label="Amount a week"
              description="In the KPI's unit, from the milestone's completion on"
              {...numberField(draft, 'amountPerWeek')}
              thousandSeparator=","
              required
            />
          </Columns>
          <Columns>
            {choice(
              draft,
              'milestone',
              options.milestones,
              'Milestone',
              'Whose completion starts it',
            )}
            {choice(draft, 'kpi', options.kpis, 'KPI', 'The KPI it moves')}
          </Columns>
          <Textarea label="Description" {...textField(draft, 'description')} autosize minRows={2} />
        </Stack>
      );
    case 'units':
      return (
        <Stack gap="sm">
          <Columns>
            {idField}
            {nameField(draft)}
          </Columns>
          <Columns>
            <NumberInput
              label="Capacity a week"
              description={`In ${options.capacityMeasure}, the whole unit; empty: demands on it are not checked`}
              {...numberField(draft, 'perWeek')}
              thousandSeparator=","
              error={err('capacity')}
            />
            <NumberInput
              label="Cost of one more a week"
              description={`In ${options.currency}: prices the capacity a decision proposes`}
              value={draft.costPerWeek}
              onChange={(v) => onChange({ ...draft, costPerWeek: typeof v === 'number' ? v : '' })}
              thousandSeparator=","
            />
          </Columns>
          <PeriodRows
            legend="Capacity a week by period"
            columns={['A week']}
            rows={draft.periods}
            onChange={(rows) => onChange({ ...draft, periods: rows })}
          />
          <Text size="xs" c="dimmed">
            A period (2026-Q4, 2026-12, or a week such as 2026-W41) overrides the capacity a week;
            the most specific one wins.
          </Text>
        </Stack>
      );
    case 'demands': {
      const milestones = options.milestones.filter(
        (m) =>
          draft.initiative === null || options.milestoneInitiative[m.value] === draft.initiative,
      );
      return (
        <Stack gap="sm">
          <Columns>
            {idField}
            <NumberInput
              label="Amount a week"
              description={`In ${options.capacityMeasure}, of the unit's capacity, each week it runs`}
              {...numberField(draft, 'perWeek')}
              thousandSeparator=","
              required
            />
          </Columns>
          <Columns>
            {choice(draft, 'initiative', options.initiatives, 'Initiative', 'Whose work it is')}
            <Select
              label="Unit"
              description="Whose capacity it takes"
              data={options.units}
              {...field(draft, 'unit')}
              required
            />
          </Columns>
          <Toggle
            id="demand-runs-label"
            label="Runs"
            data={DEMAND_RUNS}
            value={draft.runs}
            onChange={(runs) => onChange({ ...draft, runs })}
          />
          {draft.runs === 'window' ? (
            <Columns>
              <DateField label="First day" {...field(draft, 'from')} required />
              <DateField label="Last day" {...field(draft, 'to')} required />
            </Columns>
          ) : (
            <Columns>
              <TextInput
                label="Work item"
                description="Its key, e.g. ERP-17: the demand runs until its forecast finish"
                {...textField(draft, 'workItem')}
                required
                error={err('workItem', 'to')}
              />
              <DateField
                label="First day"
                description="Only while the item has not started"
                {...field(draft, 'from')}
              />
            </Columns>
          )}
          <Columns>
            <Select
              label="Delivers the milestone"
              placeholder="The milestones its work item is linked to"
              data={milestones}
              {...field(draft, 'milestone')}
              clearable
              searchable
            />
            <MultiSelect
              label="Waits for"
              description="Demands whose work must be done first"
              data={options.demands.filter((d) => d.value !== draft.id)}
              {...field(draft, 'after')}
              searchable
            />
          </Columns>
        </Stack>
      );
    }
    case 'decisionRights':
      return (
        <Stack gap="sm">
          {idField}
          <Toggle
            id="right-holder-label"
            label="Held by"
            data={RIGHT_HOLDERS}
            value={draft.holder}
            onChange={(holder) => onChange({ ...draft, holder })}
          />
          {draft.holder === 'person' ? (
            choice(draft, 'person', options.people, 'Person')
          ) : (
            <Select
              label="Role"
              description="The right goes to the holder who owns the closest objective involved"
              data={ROLES}
              {...field(draft, 'role')}
              required
            />
          )}
          <MultiSelect
            label="Kinds of decision"
            description="None chosen: every kind"
            data={DECISION_KIND_LABELS}
            {...field(draft, 'kinds')}
          />
          <Text size="sm" c="dimmed">
            Scope: none chosen means everywhere. An objective covers its children; a unit covers the
            initiatives it runs.
          </Text>
          <Columns count={3}>
            <MultiSelect
              label="Objectives"
              data={options.objectives}
              {...field(draft, 'objectives')}
              searchable
            />
            <MultiSelect
              label="Initiatives"
              data={options.initiatives}
              {...field(draft, 'initiatives')}
              searchable
            />
            <MultiSelect label="Units" data={options.units} {...field(draft, 'units')} searchable />
          </Columns>
          <Columns>
            <NumberInput
              label="Most money an option may move"
              description="In the organisation's currency; empty: no limit"
              {...numberField(draft, 'maxAmount')}
              min={0}
              thousandSeparator=","
            />
            <NumberInput
              label="Most weeks an option may move a date later"
              description="Calendar weeks; empty: no limit"
              {...numberField(draft, 'maxSlipWeeks')}
              min={0}
            />
          </Columns>
          <Checkbox
            label="Only while every KPI it touches stays on target"
            checked={draft.kpisOnTarget}
            onChange={(e) => onChange({ ...draft, kpisOnTarget: e.currentTarget.checked })}
          />
        </Stack>
      );
  }
}
