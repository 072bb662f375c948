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
  const idField =
    draft.kind === 'dependencies' ? null : (
      <TextInput
        label="Id"
        description={
          isNew ? 'Short and stable, e.g. O-GROWTH; it cannot change later' : 'Ids do not change'
        }
        value={draft.id}
        onChange={(e) => onChange({ ...draft, id: e.currentTarget.value })}
        readOnly={!isNew}
        required
        error={err('id')}
        data-autofocus={isNew ? true : undefined}
      />
    );
  switch (draft.kind) {
    case 'objectives':
      return (
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            {idField}
            <Select
              label="Owner"
              description="One person: accountability is binary"
              data={options.people}
              value={draft.owner}
              onChange={(v) => onChange({ ...draft, owner: v })}
              searchable
              required
              error={err('owner')}
            />
          </SimpleGrid>
          <TextInput
            label="Name"
            value={draft.name}
            onChange={(e) => onChange({ ...draft, name: e.currentTarget.value })}
            required
            error={err('name')}
            data-autofocus={isNew ? undefined : true}
          />
          <Select
            label="Parent objective"
            placeholder="None: a top-level objective"
            data={options.objectives.filter((o) => o.value !== draft.id)}
            value={draft.parent}
            onChange={(v) => onChange({ ...draft, parent: v })}
            clearable
            searchable
            error={err('parent')}
          />
          <Group grow gap="sm" align="flex-start">
            <DateField
              label="Horizon start"
              value={draft.start}
              onChange={(start) => onChange({ ...draft, start })}
              error={err('horizon')}
            />
            <DateField
              label="Horizon end"
              value={draft.end}
              onChange={(end) => onChange({ ...draft, end })}
              error={err('horizon') === undefined ? undefined : ' '}
            />
          </Group>
          <Textarea
            label="Description"
            autosize
            minRows={2}
            value={draft.description}
            onChange={(e) => onChange({ ...draft, description: e.currentTarget.value })}
            error={err('description')}
          />
        </Stack>
      );
    case 'kpis':
      return (
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            {idField}
            <Select
              label="Owner"
              description="One person: accountability is binary"
              data={options.people}
              value={draft.owner}
              onChange={(v) => onChange({ ...draft, owner: v })}
              searchable
              required
              error={err('owner')}
            />
          </SimpleGrid>
          <TextInput
            label="Name"
            value={draft.name}
            onChange={(e) => onChange({ ...draft, name: e.currentTarget.value })}
            required
            error={err('name')}
            data-autofocus={isNew ? undefined : true}
          />
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <TextInput
              label="Unit of measure"
              description="USD, %, hours…"
              value={draft.unitOfMeasure}
              onChange={(e) => onChange({ ...draft, unitOfMeasure: e.currentTarget.value })}
              required
              error={err('unitOfMeasure')}
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
              value={draft.baseline}
              onChange={(v) => onChange({ ...draft, baseline: typeof v === 'number' ? v : '' })}
              thousandSeparator=","
              error={err('baseline')}
            />
          </SimpleGrid>
          <MultiSelect
            label="Measures the objectives"
            data={options.objectives}
            value={draft.objectives}
            onChange={(v) => onChange({ ...draft, objectives: v })}
            searchable
            error={err('objectives')}
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
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            {idField}
            <Select
              label="Owner"
              description="One person: accountability is binary"
              data={options.people}
              value={draft.owner}
              onChange={(v) => onChange({ ...draft, owner: v })}
              searchable
              required
              error={err('owner')}
            />
          </SimpleGrid>
          <TextInput
            label="Name"
            value={draft.name}
            onChange={(e) => onChange({ ...draft, name: e.currentTarget.value })}
            required
            error={err('name')}
            data-autofocus={isNew ? undefined : true}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <Select
              label="Unit"
              data={options.units}
              value={draft.unit}
              onChange={(v) => onChange({ ...draft, unit: v })}
              required
              error={err('unit')}
            />
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
          </SimpleGrid>
          <MultiSelect
            label="Serves the objectives"
            data={options.objectives}
            value={draft.objectives}
            onChange={(v) => onChange({ ...draft, objectives: v })}
            searchable
            error={err('objectives')}
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
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            {idField}
            <Select
              label="Initiative"
              data={options.initiatives}
              value={draft.initiative}
              onChange={(v) => onChange({ ...draft, initiative: v })}
              searchable
              required
              error={err('initiative')}
            />
          </SimpleGrid>
          <TextInput
            label="Name"
            value={draft.name}
            onChange={(e) => onChange({ ...draft, name: e.currentTarget.value })}
            required
            error={err('name')}
            data-autofocus={isNew ? undefined : true}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <DateField
              label="Planned date"
              description="The baseline"
              value={draft.plannedDate}
              onChange={(plannedDate) => onChange({ ...draft, plannedDate })}
              required
              error={err('plannedDate')}
            />
            <Select
              label="Owner"
              placeholder="The initiative's owner"
              data={options.people}
              value={draft.owner}
              onChange={(v) => onChange({ ...draft, owner: v })}
              clearable
              searchable
              error={err('owner')}
            />
          </SimpleGrid>
          <TagsInput
            label="Work items"
            description="Keys of the work that delivers it, e.g. ERP-17 (press Enter after each)"
            value={draft.keys}
            onChange={(v) => onChange({ ...draft, keys: v })}
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
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <Select
              label="Predecessor"
              description="The milestone that must happen first"
              data={options.milestones}
              value={draft.predecessor}
              onChange={(v) => onChange({ ...draft, predecessor: v })}
              searchable
              required
              error={err('predecessor')}
              data-autofocus
            />
            <Select
              label="Successor"
              description="The milestone that waits"
              data={options.milestones}
              value={draft.successor}
              onChange={(v) => onChange({ ...draft, successor: v })}
              searchable
              required
              error={err('successor')}
            />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
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
              value={draft.lagDays}
              onChange={(v) => onChange({ ...draft, lagDays: typeof v === 'number' ? v : '' })}
              allowDecimal={false}
              error={err('lagDays')}
            />
          </SimpleGrid>
        </Stack>
      );
    case 'benefits':
      return (
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            {idField}
            <NumberInput
              label="Amount a week"
              description="In the KPI's unit, from the milestone's completion on"
              value={draft.amountPerWeek}
              onChange={(v) =>
                onChange({ ...draft, amountPerWeek: typeof v === 'number' ? v : '' })
              }
              thousandSeparator=","
              required
              error={err('amountPerWeek')}
            />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <Select
              label="Milestone"
              description="Whose completion starts it"
              data={options.milestones}
              value={draft.milestone}
              onChange={(v) => onChange({ ...draft, milestone: v })}
              searchable
              required
              error={err('milestone')}
            />
            <Select
              label="KPI"
              description="The KPI it moves"
              data={options.kpis}
              value={draft.kpi}
              onChange={(v) => onChange({ ...draft, kpi: v })}
              searchable
              required
              error={err('kpi')}
            />
          </SimpleGrid>
          <Textarea
            label="Description"
            value={draft.description}
            onChange={(e) => onChange({ ...draft, description: e.currentTarget.value })}
            autosize
            minRows={2}
            error={err('description')}
          />
        </Stack>
      );
    case 'units':
      return (
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            {idField}
            <TextInput
              label="Name"
              value={draft.name}
              onChange={(e) => onChange({ ...draft, name: e.currentTarget.value })}
              required
              error={err('name')}
              data-autofocus={isNew ? undefined : true}
            />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <NumberInput
              label="Capacity a week"
              description={`In ${options.capacityMeasure}, the whole unit; empty: demands on it are not checked`}
              value={draft.perWeek}
              onChange={(v) => onChange({ ...draft, perWeek: typeof v === 'number' ? v : '' })}
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
          </SimpleGrid>
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
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            {idField}
            <NumberInput
              label="Amount a week"
              description={`In ${options.capacityMeasure}, of the unit's capacity, each week it runs`}
              value={draft.perWeek}
              onChange={(v) => onChange({ ...draft, perWeek: typeof v === 'number' ? v : '' })}
              thousandSeparator=","
              required
              error={err('perWeek')}
            />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <Select
              label="Initiative"
              description="Whose work it is"
              data={options.initiatives}
              value={draft.initiative}
              onChange={(v) => onChange({ ...draft, initiative: v })}
              searchable
              required
              error={err('initiative')}
            />
            <Select
              label="Unit"
              description="Whose capacity it takes"
              data={options.units}
              value={draft.unit}
              onChange={(v) => onChange({ ...draft, unit: v })}
              required
              error={err('unit')}
            />
          </SimpleGrid>
          <Stack gap={4}>
            <Text size="sm" fw={500} id="demand-runs-label">
              Runs
            </Text>
            <SegmentedControl
              aria-labelledby="demand-runs-label"
              data={[
                { value: 'window', label: 'Between two days' },
                { value: 'work', label: 'While a work item runs' },
              ]}
              value={draft.runs}
              onChange={(v) => onChange({ ...draft, runs: v === 'work' ? 'work' : 'window' })}
            />
          </Stack>
          {draft.runs === 'window' ? (
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <DateField
                label="First day"
                value={draft.from}
                onChange={(from) => onChange({ ...draft, from })}
                required
                error={err('from')}
              />
              <DateField
                label="Last day"
                value={draft.to}
                onChange={(to) => onChange({ ...draft, to })}
                required
                error={err('to')}
              />
            </SimpleGrid>
          ) : (
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <TextInput
                label="Work item"
                description="Its key, e.g. ERP-17: the demand runs until its forecast finish"
                value={draft.workItem}
                onChange={(e) => onChange({ ...draft, workItem: e.currentTarget.value })}
                required
                error={err('workItem', 'to')}
              />
              <DateField
                label="First day"
                description="Only while the item has not started"
                value={draft.from}
                onChange={(from) => onChange({ ...draft, from })}
                error={err('from')}
              />
            </SimpleGrid>
          )}
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <Select
              label="Delivers the milestone"
              placeholder="The milestones its work item is linked to"
              data={milestones}
              value={draft.milestone}
              onChange={(v) => onChange({ ...draft, milestone: v })}
              clearable
              searchable
              error={err('milestone')}
            />
            <MultiSelect
              label="Waits for"
              description="Demands whose work must be done first"
              data={options.demands.filter((d) => d.value !== draft.id)}
              value={draft.after}
              onChange={(v) => onChange({ ...draft, after: v })}
              searchable
              error={err('after')}
            />
          </SimpleGrid>
        </Stack>
      );
    }
    case 'decisionRights':
      return (
        <Stack gap="sm">
          {idField}
          <Stack gap={4}>
            <Text size="sm" fw={500} id="right-holder-label">
              Held by
            </Text>
            <SegmentedControl
              aria-labelledby="right-holder-label"
              data={[
                { value: 'person', label: 'A person' },
                { value: 'role', label: 'Everyone with a role' },
              ]}
              value={draft.holder}
              onChange={(v) => onChange({ ...draft, holder: v === 'role' ? 'role' : 'person' })}
            />
          </Stack>
          {draft.holder === 'person' ? (
            <Select
              label="Person"
              data={options.people}
              value={draft.person}
              onChange={(v) => onChange({ ...draft, person: v })}
              searchable
              required
              error={err('person')}
            />
          ) : (
            <Select
              label="Role"
              description="The right goes to the holder who owns the closest objective involved"
              data={ROLES}
              value={draft.role}
              onChange={(v) => onChange({ ...draft, role: v })}
              required
              error={err('role')}
            />
          )}
          <MultiSelect
            label="Kinds of decision"
            description="None chosen: every kind"
            data={DECISION_KIND_LABELS}
            value={draft.kinds}
            onChange={(v) => onChange({ ...draft, kinds: v })}
            error={err('kinds')}
          />
          <Text size="sm" c="dimmed">
            Scope: none chosen means everywhere. An objective covers its children; a unit covers the
            initiatives it runs.
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <MultiSelect
              label="Objectives"
              data={options.objectives}
              value={draft.objectives}
              onChange={(v) => onChange({ ...draft, objectives: v })}
              searchable
              error={err('objectives')}
            />
            <MultiSelect
              label="Initiatives"
              data={options.initiatives}
              value={draft.initiatives}
              onChange={(v) => onChange({ ...draft, initiatives: v })}
              searchable
              error={err('initiatives')}
            />
            <MultiSelect
              label="Units"
              data={options.units}
              value={draft.units}
              onChange={(v) => onChange({ ...draft, units: v })}
              searchable
              error={err('units')}
            />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <NumberInput
              label="Most money an option may move"
              description="In the organisation's currency; empty: no limit"
              value={draft.maxAmount}
              onChange={(v) => onChange({ ...draft, maxAmount: typeof v === 'number' ? v : '' })}
              min={0}
              thousandSeparator=","
              error={err('maxAmount')}
            />
            <NumberInput
              label="Most weeks an option may move a date later"
              description="Calendar weeks; empty: no limit"
              value={draft.maxSlipWeeks}
              onChange={(v) => onChange({ ...draft, maxSlipWeeks: typeof v === 'number' ? v : '' })}
              min={0}
              error={err('maxSlipWeeks')}
            />
          </SimpleGrid>
          <Checkbox
            label="Only while every KPI it touches stays on target"
            checked={draft.kpisOnTarget}
            onChange={(e) => onChange({ ...draft, kpisOnTarget: e.currentTarget.checked })}
          />
        </Stack>
      );
  }
}
