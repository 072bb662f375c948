import { Badge, Box, Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { ChainStep, EntityKind } from '../api/types.ts';
import {
  formatDate,
  formatDays,
  formatSigned,
  formatValue,
  readableText,
} from '../format/format.ts';
import { EntityLink } from './entity-link.tsx';
import { ArrowRightIcon } from './icons.tsx';
import { StatusBadge } from './status-badge.tsx';

const KIND_LABEL: Partial<Record<EntityKind, string>> = {
  work_item: 'Work item',
  milestone: 'Milestone',
  kpi: 'KPI',
  initiative: 'Initiative',
  objective: 'Objective',
  dependency: 'Dependency',
  benefit: 'Benefit',
  unit: 'Unit',
  demand: 'Demand',
};

function num(value: number | string | undefined): number | null {
  if (value === undefined) return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

interface FigureContext {
  unitOf: (kpi: string) => string;
  nameOf: (personId: string) => string;
  /** What the chain's capacity is counted in (`FTE`), from its unit step. */
  measure: string;
}

/**
 * The figures of one step, short: `+21 calendar days`, `+15 working days`, `−$360,000`, `167% of
 * capacity`, `levelled to 16 Nov 2026`, `Dana Whitfield decides`.
 */
function stepFigures(step: ChainStep, { unitOf, nameOf, measure }: FigureContext): string[] {
  const f = step.figures;
  const out: string[] = [];
  if (step.kind === 'unit') {
    const percent = num(f.peakPercent);
    if (percent !== null) out.push(`${percent}% of capacity`);
  }
  if (step.kind === 'initiative') {
    const load = num(f.load);
    if (load !== null) out.push(`${load}${measure === '' ? '' : ` ${measure}`} a week`);
  }
  const deltaDays = num(f.deltaDays);
  // Two kinds of day, never mixed unlabelled: a due date moves in calendar days, a forecast
  // slips in working days.
  if (deltaDays !== null) out.push(formatDays(deltaDays, 'calendar'));
  const slip = num(f.slipWorkingDays);
  if (slip !== null) out.push(formatDays(slip, 'working'));
  if (step.kind === 'kpi') {
    const unit = unitOf(step.id);
    const delta = num(f.delta);
    if (delta !== null) out.push(formatSigned(delta, unit));
    const shortfall = num(f.shortfall);
    if (shortfall !== null && shortfall > 0)
      out.push(`${formatValue(shortfall, unit)} below target`);
  }
  if (typeof f.kpi === 'string') {
    // Benefits that land later: how much of the KPI's forecast the bottleneck costs.
    const later = num(f.later);
    if (later !== null) out.push(`${formatValue(later, unitOf(f.kpi))} lost to capacity`);
  }
  if (step.kind === 'milestone' && typeof f.levelledDate === 'string') {
    out.push(`levelled to ${formatDate(f.levelledDate)}`);
  }
  if (typeof f.decider === 'string') out.push(`${nameOf(f.decider)} decides`);
  return out;
}

interface CauseChainProps {
  chain: ChainStep[];
  /** The unit of measure of a KPI, to format its money. */
  unitOf?: (kpiId: string) => string;
  /** A person's name, for the one who decides a trade-off. */
  nameOf?: (personId: string) => string;
  /** One line that wraps (cards) instead of one step per line (the inbox). */
  compact?: boolean;
  label?: string;
}

/** A figure in a grey chip, dark enough to read. */
export function FigureBadge({ children }: { children: ReactNode }) {
  return (
    <Badge
      variant="light"
      radius="sm"
      styles={{
        root: {
          backgroundColor: '#f1f3f5',
          color: '#343a40',
          textTransform: 'none',
          fontWeight: 650,
          letterSpacing: 0,
          minWidth: 'max-content',
        },
      }}
    >
      {children}
    </Badge>
  );
}

/**
 * A signal's cause chain, from the source event (or the unit over capacity) to the money to the
 * objective; every step a link that names its entity (`ERP go-live, plant 1 (M-GOLIVE)`).
 */
export function CauseChain({
  chain,
  unitOf = () => '',
  nameOf = (id) => id,
  compact = false,
  label = 'Cause chain',
}: CauseChainProps) {
  const measureStep = chain.find((step) => step.kind === 'unit' && 'measure' in step.figures);
  const context: FigureContext = {
    unitOf,
    nameOf,
    measure: measureStep === undefined ? '' : String(measureStep.figures.measure),
  };
  if (compact) {
    return (
      <Box
        component="ol"
        aria-label={label}
        className="chain chain-compact"
        data-testid="cause-chain"
      >
        {chain.map((step, index) => (
          <li key={`${step.kind}:${step.id}:${index}`} className="chain-compact-step">
            {index > 0 && <ArrowRightIcon size={14} className="chain-arrow" />}
            <EntityLink
              kind={step.kind}
              id={step.id}
              fw={650}
              title={readableText(step.text)}
              named
            />
            {step.kind === 'objective' && typeof step.figures.status === 'string' ? (
              <Text span size="sm" c="dimmed">
                {' '}
                {String(step.figures.status).replace('_', ' ')}
              </Text>
            ) : (
              stepFigures(step, context).map((figure) => (
                <Text span size="sm" key={figure} className="chain-figure">
                  {' '}
                  {figure}
                </Text>
              ))
            )}
          </li>
        ))}
      </Box>
    );
  }
  return (
    <Box component="ol" aria-label={label} className="chain" data-testid="cause-chain">
      {chain.map((step, index) => {
        const figures = stepFigures(step, context);
        return (
          <li key={`${step.kind}:${step.id}:${index}`} className="chain-step" data-kind={step.kind}>
            <span className="chain-dot" aria-hidden="true" />
            <Group gap="xs" wrap="wrap" align="center">
              <Text span size="xs" c="dimmed" tt="uppercase" fw={600} className="chain-kind">
                {KIND_LABEL[step.kind] ?? step.kind.replace('_', ' ')}
              </Text>
              <EntityLink kind={step.kind} id={step.id} fw={700} named />
              {figures.map((figure) => (
                <FigureBadge key={figure}>{figure}</FigureBadge>
              ))}
              {step.kind === 'objective' &&
                (step.figures.status === 'on_track' ||
                  step.figures.status === 'at_risk' ||
                  step.figures.status === 'off_track') && (
                  <StatusBadge status={step.figures.status} size="sm" />
                )}
            </Group>
            <Text size="sm" mt={2}>
              {readableText(step.text)}
            </Text>
            {step.kind === 'work_item' && typeof step.figures.to === 'string' && (
              <Text size="xs" c="dimmed">
                due {formatDate(String(step.figures.from))} → {formatDate(step.figures.to)}
              </Text>
            )}
          </li>
        );
      })}
    </Box>
  );
}
