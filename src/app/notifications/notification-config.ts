import { fail } from '../../core/errors.ts';

/** How notifications leave the process, read once from the environment. */
export interface NotificationConfig {
  /** `smtp://user:pass@host:port` (STARTTLS when offered) or `smtps://…` (TLS); no e-mail when absent. */
  smtpUrl: string | undefined;
  /** The From of every e-mail. */
  mailFrom: string;
  /** Where people open Throughline: links in messages are `${publicUrl}/signals/${id}`. */
  publicUrl: string;
}

export const DEFAULT_MAIL_FROM = 'Throughline <throughline@localhost>';
export const DEFAULT_PUBLIC_URL = 'http://127.0.0.1:4400';

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Reads SMTP_URL, SMTP_FROM and PUBLIC_URL; fails fast naming the bad setting. */
export function readNotificationConfig(env: NodeJS.ProcessEnv): NotificationConfig {
  const smtpUrl = nonEmpty(env.SMTP_URL);
  if (smtpUrl !== undefined) {
    const url = URL.canParse(smtpUrl) ? new URL(smtpUrl) : null;
    if (url === null || (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || !url.hostname) {
      fail(
        'config.invalid',
        'SMTP_URL must look like smtp://user:password@host:587 or smtps://user:password@host:465',
        { path: 'SMTP_URL' },
      );
    }
  }
  const publicUrl = nonEmpty(env.PUBLIC_URL) ?? DEFAULT_PUBLIC_URL;
  const parsed = URL.canParse(publicUrl) ? new URL(publicUrl) : null;
  if (parsed === null || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    fail('config.invalid', `PUBLIC_URL '${publicUrl}' is not an http(s) address`, {
      path: 'PUBLIC_URL',
    });
  }
  const mailFrom = nonEmpty(env.SMTP_FROM) ?? DEFAULT_MAIL_FROM;
  if (!/@[^@\s>]+>?$/.test(mailFrom)) {
    fail(
      'config.invalid',
      `SMTP_FROM '${mailFrom}' is not an e-mail address (e.g. Throughline <throughline@example.com>)`,
      { path: 'SMTP_FROM' },
    );
  }
  return { smtpUrl, mailFrom, publicUrl: publicUrl.replace(/\/+$/, '') };
}
