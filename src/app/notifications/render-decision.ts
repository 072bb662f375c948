import type { Decision, DecisionOption } from '../../core/decisions/decision.ts';
import { personName } from '../../core/decisions/escalation.ts';
import type { Plan } from '../../core/domain/plan.ts';
import { formatAmount, formatWithUnit } from '../../core/engine/format.ts';
import type { DecisionEvent } from '../../store/decision-store.ts';
import {
  personLabel,
  type RenderContext,
  type RenderedMessage,
  type SlackBlock,
} from './render-signal.ts';
import {
  clip,
  escapeHtml,
  escapeMrkdwn,
  HEADER_MAX,
  oneLine,
  SECTION_MAX,
} from './message-text.ts';

/**
 * A step of a decision as a message to one person: e-mail (plain text and HTML) and chat. Each
 * says in plain words what happened, what the person is asked to do and by when, the money of
 * the options (or of the one chosen), and links to the decision's page.
 */

/** The address of a decision in the web app. */
export function decisionLink(publicUrl: string, decisionId: string): string {
  return `${publicUrl}/decisions/${encodeURIComponent(decisionId)}`;
}

function money(plan: Plan | null, amount: number, unit?: string): string {
  return formatWithUnit(formatAmount(amount), unit ?? plan?.organisation.currency ?? '');
}

/**
 * An option's money and dates in plain words: what it costs, the money short of target before
 * and after, each KPI period it moves, and the milestones whose forecast it moves.
 */
export function describeOption(option: DecisionOption, plan: Plan | null): string[] {
  const { totals, kpis, milestones } = option.result;
  const lines: string[] = [];
  if (totals.scenarioCost > 0) lines.push(`costs ${money(plan, totals.scenarioCost)}`);
  const budget = totals.budgetPlan.after - totals.budgetPlan.before;
  if (Math.round(budget) !== 0)
    lines.push(`${budget > 0 ? 'adds' : 'takes'} ${money(plan, Math.abs(budget))} of budget`);
  const stake = totals.moneyAtStake.againstTarget;
  lines.push(
    Math.round(stake.before) === Math.round(stake.after)
      ? `leaves ${money(plan, stake.after)} short of target`
      : `${money(plan, stake.after)} short of target (now ${money(plan, stake.before)})`,
  );
  for (const k of kpis) {
    if (k.forecast.before === k.forecast.after || k.forecast.after === null) continue;
    const unit = plan?.kpis.find((x) => x.id === k.kpi)?.unitOfMeasure;
    const target =
      k.target.after === null ? '' : ` against a target of ${money(plan, k.target.after, unit)}`;
    lines.push(
      `${k.kpi} ${k.period}: forecast ${money(plan, k.forecast.after, unit)}${target} (now ${formatAmount(k.forecast.before ?? 0)})`,
    );
  }
  for (const m of milestones) {
    const { before, after } = m.forecastDate;
    if (before === after) continue;
    const name = plan?.milestones.find((x) => x.id === m.id)?.name;
    const label = name === undefined ? m.id : `${name} (${m.id})`;
    lines.push(
      after === null ? `${label} dropped` : `${label} forecast ${after} (now ${before ?? 'none'})`,
    );
  }
  return lines;
}

interface Body {
  heading: string;
  /** Paragraphs; a paragraph with `items` lists them under its text. */
  paragraphs: { text: string; items?: string[] }[];
  link: string;
  why: string;
}

