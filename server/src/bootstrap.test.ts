import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureConsoleKeyFile } from './bootstrap.ts';
import { type Database, openDatabase } from './db/client.ts';
import { revokeAdminKey } from './repo/admin-keys.ts';
import { verifyStaffKey } from './repo/staff.ts';

let database: Database;
const dir = mkdtempSync(join(tmpdir(), 'vw-console-key-'));
beforeAll(async () => {
  database = await openDatabase({});
});
afterAll(async () => {
  await database?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the demo’s console key file', () => {
  it('is written once with an agent key, kept while valid, replaced when revoked or foreign', async () => {
    const file = join(dir, 'state', 'console-key');
    expect(await ensureConsoleKeyFile(database.db, file, 'Sam')).toBe(true);
    const key = readFileSync(file, 'utf8').trim();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const staff = await verifyStaffKey(database.db, key);
    expect(staff).toMatchObject({ name: 'Sam', role: 'agent' });
    expect(await ensureConsoleKeyFile(database.db, file, 'Sam')).toBe(false); // a restart keeps it
    await revokeAdminKey(database.db, staff!.keyId);
    expect(await ensureConsoleKeyFile(database.db, file, 'Sam')).toBe(true);
    expect(readFileSync(file, 'utf8').trim()).not.toBe(key);
    writeFileSync(file, 'vwk_not-a-key-of-this-database');
    expect(await ensureConsoleKeyFile(database.db, file, 'Sam')).toBe(true);
  });
});
