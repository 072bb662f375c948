import { describe, expect, it } from 'vitest';
import { DomainError } from '../core/errors.ts';
import { parseDuration } from '../core/duration.ts';
import { readSessionLifetime, readTrustProxy } from './access-config.ts';

function problemOf(run: () => unknown): { path?: string; message: string } | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error.problems[0];
    throw error;
  }
  return undefined;
}

describe('access settings', () => {
  it('trusts no proxy unless told, and takes true or addresses and ranges', () => {
    expect(readTrustProxy(undefined, {})).toBe(false);
    expect(readTrustProxy(undefined, { THROUGHLINE_TRUST_PROXY: 'false' })).toBe(false);
    expect(readTrustProxy(undefined, { THROUGHLINE_TRUST_PROXY: 'true' })).toBe(true);
    expect(readTrustProxy('127.0.0.1, 10.0.0.0/8,::1,loopback', {})).toBe(
      '127.0.0.1,10.0.0.0/8,::1,loopback',
    );
    // The flag wins over the environment.
    expect(readTrustProxy('10.1.2.3', { THROUGHLINE_TRUST_PROXY: 'true' })).toBe('10.1.2.3');
  });

  it('refuses a proxy that is not an address or a range, naming the setting', () => {
    const named = problemOf(() =>
      readTrustProxy(undefined, { THROUGHLINE_TRUST_PROXY: 'proxy.local' }),
    );
    expect(named?.path).toBe('THROUGHLINE_TRUST_PROXY');
    expect(named?.message).toContain("'proxy.local'");
    expect(problemOf(() => readTrustProxy('10.0.0.0/33', {}))).toMatchObject({
      path: '--trust-proxy',
    });
    expect(problemOf(() => readTrustProxy('2', {}))).toMatchObject({ path: '--trust-proxy' });
  });

  it('reads session lifetimes as durations, 7 days and 12 hours by default', () => {
    expect(readSessionLifetime({})).toEqual({ maxAgeMs: 7 * 86_400_000, idleMs: 12 * 3_600_000 });
    expect(
      readSessionLifetime({ THROUGHLINE_SESSION_MAX_AGE: '1d', THROUGHLINE_SESSION_IDLE: '30m' }),
    ).toEqual({ maxAgeMs: 86_400_000, idleMs: 1_800_000 });
    expect(
      problemOf(() => readSessionLifetime({ THROUGHLINE_SESSION_IDLE: 'forever' })),
    ).toMatchObject({ path: 'THROUGHLINE_SESSION_IDLE' });
  });

  it('parses durations in minutes, hours, days and weeks; never zero, never past ten years', () => {
    expect(parseDuration('90d')).toBe(90 * 86_400_000);
    expect(parseDuration('2w')).toBe(14 * 86_400_000);
    expect(parseDuration(' 15m ')).toBe(900_000);
    for (const bad of ['0d', '90', 'd', '1.5d', '-1d', '3651d', '1y', '']) {
      expect(parseDuration(bad), bad).toBeNull();
    }
  });
});
