/** The operator CLI on a PGlite folder: the README's "two commands", and the folder lock. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DatabaseBusyError, openDatabase } from '../src/db/client.ts';
import { findDemoLink } from '../src/repo/demo-links.ts';
import { verifyAdminKey } from '../src/repo/admin-keys.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'vw-cli-'));
const pgliteDir = join(dir, 'db');
const cli = (...args: string[]) =>
  run(join(import.meta.dirname, '../../node_modules/.bin/tsx'), ['src/cli.ts', ...args], {
    cwd: join(import.meta.dirname, '..'),
    // No key file and no server: the CLI works on the database (cli-api.test.ts covers the API).
    env: { ...process.env, PGLITE_DIR: pgliteDir, DEMO_BASE_URL: 'https://demo.example', ADMIN_KEY_FILE: join(dir, 'no-key'), SERVER_URL: 'http://127.0.0.1:9', ADMIN_KEY: '' },
  });

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cli', () => {
  it('creates an agent and a demo link in two commands, and an admin key', async () => {
    const agent = await cli('agent', 'create', 'outdoor', '--company', 'Outdoor Co');
    expect(agent.stdout).toContain('agent "outdoor" created (version 1, 600 s a call, 10 at once, 600 min/day, 30/h per IP)');
    const link = await cli('demo-link', 'create', 'outdoor', '--minutes', '30', '--max-call', '120', '--lead');
    const slug = /https:\/\/demo\.example\/d\/([A-Za-z0-9_-]{24})/.exec(link.stdout)?.[1];
    expect(slug).toBeDefined();
    const key = /^(vwk_\S+)$/m.exec((await cli('admin-key', 'create', '--name', 'ops')).stdout)?.[1];
    expect(key).toBeDefined();

    const database = await openDatabase({ pgliteDir });
    try {
      const row = await findDemoLink(database.db, slug!);
      expect(row).toMatchObject({ budgetSeconds: 1800, maxCallSeconds: 120, leadCapture: true });
      expect(await verifyAdminKey(database.db, key!)).not.toBeNull();
      // While this process holds the folder, the CLI refuses to open it (no corruption).
      await expect(cli('agent', 'list')).rejects.toMatchObject({ stderr: expect.stringMatching(/in use by process/) });
    } finally {
      await database.close();
    }
    expect((await cli('agent', 'list')).stdout).toMatch(/^outdoor\tv1\tenabled/m);
  });

  it('rejects bad input with a message naming it', async () => {
    await expect(cli('agent', 'create', 'Not A Slug')).rejects.toMatchObject({ stderr: expect.stringMatching(/lowercase slug/) });
    await expect(cli('demo-link', 'create', 'outdoor', '--max-call', '5000')).rejects.toMatchObject({ stderr: expect.stringMatching(/maxCallSeconds/) });
  });

  it('a second opener in the same folder gets DatabaseBusyError from another process only', () => {
    expect(new DatabaseBusyError('/x', 1).message).toMatch(/PostgreSQL/);
  });
});
