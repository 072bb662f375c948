import type { ReactNode } from 'react';
import { useLive } from '../live/live-context.tsx';
import type { StateIndex } from '../live/state-index.ts';
import { indexOnce } from '../live/use-state-index.ts';

/** The strategic view as it was before the latest change, indexed, while it is highlighted. */
export function useBeforeIndex(): StateIndex | null {
  const { before } = useLive();
  return before === null ? null : indexOnce(before);
}

/**
 * A figure that may just have moved: while the live update is fresh and its old value differs,
 * it highlights briefly and shows the old value beside it (`$788,571 was $1,268,571`).
 */
export function ChangedValue({
  value,
  previous,
  children,
  testId,
}: {
  /** The figure as shown now. */
  value: string;
  /** The figure as it was before the latest change; undefined when there is none to compare. */
  previous: string | undefined;
  /** What to show instead of `value` (a styled figure); `value` is still what is compared. */
  children?: ReactNode;
  testId?: string;
}) {
  const moved = previous !== undefined && previous !== value;
  return (
    <span
      className={moved ? 'changed-value moved' : 'changed-value'}
      data-testid={testId}
      data-moved={moved || undefined}
    >
      {children ?? value}
      {moved && (
        <span className="changed-was">
          {' '}
          <span className="visually-hidden">changed, </span>was <s>{previous}</s>
        </span>
      )}
    </span>
  );
}
