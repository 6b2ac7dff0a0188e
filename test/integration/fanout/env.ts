import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { childScript, forgetChildScript } from '../../fixtures/child-script';

const ROOT = join(__dirname, '..', '..', '..');

/** The Redis of the fan-out tests. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const probe = `
const Redis = require('ioredis');
const r = new Redis(process.argv[1], { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3000, retryStrategy: () => null });
r.on('error', () => {});
r.connect().then(() => r.ping()).then(() => { r.disconnect(); process.exit(0); }, (e) => { console.error(e.message); process.exit(1); });
`;

/** True when Redis answers at REDIS_URL; otherwise a loud warning (a thrown error under CI=true). */
export function redisAvailable(): boolean {
  const r = spawnSync(process.execPath, ['-e', probe, REDIS_URL], { encoding: 'utf8', cwd: process.cwd() });
  if (r.status === 0) return true;
  const why = `Redis is not reachable at ${REDIS_URL}: ${r.stderr.trim()}`;
  if (process.env.CI === 'true') throw new Error(`${why} (CI=true: the fan-out suites must run)`);
  console.warn(`\n!!! SKIPPING the Redis fan-out tests. ${why}. Set REDIS_URL or start Redis to run them.\n`);
  return false;
}

/** A server process of test/fixtures/fanout-server.ts. */
export interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<number | null>;
}

const SERVER = join(__dirname, '..', '..', 'fixtures', 'fanout-server.ts');
let scriptDir: string | undefined;
/** The server script, bundled once per process by esbuild (packages stay external). */
export function serverScript(): string {
  // Inside the project's node_modules, so that the bundle's dynamic imports (ioredis, pg) resolve from there.
  if (!scriptDir) {
    const cache = join(ROOT, 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    scriptDir = mkdtempSync(join(cache, 'ankurah-fanout-'));
  }
  return childScript(SERVER, scriptDir);
}

/** Removes the bundled server script (after the suite). */
export function removeServerScript(): void {
  if (scriptDir) rmSync(scriptDir, { recursive: true, force: true });
  scriptDir = undefined;
  forgetChildScript(SERVER);
}

/** Starts one server process on the shared schema; resolves once it listens. */
export function spawnServer(args: readonly string[], root = ROOT): Promise<ServerProcess> {
  const child = spawn(process.execPath, [serverScript(), ...args], {
    cwd: root,
    env: { ...process.env, NODE_PATH: join(root, 'node_modules') },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      out += chunk;
      const m = /^listening (\d+)$/m.exec(out);
      if (m) resolve({ child, url: `http://127.0.0.1:${m[1]}`, exited });
    });
    child.on('exit', (code) => reject(new Error(`server process exited (${code}) before listening: ${out}`)));
  });
}
