import type { Command } from 'commander';
import { isIsoDate } from '../core/calendar.ts';
import { MAX_DURATION_MS, parseDuration } from '../core/duration.ts';
import { fail } from '../core/errors.ts';
import { unstorableReason } from '../core/storable-text.ts';
import { readPlan } from '../app/derive.ts';
import { defaultScopeOf, presentToken } from '../app/manage-tokens.ts';
import {
  issueApiToken,
  listAllTokens,
  revokeTokenById,
  type OperatorActor,
} from '../app/operator-tokens.ts';
import {
  DEFAULT_API_TOKEN_LIFETIME_MS,
  TOKEN_SCOPES,
  endOf,
  type TokenScope,
} from '../core/access/tokens.ts';
import type { CommandKit } from './main.ts';
import { printJson } from './output.ts';
import { withApp } from './with-app.ts';

/**
 * When a new token ends: `--expires-in` (a duration) or `--expires` (a date, at 00:00 UTC), 90
 * days from now when neither is given. Fails naming the flag when it is not a time to come.
 */
export function tokenExpiry(
  flags: { expiresIn?: string | undefined; expires?: string | undefined },
  now: Date,
): Date {
  if (flags.expiresIn !== undefined && flags.expires !== undefined) {
    fail('config.invalid', 'give --expires-in or --expires, not both', { path: '--expires' });
  }
  if (flags.expiresIn !== undefined) {
    const ms = parseDuration(flags.expiresIn);
    if (ms === null) {
      fail(
        'config.invalid',
        `'${flags.expiresIn}' is not a lifetime: write a whole number with m, h, d or w (e.g. 30d, 12h), at most ten years`,
        { path: '--expires-in' },
      );
    }
    return new Date(now.getTime() + ms);
  }
  if (flags.expires !== undefined) {
    const at = isIsoDate(flags.expires) ? new Date(`${flags.expires}T00:00:00Z`) : null;
    if (at === null || Number.isNaN(at.getTime())) {
      fail('config.invalid', `'${flags.expires}' is not a date written YYYY-MM-DD`, {
        path: '--expires',
      });
    }
    if (at.getTime() <= now.getTime() || at.getTime() - now.getTime() > MAX_DURATION_MS) {
      fail(
        'config.invalid',
        `${flags.expires} is not a day to come within ten years: a token must end, and not yet`,
        { path: '--expires' },
      );
    }
    return at;
  }
  return new Date(now.getTime() + DEFAULT_API_TOKEN_LIFETIME_MS);
}

/** Refuses a flag's text the database cannot store (a NUL, a lone surrogate), naming the flag. */
function storable(text: string | undefined, flag: string): void {
  const reason = text === undefined ? null : unstorableReason(text);
  if (reason !== null) fail('config.invalid', `${flag} ${reason}`, { path: flag });
}

/** A time to the minute, in UTC, for the text listing. */
function minute(at: Date | null): string {
  return at === null ? '-' : `${at.toISOString().slice(0, 16).replace('T', ' ')}Z`;
}

/** The command line changes tokens as the operator, audited as `cli`. */
const OPERATOR: OperatorActor = { actor: 'cli', origin: { via: 'cli' } };

