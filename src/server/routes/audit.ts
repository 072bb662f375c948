import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { authorize } from '../../app/viewer.ts';
import { parseDateOrInstant } from '../../core/calendar.ts';
import { fail } from '../../core/errors.ts';
import { readAuditLog } from '../../app/audit-log.ts';
import { auditRoute } from '../../contract/audit.ts';
import { routeSchema, serializeAsIs, type RouteTypes } from '../../contract/http.ts';
import { bearer } from './schemas.ts';

/** `/api/v1/audit`: every write, who made it, when, what it changed (docs/SECURITY.md). */
export function registerAuditRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<RouteTypes<typeof auditRoute>>(
    '/api/v1/audit',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(auditRoute),
        summary: 'The audit log: every write with its actor, time, changes and origin',
        description:
          'Oldest first. Filter by `person` (the actor: a person id, `source:jira:acme`, `engine`, `clock`, `cli`, `webhook`), `item` (exact, e.g. `kpis/K-SAVINGS`, or a prefix ending in `/`, e.g. `decision/`), `from` and `to` (instants; `to` excluded). Page with `after` (the last `seq` read). For admins and finance controllers.',
        tags: ['audit'],
        security: bearer,
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
