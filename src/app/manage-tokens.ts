import { may } from '../core/access/policy.ts';
import type { Plan } from '../core/domain/plan.ts';
import { fail } from '../core/errors.ts';
import { endOf, scopeCovers, type TokenScope } from '../core/access/tokens.ts';
import { findToken, listTokens, revokeToken, type StoredToken } from '../store/token-store.ts';
import { appendAudit, type WriteOrigin } from '../store/audit-store.ts';
import type { AppContext } from './context.ts';
import { readPlan } from './derive.ts';
import { issueApiToken } from './operator-tokens.ts';

/** Who asks, and with what: their person and the scope of the token (or session) they hold. */
export interface TokenActor {
  personId: string;
  scope: TokenScope;
  /** Where the request came from, for the audit log. */
  origin?: WriteOrigin;
}

/** A token as the audit log keeps it: never its secret. */
function auditedToken(
  token: Pick<StoredToken, 'personId' | 'kind' | 'scope' | 'label' | 'expiresAt'>,
) {
  return {
    person: token.personId,
    kind: token.kind,
    scope: token.scope,
    label: token.label,
    expiresAt: token.expiresAt.toISOString(),
  };
}

/**
 * Whether the actor may manage every person's tokens: an admin (by the access policy) holding a
 * token of scope `admin` (a web session holds its person's full rights).
 */
export function actsAsTokenAdmin(plan: Plan | null, actor: TokenActor): boolean {
  return (
    plan !== null &&
    actor.scope === 'admin' &&
    may(plan, actor.personId, { kind: 'tokens.admin' }).ok
  );
}

/**
 * The scope a new token gets when none is asked for: everything its person may do (`admin` for
 * an admin, `write` for anyone else).
 */
export function defaultScopeOf(plan: Plan, personId: string): TokenScope {
  return may(plan, personId, { kind: 'tokens.admin' }).ok ? 'admin' : 'write';
}

/** The tokens (and web sessions) the actor may see: their own; anyone's for an admin. */
export async function listTokensAs(
  ctx: AppContext,
  actor: TokenActor,
  personFilter: string | undefined,
): Promise<StoredToken[]> {
  const admin = actsAsTokenAdmin(await readPlan(ctx), actor);
  if (personFilter !== undefined && personFilter !== actor.personId && !admin) {
    fail(
      'auth.forbidden',
      `Only an admin (with a token of scope 'admin') may list the tokens of '${personFilter}'; you may list your own`,
      { path: 'query.person' },
    );
  }
  return listTokens(ctx.db, { personId: admin ? personFilter : actor.personId });
}

/** What a new token is to be. */
export interface NewToken {
  person?: string | undefined;
  label: string;
  scope?: TokenScope | undefined;
  expiresAt: Date;
}

/**
 * Makes an API token: for the actor, or for anyone when the actor acts as an admin. A token never
 * gets a wider scope than the one it was made with, nor than its person may use.
 */
export async function createTokenAs(
  ctx: AppContext,
  actor: TokenActor,
  wanted: NewToken,
  now: Date,
): Promise<{ secret: string; id: string; person: string; scope: TokenScope }> {
  const plan = await readPlan(ctx);
  const personId = wanted.person ?? actor.personId;
  if (personId !== actor.personId && !actsAsTokenAdmin(plan, actor)) {
    fail(
      'auth.forbidden',
      `Only an admin (with a token of scope 'admin') may make a token for '${personId}'; you may make your own`,
      { path: 'body.person' },
    );
  }
  if (plan?.people.some((p) => p.id === personId) !== true) {
    fail('plan.unknown_reference', `'${personId}' is no person of the plan`, {
      path: 'body.person',
    });
  }
  const fullScope = defaultScopeOf(plan, personId);
  const scope = wanted.scope ?? (scopeCovers(actor.scope, fullScope) ? fullScope : actor.scope);
  if (!scopeCovers(actor.scope, scope)) {
    fail(
      'auth.insufficient_scope',
      `A token of scope '${actor.scope}' cannot make a token of scope '${scope}'`,
      { path: 'body.scope' },
    );
  }
  if (scope === 'admin' && fullScope !== 'admin') {
    fail(
      'auth.insufficient_scope',
      `'${personId}' is not an admin: a token of theirs can have the scope 'read' or 'write'`,
      { path: 'body.scope' },
    );
  }
  const secret = await issueApiToken(
    ctx,
    { person: personId, label: wanted.label, scope, expiresAt: wanted.expiresAt },
    now,
    { actor: actor.personId, origin: actor.origin ?? { via: 'api' } },
  );
  return { secret, id: secret.split('_')[1] ?? '', person: personId, scope };
}

/**
 * Revokes a token (or ends a web session) by its id: the actor's own, or anyone's for an admin.
 * Another person's token is "not found" to anyone else, so that ids cannot be probed.
 */
export async function revokeTokenAs(
  ctx: AppContext,
  actor: TokenActor,
  id: string,
): Promise<StoredToken> {
  const token = await findToken(ctx.db, id);
  const visible =
    token !== null &&
    (token.personId === actor.personId || actsAsTokenAdmin(await readPlan(ctx), actor));
  if (token === null || !visible) {
    fail('not_found', `No token of yours has the id '${id}'; see GET /api/v1/tokens`, {
      path: 'params.id',
    });
  }
  await ctx.db.transaction(async (tx) => {
    await revokeToken(tx, id);
    await appendAudit(
      tx,
      [
        {
          action: token.kind === 'session' ? 'session.end' : 'token.revoke',
          item: `token/${id}`,
          before: auditedToken(token),
        },
      ],
      ctx.clock.now(),
      actor.personId,
      actor.origin ?? { via: 'api' },
    );
  });
  return token;
}

/** The stored token with this public id, or null (of anyone: the caller decides who may see it). */
export function findTokenById(ctx: AppContext, id: string): Promise<StoredToken | null> {
  return findToken(ctx.db, id);
}

/** A token as the API shows it: never its secret (which is not kept). */
export function presentToken(token: StoredToken, now: Date) {
  return {
    id: token.id,
    kind: token.kind,
    person: token.personId,
    scope: token.scope,
    label: token.label,
    createdAt: token.createdAt.toISOString(),
    expiresAt: token.expiresAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    ended: endOf(token, now),
  };
}
