import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { listIncidents, showIncident } from '../../app/incidents.ts';
import { viewerFor } from '../../app/viewer.ts';
import { routeSchema, serializeAsIs, type RouteTypes } from '../../contract/http.ts';
import { listIncidentsRoute, showIncidentRoute } from '../../contract/incidents.ts';
import { bearer } from './schemas.ts';

const INCIDENT_FIELDS =
  'Each incident: `id` (`incident:` and its root cause), `headline` (one sentence, one money figure), `root` and `causes` (with names beside ids), `money` (`currency`, `againstTarget`, `againstPlan`, per KPI and period), `slipWeeks` (calendar weeks), `signals` (each with its chain, names beside ids, working and calendar days told apart), `effects` (`milestones`, `kpis`, `objectives`, `capacity`, `sources`), `owners`, `reaches` (the person it reaches first and whether their decision rights cover it), `decider` (who must decide) and `decision` (its latest decision, if any).';

/** `/api/v1/incidents`: the open signals grouped by root cause (docs/DECISIONS.md "Incidents"). */
export function registerIncidentRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<RouteTypes<typeof listIncidentsRoute>>(
    '/api/v1/incidents',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(listIncidentsRoute),
        summary: 'Incidents: the open signals that share a root cause, the most money first',
        description: INCIDENT_FIELDS,
        tags: ['incidents'],
        security: bearer,
      },
    },
    async (request) => {
      const { seen } = await viewerFor(ctx, request.personId);
      return { incidents: (await listIncidents(ctx)).filter((i) => seen.seesIncident(i)) };
    },
  );

  app.get<RouteTypes<typeof showIncidentRoute>>(
    '/api/v1/incidents/:id',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(showIncidentRoute),
        summary: 'One incident, while one of its signals is open',
        description: `${INCIDENT_FIELDS} An incident that resolved (every signal resolved) is 404.`,
        tags: ['incidents'],
        security: bearer,
      },
    },
    async (request) => {
      const { seen } = await viewerFor(ctx, request.personId);
      return { incident: await showIncident(ctx, request.params.id, (i) => seen.seesIncident(i)) };
    },
  );
}
