import type { MilestoneDriver } from '../../core/domain/state.ts';
import type { MilestoneView, Status } from '../api/types.ts';
import { formatDate, formatShortDate, STATUS_HEX } from '../format/format.ts';

export interface TimelineMilestone {
  milestone: MilestoneView;
  /** The initiative's name when it is another initiative's milestone (shown greyed). */
  foreign: string | null;
}

export interface TimelineDependency {
  predecessor: string;
  successor: string;
  type: string;
  lagDays: number;
}

interface TimelineProps {
  rows: TimelineMilestone[];
  dependencies: TimelineDependency[];
  drivers: ReadonlyMap<string, MilestoneDriver>;
  asOf: string;
  /** Dependencies and work items on the driving chain (the critical path for now). */
  critical: { edges: ReadonlySet<string>; workItems: ReadonlySet<string> };
}

const WIDTH = 980;
const LABEL = 250;
const RIGHT = 28;
const AXIS = 34;
const MILESTONE_ROW = 40;
const WORK_ROW = 26;
const CRITICAL = '#c92a2a';
const DAY = 86_400_000;

function day(iso: string): number {
  return (
    Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / DAY
  );
}

function isoOf(days: number): string {
  return new Date(days * DAY).toISOString().slice(0, 10);
}

function diamond(x: number, y: number, r: number): string {
  return `M${x},${y - r} L${x + r},${y} L${x},${y + r} L${x - r},${y} Z`;
}

/** Dependency key, as the critical set names it. */
export function edgeKey(predecessor: string, successor: string): string {
  return `${predecessor}->${successor}`;
}

/**
 * Milestones on a time axis: the plan (hollow) against the forecast (filled), the slip between,
 * linked work as dots, dependencies as arrows, the driving chain in red.
 */
