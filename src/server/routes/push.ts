import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { authorize } from '../../app/viewer.ts';
import {
  pushKpiActuals,
  pushWorkItems,
  type PushKpiActualsRequest,
  type PushWorkItemsRequest,
} from '../../app/push-api.ts';
import { MAX_ID_LENGTH } from '../../core/storable-text.ts';
import { bearer, errorResponses } from './schemas.ts';
import { actorOf } from '../actor.ts';

/** The push API's JSON Schemas: they check requests and describe the API in OpenAPI. */

const SOURCE_PATTERN = '^[A-Za-z0-9_.-]{1,64}$';
const PERIOD_PATTERN = '^\\d{4}(-(H[12]|Q[1-4]|0[1-9]|1[0-2]))?$';
const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';
/** Items per batch: a bigger batch is refused (413 would hide which limit); send several. */
export const MAX_PUSH_BATCH = 10_000;

const idempotencyHeaders = {
  type: 'object',
  properties: {
    'idempotency-key': {
      type: 'string',
      minLength: 1,
      maxLength: 255,
      description:
        'Any unique string per logical request (a UUID). The same key with the same body again answers the stored response, with `Idempotent-Replayed: true`, and changes nothing; the same key with another body is refused (`push.idempotency_key_reused`). Keys are kept per caller. A refused request stores no key.',
    },
  },
} as const;

const signalIdsSchema = {
  type: 'object',
  description: 'Signals the push raised, changed and resolved (ids)',
  properties: {
    raised: { type: 'array', items: { type: 'string' } },
    changed: { type: 'array', items: { type: 'string' } },
    resolved: { type: 'array', items: { type: 'string' } },
  },
} as const;

const kpiActualsBody = {
  type: 'object',
  required: ['actuals'],
  additionalProperties: false,
  properties: {
    source: {
      type: 'string',
      maxLength: 200,
      description: 'The system that measured the actuals, for the record',
    },
    actuals: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_PUSH_BATCH,
      items: {
        type: 'object',
        required: ['kpi', 'period', 'value'],
        additionalProperties: false,
        properties: {
          kpi: { type: 'string', minLength: 1, maxLength: MAX_ID_LENGTH, description: 'KPI id' },
          period: {
            type: 'string',
            pattern: PERIOD_PATTERN,
            description: 'Reporting period: 2026, 2026-H2, 2026-Q4 or 2026-10',
          },
          value: { type: 'number', description: 'The measured value, in the KPI’s unit' },
        },
      },
    },
  },
  examples: [
    {
      source: 'bi-warehouse',
      actuals: [
        { kpi: 'K-OTD', period: '2026-Q3', value: 96.1 },
        { kpi: 'K-DOWNTIME', period: '2026-Q3', value: 109 },
      ],
    },
  ],
} as const;

