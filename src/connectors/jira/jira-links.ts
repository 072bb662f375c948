import type { WorkItem } from '../../core/domain/work-item.ts';
import type { JiraIssueLink } from './jira-payload.schema.ts';

/**
 * Which Jira links are dependencies. Each site names its link types as it likes, so the
 * decision rests on what the type says:
 *
 * - The wording decides first: outward text "blocks" (Jira's default "Blocks" type: outward
 *   "blocks", inward "is blocked by") means the issue on the outward side waits for this
 *   one; a type worded the other way round (inward "blocks") is read the other way round.
 * - Otherwise the type name decides: the names that the public Jira dataset
 *   (`test/fixtures/reference/jira/jira_issue_linktype_mapping.json`, Montgomery et al., MSR 2022,
 *   75 link-type names from 16 public sites) files under "Block" — Blocks, Blocker, Blocked —
 *   are read in the default direction.
 * - Everything else is kept as a plain link for display, with the type's own wording. That
 *   includes the "Depend" and "finish-start" families: sites word them in opposite
 *   directions (Atlassian's "Dependent" type has outward "is depended by", others have
 *   outward "depends on"), so the name alone does not say which side waits, and a guessed
 *   dependency would move forecasts.
 */

const BLOCK_TYPE_NAMES: ReadonlySet<string> = new Set(['blocks', 'blocker', 'blocked']);

type BlockDirection = 'outward_is_blocked' | 'inward_is_blocked' | 'not_blocking';

function blockDirection(type: JiraIssueLink['type']): BlockDirection {
  const outward = type.outward.trim().toLowerCase();
  const inward = type.inward.trim().toLowerCase();
  if (outward === 'blocks') return 'outward_is_blocked';
  if (inward === 'blocks') return 'inward_is_blocked';
  if (BLOCK_TYPE_NAMES.has(type.name.trim().toLowerCase())) return 'outward_is_blocked';
  return 'not_blocking';
}

/** Sorts an issue's links into what blocks it, what it blocks and the rest, keeping Jira's order. */
export function normalizeJiraLinks(
  links: readonly JiraIssueLink[],
): Pick<WorkItem, 'blockedBy' | 'blocks' | 'links'> {
  const blockedBy: string[] = [];
  const blocks: string[] = [];
  const other: WorkItem['links'] = [];
  for (const link of links) {
    // In an issue's own list the other issue sits in `outwardIssue` when the link reads "this
    // issue <outward text> that one", and in `inwardIssue` when it reads "<inward text>".
    const outwardKey = link.outwardIssue?.key;
    const inwardKey = link.inwardIssue?.key;
    const direction = blockDirection(link.type);
    if (outwardKey !== undefined) {
      if (direction === 'outward_is_blocked') addOnce(blocks, outwardKey);
      else if (direction === 'inward_is_blocked') addOnce(blockedBy, outwardKey);
      else other.push({ relation: link.type.outward, key: outwardKey });
    }
    if (inwardKey !== undefined) {
      if (direction === 'outward_is_blocked') addOnce(blockedBy, inwardKey);
      else if (direction === 'inward_is_blocked') addOnce(blocks, inwardKey);
      else other.push({ relation: link.type.inward, key: inwardKey });
    }
  }
  return { blockedBy, blocks, links: other };
}

function addOnce(keys: string[], key: string): void {
  if (!keys.includes(key)) keys.push(key);
}
