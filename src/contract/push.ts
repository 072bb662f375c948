import { z } from 'zod';
import type {
  PushKpiActualsResponse,
  PushWorkItemsRequest,
  PushWorkItemsResponse,
} from '../app/push-api.ts';
import { MAX_ID_LENGTH } from '../core/storable-text.ts';
import {
  entityChange,
  figureChange,
  refusalResponses,
  sameType,
  signalIds,
  sourceName,
  type Flat,
} from './common.ts';

/** `POST /api/v1/push/kpi-actuals` and `/work-items`: batches from any system, idempotent. */

/** Items per batch: a bigger batch is refused (413 would hide which limit); send several. */
export const MAX_PUSH_BATCH = 10_000;

export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .describe(
      'Any unique string per logical request (a UUID). The same key with the same body again answers the stored response, with `Idempotent-Replayed: true`, and changes nothing; the same key with another body is refused (`push.idempotency_key_reused`). Keys are kept per caller. A refused request stores no key.',
    ),
});

export const pushSignalIds = signalIds.describe(
  'Signals the push raised, changed and resolved (ids)',
);

export const kpiActualsBody = z
  .strictObject({
    source: z
      .string()
      .max(200)
      .optional()
      .describe('The system that measured the actuals, for the record'),
    actuals: z
      .array(
        z.strictObject({
          kpi: z.string().min(1).max(MAX_ID_LENGTH).describe('KPI id'),
          period: z
            .string()
            .regex(/^\d{4}(-(H[12]|Q[1-4]|0[1-9]|1[0-2]))?$/)
            .describe('Reporting period: 2026, 2026-H2, 2026-Q4 or 2026-10'),
          value: z.number().describe('The measured value, in the KPI’s unit'),
        }),
      )
      .min(1)
      .max(MAX_PUSH_BATCH),
  })
  .meta({
    examples: [
      {
        source: 'bi-warehouse',
        actuals: [
          { kpi: 'K-OTD', period: '2026-Q3', value: 96.1 },
          { kpi: 'K-DOWNTIME', period: '2026-Q3', value: 109 },
        ],
      },
    ],
  });
/** KPI actuals as pushed: the body as validated, and what the use-case reads. */
export type PushKpiActualsRequest = z.infer<typeof kpiActualsBody>;

export const kpiActualsAnswer = z.strictObject({
  source: z.string().nullable(),
  received: z.int(),
  changed: z.int().describe('Actuals whose value moved (new ones included)'),
  unchanged: z.int(),
  figureChanges: z.array(figureChange),
  changes: z.array(entityChange).describe('Plan entities that changed'),
  signals: pushSignalIds,
  receivedAt: z.string(),
});
sameType<Flat<z.infer<typeof kpiActualsAnswer>>, Flat<PushKpiActualsResponse>>(true);

export const pushKpiActualsRoute = {
  headers: idempotencyHeaders,
  body: kpiActualsBody,
  response: { 200: kpiActualsAnswer, ...refusalResponses },
} as const;

/** A work item key another item names (a link): as long as a key may be. */
const workItemKey = z.string().max(MAX_ID_LENGTH);
const nullableDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .nullable();

export const workItemsBody = z
  .strictObject({
    source: sourceName.describe('The system the items come from; keys are unique within it'),
    items: z
      .array(
        z.strictObject({
          key: z.string().min(1).max(MAX_ID_LENGTH),
          sourceId: z.string().max(MAX_ID_LENGTH).optional(),
          summary: z.string().max(2000).optional(),
          status: z.string().max(200).optional(),
          statusCategory: z.enum(['todo', 'in_progress', 'done']).optional(),
          issueType: z.string().max(200).optional(),
          dueDate: nullableDate.optional(),
          startDate: nullableDate.optional(),
          doneDate: nullableDate.optional(),
          parentKey: z.string().max(MAX_ID_LENGTH).nullable().optional(),
          blockedBy: z.array(workItemKey).max(1000).optional(),
          blocks: z.array(workItemKey).max(1000).optional(),
          links: z
            .array(z.strictObject({ relation: z.string().max(200), key: workItemKey }))
            .max(1000)
            .optional(),
          assignee: z.string().max(200).nullable().optional(),
          updatedAt: z
            .string()
            .max(40)
            .describe(
              'When the item last changed in its system (ISO 8601 with a zone); orders updates',
            ),
          deleted: z.boolean().optional().describe('The item is gone from its system'),
        }),
      )
      .min(1)
      .max(MAX_PUSH_BATCH),
  })
  .meta({
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
  });

export const workItemsAnswer = z.strictObject({
  source: z.string(),
  received: z.int(),
  applied: z.int().describe('Items that changed the mirror'),
  duplicates: z.int().describe('Items seen before (same key and updatedAt)'),
  stale: z.int().describe('Items older than what is held: history only'),
  signals: pushSignalIds,
  receivedAt: z.string(),
});
sameType<Flat<z.infer<typeof workItemsAnswer>>, Flat<PushWorkItemsResponse>>(true);

export const pushWorkItemsRoute = {
  headers: idempotencyHeaders,
  body: workItemsBody,
  response: { 200: workItemsAnswer, ...refusalResponses },
} as const;

/** The work items' request type the use-case reads. */
export type { PushWorkItemsRequest };
