import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { authorize } from '../../app/viewer.ts';
import { parseDateOrInstant } from '../../core/calendar.ts';
import { fail } from '../../core/errors.ts';
import { readAuditLog } from '../../app/audit-log.ts';
import { bearer, errorResponses } from './schemas.ts';

interface AuditQuerystring {
  person?: string;
  item?: string;
  from?: string;
  to?: string;
  after?: number;
  limit?: number;
}

/** No control characters: 400 naming the parameter. */
const TEXT = { type: 'string', minLength: 1, maxLength: 300, pattern: '^[^\\u0000-\\u001f]+$' };
const INSTANT = {
  type: 'string',
  maxLength: 40,
  description: 'An ISO 8601 date or instant, e.g. 2026-09-14 or 2026-09-14T10:00:00Z',
};

/** `/api/v1/audit`: every write, who made it, when, what it changed (docs/SECURITY.md). */
export function registerAuditRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: AuditQuerystring }>(
    '/api/v1/audit',
    {
      schema: {
        summary: 'The audit log: every write with its actor, time, changes and origin',
        description:
          'Oldest first. Filter by `person` (the actor: a person id, `source:jira:acme`, `engine`, `clock`, `cli`, `webhook`), `item` (exact, e.g. `kpis/K-SAVINGS`, or a prefix ending in `/`, e.g. `decision/`), `from` and `to` (instants; `to` excluded). Page with `after` (the last `seq` read). For admins and finance controllers.',
        tags: ['audit'],
        security: bearer,
        querystring: {
          type: 'object',
          properties: {
            person: TEXT,
            item: TEXT,
            from: INSTANT,
            to: INSTANT,
            after: { type: 'integer', minimum: 0 },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200 },
          },
          additionalProperties: false,
        },
        response: errorResponses,
      },
    },
    async (request) => {
      await authorize(ctx, request.personId, { kind: 'audit.read' });
      const { person, item, from, to, after, limit } = request.query;
      const entries = await readAuditLog(ctx, {
        ...(person === undefined ? {} : { actor: person }),
        ...(item === undefined ? {} : { item }),
        ...(from === undefined ? {} : { from: instant(from, 'from') }),
        ...(to === undefined ? {} : { to: instant(to, 'to') }),
        ...(after === undefined ? {} : { after }),
        limit: limit ?? 200,
      });
      return { entries, next: entries.length === (limit ?? 200) ? entries.at(-1)?.seq : null };
    },
  );
}

function instant(text: string, field: string): Date {
  const when = parseDateOrInstant(text);
  if (when === null)
    fail('request.invalid', `${field}: '${text}' is not a date or an instant with a zone`, {
      path: `querystring.${field}`,
    });
  return when;
}
