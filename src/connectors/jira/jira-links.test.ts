import { describe, expect, it } from 'vitest';
import { normalizeJiraLinks } from './jira-links.ts';
import { BLOCKS_LINK_TYPE } from './jira-payload.factory.ts';
import type { JiraIssueLink } from './jira-payload.schema.ts';

function link(
  type: JiraIssueLink['type'],
  side: { inwardIssue?: string; outwardIssue?: string },
): JiraIssueLink {
  return {
    type,
    ...(side.inwardIssue === undefined ? {} : { inwardIssue: { key: side.inwardIssue } }),
    ...(side.outwardIssue === undefined ? {} : { outwardIssue: { key: side.outwardIssue } }),
  };
}

describe('normalizeJiraLinks', () => {
  it('reads a Blocks link with an outward issue as "this blocks that"', () => {
    expect(normalizeJiraLinks([link(BLOCKS_LINK_TYPE, { outwardIssue: 'ERP-22' })])).toEqual({
      blockedBy: [],
      blocks: ['ERP-22'],
      links: [],
    });
  });

  it('reads a Blocks link with an inward issue as "this is blocked by that"', () => {
    expect(normalizeJiraLinks([link(BLOCKS_LINK_TYPE, { inwardIssue: 'ERP-21' })])).toEqual({
      blockedBy: ['ERP-21'],
      blocks: [],
      links: [],
    });
  });

  it('follows the wording when a site renamed the type or worded it the other way round', () => {
    const renamed = { name: 'Prerequisite', inward: 'is blocked by', outward: 'blocks' };
    const reversed = { name: 'Waits', inward: 'blocks', outward: 'is blocked by' };
    expect(
      normalizeJiraLinks([
        link(renamed, { outwardIssue: 'A-1' }),
        link(reversed, { outwardIssue: 'A-2' }),
        link(reversed, { inwardIssue: 'A-3' }),
      ]),
    ).toEqual({ blockedBy: ['A-2'], blocks: ['A-1', 'A-3'], links: [] });
  });

  it('reads the type names the public dataset files under "Block" in the default direction', () => {
    const blocker = { name: 'Blocker', inward: 'is blocker of', outward: 'has blocker' };
    expect(normalizeJiraLinks([link(blocker, { inwardIssue: 'X-9' })]).blockedBy).toEqual(['X-9']);
  });

  it('keeps other links, dependencies included, with the wording of their side', () => {
    const dependent = { name: 'Dependent', inward: 'depends on', outward: 'is depended by' };
    const relates = { name: 'Relates', inward: 'relates to', outward: 'relates to' };
    expect(
      normalizeJiraLinks([
        link(dependent, { outwardIssue: 'PR-2' }),
        link(dependent, { inwardIssue: 'PR-3' }),
        link(relates, { inwardIssue: 'ERP-20' }),
      ]),
    ).toEqual({
      blockedBy: [],
      blocks: [],
      links: [
        { relation: 'is depended by', key: 'PR-2' },
        { relation: 'depends on', key: 'PR-3' },
        { relation: 'relates to', key: 'ERP-20' },
      ],
    });
  });

  it('lists a key once when two blocking links name it', () => {
    const blocker = { name: 'Blocker', inward: 'is blocked by', outward: 'blocks' };
    expect(
      normalizeJiraLinks([
        link(BLOCKS_LINK_TYPE, { inwardIssue: 'A-1' }),
        link(blocker, { inwardIssue: 'A-1' }),
      ]).blockedBy,
    ).toEqual(['A-1']);
  });
});
