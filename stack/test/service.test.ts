/**
 * The stack's log files (issue 10): created 0600 in a 0700 folder, also over a file an earlier run
 * left world-readable, and every line through the redactor — a third-party process printing a
 * secret or a caller's number (as livekit-server and livekit-sip do) leaves neither in the file.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLineRedactor, hashPhone } from '@voice-widget/protocol/log-safety';
import { spawnService, waitUntilReady } from '../src/service.ts';
import { typeScriptArgs } from '../src/typescript.ts';

const dir = mkdtempSync(join(tmpdir(), 'vw-stack-logs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('spawnService log files', () => {
  it('are private and filtered line by line, across chunk boundaries', async () => {
    const logDir = join(dir, 'logs');
    mkdirSync(logDir, { mode: 0o755 });
    writeFileSync(join(logDir, 'third-party.log'), 'old run\n');
    chmodSync(join(logDir, 'third-party.log'), 0o644);
    const secret = 'S3cr3t-api-secret-value-for-the-test';
    const hashKey = 'h'.repeat(32);
    // Writes the secret split across two writes (two chunks), and a SIP From number.
    const script = `process.stdout.write('{"msg":"config","secret":"${secret.slice(0, 10)}'); setTimeout(() => { process.stdout.write('${secret.slice(10)}"}\\n'); console.error('INVITE from sip:+15550123@10.0.0.9 to room phone_+15550100_Ab12'); }, 50);`;
    const service = spawnService('third-party', process.execPath, ['-e', script], { logDir, redact: createLineRedactor({ secrets: [secret], hashKey }) });
    await service.exited;
    await new Promise((r) => setTimeout(r, 100)); // the log stream flushes on the pipes' close
    const text = readFileSync(service.logFile, 'utf8');
    expect(text).not.toContain('S3cr3t');
    expect(text).not.toContain('15550123');
    expect(text).not.toContain('old run');
    expect(text).toContain('[redacted]');
    expect(text).toContain(`sip:${hashPhone('+15550123', hashKey)}@10.0.0.9`);
    expect(statSync(service.logFile).mode & 0o777).toBe(0o600);
    expect(statSync(logDir).mode & 0o777).toBe(0o700);

    // A first run: folder and file do not exist yet.
    const fresh = spawnService('fresh', process.execPath, ['-e', 'console.log("hello")'], { logDir: join(dir, 'new', 'logs') });
    await fresh.exited;
    expect(statSync(fresh.logFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'new', 'logs')).mode & 0o777).toBe(0o700);
  });
});

describe('typeScriptArgs: a TypeScript service is one Node process', () => {
  it('a service whose event loop is busy still gets SIGTERM to its own handler and drains', async () => {
    // The event loop is blocked 200 ms of every ~210 ms, as an agent worker's is while a call sets
    // up on a loaded machine; the `tsx` CLI wrapper SIGKILLed such a child (no ack within 30 ms):
    // run through it, this test sees exit 143 instead of 43.
    const script = join(dir, 'busy.ts');
    writeFileSync(
      script,
      [
        'const block = (ms: number): void => { const end = Date.now() + ms; while (Date.now() < end); };',
        "process.once('SIGTERM', () => { console.log('draining'); setTimeout(() => process.exit(43), 300); });",
        'setInterval(() => block(200), 10);',
        "console.log('ready');",
      ].join('\n'),
    );
    const service = spawnService('busy', process.execPath, typeScriptArgs('busy.ts'), { cwd: dir, logDir: join(dir, 'busy-logs') });
    await waitUntilReady(service, async () => readFileSync(service.logFile, 'utf8').includes('ready'), 20_000);
    process.kill(-service.child.pid!, 'SIGTERM'); // the whole group, as systemd and the cluster tests do
    expect(await service.exited).toBe(43);
    expect(readFileSync(service.logFile, 'utf8')).toContain('draining');
  });
});
