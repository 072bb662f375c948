import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One message the capturing SMTP server accepted. */
export interface CapturedMail {
  from: string;
  /** Envelope recipients. */
  to: string[];
  /** The message as received (headers and MIME body). */
  raw: string;
  /** The raw message with quoted-printable undone, for asserting on its text. */
  decoded: string;
  subject: string;
  /** The authenticated user, when the client logged in. */
  user: string | null;
}

/** A real SMTP server on 127.0.0.1 that keeps what it receives. */
export interface SmtpCapture {
  /** `smtp://127.0.0.1:PORT` (with credentials when the server requires them). */
  url: string;
  port: number;
  messages: CapturedMail[];
  /** Set to an SMTP reply code (e.g. 451, 550) to refuse every message until set back to null. */
  failWith: number | null;
  /** Messages refused while failWith was set. */
  refused: number;
  close(): Promise<void>;
}

/** Undoes quoted-printable encoding (soft line breaks and =XX bytes), then reads UTF-8. */
export function decodeQuotedPrintable(text: string): string {
  const joined = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === '=' && /^[0-9A-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Starts a capturing SMTP server on a free port; with `auth`, it requires that login. */
export async function startSmtpCapture(auth?: {
  user: string;
  pass: string;
}): Promise<SmtpCapture> {
  const capture: SmtpCapture = {
    url: '',
    port: 0,
    messages: [],
    failWith: null,
    refused: 0,
    close: () => Promise.resolve(),
  };
  const server = new SMTPServer({
    authOptional: auth === undefined,
    allowInsecureAuth: true,
    disabledCommands: auth === undefined ? ['STARTTLS', 'AUTH'] : ['STARTTLS'],
    logger: false,
    onAuth(login, _session, callback) {
      if (login.username === auth?.user && login.password === auth?.pass) {
        callback(null, { user: login.username });
      } else {
        callback(Object.assign(new Error('Invalid login'), { responseCode: 535 }));
      }
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (capture.failWith !== null) {
          capture.refused++;
          callback(
            Object.assign(new Error(`refused by the test (${capture.failWith})`), {
              responseCode: capture.failWith,
            }),
          );
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const from = session.envelope.mailFrom;
        capture.messages.push({
          from: from === false ? '' : from.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          decoded: decodeQuotedPrintable(raw),
          subject:
            /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(raw)?.[1]?.replace(/\r?\n[ \t]/g, ' ') ?? '',
          user: typeof session.user === 'string' ? session.user : null,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  capture.port = port;
  capture.url =
    auth === undefined
      ? `smtp://127.0.0.1:${port}`
      : `smtp://${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@127.0.0.1:${port}`;
  capture.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return capture;
}