export function MilestoneTimeline({ rows, dependencies, drivers, asOf, critical }: TimelineProps) {
  const dates: number[] = [day(asOf)];
  for (const { milestone } of rows) {
    dates.push(day(milestone.plannedDate), day(milestone.forecastDate));
    for (const w of milestone.workItems) {
      if (w.forecastFinish !== null) dates.push(day(w.forecastFinish));
    }
  }
  const min = Math.min(...dates) - 10;
  const max = Math.max(...dates) + 14;
  const x = (iso: string) => LABEL + ((day(iso) - min) / (max - min)) * (WIDTH - LABEL - RIGHT);

  // Lay the rows out: each milestone, then its work.
  let y = AXIS + 8;
  const milestoneY = new Map<string, number>();
  const layout: { kind: 'milestone' | 'work'; y: number; row: TimelineMilestone; key?: string }[] =
    [];
  for (const row of rows) {
    y += MILESTONE_ROW / 2;
    milestoneY.set(row.milestone.id, y);
    layout.push({ kind: 'milestone', y, row });
    y += MILESTONE_ROW / 2;
    for (const w of row.milestone.workItems) {
      y += WORK_ROW / 2;
      layout.push({ kind: 'work', y, row, key: w.key });
      y += WORK_ROW / 2;
    }
  }
  const height = y + 12;

  // Month ticks.
  const ticks: string[] = [];
  const first = new Date(min * DAY);
  let month = Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 1) / DAY;
  while (month < max) {
    ticks.push(isoOf(month));
    const d = new Date(month * DAY);
    month = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / DAY;
  }

  const forecastOf = new Map(rows.map((r) => [r.milestone.id, r.milestone.forecastDate]));
  const shown = dependencies.filter(
    (d) => milestoneY.has(d.predecessor) && milestoneY.has(d.successor),
  );
  const summary = rows
    .map(
      ({ milestone: m }) =>
        `${m.id} planned ${formatDate(m.plannedDate)}, forecast ${formatDate(m.forecastDate)}${m.slipWorkingDays > 0 ? `, ${m.slipWorkingDays} working days late` : ''}`,
    )
    .join('; ');

  return (
    // On a phone it scrolls sideways: the keyboard can scroll it too.
    <div className="timeline-scroll" tabIndex={0} role="region" aria-label="Milestone timeline">
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        width="100%"
        role="img"
        aria-labelledby="timeline-title timeline-desc"
        className="timeline"
        data-testid="milestone-timeline"
      >
        <title id="timeline-title">Milestone timeline: plan against forecast</title>
        <desc id="timeline-desc">{summary}</desc>
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M0,0 L10,5 L0,10 z" fill="#868e96" />
          </marker>
          <marker
            id="arrow-critical"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M0,0 L10,5 L0,10 z" fill={CRITICAL} />
          </marker>
        </defs>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={x(t)} x2={x(t)} y1={AXIS - 6} y2={height - 4} stroke="#e9ecef" />
            <text x={x(t) + 4} y={AXIS - 12} fontSize={12} fill="#495057">
              {formatShortDate(t).replace(/^1 /, '')}
            </text>
          </g>
        ))}
        <line
          x1={x(asOf)}
          x2={x(asOf)}
          y1={AXIS - 6}
          y2={height - 4}
          stroke="#364fc7"
          strokeDasharray="4 3"
        />
        <text x={x(asOf) + 4} y={AXIS - 12} fontSize={11} fontWeight={700} fill="#364fc7">
          as of {formatShortDate(asOf)}
        </text>
        {layout.map((item) => {
          const m = item.row.milestone;
          if (item.kind === 'milestone') {
            const status: Status = m.status.status;
            const xp = x(m.plannedDate);
            const xf = x(m.forecastDate);
            return (
              <g
                key={`m:${m.id}`}
                data-milestone={m.id}
                opacity={item.row.foreign === null ? 1 : 0.75}
              >
                <rect
                  x={0}
                  y={item.y - MILESTONE_ROW / 2}
                  width={WIDTH}
                  height={MILESTONE_ROW}
                  fill={item.row.foreign === null ? '#f8f9fa' : '#fff'}
                />
                <text x={8} y={item.y - 2} fontSize={13} fontWeight={700} fill="#212529">
                  {m.id}
                </text>
                <text x={8} y={item.y + 13} fontSize={11} fill="#495057">
                  {(item.row.foreign === null ? m.name : `${item.row.foreign} · ${m.name}`).slice(
                    0,
                    38,
                  )}
                </text>
                {xf !== xp && (
                  <>
                    <line
                      x1={xp}
                      x2={xf}
                      y1={item.y}
                      y2={item.y}
                      stroke={STATUS_HEX[status]}
                      strokeWidth={6}
                      strokeOpacity={0.25}
                    />
                    <text
                      x={(xp + xf) / 2}
                      y={item.y - 9}
                      fontSize={11}
                      fontWeight={700}
                      textAnchor="middle"
                      fill={STATUS_HEX[status]}
                    >
                      {m.slipWorkingDays > 0
                        ? `+${m.slipWorkingDays} wd`
                        : `${m.slipWorkingDays} wd`}
                    </text>
                  </>
                )}
                <path d={diamond(xp, item.y, 7)} fill="#fff" stroke="#495057" strokeWidth={1.5}>
                  <title>{`${m.id} planned ${formatDate(m.plannedDate)}`}</title>
                </path>
                <path
                  d={diamond(xf, item.y, 8)}
                  fill={STATUS_HEX[status]}
                  stroke="#fff"
                  strokeWidth={1}
                >
                  <title>{`${m.id} forecast ${formatDate(m.forecastDate)}`}</title>
                </path>
              </g>
            );
          }
          const w = m.workItems.find((i) => i.key === item.key);
          if (w === undefined) return null;
          const isCritical = critical.workItems.has(w.key);
          const xw = w.forecastFinish === null ? null : x(w.forecastFinish);
          const done = w.statusCategory === 'done';
          return (
            <g key={`w:${m.id}:${w.key}`} data-work-item={w.key}>
              <text
                x={22}
                y={item.y + 4}
                fontSize={11}
                fill={isCritical ? CRITICAL : '#495057'}
                fontWeight={isCritical ? 700 : 400}
              >
                {w.key} · {w.summary.slice(0, 26)}
              </text>
              {xw !== null && (
                <>
                  <line
                    x1={xw}
                    x2={x(m.forecastDate)}
                    y1={item.y}
                    y2={milestoneY.get(m.id) ?? item.y}
                    stroke={isCritical ? CRITICAL : '#ced4da'}
                    strokeWidth={isCritical ? 2 : 1}
                    strokeDasharray={isCritical ? undefined : '3 3'}
                  />
                  <circle
                    cx={xw}
                    cy={item.y}
                    r={5}
                    fill={done ? '#868e96' : isCritical ? CRITICAL : '#4c6ef5'}
                    stroke="#fff"
                  >
                    <title>{`${w.key} ${done ? 'finished' : 'forecast to finish'} ${formatDate(w.forecastFinish)}`}</title>
                  </circle>
                </>
              )}
            </g>
          );
        })}
        {shown.map((d) => {
          const y1 = milestoneY.get(d.predecessor) ?? 0;
          const y2 = milestoneY.get(d.successor) ?? 0;
          const x1 = x(forecastOf.get(d.predecessor) ?? asOf);
          const x2 = x(forecastOf.get(d.successor) ?? asOf);
          const isCritical = critical.edges.has(edgeKey(d.predecessor, d.successor));
          const bend = Math.max(x1 + 12, Math.min(x2 - 12, x1 + 24));
          return (
            <g
              key={edgeKey(d.predecessor, d.successor)}
              data-dependency={edgeKey(d.predecessor, d.successor)}
              data-critical={isCritical}
            >
              <path
                d={`M${x1 + 8},${y1} H${bend} V${y2} H${x2 - 10}`}
                fill="none"
                stroke={isCritical ? CRITICAL : '#868e96'}
                strokeWidth={isCritical ? 2.5 : 1.5}
                markerEnd={isCritical ? 'url(#arrow-critical)' : 'url(#arrow)'}
              />
              <text
                x={bend + 4}
                y={(y1 + y2) / 2 + 4}
                fontSize={11}
                fill={isCritical ? CRITICAL : '#495057'}
                fontWeight={600}
              >
                {d.type} {d.lagDays >= 0 ? '+' : ''}
                {d.lagDays} wd
              </text>
            </g>
          );
        })}
      </svg>
      <p className="visually-hidden">
        {[...drivers.entries()]
          .map(([id, driver]) =>
            driver.kind === 'dependency'
              ? `${id} waits on ${driver.predecessor}`
              : driver.kind === 'work_item'
                ? `${id} waits on work item ${driver.key}`
                : `${id} is at its planned date`,
          )
          .join('. ')}
      </p>
    </div>
  );
}
