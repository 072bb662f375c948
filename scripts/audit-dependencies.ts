// Dependency audit for `npm run check`.
//
// 1. The registry's advisory database (`npm audit`): fails on a high or critical advisory.
// 2. Where the registry offers no advisory endpoint (offline mirrors answer 404/405, or no
//    network at all), that is said plainly and the lockfile is checked offline instead:
//    - every installed package is pinned with a sha512 integrity hash (what `npm ci` verifies);
//    - no package comes from git, a URL or a local path (nothing unpinned can slip in);
//    - every dependency of package.json is locked at a version its range allows;
//    - no production package needs a newer Node.js than the project's `engines.node`.
// Exit 0 clean, 1 when a check fails.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import semver from 'semver';

const root = fileURLToPath(new URL('..', import.meta.url));
interface PackageJson {
  engines: { node: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
interface LockEntry {
  version?: string;
  integrity?: string;
  resolved?: string;
  link?: boolean;
  dev?: boolean;
  engines?: { node?: string } | string[];
}
interface AuditCounts {
  critical?: number;
  high?: number;
  moderate?: number;
  low?: number;
}

const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as PackageJson;
const lock = JSON.parse(readFileSync(`${root}package-lock.json`, 'utf8')) as {
  packages?: Record<string, LockEntry>;
};
const problems: string[] = [];

function advisories(): AuditCounts | null {
  let out: string;
  try {
    out = execFileSync('npm', ['audit', '--json', '--audit-level=high'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    // npm audit exits 1 when it found something; its report is still on stdout.
    const stdout = (error as { stdout?: unknown }).stdout;
    out = typeof stdout === 'string' ? stdout : '';
  }
  try {
    const report = JSON.parse(out) as { metadata?: { vulnerabilities?: AuditCounts } };
    return report.metadata?.vulnerabilities ?? null;
  } catch {
    return null;
  }
}

const found = advisories();
if (found === null) {
  console.log(
    'npm audit: the registry offers no advisory endpoint here; checked the lockfile offline',
  );
} else {
  const serious = (found.high ?? 0) + (found.critical ?? 0);
  console.log(
    `npm audit: ${found.critical ?? 0} critical, ${found.high ?? 0} high, ${found.moderate ?? 0} moderate, ${found.low ?? 0} low`,
  );
  if (serious > 0) problems.push(`${serious} high or critical advisories: run npm audit`);
}

const minimumNode = semver.minVersion(pkg.engines.node) ?? '0.0.0';
let locked = 0;
for (const [path, entry] of Object.entries(lock.packages ?? {})) {
  if (path === '' || entry.link === true) continue;
  locked++;
  const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
  if (typeof entry.integrity !== 'string' || !entry.integrity.startsWith('sha512-')) {
    problems.push(`${name}@${entry.version}: no sha512 integrity hash in the lockfile`);
  }
  if (typeof entry.resolved === 'string' && !/^https:\/\//.test(entry.resolved)) {
    problems.push(`${name}@${entry.version}: comes from ${entry.resolved}, not the registry`);
  }
  const needs = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
  if (entry.dev !== true && typeof needs === 'string' && !semver.satisfies(minimumNode, needs)) {
    problems.push(
      `${name}@${entry.version} needs Node.js ${needs}; the project supports ${pkg.engines.node}`,
    );
  }
}
for (const field of ['dependencies', 'devDependencies'] as const) {
  for (const [name, range] of Object.entries(pkg[field] ?? {})) {
    const entry = lock.packages?.[`node_modules/${name}`];
    if (entry === undefined) problems.push(`${name} (${field}) is not in the lockfile`);
    else if (entry.version === undefined || !semver.satisfies(entry.version, range)) {
      problems.push(
        `${name}: the lockfile has ${entry.version ?? 'no version'}, package.json asks ${range}`,
      );
    }
  }
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`audit: ${problem}`);
  console.error(`audit: ${problems.length} problem(s) in ${locked} locked packages`);
  process.exit(1);
}
console.log(
  `audit: ${locked} locked packages pinned by sha512, from the registry, fit for Node.js ${pkg.engines.node}`,
);
