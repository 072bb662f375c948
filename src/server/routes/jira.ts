import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { authorize } from '../../app/viewer.ts';
import { ingestWorkItemEvents } from '../../app/ingest-work.ts';
import { normalizeJiraPayload } from '../../connectors/jira/normalize-jira.ts';
import { routeSchema, serializeAsIs, type RouteTypes } from '../../contract/http.ts';
import { jiraIngestRoute } from '../../contract/jira.ts';
import { bearer } from './schemas.ts';
import { actorOf } from '../actor.ts';

/** `POST /api/v1/jira/ingest`: a saved Jira payload in, with the same rules as `jira ingest`. */
export function registerJiraRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<RouteTypes<typeof jiraIngestRoute>>(
    '/api/v1/jira/ingest',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(jiraIngestRoute),
        summary:
          'Ingests a Jira Cloud payload: a /rest/api/3/search/jql page or an issue webhook delivery',
        description:
          'Duplicates change nothing; an older update arriving after a newer one does not roll the item back.',
        tags: ['work'],
        security: bearer,
      },
    },
    async (request) => {
      await authorize(ctx, request.personId, { kind: 'source.push' });
      const batch = normalizeJiraPayload(request.body, {
        source: request.query.source,
        file: 'request body',
      });
      const result = await ingestWorkItemEvents(ctx, batch.entries, actorOf(request));
      return {
        kind: batch.kind,
        applied: result.applied,
        duplicates: result.duplicates,
        stale: result.stale,
        signals: result.signals,
        durationMs: Math.round(result.durationMs * 100) / 100,
      };
    },
  );
}
