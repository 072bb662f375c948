import {
  ActionIcon,
  Badge,
  Group,
  Kbd,
  Modal,
  Text,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { useHotkeys, useOs } from '@mantine/hooks';
import { type KeyboardEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../api/client.ts';
import { useDirectory } from '../live/use-directory.ts';
import { useStateIndex } from '../live/use-state-index.ts';
import { SearchIcon } from './icons.tsx';
import {
  SEARCH_KIND_LABEL,
  type SearchEntry,
  type SearchPerson,
  searchEntries,
  searchFor,
} from './search-index.ts';

let people: Promise<SearchPerson[]> | null = null;

/** The plan's people with their titles, read once (the plan is cut to what the reader may see). */
function loadPeople(): Promise<SearchPerson[]> {
  people ??= api<{ people?: SearchPerson[] }>('/api/v1/plan').then(
    (plan) => plan.people ?? [],
    () => {
      people = null;
      return [];
    },
  );
  return people;
}

function usePeople(wanted: boolean): SearchPerson[] {
  const [list, setList] = useState<SearchPerson[]>([]);
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    void loadPeople().then((p) => {
      if (live) setList(p);
    });
    return () => {
      live = false;
    };
  }, [wanted]);
  return list;
}

/**
 * Search across objectives, KPIs, initiatives, milestones, work items and people, from the header
 * or with Ctrl+K / ⌘K: a dialog with a combobox and its list of results (arrow keys move, Enter
 * opens, Escape closes). It searches what the app already holds, which the server has cut to what
 * the reader may see: a confidential initiative never shows for someone not cleared for it.
 */
export function SearchPalette() {
  const [opened, setOpened] = useState(false);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const navigate = useNavigate();
  const index = useStateIndex();
  const directory = useDirectory();
  const list = usePeople(opened);
  const os = useOs();
  const mac = os === 'macos' || os === 'ios';
  const listId = useId();
  const optionId = (i: number) => `${listId}-option-${i}`;
  const listRef = useRef<HTMLUListElement>(null);

  useHotkeys([['mod+K', () => setOpened((o) => !o)]], []);

  const entries = useMemo(
    () => (index === null ? [] : searchEntries(index, list, (id) => directory.units.get(id) ?? id)),
    [index, list, directory],
  );
  const results = useMemo(() => searchFor(entries, query), [entries, query]);
  useEffect(() => setActive(0), [query]);
  useEffect(() => {
    listRef.current?.children[active]?.scrollIntoView({ block: 'nearest' });
  }, [active, results]);

  const close = () => {
    setOpened(false);
    setQuery('');
  };
  const go = (entry: SearchEntry | undefined) => {
    if (entry === undefined) return;
    close();
    void navigate(entry.href);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (results.length === 0) return;
    const last = results.length - 1;
    if (event.key === 'ArrowDown') setActive((a) => (a >= last ? 0 : a + 1));
    else if (event.key === 'ArrowUp') setActive((a) => (a <= 0 ? last : a - 1));
    else if (event.key === 'Home' && event.ctrlKey) setActive(0);
    else if (event.key === 'End' && event.ctrlKey) setActive(last);
    else if (event.key === 'Enter') go(results[active]);
    else return;
    event.preventDefault();
  };

  const shortcut = mac ? '⌘ K' : 'Ctrl K';
  const expanded = results.length > 0;
  return (
    <>
      <UnstyledButton
        className="search-button"
        visibleFrom="md"
        onClick={() => setOpened(true)}
        aria-keyshortcuts={mac ? 'Meta+K' : 'Control+K'}
        data-testid="search-button"
      >
        <Group gap={8} wrap="nowrap">
          <SearchIcon size={16} />
          <Text size="sm" c="dark.4">
            Search
          </Text>
          <Kbd size="xs" aria-hidden="true">
            {shortcut}
          </Kbd>
        </Group>
      </UnstyledButton>
      <ActionIcon
        hiddenFrom="md"
        variant="subtle"
        color="dark"
        size="lg"
        aria-label="Search"
        aria-keyshortcuts={mac ? 'Meta+K' : 'Control+K'}
        onClick={() => setOpened(true)}
      >
        <SearchIcon size={20} />
      </ActionIcon>
      <Modal
        opened={opened}
        onClose={close}
        title="Search"
        closeButtonProps={{ 'aria-label': 'Close search' }}
        size="lg"
        yOffset="8vh"
        className="search-palette"
        data-testid="search-palette"
      >
        <TextInput
          data-autofocus
          label="Objectives, KPIs, initiatives, milestones, work items and people"
          placeholder="A name or a code: ERP, savings, Priya…"
          value={query}
          onChange={(e) => setQuery(e.currentTarget.value)}
          onKeyDown={onKeyDown}
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={expanded ? optionId(active) : undefined}
          leftSection={<SearchIcon size={16} />}
          autoComplete="off"
          spellCheck={false}
        />
        <Text size="sm" c="dimmed" mt="xs" role="status" data-testid="search-status">
          {query.trim() === ''
            ? `Type to search; ${shortcut} opens this from anywhere.`
            : results.length === 0
              ? `Nothing found for “${query.trim()}”.`
              : `${results.length === 30 ? 'The first 30' : results.length} found: ↑ ↓ to choose, Enter to open.`}
        </Text>
        <ul
          id={listId}
          ref={listRef}
          role="listbox"
          aria-label="Search results"
          className="search-results"
          data-testid="search-results"
        >
          {results.map((entry, i) => (
            <li
              key={`${entry.kind}:${entry.id}`}
              id={optionId(i)}
              role="option"
              aria-selected={i === active}
              className="search-result"
              data-kind={entry.kind}
              data-id={entry.id}
              onMouseMove={() => setActive(i)}
              onClick={() => go(entry)}
            >
              <Group gap="xs" wrap="nowrap" justify="space-between">
                <div className="search-result-text">
                  <Text size="sm" fw={600} className="search-result-name">
                    {entry.name}{' '}
                    <Text span size="xs" c="dark.4" fw={500}>
                      {entry.id}
                    </Text>
                  </Text>
                  {entry.detail !== '' && (
                    <Text size="xs" c="dark.4" className="search-result-detail">
                      {entry.detail}
                    </Text>
                  )}
                </div>
                <Badge variant="light" color="gray" size="sm" radius="sm" className="search-kind">
                  {SEARCH_KIND_LABEL[entry.kind]}
                </Badge>
              </Group>
            </li>
          ))}
        </ul>
      </Modal>
    </>
  );
}
