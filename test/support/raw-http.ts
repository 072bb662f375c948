import { request as httpRequest } from 'node:http';

/**
 * A GET over raw HTTP: the path is sent exactly as written (no URL normalising, as `fetch`
 * would do), so tests can send encoded paths, NUL bytes and other hostile spellings.
 */
export function rawGet(
  port: number,
  path: string,
  token?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'GET',
        path,
        agent: false,
        headers: {
          connection: 'close',
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}
