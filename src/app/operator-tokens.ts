import type { TokenScope } from '../core/access/tokens.ts';
import { appendAudit, type WriteOrigin } from '../store/audit-store.ts';
import {
  createApiToken,
  findToken,
  listTokens,
  revokeToken,
  type StoredToken,
} from '../store/token-store.ts';
import type { AppContext } from './context.ts';

/*
 * Tokens as the operator manages them with direct access to the database (the command line):
 * any person's, with no token of their own to check, each change audited under the operator's
 * name. Over the API, manage-tokens.ts applies the caller's rights instead.
 */

/** Who changes tokens from the command line, as the audit log names them. */
export interface OperatorActor {
  actor: string;
  origin: WriteOrigin;
}

/** What a new token is to be: checked by the caller (a person of the plan, a scope they may hold). */
export interface IssuedToken {
  person: string;
  label: string;
  scope: TokenScope;
  expiresAt: Date;
}

/** Makes an API token and audits it (`token.create`) in one transaction; returns its secret. */
export function issueApiToken(
  ctx: AppContext,
  wanted: IssuedToken,
  now: Date,
  by: OperatorActor,
): Promise<string> {
  return ctx.db.transaction(async (tx) => {
    const made = await createApiToken(
      tx,
      wanted.person,
      wanted.label,
      now,
      wanted.expiresAt,
      wanted.scope,
    );
    await appendAudit(
      tx,
      [
        {
          action: 'token.create',
          item: `token/${made.split('_')[1] ?? ''}`,
          after: {
            person: wanted.person,
            kind: 'api',
            scope: wanted.scope,
            label: wanted.label,
            expiresAt: wanted.expiresAt.toISOString(),
          },
        },
      ],
      now,
      by.actor,
      by.origin,
    );
    return made;
  });
}

/** The stored tokens and web sessions, oldest first; only one person's when asked. */
export function listAllTokens(
  ctx: AppContext,
  personId: string | undefined,
): Promise<StoredToken[]> {
  return listTokens(ctx.db, { personId });
}

/**
 * Revokes a token (or ends a web session) by its id and audits it (`token.revoke`,
 * `session.end`) in one transaction; false when no token has that id.
 */
export function revokeTokenById(ctx: AppContext, id: string, by: OperatorActor): Promise<boolean> {
  return ctx.db.transaction(async (tx) => {
    const token = await findToken(tx, id);
    if (token === null || !(await revokeToken(tx, id))) return false;
    await appendAudit(
      tx,
      [
        {
          action: token.kind === 'session' ? 'session.end' : 'token.revoke',
          item: `token/${id}`,
          before: {
            person: token.personId,
            kind: token.kind,
            scope: token.scope,
            label: token.label,
          },
        },
      ],
      ctx.clock.now(),
      by.actor,
      by.origin,
    );
    return true;
  });
}
