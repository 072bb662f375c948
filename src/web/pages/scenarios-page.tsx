import {
  Alert,
  Anchor,
  Button,
  Card,
  Checkbox,
  Group,
  List,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import type { ScenarioChangeKind } from '../../core/scenario/scenario.ts';
import type { PlanFile } from '../../plan-file/plan-file-types.ts';
import { api, ApiError, apiPath } from '../api/client.ts';
import type {
  DecisionList,
  SavedScenario,
  Scenario,
  ScenarioColumn,
  ScenarioComparison,
} from '../api/decision-types.ts';
import {
  mayDo,
  type Problem,
  type AddOptionBody,
  type CompareScenariosBody,
  type SaveScenarioBody,
} from '../api/types.ts';
import { changeInWords, useEntityNames } from '../components/decision-parts.tsx';
import {
  type ComparedColumn,
  ComparisonTable,
  KpiComparison,
  ResultColumn,
} from '../components/option-results.tsx';
import { Failed, Loading, Page } from '../components/page.tsx';
import { count, formatInstant } from '../format/format.ts';
import { useLive } from '../live/live-context.tsx';
import { useMe } from '../live/session-context.tsx';
import { useApi } from '../live/use-api.ts';
import { useLabels } from '../live/use-state-index.ts';
import { ChangeForm, choicesOf } from '../scenarios/change-form.tsx';
import {
  type BuilderProblems,
  changeOf,
  type ChangeDraft,
  draftOf,
  idFromName,
  LEVERS,
  NO_BUILDER_PROBLEMS,
  sortBuilderProblems,
} from '../scenarios/levers.ts';

/** At most this many scenarios side by side (the API's limit). */
const MAX_COMPARED = 4;
const LETTERS = ['A', 'B', 'C', 'D'];

/** What the builder sends: the scenario as it stands in the form. */
function draftScenario(
  id: string,
  name: string,
  drafts: readonly ChangeDraft[],
  author: string,
): Scenario {
  return {
    id: id.trim() === '' ? 'S-DRAFT' : id.trim(),
    name: name.trim() === '' ? 'Unsaved scenario' : name.trim(),
    author,
    createdAt: new Date().toISOString(),
    changes: drafts.map(changeOf),
  };
}

function problemsOf(error: unknown): Problem[] {
  if (error instanceof ApiError) return error.problems;
  return [{ code: 'http', message: error instanceof Error ? error.message : String(error) }];
}

interface Compared {
  scenarios: Scenario[];
  columns: ScenarioColumn[];
  /** The live version the comparison was priced at: a later one prices it again. */
  version: number;
}

/** Saved scenarios, the builder (name, changes lever by lever), and the comparison against now. */
export function ScenariosPage() {
  const me = useMe();
  const names = useEntityNames();
  const { unitOf } = useLabels();
  const { version, decisionVersion } = useLive();
  const [reloadKey, setReloadKey] = useState(0);
  const saved = useApi<{ scenarios: Scenario[] }>('/api/v1/scenarios', reloadKey);
  const plan = useApi<PlanFile>('/api/v1/plan');
  const open = useApi<DecisionList>('/api/v1/decisions?status=open', reloadKey + decisionVersion);

  const [name, setName] = useState('');
  const [id, setId] = useState('');
  const [idEdited, setIdEdited] = useState(false);
  const [drafts, setDrafts] = useState<ChangeDraft[]>([]);
  const nextKey = useRef(1);
  const [lever, setLever] = useState<string | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const [problems, setProblems] = useState<BuilderProblems>(NO_BUILDER_PROBLEMS);
  const [busy, setBusy] = useState<'compare' | 'save' | 'propose' | null>(null);
  const [done, setDone] = useState<{ text: string; link?: string } | null>(null);
  const [compared, setCompared] = useState<Compared | null>(null);
  const [decisionId, setDecisionId] = useState<string | null>(null);

  const choices = useMemo(() => (plan.data === null ? null : choicesOf(plan.data)), [plan.data]);
  const scenarioId = idEdited ? id : idFromName(name);
  const savedList = saved.data?.scenarios ?? [];
  const draftCounts = drafts.length > 0 ? 1 : 0;
  const room = MAX_COMPARED - draftCounts;

  const price = async (scenarios: Scenario[]): Promise<ScenarioColumn[]> =>
    (
      await api<ScenarioComparison>('/api/v1/scenarios/compare', {
        method: 'POST',
        body: { scenarios } satisfies CompareScenariosBody,
      })
    ).scenarios;

  // The comparison is against now: when now changes, price it again (keep it if that fails).
  useEffect(() => {
    if (compared === null || compared.version === version) return;
    let current = true;
    price(compared.scenarios).then(
      (columns) => {
        if (current) setCompared({ ...compared, columns, version });
      },
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [version, compared]);

  if (plan.data === null || saved.data === null || choices === null) {
    const error = plan.error ?? saved.error;
    return error === null ? <Loading label="Loading scenarios" /> : <Failed error={error} />;
  }

  const edit = (next: ChangeDraft[]) => {
    setDrafts(next);
    setDone(null);
  };

  const addChange = () => {
    if (lever === null) return;
    edit([...drafts, { key: nextKey.current++, kind: lever as ScenarioChangeKind, values: {} }]);
    setLever(null);
  };

  const compare = async () => {
    const chosen = savedList.filter((s) => selected.includes(s.id));
    const scenarios = [
      ...(drafts.length > 0 ? [draftScenario(scenarioId, name, drafts, me.person.id)] : []),
      ...chosen,
    ].slice(0, MAX_COMPARED);
    if (scenarios.length === 0) {
      setProblems({
        ...NO_BUILDER_PROBLEMS,
        general: [{ code: 'request.invalid', message: 'Add a change or tick a saved scenario.' }],
      });
      return;
    }
    setBusy('compare');
    setDone(null);
    try {
      const columns = await price(scenarios);
      setCompared({ scenarios, columns, version });
      setProblems(NO_BUILDER_PROBLEMS);
    } catch (error) {
      setProblems(
        sortBuilderProblems(problemsOf(error), drafts, drafts.length > 0 ? ['scenarios', 0] : []),
      );
    } finally {
      setBusy(null);
    }
  };

  const save = async () => {
    setBusy('save');
    setDone(null);
    try {
      const answer = await api<SavedScenario>('/api/v1/scenarios', {
        method: 'POST',
        body: {
          id: scenarioId,
          name: name.trim(),
          changes: drafts.map(changeOf),
        } satisfies SaveScenarioBody,
      });
      setProblems(NO_BUILDER_PROBLEMS);
      setDone({ text: `Saved ${answer.scenario.id}: ${answer.scenario.name}.` });
      setReloadKey((k) => k + 1);
    } catch (error) {
      setProblems(sortBuilderProblems(problemsOf(error), drafts));
    } finally {
      setBusy(null);
    }
  };

  const propose = async () => {
    if (decisionId === null) return;
    setBusy('propose');
    setDone(null);
    try {
      await api(`${apiPath('decisions', decisionId)}/options`, {
        method: 'POST',
        body: { title: name.trim(), changes: drafts.map(changeOf) } satisfies AddOptionBody,
      });
      setProblems(NO_BUILDER_PROBLEMS);
      setDone({
        text: `Added as an option to ${decisionId}.`,
        link: `/decisions/${encodeURIComponent(decisionId)}`,
      });
      setReloadKey((k) => k + 1);
    } catch (error) {
      setProblems(sortBuilderProblems(problemsOf(error), drafts));
    } finally {
      setBusy(null);
    }
  };

  const openInBuilder = (scenario: Scenario) => {
    setName(`${scenario.name} (copy)`);
    setIdEdited(false);
    edit(scenario.changes.map((c) => draftOf(c, nextKey.current++)));
    setProblems(NO_BUILDER_PROBLEMS);
  };

  const columns: ComparedColumn[] =
    compared === null
      ? []
      : compared.columns.map((c, k) => ({
          title: `${LETTERS[k] ?? k + 1}. ${c.name}`,
          short: LETTERS[k] ?? String(k + 1),
          legend: `Scenario ${LETTERS[k] ?? k + 1}`,
          changes: compared.scenarios[k]?.changes ?? [],
          result: c.result,
        }));
  const openDecisions = open.data?.decisions.filter((d) => d.status === 'open') ?? [];
  const nameMissing = name.trim() === '';

  // Scenarios are priced on the whole plan: for executives, the strategy office and owners.
  if (!mayDo(me, 'scenario.create'))
    return (
      <Page
        title="Scenarios"
        documentTitle="Scenarios"
        eyebrow="What if: changes to the plan, priced against now, never applied"
        testId="scenarios-page"
      >
        <Text size="sm" c="dark.6" data-testid="scenarios-access-note">
          Scenarios are built by executives, the strategy office and the owners of objectives, KPIs
          and initiatives.
        </Text>
      </Page>
    );

  return (
    <Page
      title="Scenarios"
      documentTitle="Scenarios"
      eyebrow="What if: changes to the plan, priced against now, never applied"
      testId="scenarios-page"
    >
      <Card component="section" aria-labelledby="saved-title" padding="md">
        <Stack gap="sm">
          <Title order={2} id="saved-title" className="section-title">
            Saved scenarios
          </Title>
          {savedList.length === 0 ? (
            <Text size="sm" c="dimmed" data-testid="saved-scenarios-empty">
              None yet: build one below and save it.
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={640}>
              <Table striped data-testid="saved-scenarios" captionSide="top">
                <Table.Caption className="visually-hidden">Saved scenarios</Table.Caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Compare</Table.Th>
                    <Table.Th scope="col">Scenario</Table.Th>
                    <Table.Th scope="col">Changes</Table.Th>
                    <Table.Th scope="col">Written by</Table.Th>
                    <Table.Th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {savedList.map((s) => {
                    const ticked = selected.includes(s.id);
                    return (
                      <Table.Tr key={s.id} data-scenario-id={s.id}>
                        <Table.Td>
                          <Checkbox
                            aria-label={`Compare ${s.name}`}
                            checked={ticked}
                            disabled={!ticked && selected.length >= room}
                            onChange={(e) => {
                              const on = e.currentTarget.checked;
                              setSelected((list) =>
                                on ? [...list, s.id] : list.filter((x) => x !== s.id),
                              );
                            }}
                          />
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" fw={600}>
                            {s.name}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {s.id}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <List size="sm" spacing={2}>
                            {s.changes.map((c, k) => (
                              <List.Item key={k}>{changeInWords(c, names)}</List.Item>
                            ))}
                          </List>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{names.person(s.author)}</Text>
                          <Text size="xs" c="dimmed">
                            {formatInstant(s.createdAt)}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Button
                            size="xs"
                            variant="default"
                            onClick={() => openInBuilder(s)}
                            aria-label={`Copy into builder: ${s.name}`}
                          >
                            Copy into builder
                          </Button>
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Stack>
      </Card>

      <Card component="section" aria-labelledby="builder-title" padding="md">
        <Stack gap="md">
          <Title order={2} id="builder-title" className="section-title">
            Build a scenario
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <TextInput
              label="Name"
              required
              value={name}
              onChange={(e) => {
                setName(e.currentTarget.value);
                setDone(null);
              }}
              error={problems.top['name']?.join(' · ')}
            />
            <TextInput
              label="Id"
              description="Short and stable; made from the name unless you change it"
              value={scenarioId}
              onChange={(e) => {
                setIdEdited(true);
                setId(e.currentTarget.value);
              }}
              error={problems.top['id']?.join(' · ')}
            />
          </SimpleGrid>
          {problems.general.length > 0 && (
            <Alert color="red" title="Refused" data-testid="builder-problems" role="alert">
              <List size="sm">
                {problems.general.map((p, k) => (
                  <List.Item key={k}>
                    <Text size="sm" c="dark.7">
                      {p.message}
                      {p.path !== undefined && ` (at ${p.path})`}
                    </Text>
                  </List.Item>
                ))}
              </List>
            </Alert>
          )}
          {drafts.length === 0 && (
            <Text size="sm" c="dimmed">
              No change yet: pick a lever and add it.
            </Text>
          )}
          {drafts.map((draft, index) => (
            <ChangeForm
              key={draft.key}
              draft={draft}
              index={index}
              choices={choices}
              problems={problems.rows.get(index)}
              onChange={(next) => edit(drafts.map((d) => (d.key === draft.key ? next : d)))}
              onRemove={() => {
                edit(drafts.filter((d) => d.key !== draft.key));
                setProblems(NO_BUILDER_PROBLEMS);
              }}
            />
          ))}
          <Group align="flex-end" gap="sm">
            <Select
              label="Lever"
              placeholder="Pick a lever"
              data={LEVERS.map((l) => ({ value: l.kind, label: l.label }))}
              value={lever}
              onChange={setLever}
              searchable
              w={280}
            />
            <Button variant="default" onClick={addChange} disabled={lever === null}>
              Add change
            </Button>
          </Group>
          {problems.rows.size > 0 && (
            <Text size="sm" c="red.9" role="alert" data-testid="rows-refused">
              {count(problems.rows.size, 'change')} refused: see the message at each.
            </Text>
          )}
          {done !== null && (
            <Alert color="teal" variant="light" data-testid="builder-done" title="Done">
              <Text size="sm" c="dark.7">
                {done.text}{' '}
                {done.link !== undefined && (
                  <Anchor component={Link} to={done.link} fz="inherit">
                    Open the decision
                  </Anchor>
                )}
              </Text>
            </Alert>
          )}
          <Group gap="sm">
            <Button
              color="dark"
              onClick={() => void compare()}
              loading={busy === 'compare'}
              disabled={drafts.length === 0 && selected.length === 0}
            >
              Compare
            </Button>
            <Button
              variant="default"
              onClick={() => void save()}
              loading={busy === 'save'}
              disabled={drafts.length === 0 || nameMissing}
            >
              Save
            </Button>
            {openDecisions.length > 0 && (
              <Group gap="sm" align="flex-end">
                <Select
                  label="Open decision"
                  placeholder="Pick a decision"
                  data={openDecisions.map((d) => ({ value: d.id, label: `${d.id}: ${d.title}` }))}
                  value={decisionId}
                  onChange={setDecisionId}
                  searchable
                  w={320}
                />
                <Button
                  variant="default"
                  onClick={() => void propose()}
                  loading={busy === 'propose'}
                  disabled={decisionId === null || drafts.length === 0 || nameMissing}
                >
                  Propose as an option
                </Button>
              </Group>
            )}
          </Group>
          <Text size="xs" c="dimmed">
            Compare prices the scenario being built (A) with the saved ones ticked above, up to{' '}
            {MAX_COMPARED}, each against the plan as it stands now; the figures follow the live
            state. Saving keeps it as written, with you as its author.
          </Text>
        </Stack>
      </Card>

      {compared !== null && (
        <Stack gap="sm" component="section" aria-labelledby="comparison-title">
          <Title order={2} id="comparison-title" className="section-title">
            Side by side against now
          </Title>
          <Card padding="md">
            <ComparisonTable
              columns={columns}
              names={names}
              caption="Cost, money and milestone dates of each scenario against now"
            />
          </Card>
          <KpiComparison columns={columns} names={names} />
          <SimpleGrid
            cols={{ base: 1, md: Math.min(2, columns.length), xl: Math.min(4, columns.length) }}
            spacing="md"
          >
            {columns.map((c, k) => (
              <ResultColumn
                key={k}
                column={c}
                testId={`scenario-${LETTERS[k] ?? k + 1}`}
                names={names}
                unitOf={unitOf}
                meta={
                  <Text size="xs" c="dimmed">
                    {compared.scenarios[k]?.id} · by{' '}
                    {names.person(compared.columns[k]?.author ?? '')}
                  </Text>
                }
              />
            ))}
          </SimpleGrid>
        </Stack>
      )}
    </Page>
  );
}
