import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../core/errors.ts';
import { createSecretBox, parseSecretKey, SECRET_KEY_FILE, secretBoxFrom } from './secret-box.ts';

describe('the secret box', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'throughline-secrets-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('seals with AES-256-GCM: the secret does not show, and it opens again', async () => {
    const box = createSecretBox(randomBytes(32));
    const sealed = await box.seal('ATATT3x-very-secret-token', 'jira_site:acme:credentials');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('very-secret');
    expect(await box.open(sealed, 'jira_site:acme:credentials')).toBe('ATATT3x-very-secret-token');
    // A fresh IV every time: the same secret never seals to the same text.
    expect(await box.seal('ATATT3x-very-secret-token', 'jira_site:acme:credentials')).not.toBe(
      sealed,
    );
  });

  it('does not open with another key, for another purpose, or after tampering', async () => {
    const box = createSecretBox(randomBytes(32));
    const sealed = await box.seal('token', 'jira_site:acme:credentials');
    const failures = [
      createSecretBox(randomBytes(32)).open(sealed, 'jira_site:acme:credentials'),
      box.open(sealed, 'jira_site:other:credentials'),
      box.open(tampered(sealed), 'jira_site:acme:credentials'),
      box.open('plain text', 'jira_site:acme:credentials'),
    ];
    for (const failure of failures) {
      const error = await failure.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('config.invalid');
    }
  });

  it('reads keys written as hex or base64, and nothing else', () => {
    const key = randomBytes(32);
    expect(parseSecretKey(key.toString('hex'))?.equals(key)).toBe(true);
    expect(parseSecretKey(key.toString('base64'))?.equals(key)).toBe(true);
    expect(parseSecretKey(key.toString('base64url'))?.equals(key)).toBe(true);
    expect(parseSecretKey('too-short')).toBeNull();
    expect(parseSecretKey(randomBytes(16).toString('hex'))).toBeNull();
  });

  it('makes a key file once, with permissions 0600, only when first needed, and reuses it', async () => {
    const box = secretBoxFrom({ secretKey: undefined, dataDir: dir });
    await expect(stat(join(dir, SECRET_KEY_FILE))).rejects.toThrow();
    const sealed = await box.seal('token', 'p');
    const file = join(dir, SECRET_KEY_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const first = await readFile(file, 'utf8');
    // Another process (a new box on the same folder) reads the same key.
    const again = secretBoxFrom({ secretKey: undefined, dataDir: dir });
    expect(await again.open(sealed, 'p')).toBe('token');
    expect(await readFile(file, 'utf8')).toBe(first);
  });

  it('prefers THROUGHLINE_SECRET_KEY, and names a bad key file', async () => {
    const key = randomBytes(32).toString('base64');
    const fromEnv = secretBoxFrom({ secretKey: key, dataDir: dir });
    const sealed = await fromEnv.seal('token', 'p');
    expect(await createSecretBox(Buffer.from(key, 'base64')).open(sealed, 'p')).toBe('token');
    await expect(stat(join(dir, SECRET_KEY_FILE))).rejects.toThrow();

    await writeFile(join(dir, SECRET_KEY_FILE), 'not a key\n');
    const bad = secretBoxFrom({ secretKey: undefined, dataDir: dir });
    await expect(bad.seal('x', 'p')).rejects.toThrow(/does not hold a 32-byte key/);
  });

  it('in server mode (no data folder) needs THROUGHLINE_SECRET_KEY and makes no key file', async () => {
    const box = secretBoxFrom({ secretKey: undefined, dataDir: undefined });
    const error = await box.seal('token', 'p').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).problems[0]).toMatchObject({
      code: 'config.invalid',
      path: 'THROUGHLINE_SECRET_KEY',
    });
    expect((error as DomainError).message).toMatch(/openssl rand -base64 32/);
    const key = randomBytes(32).toString('base64');
    const sealed = await secretBoxFrom({ secretKey: key, dataDir: undefined }).seal('token', 'p');
    expect(await createSecretBox(Buffer.from(key, 'base64')).open(sealed, 'p')).toBe('token');
  });

  it('makes the data folder 0700 when the key file is the first thing in it', async () => {
    const data = join(dir, 'data');
    await secretBoxFrom({ secretKey: undefined, dataDir: data }).seal('token', 'p');
    expect((await stat(data)).mode & 0o777).toBe(0o700);
    expect((await stat(join(data, SECRET_KEY_FILE))).mode & 0o777).toBe(0o600);
  });
});

/** The sealed text with one bit of its ciphertext flipped (always a change, unlike new letters). */
function tampered(sealed: string): string {
  const parts = sealed.split('.');
  const data = Buffer.from(parts[3] ?? '', 'base64url');
  data[0] = (data[0] ?? 0) ^ 1;
  return [...parts.slice(0, 3), data.toString('base64url')].join('.');
}
