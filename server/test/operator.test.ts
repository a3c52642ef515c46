/**
 * Operator access while the server runs (issue 10): the key file `npm run demo`'s server writes,
 * one-time dashboard sign-in links, and the CLI working through the admin API next to a server
 * that holds its PGlite database (PGlite allows one process).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAdminKeyFile } from '../src/bootstrap.ts';
import { type Database, openDatabase } from '../src/db/client.ts';
import { createAdminKey, revokeAdminKey, verifyAdminKey } from '../src/repo/admin-keys.ts';
import { findAgent } from '../src/repo/agents.ts';
import { fakeRooms, makeApp } from './helpers.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'vw-operator-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('operator key file', () => {
  it('is created 0600 in a 0700 folder, re-registered in a fresh database, replaced when revoked', async () => {
    const file = join(dir, 'state', 'admin-key');
    const first = await openDatabase({});
    expect(await ensureAdminKeyFile(first.db, file)).toBe('created');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'state')).mode & 0o777).toBe(0o700);
    const key = readFileSync(file, 'utf8').trim();
    expect(await verifyAdminKey(first.db, key)).not.toBeNull();
    expect(await ensureAdminKeyFile(first.db, file)).toBe('kept');
    await first.close();

    const fresh = await openDatabase({}); // e.g. an ephemeral stack's new database
    expect(await ensureAdminKeyFile(fresh.db, file)).toBe('registered');
    expect(readFileSync(file, 'utf8').trim()).toBe(key);
    await revokeAdminKey(fresh.db, (await verifyAdminKey(fresh.db, key))!);
    expect(await ensureAdminKeyFile(fresh.db, file)).toBe('created'); // a revocation stays
    expect(readFileSync(file, 'utf8').trim()).not.toBe(key);
    await fresh.close();
  });
});

describe('one-time dashboard sign-in link', () => {
  let database: Database;
  let key: string;
  beforeAll(async () => {
    database = await openDatabase({});
    key = (await createAdminKey(database.db, 'ops')).key;
  });
  afterAll(() => database?.close());

  it('opens the dashboard once, within its lifetime, from this site only', async () => {
    const app = makeApp(database, fakeRooms().rooms);
    expect((await request(app).post('/api/admin/signin-links')).status).toBe(401);
    const made = await request(app).post('/api/admin/signin-links').set('Authorization', `Bearer ${key}`);
    expect(made.status).toBe(201);
    const url = new URL(made.body.url);
    const token = url.searchParams.get('token')!;
    expect(token).toMatch(/^vws_/);
    expect(new Date(made.body.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(15 * 60_000);

    // Opening the link shows a button; nothing is spent by a GET (link previews).
    const page = await request(app).get(`${url.pathname}${url.search}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-testid="signin"');
    expect((await request(app).post('/dashboard/signin').set('Origin', 'https://evil.example').type('form').send({ token })).status).toBe(403);

    const browser = request.agent(app);
    const signin = await browser.post('/dashboard/signin').type('form').send({ token });
    expect(signin.status).toBe(303);
    expect(signin.headers.location).toBe('/dashboard');
    expect(String(signin.headers['set-cookie'])).toMatch(/vw_admin=.*HttpOnly.*SameSite=Strict/);
    expect((await browser.get('/dashboard')).status).toBe(200);
    // Used once: the same token again is refused.
    expect((await request(app).post('/dashboard/signin').type('form').send({ token })).status).toBe(403);
  });
});

describe('operator CLI while the server runs on PGlite', () => {
  let database: Database;
  let server: ReturnType<ReturnType<typeof makeApp>['listen']>;
  let serverUrl: string;
  let key: string;
  const pgliteDir = join(dir, 'pglite');
  const cli = (env: Record<string, string>, ...args: string[]) =>
    run(join(import.meta.dirname, '../../node_modules/.bin/tsx'), ['src/cli.ts', ...args], {
      cwd: join(import.meta.dirname, '..'),
      env: { ...process.env, PGLITE_DIR: pgliteDir, SERVER_URL: serverUrl, ADMIN_KEY_FILE: join(dir, 'none'), ADMIN_KEY: '', ...env },
    });

  beforeAll(async () => {
    database = await openDatabase({ pgliteDir }); // the server holds the folder
    key = (await createAdminKey(database.db, 'ops')).key;
    server = makeApp(database, fakeRooms().rooms).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await database?.close();
  });

  it('uses the admin API with a key (from ADMIN_KEY or the key file) and tells how when it has none', async () => {
    const created = await cli({ ADMIN_KEY: key }, 'agent', 'create', 'live', '--max-call', '120', '--demo-only');
    expect(created.stdout).toContain('agent "live" created (version 1, 120 s a call');
    expect(created.stdout).toContain('demo links only');
    expect((await findAgent(database.db, 'live'))?.config).toMatchObject({ demoLinksOnly: true, limits: { maxCallSeconds: 120 } });

    const keyFile = join(dir, 'key-file');
    writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
    const link = await cli({ ADMIN_KEY_FILE: keyFile }, 'signin-link');
    expect(link.stdout).toMatch(new RegExp(`${serverUrl}/dashboard/signin\\?token=vws_`));
    const keys = await cli({ ADMIN_KEY_FILE: keyFile }, 'admin-key', 'list');
    expect(keys.stdout).toMatch(/#\d+\tvwk_\S+…\tadmin\tops\tactive/);

    // Without a key it tries the database, which the server holds, and explains the way out.
    const refused = await cli({}, 'agent', 'list').catch((e: { stderr: string }) => e);
    expect(refused.stderr).toMatch(/in use by process/);
    expect(refused.stderr).toMatch(/ADMIN_KEY/);
    expect(existsSync(join(dir, 'none'))).toBe(false);
  });
});
