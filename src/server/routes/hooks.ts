import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { receiveWebhook } from '../../app/receive-webhook.ts';
import { fail } from '../../core/errors.ts';
import { createDeliveryWriter } from '../../store/webhook-inbox-store.ts';
import { errorResponses } from './schemas.ts';

/** The secret a site's deliveries are signed with: null when it has none, undefined when no such site. */
export type WebhookSecretLookup = (site: string) => Promise<string | null | undefined>;

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
  onAccepted: () => void,
): void {
  // The signature is over the raw bytes: keep them.
  // Deliveries arriving together are committed together (each is answered once committed).
  const deliveries = createDeliveryWriter(ctx.db);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );

  app.post<{ Params: { site: string }; Body: Buffer }>(
    '/hooks/jira/:site',
    {
      schema: {
        summary: 'Receives a Jira webhook delivery (jira:issue_created, _updated, _deleted)',
        description:
          'Signed with X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body> when the site has a secret (unsigned or wrongly signed deliveries are refused). Deduplicated by X-Atlassian-Webhook-Identifier. Persisted, answered 202, processed right after; late and out-of-order deliveries converge.',
        tags: ['hooks'],
        params: {
          type: 'object',
          properties: { site: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' } },
          required: ['site'],
        },
        response: {
          202: {
            type: 'object',
            properties: { accepted: { type: 'boolean' }, duplicate: { type: 'boolean' } },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const secret = await secretOf(request.params.site);
      if (secret === undefined) {
        fail('webhook.unknown_site', `no Jira site '${request.params.site}' is configured`, {
          path: 'site',
        });
      }
      const result = await receiveWebhook(
        ctx,
        {
          source: request.params.site,
          deliveryId: header(request.headers['x-atlassian-webhook-identifier']) ?? null,
          body: Buffer.isBuffer(request.body) ? request.body : Buffer.from(''),
          signature: header(request.headers['x-hub-signature']),
        },
        secret,
        deliveries,
      );
      if (!result.duplicate) onAccepted();
      return reply.status(202).send({ accepted: true, duplicate: result.duplicate });
    },
  );
}
