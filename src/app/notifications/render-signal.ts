import type { Plan } from '../../core/domain/plan.ts';
import type { ChainStep, Signal } from '../../core/domain/state.ts';
import { formatAmount, formatSigned, formatWithUnit } from '../../core/engine/format.ts';
import {
  clip,
  escapeHtml,
  escapeMrkdwn,
  HEADER_MAX,
  oneLine,
  SECTION_MAX,
} from './message-text.ts';

/** What rendering needs beyond the signal: names and units from the plan, and where links point. */
export interface RenderContext {
  plan: Plan | null;
  /** Where people open Throughline, without a trailing slash. */
  publicUrl: string;
}

/** A Slack text object. */
export interface SlackText {
  type: 'plain_text' | 'mrkdwn';
  text: string;
}

/** The Slack Block Kit blocks we send (a subset every Slack-compatible receiver takes). */
export type SlackBlock =
  | { type: 'header'; text: SlackText }
  | { type: 'section'; text: SlackText }
  | { type: 'context'; elements: SlackText[] }
  | { type: 'divider' }
  | {
      type: 'actions';
      elements: { type: 'button'; text: SlackText; url: string }[];
    };

/** A Slack-compatible incoming-webhook body: `text` is the fallback, `blocks` the layout. */
export interface ChatMessage {
  text: string;
  blocks: SlackBlock[];
}

/** One notification in every form a channel needs. */
export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
  chat: ChatMessage;
}

// Slack allows 50 blocks a message.
const DIGEST_SIGNALS_MAX = 40;

/** The address of a signal in the web app. */
export function signalLink(publicUrl: string, signalId: string): string {
  return `${publicUrl}/signals/${encodeURIComponent(signalId)}`;
}

function numberOf(figures: ChainStep['figures'], key: string): number | null {
  const value = figures[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** A person's name and title, or their id when the plan does not know them. */
export function personLabel(plan: Plan | null, personId: string): string {
  const person = plan?.people.find((p) => p.id === personId);
  if (person === undefined) return personId;
  return person.title === undefined ? person.name : `${person.name} (${person.title})`;
}

/**
 * The money of a signal: each KPI step of its chain with the change, the forecast and the
 * target, in the KPI's unit. Empty when the chain reaches no KPI figure.
 */
export function describeMoney(signal: Signal, plan: Plan | null): string[] {
  const lines: string[] = [];
  for (const step of signal.chain) {
    if (step.kind !== 'kpi') continue;
    const kpi = plan?.kpis.find((k) => k.id === step.id);
    const unit = kpi?.unitOfMeasure ?? plan?.organisation.currency ?? '';
    const delta = numberOf(step.figures, 'delta');
    const forecast = numberOf(step.figures, 'forecast');
    const target = numberOf(step.figures, 'target');
    const shortfall = numberOf(step.figures, 'shortfall');
    const period = step.figures.period;
    if (delta === null && forecast === null) continue;
    const parts: string[] = [];
    if (delta !== null) parts.push(`${formatWithUnit(formatSigned(delta), unit)} from this change`);
    if (forecast !== null && target !== null) {
      parts.push(
        `forecast ${formatAmount(forecast)} against a target of ${formatWithUnit(formatAmount(target), unit)}`,
      );
    } else if (forecast !== null) {
      parts.push(`forecast ${formatWithUnit(formatAmount(forecast), unit)}`);
    }
    if (shortfall !== null && shortfall > 0) {
      parts.push(`${formatWithUnit(formatAmount(shortfall), unit)} short`);
    }
    const name = kpi === undefined ? step.id : `${step.id} ${kpi.name}`;
    lines.push(`${name}${typeof period === 'string' ? `, ${period}` : ''}: ${parts.join('; ')}`);
  }
  return lines;
}

function subjectOf(title: string): string {
  return clip(oneLine(`[Throughline] ${title}`), 200);
}

/** A signal as an e-mail (plain text and HTML) and a chat message: title, cause chain, money, owners, link. */
export function renderSignal(signal: Signal, context: RenderContext): RenderedMessage {
  const link = signalLink(context.publicUrl, signal.id);
  const steps = signal.chain.map((step) => step.text);
  const money = describeMoney(signal, context.plan);
  const owners = signal.affectedOwners.map((id) => personLabel(context.plan, id));

  const text = [
    signal.title,
    '',
    'What happened, step by step:',
    ...steps.map((step, index) => `  ${index + 1}. ${step}`),
    ...(money.length === 0 ? [] : ['', 'The money:', ...money.map((line) => `  ${line}`)]),
    '',
    `Affects: ${owners.join(', ')}`,
    '',
    `Open the signal: ${link}`,
    '',
    'You are told because you own a part of this chain. Your notification preferences decide how.',
    '',
  ].join('\n');

  const html = [
    '<!doctype html><html><body style="font-family:sans-serif;line-height:1.4">',
    `<h2 style="margin:0 0 12px">${escapeHtml(signal.title)}</h2>`,
    '<p style="margin:0 0 4px"><strong>What happened, step by step</strong></p>',
    `<ol>${steps.map((step) => `<li>${escapeHtml(step)}</li>`).join('')}</ol>`,
    ...(money.length === 0
      ? []
      : [
          '<p style="margin:0 0 4px"><strong>The money</strong></p>',
          `<ul>${money.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`,
        ]),
    `<p><strong>Affects:</strong> ${escapeHtml(owners.join(', '))}</p>`,
    `<p><a href="${escapeHtml(link)}">Open the signal in Throughline</a></p>`,
    '<p style="color:#666;font-size:12px">You are told because you own a part of this chain. Your notification preferences decide how.</p>',
    '</body></html>',
  ].join('\n');

  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(oneLine(signal.title), HEADER_MAX) } },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: clip(
          `*What happened, step by step*\n${steps.map((s, i) => `${i + 1}. ${escapeMrkdwn(s)}`).join('\n')}`,
          SECTION_MAX,
        ),
      },
    },
    ...(money.length === 0
      ? []
      : [
          {
            type: 'section',
            text: {
              type: 'mrkdwn',
              text: clip(`*The money*\n${money.map(escapeMrkdwn).join('\n')}`, SECTION_MAX),
            },
          } satisfies SlackBlock,
        ]),
    {
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: clip(`Affects: ${escapeMrkdwn(owners.join(', '))}`, SECTION_MAX) },
      ],
    },
    {
      type: 'actions',
      elements: [
        { type: 'button', text: { type: 'plain_text', text: 'Open the signal' }, url: link },
      ],
    },
  ];

  return {
    subject: subjectOf(signal.title),
    text,
    html,
    chat: { text: `${oneLine(signal.title)} — ${link}`, blocks },
  };
}

