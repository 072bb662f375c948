import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import type { NotificationTransports } from '../../app/notifications/transports.ts';
import { packPdf } from '../../app/review-pack-pdf.ts';
import {
  authorizePackRead,
  findReview,
  listReviews,
  packsOf,
  publishPackNow,
  showPack,
} from '../../app/review-packs.ts';
import { authorize } from '../../app/viewer.ts';
import { may } from '../../core/access/policy.ts';
import type { Review } from '../../core/domain/plan.ts';
import { readPlan } from '../../app/derive.ts';
import { actorOf } from '../actor.ts';
import { routeSchema, serializeAsIs, type RouteTypes } from '../../contract/http.ts';
import {
  listReviewsRoute,
  publishPackRoute,
  reviewPacksRoute,
  showPackRoute,
} from '../../contract/reviews.ts';
import { bearer } from './schemas.ts';

/**
 * The review cadence over HTTP (docs/GOVERNANCE.md "Review cadence and packs"): the reviews, their
 * packs, publishing one now, and a pack as JSON, Markdown or PDF — exactly as it was published.
 * Packs are for their attendees and for executives and the strategy office cleared for what they
 * show.
 */
export function registerReviewRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  transports: NotificationTransports | null,
): void {
  app.get<RouteTypes<typeof listReviewsRoute>>(
    '/api/v1/reviews',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(listReviewsRoute),
        summary: 'The reviews of the plan: cadence, attendees, meetings, latest pack',
        description:
          'Every review the plan declares, with its last and next meeting and its latest pack; `mayRead` says whether the caller may open its packs.',
        tags: ['reviews'],
        security: bearer,
      },
    },
    async (request) => {
      const plan = await authorize(ctx, request.personId, { kind: 'plan.read' });
      const reviews = await listReviews(ctx);
      return {
        reviews: reviews.map((r) => ({
          ...r,
          mayRead: may(plan, request.personId, {
            kind: 'review.read',
            attendees: r.attendees.map((a) => a.id),
            confidential: [],
          }).ok,
          mayPublish: may(plan, request.personId, {
            kind: 'review.publish',
            review: r.id,
            attendees: r.attendees.map((a) => a.id),
          }).ok,
        })),
      };
    },
  );

  app.get<RouteTypes<typeof reviewPacksRoute>>(
    '/api/v1/reviews/:id/packs',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(reviewPacksRoute),
        summary: "A review's published packs, newest first",
        tags: ['reviews'],
        security: bearer,
      },
    },
    async (request) => {
      const review = await findReview(ctx, request.params.id);
      await authorizePackRead(ctx, request.personId, review);
      return { review: review.id, packs: await packsOf(ctx, review.id) };
    },
  );

  app.post<RouteTypes<typeof publishPackRoute>>(
    '/api/v1/reviews/:id/packs',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(publishPackRoute),
        summary: "Publishes a review's pack now",
        description:
          "The meeting's pack when its time has come and it is not published yet; otherwise a pack made now (on demand). Stored immutably and e-mailed to the attendees. For the review's attendees, the strategy office and admins.",
        tags: ['reviews'],
        security: bearer,
      },
    },
    async (request, reply) => {
      const published = await publishPackNow(ctx, actorOf(request), request.params.id, transports);
      return reply.code(201).send({ pack: published.pack, mailed: published.mailed });
    },
  );

  app.get<Omit<RouteTypes<typeof showPackRoute>, 'Reply'>>(
    '/api/v1/review-packs/:packId',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(showPackRoute),
        summary: 'A review pack exactly as published: JSON, or `.md` / `.pdf` after the id',
        description:
          '`/api/v1/review-packs/{packId}` gives the pack as JSON; `{packId}.md` its Markdown; `{packId}.pdf` a PDF rendered from the stored pack.',
        tags: ['reviews'],
        security: bearer,
      },
    },
    async (request, reply) => {
      const raw = request.params.packId;
      const format = raw.endsWith('.md') ? 'md' : raw.endsWith('.pdf') ? 'pdf' : 'json';
      const id = format === 'json' ? raw : raw.slice(0, raw.lastIndexOf('.'));
      const pack = await showPack(ctx, id);
      // Who may read it is decided by the attendees it was published for.
      const plan = await readPlan(ctx);
      const review: Review = plan?.reviews?.find((r) => r.id === pack.review) ?? {
        id: pack.review,
        name: pack.content.review.name,
        cadence: { every: 'week', weekday: 'monday', at: '00:00' },
        attendees: pack.content.review.attendees.map((a) => a.id),
      };
      await authorizePackRead(ctx, request.personId, review, pack);
      const file = pack.id.replace(/[^A-Za-z0-9._-]/g, '_');
      void reply.header('cache-control', 'no-store');
      if (format === 'md')
        return reply
          .type('text/markdown; charset=utf-8')
          .header('content-disposition', `inline; filename="${file}.md"`)
          .send(pack.markdown);
      if (format === 'pdf')
        return reply
          .type('application/pdf')
          .header('content-disposition', `inline; filename="${file}.pdf"`)
          .send(await packPdf(pack.content, pack.publishedAt));
      return { pack };
    },
  );
}
