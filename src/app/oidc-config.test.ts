import { describe, expect, it } from 'vitest';
import { DomainError } from '../core/errors.ts';
import { readOidcConfig } from './access-config.ts';
import { safeReturnTo } from './oidc-sign-in.ts';

const GOOD = {
  THROUGHLINE_OIDC_ISSUER: 'https://login.example.com/realms/acme',
  THROUGHLINE_OIDC_CLIENT_ID: 'throughline',
  THROUGHLINE_OIDC_CLIENT_SECRET: 's3cret',
  THROUGHLINE_PUBLIC_URL: 'https://throughline.example.com',
};

function refusal(env: NodeJS.ProcessEnv): { path: string | undefined; message: string } {
  try {
    readOidcConfig(env);
  } catch (error) {
    if (error instanceof DomainError)
      return { path: error.problems[0]?.path, message: error.message };
    throw error;
  }
  throw new Error('not refused');
}

describe('single sign-on settings', () => {
  it('is off without any setting, on with all four', () => {
    expect(readOidcConfig({})).toBeNull();
    const config = readOidcConfig({ ...GOOD, THROUGHLINE_OIDC_NAME: 'Acme Login' });
    expect(config).toMatchObject({ clientId: 'throughline', name: 'Acme Login', allowHttp: false });
    expect(config?.issuer.href).toBe('https://login.example.com/realms/acme');
    expect(readOidcConfig(GOOD)?.name).toBe('login.example.com');
  });

  it('names the setting missing, or the one that is wrong', () => {
    expect(refusal({ ...GOOD, THROUGHLINE_OIDC_CLIENT_SECRET: '' })).toMatchObject({
      path: 'THROUGHLINE_OIDC_CLIENT_SECRET',
    });
    expect(refusal({ THROUGHLINE_OIDC_ISSUER: GOOD.THROUGHLINE_OIDC_ISSUER }).path).toBe(
      'THROUGHLINE_OIDC_CLIENT_ID',
    );
    expect(refusal({ ...GOOD, THROUGHLINE_OIDC_ISSUER: 'not a url' }).path).toBe(
      'THROUGHLINE_OIDC_ISSUER',
    );
    expect(
      refusal({ ...GOOD, THROUGHLINE_OIDC_ISSUER: 'http://login.example.com' }).message,
    ).toContain('plain HTTP');
    expect(refusal({ ...GOOD, THROUGHLINE_PUBLIC_URL: 'ftp://x.example' }).path).toBe(
      'THROUGHLINE_PUBLIC_URL',
    );
    expect(refusal({ ...GOOD, THROUGHLINE_PUBLIC_URL: 'https://x.example/?a=1' }).path).toBe(
      'THROUGHLINE_PUBLIC_URL',
    );
    expect(refusal({ ...GOOD, THROUGHLINE_OIDC_CLIENT_ID: 'a\u0000b' }).path).toBe(
      'THROUGHLINE_OIDC_CLIENT_ID',
    );
    expect(refusal({ ...GOOD, THROUGHLINE_OIDC_NAME: 'x'.repeat(61) }).path).toBe(
      'THROUGHLINE_OIDC_NAME',
    );
  });

  it('allows plain HTTP to a provider on this machine only', () => {
    expect(
      readOidcConfig({ ...GOOD, THROUGHLINE_OIDC_ISSUER: 'http://127.0.0.1:9000' })?.allowHttp,
    ).toBe(true);
    expect(
      readOidcConfig({ ...GOOD, THROUGHLINE_OIDC_ISSUER: 'http://localhost:9000' })?.allowHttp,
    ).toBe(true);
  });
});

describe('where a sign-in lands', () => {
  it('is a path of this server, else /', () => {
    expect(safeReturnTo('/kpis/K-SAVINGS?tab=1')).toBe('/kpis/K-SAVINGS?tab=1');
    for (const bad of [
      undefined,
      '',
      'https://evil.example',
      '//evil.example',
      '/\\evil.example',
      '/a b',
      '/\u0000',
      `/${'x'.repeat(600)}`,
    ]) {
      expect(safeReturnTo(bad)).toBe('/');
    }
  });
});