/** The line a digest shows under a signal's title: its money, or else the last step of its chain. */
function digestSummary(signal: Signal, plan: Plan | null): string {
  const money = describeMoney(signal, plan);
  if (money.length > 0) return money.join('; ');
  return signal.chain.at(-1)?.text ?? '';
}

/** Several signals for one person in one message, each with its money and link. */
export function renderDigest(
  signals: readonly Signal[],
  recipientId: string,
  context: RenderContext,
): RenderedMessage {
  const count = signals.length;
  const heading = `${count} signal${count === 1 ? '' : 's'} for ${personLabel(context.plan, recipientId)}`;
  const items = signals.map((signal) => ({
    signal,
    link: signalLink(context.publicUrl, signal.id),
    summary: digestSummary(signal, context.plan),
  }));

  const text = [
    heading,
    '',
    ...items.flatMap(({ signal, link, summary }, index) => [
      `${index + 1}. ${signal.title}`,
      ...(summary === '' ? [] : [`   ${summary}`]),
      `   ${link}`,
      '',
    ]),
    'This digest collects the signals raised since the last one. Your notification preferences decide how you are told.',
    '',
  ].join('\n');

  const html = [
    '<!doctype html><html><body style="font-family:sans-serif;line-height:1.4">',
    `<h2 style="margin:0 0 12px">${escapeHtml(heading)}</h2>`,
    '<ol>',
    ...items.map(
      ({ signal, link, summary }) =>
        `<li><a href="${escapeHtml(link)}">${escapeHtml(signal.title)}</a>${summary === '' ? '' : `<br>${escapeHtml(summary)}`}</li>`,
    ),
    '</ol>',
    '<p style="color:#666;font-size:12px">This digest collects the signals raised since the last one. Your notification preferences decide how you are told.</p>',
    '</body></html>',
  ].join('\n');

  const shown = items.slice(0, DIGEST_SIGNALS_MAX);
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(heading, HEADER_MAX) } },
    ...shown.map(({ signal, link, summary }): SlackBlock => ({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: clip(
          `*<${link}|${escapeMrkdwn(oneLine(signal.title))}>*${summary === '' ? '' : `\n${escapeMrkdwn(summary)}`}`,
          SECTION_MAX,
        ),
      },
    })),
    ...(items.length > shown.length
      ? [
          {
            type: 'context',
            elements: [{ type: 'mrkdwn', text: `…and ${items.length - shown.length} more` }],
          } satisfies SlackBlock,
        ]
      : []),
  ];

  return {
    subject: subjectOf(heading),
    text,
    html,
    chat: { text: heading, blocks },
  };
}

/** A message that only proves a channel reaches a person. */
export function renderTestMessage(recipientId: string, context: RenderContext): RenderedMessage {
  const title = 'Test notification from Throughline';
  const body = `Hello ${personLabel(context.plan, recipientId)}: notifications reach you here. Signals that affect you will arrive the same way.`;
  return {
    subject: subjectOf(title),
    text: `${title}\n\n${body}\n\n${context.publicUrl}\n`,
    html: `<!doctype html><html><body style="font-family:sans-serif"><h2>${escapeHtml(title)}</h2><p>${escapeHtml(body)}</p><p><a href="${escapeHtml(context.publicUrl)}">${escapeHtml(context.publicUrl)}</a></p></body></html>`,
    chat: {
      text: `${title}: ${body}`,
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: title } },
        { type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(body) } },
      ],
    },
  };
}
