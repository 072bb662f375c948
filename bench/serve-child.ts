import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Starts the product as the README's first command does — the built `throughline serve --demo`
 * on a free port — over a data folder, or over a PostgreSQL server when a URL is given; resolves
 * with its address once it says it is running.
 */
export async function startDemoServerProcess(
  data: string,
  databaseUrl?: string,
): Promise<{ base: string; stop: () => void }> {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin', 'throughline.js'), '--data', data, 'serve', '--demo', '--port', '0'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl ?? '',
        THROUGHLINE_AS_OF: '',
        // Server mode requires a key; the bench's instance seals nothing it must open again.
        THROUGHLINE_SECRET_KEY:
          process.env.THROUGHLINE_SECRET_KEY ?? randomBytes(32).toString('base64'),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /running at (http:\/\/\S+)/.exec(out);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  return { base, stop: () => child.kill('SIGTERM') };
}
