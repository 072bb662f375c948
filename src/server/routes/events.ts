import type { FastifyInstance } from 'fastify';
import { fail } from '../../core/errors.ts';
import type { EventHub } from '../live/event-hub.ts';
import { eventsRoute } from '../../contract/events.ts';
import { routeSchema, type RouteTypes } from '../../contract/http.ts';
import { bearer } from './schemas.ts';

/** `GET /api/v1/events`: the live stream (Server-Sent Events), resumable with Last-Event-ID. */
export function registerEventRoutes(app: FastifyInstance, hub: EventHub): void {
  app.get<{ Querystring: RouteTypes<typeof eventsRoute>['Querystring'] }>(
    '/api/v1/events',
    {
      schema: {
        ...routeSchema(eventsRoute),
        summary:
          'Live events: signals raised, changed and resolved, and derived figures that moved',
        description:
          'text/event-stream. Event `signal`: {action: raised|changed|resolved, signal}; event `state`: {asOf, milestones, kpis, initiatives, objectives, workItems} (ids that changed). Each event has an id; reconnect with Last-Event-ID (header, or ?lastEventId=) to receive what was missed. Filtered to what the caller may see.',
        tags: ['live'],
        security: bearer,
      },
    },
    async (request, reply) => {
      const fromHeader = request.headers['last-event-id'];
      const text =
        (Array.isArray(fromHeader) ? fromHeader[0] : fromHeader) ?? request.query.lastEventId;
      if (text !== undefined && !/^[0-9]{1,18}$/.test(text)) {
        fail('request.invalid', `Last-Event-ID '${text}' is not an event id`, {
          path: 'headers.last-event-id',
        });
      }
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      await hub.connect(request.personId, reply.raw, text === undefined ? null : Number(text));
    },
  );
}
