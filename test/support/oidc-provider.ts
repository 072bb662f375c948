import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** An account the test provider knows: what it says about the person's e-mail. */
export interface TestAccount {
  email?: string;
  emailVerified?: boolean;
}

/** A real OpenID Connect provider on this machine, with one client: Throughline. */
export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

/** A free port on 127.0.0.1 (taken, then let go): to know a server's address before it starts. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * Starts `oidc-provider` (the certified OpenID Connect provider package) on `localhost` with its
 * development sign-in pages: any login names an account of `accounts` (its id), any password.
 * ID tokens carry only `sub` (the code flow), so the e-mail comes from its userinfo endpoint.
 */
export async function startTestProvider(
  redirectUri: string,
  accounts: Record<string, TestAccount>,
): Promise<TestProvider> {
  const port = await freePort();
  const issuer = `http://localhost:${port}`;
  const clientId = 'throughline';
  const clientSecret = 'a-client-secret-of-the-tests-only';
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    cookies: { keys: ['cookie-key-of-the-tests-only'] },
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    findAccount: (_ctx, sub) => {
      const account = accounts[sub];
      if (account === undefined) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          ...(account.email === undefined ? {} : { email: account.email }),
          ...(account.emailVerified === undefined ? {} : { email_verified: account.emailVerified }),
        }),
      };
    },
  });
  const handle = provider.callback();
  const server: Server = createServer((request, response) => {
    void handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(port, 'localhost', resolve));
  return {
    issuer,
    clientId,
    clientSecret,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
