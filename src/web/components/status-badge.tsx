import { Badge, type BadgeProps, Popover, Stack, Text } from '@mantine/core';
import { type KeyboardEvent, type ReactNode, useId, useState } from 'react';
import type { DerivedStatus, Status } from '../api/types.ts';
import { ruleSentence } from '../../core/engine/status.ts';
import { readableText, STATUS_LABEL } from '../format/format.ts';
import { AlertIcon, CheckIcon, CrossIcon } from './icons.tsx';

/** Status colours with text that reads at 5.7:1 or better on its background. */
const LOOK: Record<Status, { bg: string; fg: string; border: string }> = {
  on_track: { bg: '#e6f4ea', fg: '#1e6b2e', border: '#b7dfc0' },
  at_risk: { bg: '#fff4e0', fg: '#8a4b00', border: '#f5d29a' },
  off_track: { bg: '#fdecec', fg: '#a61b1b', border: '#f3b9b9' },
};

const ICON: Record<Status, typeof CheckIcon> = {
  on_track: CheckIcon,
  at_risk: AlertIcon,
  off_track: CrossIcon,
};

interface StatusBadgeProps extends Omit<BadgeProps, 'color' | 'children'> {
  status: DerivedStatus | Status | null;
  /** Said before the status, e.g. "Delivery". */
  prefix?: string;
  /** Show the rule and the reason on hover, focus and tap (statuses that carry them). */
  withReason?: boolean;
}

/**
 * On track (green), at risk (amber), off track (red): colour, icon and words, never colour alone.
 * A status that carries its rule is a button: hovering, focusing or tapping it shows the rule in
 * one sentence and the reason it holds here; screen readers hear both as its description.
 */
export function StatusBadge({ status, prefix, withReason = true, ...props }: StatusBadgeProps) {
  if (status === null) return null;
  const value = typeof status === 'string' ? status : status.status;
  const look = LOOK[value];
  const Icon = ICON[value];
  const text = `${prefix === undefined ? '' : `${prefix}: `}${STATUS_LABEL[value]}`;
  const badgeProps: BadgeProps = {
    size: 'md',
    radius: 'sm',
    variant: 'outline',
    leftSection: <Icon size={12} strokeWidth={2.6} />,
    styles: {
      root: {
        backgroundColor: look.bg,
        color: look.fg,
        borderColor: look.border,
        textTransform: 'none',
        fontWeight: 650,
        letterSpacing: 0,
        overflow: 'visible',
        minWidth: 'max-content',
      },
      label: { overflow: 'visible' },
    },
    ...props,
  };
  if (typeof status === 'string' || !withReason) {
    return (
      <Badge {...badgeProps} data-status={value}>
        {text}
      </Badge>
    );
  }
  return (
    <ExplainedBadge
      badgeProps={badgeProps}
      value={value}
      text={text}
      rule={status.rule}
      reason={readableText(status.reason)}
    />
  );
}

/** The badge as a button with its rule and reason beside it, shown on hover, focus or tap. */
function ExplainedBadge({
  badgeProps,
  value,
  text,
  rule,
  reason,
}: {
  badgeProps: BadgeProps;
  value: Status;
  text: string;
  rule: string;
  reason: string;
}) {
  const [opened, setOpened] = useState(false);
  const [focused, setFocused] = useState(false);
  const id = useId();
  const sentence = ruleSentence(rule);
  const describe: ReactNode = (
    <>
      {sentence !== null && <Text size="sm">{sentence}</Text>}
      <Text size="sm">
        <Text span fw={700}>
          Here:{' '}
        </Text>
        {reason}
      </Text>
    </>
  );
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && opened) {
      event.stopPropagation();
      setOpened(false);
    }
  };
  return (
    <>
      <Popover
        opened={opened}
        onChange={setOpened}
        position="bottom"
        withArrow
        shadow="md"
        withRoles={false}
        width={320}
        zIndex={400}
      >
        <Popover.Target>
          <Badge
            {...badgeProps}
            component="button"
            type="button"
            className="status-badge-button"
            data-status={value}
            data-rule={rule}
            aria-describedby={`${id}-why`}
            onMouseEnter={() => setOpened(true)}
            onMouseLeave={() => {
              if (!focused) setOpened(false);
            }}
            onFocus={() => {
              setFocused(true);
              setOpened(true);
            }}
            onBlur={() => {
              setFocused(false);
              setOpened(false);
            }}
            onClick={() => setOpened(true)}
            onKeyDown={onKeyDown}
          >
            {text}
          </Badge>
        </Popover.Target>
        <Popover.Dropdown role="tooltip" data-testid="status-rule" data-rule={rule} maw="90vw">
          <Stack gap={6}>
            <Text size="sm" fw={700}>
              {text}
            </Text>
            {describe}
          </Stack>
        </Popover.Dropdown>
      </Popover>
      {/* What a screen reader says after the badge's name: the rule, then the reason here. */}
      <span id={`${id}-why`} hidden>
        {sentence === null ? '' : `${sentence} `}Here: {reason}
      </span>
    </>
  );
}
