import { Notification, Text } from '@mantine/core';
import type { Status } from '../api/types.ts';
import { useLive, useLiveStore } from '../live/live-context.tsx';

const TONE_COLOR: Record<Status | 'info', string> = {
  info: 'indigo',
  on_track: 'green',
  at_risk: 'orange',
  off_track: 'red',
};

/** "Something changed" notices, read out by screen readers, no reload needed. */
export function LiveNotices() {
  const { notices } = useLive();
  const store = useLiveStore();
  return (
    <div className="live-notices" role="status" aria-live="polite" data-testid="live-notices">
      {notices.map((notice) => (
        <Notification
          key={notice.id}
          title={notice.title}
          color={TONE_COLOR[notice.tone]}
          onClose={() => store.dismiss(notice.id)}
          closeButtonProps={{ 'aria-label': 'Dismiss this notice' }}
          withBorder
          className="live-notice"
          data-testid="live-notice"
        >
          {notice.lines.slice(0, 6).map((line) => (
            <Text size="sm" key={line} c="dark.6">
              {line}
            </Text>
          ))}
          {notice.lines.length > 6 && (
            <Text size="sm" c="dimmed">
              and {notice.lines.length - 6} more
            </Text>
          )}
        </Notification>
      ))}
    </div>
  );
}
