import {
  ActionIcon,
  Alert,
  Autocomplete,
  Card,
  Group,
  MultiSelect,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import type { PlanFile } from '../../plan-file/plan-file-types.ts';
import { CrossIcon } from '../components/icons.tsx';
import { type ChangeDraft, type LeverField, leverOf, type RowProblems } from './levers.ts';
import { DateField } from '../components/date-field.tsx';

export interface Choice {
  value: string;
  label: string;
}

/** What the pickers list: the plan's entities by name and id, and its reporting periods. */
export interface PlanChoices {
  milestones: Choice[];
  initiatives: Choice[];
  units: Choice[];
  demands: Choice[];
  benefits: Choice[];
  periods: string[];
}

const named = (id: string, name: string): Choice => ({
  value: id,
  label: name === id ? id : `${name} (${id})`,
});

/** The pickers' lists from the plan. */
export function choicesOf(plan: PlanFile): PlanChoices {
  const periods = new Set<string>();
  for (const i of plan.initiatives ?? [])
    for (const p of Object.keys(i.budget ?? {})) periods.add(p);
  for (const k of plan.kpis ?? []) for (const p of Object.keys(k.targets ?? {})) periods.add(p);
  return {
    milestones: (plan.milestones ?? []).map((m) => named(m.id, m.name)),
    initiatives: (plan.initiatives ?? []).map((i) => named(i.id, i.name)),
    units: (plan.units ?? []).map((u) => named(u.id, u.name)),
    demands: (plan.demands ?? []).map((d) => ({
      value: d.id,
      label: `${d.id}: ${d.initiative} at ${d.unit}, ${d.perWeek} a week`,
    })),
    benefits: (plan.benefits ?? []).map((b) => ({
      value: b.id,
      label: `${b.id}: ${b.milestone} → ${b.kpi}`,
    })),
    periods: [...periods].sort(),
  };
}

const NO_ROW_PROBLEMS: RowProblems = { fields: {}, row: [] };

function FieldInput({
  spec,
  value,
  onChange,
  choices,
  error,
}: {
  spec: LeverField;
  value: string | string[] | undefined;
  onChange: (value: string | string[]) => void;
  choices: PlanChoices;
  error: string | undefined;
}) {
  const text = typeof value === 'string' ? value : '';
  const common = {
    label: spec.label,
    description: spec.description,
    required: spec.required,
    error,
    'data-field': spec.path,
  };
  const picker = (data: Choice[]) => (
    <Select
      {...common}
      data={data}
      value={text === '' ? null : text}
      onChange={(v) => onChange(v ?? '')}
      searchable
      clearable={!spec.required}
      nothingFoundMessage="None of that name in the plan"
    />
  );
  switch (spec.type) {
    case 'milestone':
      return picker(choices.milestones);
    case 'initiative':
      return picker(choices.initiatives);
    case 'unit':
      return picker(choices.units);
    case 'demand':
      return picker(choices.demands);
    case 'benefit':
      return picker(choices.benefits);
    case 'initiatives':
      return (
        <MultiSelect
          {...common}
          data={choices.initiatives}
          value={Array.isArray(value) ? value : []}
          onChange={onChange}
          searchable
        />
      );
    case 'date':
      return <DateField {...common} value={text} onChange={onChange} />;
    case 'number':
      return (
        <NumberInput
          {...common}
          value={text}
          onChange={(v) => onChange(String(v))}
          thousandSeparator=","
          allowNegative={false}
        />
      );
    case 'period':
      return (
        <Autocomplete
          {...common}
          data={choices.periods}
          value={text}
          onChange={onChange}
          placeholder="2026-Q4"
        />
      );
    case 'text':
      return (
        <TextInput {...common} value={text} onChange={(e) => onChange(e.currentTarget.value)} />
      );
  }
}

/** One change of the scenario: its lever's fields, the server's problems next to them. */
export function ChangeForm({
  draft,
  index,
  choices,
  problems = NO_ROW_PROBLEMS,
  onChange,
  onRemove,
}: {
  draft: ChangeDraft;
  index: number;
  choices: PlanChoices;
  problems?: RowProblems;
  onChange: (draft: ChangeDraft) => void;
  onRemove: () => void;
}) {
  const lever = leverOf(draft.kind);
  const headingId = `change-${draft.key}-title`;
  const hasProblems = problems.row.length > 0 || Object.keys(problems.fields).length > 0;
  return (
    <Card
      component="section"
      aria-labelledby={headingId}
      padding="md"
      withBorder
      data-testid="change-row"
      data-row={index}
      data-kind={draft.kind}
      data-problems={hasProblems ? 'yes' : 'no'}
      className={hasProblems ? 'change-row-refused' : undefined}
    >
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" gap="xs" wrap="nowrap">
          <Stack gap={2}>
            <Title order={3} id={headingId} className="card-title" fz="md">
              Change {index + 1}: {lever.label}
            </Title>
            <Text size="xs" c="dimmed">
              {lever.help}
            </Text>
          </Stack>
          <ActionIcon
            variant="subtle"
            color="dark"
            aria-label={`Remove change ${index + 1}`}
            onClick={onRemove}
          >
            <CrossIcon />
          </ActionIcon>
        </Group>
        {problems.row.length > 0 && (
          <Alert color="red" variant="light" data-testid="change-problems" title="Refused">
            {problems.row.map((message) => (
              <Text size="sm" c="dark.7" key={message}>
                {message}
              </Text>
            ))}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm">
          {lever.fields.map((spec) => (
            <FieldInput
              key={spec.path}
              spec={spec}
              value={draft.values[spec.path]}
              choices={choices}
              error={problems.fields[spec.path]?.join(' · ')}
              onChange={(value) =>
                onChange({ ...draft, values: { ...draft.values, [spec.path]: value } })
              }
            />
          ))}
        </SimpleGrid>
      </Stack>
    </Card>
  );
}
