import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `npm run build` puts the web app (`vite build`); the same from src/ and from dist/. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/** Paths the web app never answers: the API, its description, webhooks and health. */
const SERVER_PATHS = /^\/(api|docs|hooks|health)(\/|\?|$)/;

/** Hashed build output: safe to cache for good, and never answered with the app's page. */
const ASSET_PATHS = /^\/assets\//;

/**
 * The content security policy of every answer (set by helmet in buildServer): scripts only from
 * this server's files, never inline (the web app and the API's /docs page load theirs from
 * files); inline styles allowed (the component library sets them); no framing by any site.
 */
export const CONTENT_SECURITY_POLICY: Record<string, string[]> = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
};

/** The page's own headers; the security headers come from helmet, on every answer. */
const PAGE_HEADERS: Record<string, string> = {
  'cache-control': 'no-cache',
};

/** Answers a request the router found no route for; true when it did. */
export type WebAppFallback = (request: FastifyRequest, reply: FastifyReply) => boolean;

/**
 * Serves the built web app: its files as they are, and its page (index.html) for every other
 * GET outside the API, so that the app's own router can show `/kpis/K-SAVINGS` on a reload.
 */
export async function registerWebApp(
  app: FastifyInstance,
  root: string = DEFAULT_WEB_ROOT,
): Promise<WebAppFallback> {
  const isAppPath = (request: FastifyRequest): boolean =>
    (request.method === 'GET' || request.method === 'HEAD') &&
    !SERVER_PATHS.test(request.url) &&
    !ASSET_PATHS.test(request.url);

  if (!existsSync(join(root, 'index.html'))) {
    return (request, reply) => {
      if (!isAppPath(request)) return false;
      void reply
        .status(503)
        .type('text/html; charset=utf-8')
        .send(
          '<!doctype html><html lang="en"><title>Throughline</title><p>The web app has not been built yet: run <code>npm run build</code>, then reload. The API is at <a href="/docs">/docs</a>.</p></html>',
        );
      return true;
    };
  }

  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    // One route per built file, found at start; everything else falls through to the page.
    wildcard: false,
    index: false,
    cacheControl: false,
    setHeaders: (res, path) => {
      if (/[\\/]assets[\\/]/.test(path)) {
        res.setHeader('cache-control', 'public, max-age=31536000, immutable');
      } else {
        for (const [name, value] of Object.entries(PAGE_HEADERS)) res.setHeader(name, value);
      }
    },
  });

  return (request, reply) => {
    if (!isAppPath(request)) return false;
    void reply.sendFile('index.html');
    return true;
  };
}
