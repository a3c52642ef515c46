import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeTcpPort } from './ports.ts';
import { type Service, spawnService, waitUntilReady } from './service.ts';

/** A throwaway PostgreSQL cluster; `stop()` ends it and deletes its files. */
export interface RunningPostgres {
  /** `postgres://postgres:<password>@127.0.0.1:<port>/postgres` */
  url: string;
  port: number;
  service: Service;
  stop(): Promise<void>;
}

/**
 * Debian's PostgreSQL binaries (`/usr/lib/postgresql/<major>/bin`, newest major), or `PG_BIN`.
 * @throws Error when none is installed (scripts/setup.sh installs `postgresql`).
 */
export function postgresBinDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a)) : [];
  const dir = majors.map((m) => join(root, m, 'bin')).find((d) => existsSync(join(d, 'postgres')));
  if (!dir) throw new Error('PostgreSQL is not installed (apt-get install postgresql, or run scripts/setup.sh)');
  return dir;
}

/**
 * Starts a new PostgreSQL cluster in a temporary folder, listening on 127.0.0.1 at a free port
 * (unix socket in the same folder), password-protected (SCRAM), with durability switched off
 * for speed. As root it runs as the `postgres` user (PostgreSQL refuses to run as root).
 * @throws Error naming the log file when the server does not start.
 */
export async function startPostgres(opts: { echo?: boolean } = {}): Promise<RunningPostgres> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'vw-pg-'));
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]) as [string, string[]];
  const password = randomBytes(18).toString('base64url');
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (asRoot) {
    execFileSync('chown', ['-R', 'postgres:postgres', dir]);
    chownSync(dir, uidOf('postgres'), gidOf('postgres'));
  }
  const data = join(dir, 'data');
  execFileSync(
    ...run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'scram-sha-256', `--pwfile=${pwfile}`, '--no-sync', '-E', 'UTF8', '--locale=C']),
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  rmSync(pwfile);
  const port = await freeTcpPort();
  const [cmd, args] = run(join(bin, 'postgres'), [
    '-D', data, '-p', String(port), '-k', dir,
    '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
    '-c', 'max_connections=50',
  ]);
  const service = spawnService('postgres', cmd, args, { logDir: dir, echo: opts.echo });
  const stopService = service.stop.bind(service);
  const ready = async () => {
    try {
      execFileSync(join(bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  const stop = async () => {
    await stopService(10_000);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(service, ready, 30_000);
  } catch (err) {
    await stopService();
    throw err;
  }
  return { url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`, port, service, stop };
}

const idOf = (flag: '-u' | '-g', user: string) => Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim());
const uidOf = (user: string) => idOf('-u', user);
const gidOf = (user: string) => idOf('-g', user);