/** `token create`, `token list` and `token revoke`: API tokens (and web sessions) by id. */
export function registerTokenCommands(program: Command, kit: CommandKit): void {
  const token = program
    .command('token')
    .description('API tokens: create, list and revoke (stored hashed; shown once)');
  token
    .command('create')
    .description('create an API token for a person of the plan (shown once)')
    .requiredOption('--person <id>', 'the person the token acts as')
    .option('--label <text>', 'what the token is for', 'cli')
    .option('--expires-in <duration>', 'lifetime: 30d, 12h, 2w … (default 90d)')
    .option('--expires <date>', 'the day it ends, YYYY-MM-DD (at 00:00 UTC)')
    .option(
      '--scope <scope>',
      'read, write or admin (default: all the person may do: admin for an admin, else write)',
    )
    .action(
      async (options: {
        person: string;
        label: string;
        expiresIn?: string;
        expires?: string;
        scope?: string;
      }) => {
        storable(options.label, '--label');
        const asked = options.scope;
        if (asked !== undefined && !(TOKEN_SCOPES as readonly string[]).includes(asked)) {
          fail(
            'config.invalid',
            `'${asked.slice(0, 40)}' is not a scope: write read, write or admin`,
            {
              path: '--scope',
            },
          );
        }
        // Checked before the database is opened: a bad flag fails at once. Tokens end by the wall
        // clock (a pinned "as of" moves only the engine's today).
        const expiresAt = tokenExpiry(options, new Date());
        const created = await withApp(kit, async (ctx) => {
          const now = ctx.clock.now();
          const plan = await readPlan(ctx);
          if (plan?.people.some((p) => p.id === options.person) !== true) {
            fail('plan.unknown_reference', `'${options.person}' is no person of the plan`, {
              path: '--person',
            });
          }
          const full = defaultScopeOf(plan, options.person);
          const scope = (asked as TokenScope | undefined) ?? full;
          if (scope === 'admin' && full !== 'admin') {
            fail(
              'config.invalid',
              `'${options.person}' is not an admin: their token can have the scope read or write`,
              { path: '--scope' },
            );
          }
          const secret = await issueApiToken(
            ctx,
            { person: options.person, label: options.label, scope, expiresAt },
            now,
            OPERATOR,
          );
          return { secret, expiresAt, scope };
        });
        if (kit.json()) {
          printJson(kit.output, {
            token: created.secret,
            id: created.secret.split('_')[1],
            person: options.person,
            label: options.label,
            scope: created.scope,
            expiresAt: created.expiresAt.toISOString(),
          });
        } else {
          // The token alone on standard output, so that `$(throughline token create …)` takes it.
          kit.output.out(created.secret);
        }
      },
    );

  token
    .command('list')
    .description('list API tokens and web sessions: id, person, label, dates (never the secret)')
    .option('--person <id>', 'only this person’s')
    .action(async (options: { person?: string }) => {
      storable(options.person, '--person');
      const { tokens, now } = await withApp(kit, async (ctx) => ({
        tokens: await listAllTokens(ctx, options.person),
        now: ctx.clock.now(),
      }));
      if (kit.json()) {
        printJson(kit.output, { tokens: tokens.map((t) => presentToken(t, now)) });
        return;
      }
      if (tokens.length === 0) {
        kit.output.out(
          options.person === undefined
            ? 'no tokens'
            : `no tokens of '${options.person}'; make one with throughline token create --person ${options.person}`,
        );
        return;
      }
      kit.output.out('ID          KIND     SCOPE  PERSON  LABEL  CREATED  EXPIRES  LAST USED');
      for (const t of tokens) {
        const ended = endOf(t, now);
        kit.output.out(
          `${t.id}  ${t.kind.padEnd(7)}  ${t.scope.padEnd(5)}  ${t.personId}  ${JSON.stringify(t.label)}  ${minute(t.createdAt)}  ${minute(t.expiresAt)}${ended === null ? '' : ` (${ended})`}  ${minute(t.lastUsedAt)}`,
        );
      }
    });

  token
    .command('revoke')
    .description('revoke a token or end a web session, by the id `token list` shows')
    .argument('<id>', 'the token’s id (also its prefix: tl_<id>_…)')
    .action(async (id: string) => {
      storable(id, 'ID');
      const revoked = await withApp(kit, (ctx) => revokeTokenById(ctx, id, OPERATOR));
      if (!revoked) {
        fail('not_found', `no token has the id '${id}'; see throughline token list`, {
          path: 'ID',
        });
      }
      if (kit.json()) printJson(kit.output, { revoked: id });
      else kit.output.out(`revoked ${id}`);
    });
}
