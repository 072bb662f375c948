import { Anchor, CloseButton, Group, Text } from '@mantine/core';
import { Link } from 'react-router-dom';
import type { Status } from '../api/types.ts';
import { count } from '../format/format.ts';
import { useLive, useLiveStore } from '../live/live-context.tsx';

const TONE_CLASS: Record<Status | 'info', string> = {
  info: 'tone-info',
  on_track: 'tone-on-track',
  at_risk: 'tone-at-risk',
  off_track: 'tone-off-track',
};

/**
 * "Something changed", in one line that covers nothing: how many things changed, the first of
 * them, and a link to the list of what changed. The figures that moved highlight where they are
 * shown (with their old value); this only says that they did. Read out by screen readers.
 */
export function LiveNotices() {
  const { notices } = useLive();
  const store = useLiveStore();
  const notice = notices[0];
  return (
    <div className="live-notices" role="status" aria-live="polite" data-testid="live-notices">
      {notice !== undefined && (
        <Group
          gap={6}
          wrap="nowrap"
          className={`live-notice ${TONE_CLASS[notice.tone]}`}
          data-testid="live-notice"
        >
          <span className="live-notice-dot" aria-hidden="true" />
          <Text size="sm" fw={600} className="live-notice-text" title={notice.lines[0]}>
            {notice.lines.length === 1
              ? notice.lines[0]
              : `${count(notice.lines.length, 'change')} just now`}
          </Text>
          <Anchor
            component={Link}
            to="/changes"
            size="sm"
            fw={600}
            className="live-notice-link"
            onClick={() => store.dismiss(notice.id)}
          >
            What changed
          </Anchor>
          <CloseButton
            size="sm"
            aria-label="Dismiss this notice"
            onClick={() => store.dismiss(notice.id)}
          />
        </Group>
      )}
    </div>
  );
}
