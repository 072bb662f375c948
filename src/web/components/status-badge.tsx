import { Badge, type BadgeProps } from '@mantine/core';
import type { DerivedStatus, Status } from '../api/types.ts';
import { STATUS_LABEL } from '../format/format.ts';
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
  /** Show the reason on hover. */
  withReason?: boolean;
}

/** On track (green), at risk (amber), off track (red): colour, icon and words, never colour alone. */
export function StatusBadge({ status, prefix, withReason = true, ...props }: StatusBadgeProps) {
  if (status === null) return null;
  const value = typeof status === 'string' ? status : status.status;
  const reason = typeof status === 'string' ? null : status.reason;
  const look = LOOK[value];
  const Icon = ICON[value];
  const text = `${prefix === undefined ? '' : `${prefix}: `}${STATUS_LABEL[value]}`;
  return (
    <Badge
      size="md"
      radius="sm"
      variant="outline"
      leftSection={<Icon size={12} strokeWidth={2.6} />}
      data-status={value}
      styles={{
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
      }}
      // The reason on hover; pages also show it as text where it matters.
      title={withReason && reason !== null ? reason : undefined}
      {...props}
    >
      {text}
    </Badge>
  );
}