function render(body: Body): RenderedMessage {
  const text = [
    body.heading,
    '',
    ...body.paragraphs.flatMap((p) => [p.text, ...(p.items ?? []).map((item) => `  ${item}`), '']),
    `Open the decision: ${body.link}`,
    '',
    body.why,
    '',
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif;line-height:1.4">',
    `<h2 style="margin:0 0 12px">${escapeHtml(body.heading)}</h2>`,
    ...body.paragraphs.map(
      (p) =>
        `<p style="margin:0 0 8px">${escapeHtml(p.text)}</p>${
          p.items === undefined || p.items.length === 0
            ? ''
            : `<ul>${p.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`
        }`,
    ),
    `<p><a href="${escapeHtml(body.link)}">Open the decision in Throughline</a></p>`,
    `<p style="color:#666;font-size:12px">${escapeHtml(body.why)}</p>`,
    '</body></html>',
  ].join('\n');
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(oneLine(body.heading), HEADER_MAX) } },
    ...body.paragraphs.map((p): SlackBlock => ({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: clip(
          [escapeMrkdwn(p.text), ...(p.items ?? []).map((i) => `• ${escapeMrkdwn(i)}`)].join('\n'),
          SECTION_MAX,
        ),
      },
    })),
    {
      type: 'actions',
      elements: [
        { type: 'button', text: { type: 'plain_text', text: 'Open the decision' }, url: body.link },
      ],
    },
  ];
  return {
    subject: clip(oneLine(`[Throughline] ${body.heading}`), 200),
    text,
    html,
    chat: { text: `${oneLine(body.heading)} — ${body.link}`, blocks },
  };
}

function optionsParagraph(
  options: readonly DecisionOption[],
  plan: Plan | null,
  text: string,
): { text: string; items: string[] } {
  return {
    text,
    items: options.map(
      (o) =>
        `${o.number}. ${o.title}${o.lastDay === null ? '' : ` (possible until ${o.lastDay})`}: ${describeOption(o, plan).join('; ')}`,
    ),
  };
}

