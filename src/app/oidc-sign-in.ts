import * as oidc from 'openid-client';
import type { Plan } from '../core/domain/plan.ts';
import { savePendingLogin, takePendingLogin } from '../store/oidc-login-store.ts';
import type { OidcConfig } from './access-config.ts';
import type { AppContext } from './context.ts';

/** How long a sign-in may take at the provider before its state is forgotten: 10 minutes. */
export const SIGN_IN_WINDOW_MS = 10 * 60 * 1000;

/** Where the provider sends the browser back to, under this server's public address. */
export const OIDC_CALLBACK_PATH = '/api/v1/session/oidc/callback';

/** Why a sign-in through the provider did not sign anyone in, in words for the person trying. */
export type SignOnRefusal =
  | { reason: 'unreachable'; detail: string }
  | { reason: 'not_started_here' }
  | { reason: 'ended_or_used' }
  | { reason: 'provider_refused'; detail: string }
  | { reason: 'bad_answer'; detail: string }
  | { reason: 'no_email' }
  | { reason: 'email_not_verified'; email: string }
  | { reason: 'unknown_person'; email: string }
  | { reason: 'ambiguous_person'; email: string };

export type SignOnResult =
  { ok: true; personId: string; email: string; returnTo: string } | ({ ok: false } & SignOnRefusal);

/** One provider, discovered once (again after a failure), with the client's credentials. */
export interface OidcProvider {
  config: OidcConfig;
  redirectUri: string;
  /** The provider's discovered configuration; rejects when it cannot be reached. */
  discover(): Promise<oidc.Configuration>;
}

/** Prepares single sign-on with a provider; nothing is fetched until the first sign-in. */
export function oidcProvider(config: OidcConfig): OidcProvider {
  let discovered: Promise<oidc.Configuration> | null = null;
  const redirectUri = new URL(
    OIDC_CALLBACK_PATH.slice(1),
    config.publicUrl.href.endsWith('/') ? config.publicUrl : `${config.publicUrl.href}/`,
  ).href;
  return {
    config,
    redirectUri,
    discover() {
      discovered ??= oidc
        .discovery(
          config.issuer,
          config.clientId,
          { redirect_uris: [redirectUri] },
          oidc.ClientSecretBasic(config.clientSecret),
          { execute: config.allowHttp ? [oidc.allowInsecureRequests] : [], timeout: 10 },
        )
        .catch((error: unknown) => {
          discovered = null;
          throw error;
        });
      return discovered;
    },
  };
}

/** A path of this server to land on after signing in; anything else (another site …) is `/`. */
export function safeReturnTo(text: string | undefined): string {
  if (text === undefined || text.length > 500) return '/';
  if (!/^\/(?![/\\])[\x21-\x7e]*$/.test(text)) return '/';
  return text;
}

/**
 * Starts a sign-in: a fresh state, nonce and PKCE verifier, kept on the server for ten minutes;
 * returns the provider's address to send the browser to, and the state for the browser's cookie.
 */
export async function startSignOn(
  ctx: AppContext,
  provider: OidcProvider,
  returnTo: string | undefined,
): Promise<{ ok: true; url: string; state: string } | ({ ok: false } & SignOnRefusal)> {
  let configuration: oidc.Configuration;
  try {
    configuration = await provider.discover();
  } catch (error) {
    return { ok: false, reason: 'unreachable', detail: messageOf(error) };
  }
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const now = ctx.clock.now();
  await savePendingLogin(
    ctx.db,
    state,
    { nonce, codeVerifier, returnTo: safeReturnTo(returnTo) },
    now,
    new Date(now.getTime() + SIGN_IN_WINDOW_MS),
  );
  const url = oidc.buildAuthorizationUrl(configuration, {
    redirect_uri: provider.redirectUri,
    scope: 'openid email profile',
    response_type: 'code',
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { ok: true, url: url.href, state };
}

/**
 * Finishes a sign-in from the provider's answer: the state must be the one this browser started
 * with (its cookie) and still pending (once only); the code is exchanged with the PKCE verifier,
 * the ID token's nonce checked, and the person found by their verified e-mail.
 */
export async function finishSignOn(
  ctx: AppContext,
  provider: OidcProvider,
  plan: Plan | null,
  answer: { query: URLSearchParams; browserState: string | undefined },
): Promise<SignOnResult> {
  const state = answer.query.get('state') ?? '';
  if (
    answer.browserState === undefined ||
    answer.browserState === '' ||
    state !== answer.browserState
  ) {
    return { ok: false, reason: 'not_started_here' };
  }
  const pending = await takePendingLogin(ctx.db, state, ctx.clock.now());
  if (pending === null) return { ok: false, reason: 'ended_or_used' };
  const error = answer.query.get('error');
  if (error !== null) {
    const description = answer.query.get('error_description');
    return {
      ok: false,
      reason: 'provider_refused',
      detail: `${error}${description === null ? '' : `: ${description}`}`.slice(0, 300),
    };
  }
  let configuration: oidc.Configuration;
  try {
    configuration = await provider.discover();
  } catch (e) {
    return { ok: false, reason: 'unreachable', detail: messageOf(e) };
  }
  let email: unknown;
  let verified: unknown;
  try {
    const tokens = await oidc.authorizationCodeGrant(
      configuration,
      new URL(`${provider.redirectUri}?${answer.query.toString()}`),
      {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      },
    );
    const claims = tokens.claims();
    if (claims === undefined) return { ok: false, reason: 'bad_answer', detail: 'no ID token' };
    email = claims.email;
    verified = claims.email_verified;
    if (email === undefined) {
      // Providers that keep the ID token small put the e-mail in the userinfo answer only.
      const info = await oidc.fetchUserInfo(configuration, tokens.access_token, claims.sub);
      email = info.email;
      verified = info.email_verified;
    }
  } catch (e) {
    return { ok: false, reason: 'bad_answer', detail: messageOf(e) };
  }
  if (typeof email !== 'string' || email.trim() === '') return { ok: false, reason: 'no_email' };
  if (verified !== true) return { ok: false, reason: 'email_not_verified', email };
  const wanted = email.trim().toLowerCase();
  const people = (plan?.people ?? []).filter((p) => p.email?.trim().toLowerCase() === wanted);
  const person = people[0];
  if (person === undefined) return { ok: false, reason: 'unknown_person', email };
  if (people.length > 1) return { ok: false, reason: 'ambiguous_person', email };
  return { ok: true, personId: person.id, email, returnTo: pending.returnTo };
}

/** An error's message and its cause's (the client library wraps the precise one). */
function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 300);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`.slice(0, 300);
}
