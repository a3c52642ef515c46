import { existsSync, readFileSync } from 'node:fs';
import { DatabaseBusyError } from '../db/client.ts';
import { apiOps } from './api-ops.ts';
import { dbOps } from './db-ops.ts';
import type { OperatorOps } from './ops.ts';

/** Where the CLI may find the server and its database, from the environment and flags. */
export interface ConnectOptions {
  /** `api`: the admin API only; `db`: the database only; `auto`: the API when a key and a live server are there. */
  mode: 'auto' | 'api' | 'db';
  serverUrl: string;
  /** `ADMIN_KEY`, else the first line of `keyFile`. */
  adminKey?: string;
  keyFile: string;
  databaseUrl?: string;
  pgliteDir: string;
}

/** True when `GET {serverUrl}/healthz` answers 2xx within a second. */
async function serverUp(serverUrl: string): Promise<boolean> {
  try {
    return (await fetch(new URL('/healthz', serverUrl), { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

/**
 * Picks the backend: with `DATABASE_URL` (PostgreSQL, shared by design) the database; else the
 * admin API of a running server when an admin key is at hand (so the CLI works next to a server
 * holding a PGlite database); else the PGlite folder.
 * @throws Error explaining what to do when neither is usable.
 */
export async function connectOperator(o: ConnectOptions): Promise<OperatorOps> {
  const key = o.adminKey ?? (existsSync(o.keyFile) ? readFileSync(o.keyFile, 'utf8').split('\n')[0]!.trim() : undefined);
  const tryApi = o.mode === 'api' || (o.mode === 'auto' && !o.databaseUrl);
  if (tryApi && key && (o.mode === 'api' || (await serverUp(o.serverUrl)))) return apiOps(o.serverUrl, key);
  if (o.mode === 'api') throw new Error(`--api needs an admin key: set ADMIN_KEY or put one in ${o.keyFile}`);
  try {
    return await dbOps({ url: o.databaseUrl, pgliteDir: o.pgliteDir, serverUrl: o.serverUrl });
  } catch (err) {
    if (err instanceof DatabaseBusyError) {
      throw new Error(
        `${err.message}\nWith the server running, the CLI uses its admin API: set ADMIN_KEY=<admin key> (npm run demo writes one to ${o.keyFile}) and SERVER_URL if it is not ${o.serverUrl}.`,
      );
    }
    throw err;
  }
}
