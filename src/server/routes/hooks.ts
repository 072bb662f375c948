import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import {
  receiveWebhook,
  type WebhookSecretLookup,
  type WebhookWindow,
} from '../../app/receive-webhook.ts';
import { createWebhookDeliveryWriter } from '../../app/webhook-inbox.ts';
import { jiraHookRoute } from '../../contract/hooks.ts';
import { routeSchema, serializeAsIs, type RouteTypes } from '../../contract/http.ts';

export type { WebhookSecretLookup } from '../../app/receive-webhook.ts';

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * `POST /hooks/jira/{site}`: Jira's webhook deliveries. Authenticated by their signature, not by
 * a token: verified, persisted, answered 202, processed after.
 */
export function registerHookRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  secretOf: WebhookSecretLookup,
  window: WebhookWindow | null,
  onAccepted: () => void,
): void {
  // Deliveries arriving together are committed together (each is answered once committed).
  const deliveries = createWebhookDeliveryWriter(ctx);
  // The signature is over the raw bytes, whatever the content type says: keep them all as they
  // came; the use-case verifies them and only then reads them as JSON.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post<Omit<RouteTypes<typeof jiraHookRoute>, 'Body'> & { Body: Buffer }>(
    '/hooks/jira/:site',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(jiraHookRoute),
        summary: 'Receives a Jira webhook delivery (jira:issue_created, _updated, _deleted)',
        description:
          'Signed with X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body, whatever its content type> when the site has a secret; unsigned or wrongly signed deliveries, and deliveries for a site that does not exist, get the same 401. The body must be UTF-8 JSON that PostgreSQL can store (else 400 naming the JSON path), and its `timestamp` must lie within the freshness window (default: fired at most 30 min ago, at most 5 min ahead; else 400). Deduplicated by X-Atlassian-Webhook-Identifier. Persisted, answered 202, processed right after; late and out-of-order deliveries converge; a delivery that cannot be applied is dead-lettered (GET /api/v1/webhooks/dead-letters). 503 when the receiver itself cannot take it (send it again).',
        tags: ['hooks'],
      },
    },
    async (request, reply) => {
      const result = await receiveWebhook(
        ctx,
        {
          source: request.params.site,
          deliveryId: header(request.headers['x-atlassian-webhook-identifier']) ?? null,
          body: Buffer.isBuffer(request.body) ? request.body : Buffer.from(''),
          signature: header(request.headers['x-hub-signature']),
        },
        secretOf,
        {
          writer: deliveries,
          window,
          onFault: (error) =>
            request.log.error({ err: error }, 'a webhook delivery could not be taken (503)'),
        },
      );
      if (!result.duplicate) onAccepted();
      return reply.status(202).send({ accepted: true, duplicate: result.duplicate });
    },
  );
}