/** Who took a step: a person's name, or Throughline for a step it took by itself. */
function opener(plan: Plan | null, actor: string): string {
  return plan?.people.some((p) => p.id === actor) === true
    ? personName(plan, actor)
    : 'Throughline';
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function numbers(value: unknown): number[] {
  return Array.isArray(value) ? value.filter((v): v is number => typeof v === 'number') : [];
}

/**
 * One step of a decision's history as a message to `recipient`: `opened`, `option_added`,
 * `reminded`, `escalated`, `overdue` or `decided`. The decision is as it stands now; the step's
 * detail says what it was at the time.
 */
export function renderDecisionEvent(
  decision: Decision,
  event: DecisionEvent,
  recipient: string,
  context: RenderContext,
): RenderedMessage {
  const { plan } = context;
  const name = (id: string): string => personName(plan, id);
  const link = decisionLink(context.publicUrl, decision.id);
  const d = event.detail;
  const id = decision.id;
  const title = decision.title;
  const due = str(d.dueDate) ?? decision.dueDate;
  const byDue = due === null ? 'no due date' : `by ${due}`;
  const yours = 'You are told because the decision is yours: only you can decide it.';
  switch (event.action) {
    case 'opened':
      return render({
        heading: `Decision ${id} is yours, due ${due ?? 'without a due date'}: ${title}`,
        paragraphs: [
          {
            text: `${personLabel(plan, recipient)}: ${opener(plan, event.actor)} opened ${id}, and it is yours to decide ${byDue}. ${decision.decider.because}.`,
          },
          optionsParagraph(
            decision.options,
            plan,
            'The options, each priced against doing nothing:',
          ),
        ],
        link,
        why: yours,
      });
    case 'option_added': {
      const option = decision.options.find((o) => o.number === d.option);
      return render({
        heading: `Decision ${id}: option ${String(d.option)} added — ${title}`,
        paragraphs: [
          {
            text: `${opener(plan, event.actor)} added an option to ${id}. It is yours to decide ${byDue}.`,
          },
          ...(option === undefined ? [] : [optionsParagraph([option], plan, 'The new option:')]),
        ],
        link,
        why: yours,
      });
    }
    case 'reminded': {
      const today = d.step === 'due_today';
      const next = str(d.next);
      const then =
        next === null
          ? ''
          : ` If it is not decided by then, it goes to ${personLabel(plan, next)}.`;
      return render({
        heading: today
          ? `Decision ${id} is due today (${due ?? ''}): ${title}`
          : `Decision ${id} is due in ${String(d.daysLeft)} days (${due ?? ''}): ${title}`,
        paragraphs: [
          {
            text: `A reminder: ${id} is yours to decide ${byDue}; after that, not every option is still possible.${then}`,
          },
          optionsParagraph(
            decision.options,
            plan,
            'The options, each priced against doing nothing:',
          ),
        ],
        link,
        why: yours,
      });
    }
    case 'escalated':
    case 'overdue': {
      const from = str(d.from) ?? '';
      const to = str(d.to) ?? decision.decider.person;
      const passed = str(d.passedDueDate) ?? '';
      const expired = decision.options.filter((o) => numbers(d.expired).includes(o.number));
      const remaining = decision.options.filter((o) => numbers(d.remaining).includes(o.number));
      const gone =
        expired.length === 0
          ? []
          : [
              {
                text: 'No longer possible:',
                items: expired.map(
                  (o) => `${o.number}. ${o.title} (possible until ${o.lastDay ?? ''})`,
                ),
              },
            ];
      const left =
        remaining.length === 0
          ? [
              {
                text: `No option is still possible: ${id} can no longer be decided. Open a new decision with options that are possible now.`,
              },
            ]
          : [optionsParagraph(remaining, plan, `Still possible, ${byDue}:`)];
      if (recipient === to) {
        return render({
          heading:
            event.action === 'overdue'
              ? `Decision ${id} is overdue and still yours: ${title}`
              : `Decision ${id} is now yours: ${title}`,
          paragraphs: [
            {
              text:
                event.action === 'overdue'
                  ? `${id} was due on ${passed} and is not decided. Nobody above you holds the right, so it stays with you${remaining.length === 0 ? '.' : `, now ${byDue}.`}`
                  : `${name(from)} did not decide ${id} by ${passed}, when it was due, so it goes up to you${remaining.length === 0 ? '.' : `: decide it ${byDue}.`}`,
            },
            ...gone,
            ...left,
          ],
          link,
          why: yours,
        });
      }
      return render({
        heading: `Decision ${id} went to ${name(to)}: ${title}`,
        paragraphs: [
          {
            text: `${id} was not decided by ${passed}, when it was due, so it went from you to ${personLabel(plan, to)}, who decides it now.`,
          },
          ...gone,
        ],
        link,
        why: 'You are told because the decision was yours.',
      });
    }
    case 'decided': {
      const option = decision.options.find((o) => o.number === d.option);
      const optionTitle = option?.title ?? str(d.title) ?? `option ${String(d.option)}`;
      const reason = str(d.reason) ?? decision.outcome?.reason ?? '';
      const baseline = Array.isArray(d.baseline)
        ? (d.baseline as { milestone?: unknown; before?: unknown; after?: unknown }[]).map(
            (b) => `${String(b.milestone)}: planned ${String(b.before)} → ${String(b.after)}`,
          )
        : [];
      return render({
        heading: `Decided: ${id} — ${optionTitle}`,
        paragraphs: [
          {
            text: `${personLabel(plan, event.actor)} decided ${id} (${title}): option ${String(d.option)}, ${optionTitle}. The reason given: "${reason}"`,
          },
          ...(option === undefined
            ? []
            : [
                {
                  text: 'What it does to the plan, as priced:',
                  items: describeOption(option, plan),
                },
              ]),
          ...(baseline.length === 0
            ? []
            : [
                {
                  text: 'New baselines (the old ones are kept in the plan history):',
                  items: baseline,
                },
              ]),
        ],
        link,
        why: 'You are told because the option chosen touches what you own.',
      });
    }
    default:
      return render({
        heading: `Decision ${id}: ${event.action} — ${title}`,
        paragraphs: [{ text: `${name(event.actor)}: ${event.action}.` }],
        link,
        why: yours,
      });
  }
}
