import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError } from '../core/errors.ts';

/**
 * Secrets at rest (Jira API tokens, webhook secrets): sealed with AES-256-GCM before they reach
 * the database, so a copy of the database (a backup, a data folder) does not give them away.
 *
 * The key is 32 bytes, from `THROUGHLINE_SECRET_KEY` (base64 or hex) when set; otherwise, with
 * the embedded database, from the file `secret.key` in its data folder, generated on first use
 * with permissions 0600. In server mode the key is required: a key file would land wherever the
 * process was started, and another instance would hold another key or none. Losing the key loses
 * the stored credentials (add the sites again).
 *
 * A sealed value is `v1.<iv>.<tag>.<ciphertext>` (base64url). Each is bound to what it is for
 * (`jira_site:<id>:credentials`), so a sealed value copied into another row does not open.
 */

/** How to make a key, for the messages that ask for one. */
export const MAKE_A_KEY = 'make one with `openssl rand -base64 32`';

/** The name of the key file in the data folder. */
export const SECRET_KEY_FILE = 'secret.key';

export interface SecretBox {
  /** Encrypts a secret for storage; `purpose` must be given again to open it. */
  seal(plain: string, purpose: string): Promise<string>;
  /** Decrypts a sealed secret; throws `config.invalid` when the key or the purpose does not fit. */
  open(sealed: string, purpose: string): Promise<string>;
}

/** A 32-byte key from base64 or hex text; null when the text is neither. */
export function parseSecretKey(text: string): Buffer | null {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    const key = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return key.length === 32 ? key : null;
  }
  return null;
}

/** A box with a fixed key (tests, and the key once loaded). */
export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new TypeError('an AES-256 key is 32 bytes');
  return {
    // A failure rejects the promise rather than throwing at the call.
    seal: (plain, purpose) => new Promise((resolve) => resolve(sealWith(key, plain, purpose))),
    open: (sealed, purpose) => new Promise((resolve) => resolve(openWith(key, sealed, purpose))),
  };
}

export interface SecretKeySource {
  /** `THROUGHLINE_SECRET_KEY`, already checked by the configuration. */
  secretKey: string | undefined;
  /**
   * The embedded database's data folder, where the key file lives when no key is configured;
   * undefined in server mode, where the key must be configured.
   */
  dataDir: string | undefined;
}

/**
 * A box whose key comes from the configuration or the data folder's key file, read (or made)
 * on first use, so that commands that never touch a secret never create the file.
 */
export function secretBoxFrom(source: SecretKeySource): SecretBox {
  let loading: Promise<Buffer> | null = null;
  const key = (): Promise<Buffer> => {
    loading ??= loadKey(source).catch((error: unknown) => {
      loading = null;
      throw error;
    });
    return loading;
  };
  return {
    seal: async (plain, purpose) => sealWith(await key(), plain, purpose),
    open: async (sealed, purpose) => openWith(await key(), sealed, purpose),
  };
}

async function loadKey(source: SecretKeySource): Promise<Buffer> {
  if (source.secretKey !== undefined) {
    const key = parseSecretKey(source.secretKey);
    if (key === null) {
      throw new DomainError({
        code: 'config.invalid',
        message:
          'THROUGHLINE_SECRET_KEY must be 32 bytes written as base64 (44 characters) or hex (64 characters)',
        path: 'THROUGHLINE_SECRET_KEY',
      });
    }
    return key;
  }
  if (source.dataDir === undefined) {
    throw new DomainError({
      code: 'config.invalid',
      message: `THROUGHLINE_SECRET_KEY is not set: with DATABASE_URL every instance needs the same key; ${MAKE_A_KEY}`,
      path: 'THROUGHLINE_SECRET_KEY',
    });
  }
  const file = join(source.dataDir, SECRET_KEY_FILE);
  try {
    return keyFromFile(await readFile(file, 'utf8'), file);
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  await mkdir(source.dataDir, { recursive: true, mode: 0o700 });
  const fresh = randomBytes(32).toString('base64');
  try {
    // 'wx': never overwrite a key another process made in the meantime; read theirs instead.
    await writeFile(file, `${fresh}\n`, { mode: 0o600, flag: 'wx' });
    await chmod(file, 0o600);
    return Buffer.from(fresh, 'base64');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return keyFromFile(await readFile(file, 'utf8'), file);
  }
}

function keyFromFile(text: string, file: string): Buffer {
  const key = parseSecretKey(text);
  if (key === null) {
    throw new DomainError({
      code: 'config.invalid',
      message: `the key file ${file} does not hold a 32-byte key (base64 or hex)`,
      file,
    });
  }
  return key;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

function sealWith(key: Buffer, plain: string, purpose: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(purpose, 'utf8'));
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return ['v1', iv, tag, data]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

function openWith(key: Buffer, sealed: string, purpose: string): string {
  const [version, iv, tag, data] = sealed.split('.');
  if (version !== 'v1' || iv === undefined || tag === undefined || data === undefined) {
    throw cannotOpen(purpose, 'it is not a sealed value this version knows');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(purpose, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(data, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw cannotOpen(
      purpose,
      'the key does not fit (was THROUGHLINE_SECRET_KEY or the key file changed?)',
    );
  }
}

function cannotOpen(purpose: string, why: string): DomainError {
  return new DomainError({
    code: 'config.invalid',
    message: `cannot decrypt the stored secret ${purpose}: ${why}`,
    path: 'THROUGHLINE_SECRET_KEY',
  });
}
