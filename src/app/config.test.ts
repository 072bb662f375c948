import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../core/errors.ts';
import { readConfig } from './config.ts';

describe('readConfig: THROUGHLINE_SECRET_KEY', () => {
  it('takes a 32-byte key in base64 or hex', () => {
    const key = randomBytes(32);
    expect(readConfig({}, { THROUGHLINE_SECRET_KEY: key.toString('base64') }).secretKey).toBe(
      key.toString('base64'),
    );
    expect(readConfig({}, { THROUGHLINE_SECRET_KEY: key.toString('hex') }).secretKey).toBe(
      key.toString('hex'),
    );
    expect(readConfig({}, {}).secretKey).toBeUndefined();
    expect(readConfig({}, { THROUGHLINE_SECRET_KEY: '' }).secretKey).toBeUndefined();
  });

  it('fails fast on anything else, naming the setting', () => {
    try {
      readConfig({}, { THROUGHLINE_SECRET_KEY: 'hunter2' });
      expect.unreachable('a short key must be refused');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).problems[0]).toMatchObject({
        code: 'config.invalid',
        path: 'THROUGHLINE_SECRET_KEY',
      });
    }
  });
});