const kpiActualsResponse = {
  type: 'object',
  properties: {
    source: { type: ['string', 'null'] },
    received: { type: 'integer' },
    changed: { type: 'integer', description: 'Actuals whose value moved (new ones included)' },
    unchanged: { type: 'integer' },
    figureChanges: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          collection: { type: 'string' },
          id: { type: 'string' },
          field: { type: 'string' },
          period: { type: 'string' },
          from: { type: ['number', 'string', 'null'] },
          to: { type: ['number', 'string'] },
        },
      },
    },
    changes: {
      type: 'array',
      description: 'Plan entities that changed',
      items: {
        type: 'object',
        properties: {
          collection: { type: 'string' },
          id: { type: 'string' },
          action: { type: 'string' },
          fields: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    signals: signalIdsSchema,
    receivedAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** A work item key another item names (a link): as long as a key may be. */
const workItemKey = { type: 'string', maxLength: MAX_ID_LENGTH } as const;

const nullableDate = {
  anyOf: [{ type: 'string', pattern: DATE_PATTERN }, { type: 'null' }],
} as const;

const workItemsBody = {
  type: 'object',
  required: ['source', 'items'],
  additionalProperties: false,
  properties: {
    source: {
      type: 'string',
      pattern: SOURCE_PATTERN,
      description: 'The system the items come from; keys are unique within it',
    },
    items: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_PUSH_BATCH,
      items: {
        type: 'object',
        required: ['key', 'updatedAt'],
        additionalProperties: false,
        properties: {
          key: { type: 'string', minLength: 1, maxLength: MAX_ID_LENGTH },
          sourceId: { type: 'string', maxLength: MAX_ID_LENGTH },
          summary: { type: 'string', maxLength: 2000 },
          status: { type: 'string', maxLength: 200 },
          statusCategory: { type: 'string', enum: ['todo', 'in_progress', 'done'] },
          issueType: { type: 'string', maxLength: 200 },
          dueDate: nullableDate,
          startDate: nullableDate,
          doneDate: nullableDate,
          parentKey: { type: ['string', 'null'], maxLength: MAX_ID_LENGTH },
          blockedBy: { type: 'array', items: workItemKey, maxItems: 1000 },
          blocks: { type: 'array', items: workItemKey, maxItems: 1000 },
          links: {
            type: 'array',
            maxItems: 1000,
            items: {
              type: 'object',
              required: ['relation', 'key'],
              additionalProperties: false,
              properties: {
                relation: { type: 'string', maxLength: 200 },
                key: workItemKey,
              },
            },
          },
          assignee: { type: ['string', 'null'], maxLength: 200 },
          updatedAt: {
            type: 'string',
            maxLength: 40,
            description:
              'When the item last changed in its system (ISO 8601 with a zone); orders updates',
          },
          deleted: { type: 'boolean', description: 'The item is gone from its system' },
        },
      },
    },
  },
  examples: [
    {
      source: 'servicenow',
      items: [
        {
          key: 'CHG-1042',
          summary: 'Cut over purchasing interfaces',
          status: 'Scheduled',
          statusCategory: 'in_progress',
          dueDate: '2026-10-09',
          updatedAt: '2026-09-14T09:30:00Z',
        },
      ],
    },
  ],
} as const;

const workItemsResponse = {
  type: 'object',
  properties: {
    source: { type: 'string' },
    received: { type: 'integer' },
    applied: { type: 'integer', description: 'Items that changed the mirror' },
    duplicates: { type: 'integer', description: 'Items seen before (same key and updatedAt)' },
    stale: { type: 'integer', description: 'Items older than what is held: history only' },
    signals: signalIdsSchema,
    receivedAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** `POST /api/v1/push/kpi-actuals` and `/work-items`: batches from any system, idempotent. */
export function registerPushRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Body: PushKpiActualsRequest; Headers: { 'idempotency-key'?: string } }>(
    '/api/v1/push/kpi-actuals',
    {
      schema: {
        summary: 'Pushes KPI actuals in a batch: each sets the KPI’s actual for a period',
        description:
          'The batch lands whole or not at all: an unknown KPI or a bad period refuses it, naming each bad entry by JSON path. Signals are recomputed in the same transaction. Send an `Idempotency-Key` header to retry safely.',
        tags: ['push'],
        security: bearer,
        headers: idempotencyHeaders,
        body: kpiActualsBody,
        response: { 200: kpiActualsResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      // Actuals come from finance controllers and sources, never from the owner they would prove.
      for (const [k, entry] of request.body.actuals.entries())
        await authorize(
          ctx,
          request.personId,
          { kind: 'kpi.record_actuals', kpi: entry.kpi },
          `$.actuals[${k}].kpi`,
        );
      const answer = await pushKpiActuals(ctx, request.body, {
        actor: actorOf(request),
        idempotencyKey: request.headers['idempotency-key'],
      });
      if (answer.replayed) void reply.header('idempotent-replayed', 'true');
      return reply.status(answer.statusCode).send(answer.body);
    },
  );

  app.post<{ Body: PushWorkItemsRequest; Headers: { 'idempotency-key'?: string } }>(
    '/api/v1/push/work-items',
    {
      schema: {
        summary: 'Pushes work items in a batch: each is a snapshot of an item in its system',
        description:
          'Items are mirrored like Jira issues and linked to milestones by key. The same item again (same key and `updatedAt`) changes nothing; an older one does not roll a newer one back. The batch lands whole or not at all; signals are recomputed in the same transaction. Send an `Idempotency-Key` header to retry safely.',
        tags: ['push'],
        security: bearer,
        headers: idempotencyHeaders,
        body: workItemsBody,
        response: { 200: workItemsResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      await authorize(ctx, request.personId, { kind: 'source.push' });
      const answer = await pushWorkItems(ctx, request.body, {
        actor: actorOf(request),
        idempotencyKey: request.headers['idempotency-key'],
      });
      if (answer.replayed) void reply.header('idempotent-replayed', 'true');
      return reply.status(answer.statusCode).send(answer.body);
    },
  );
}
