import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { connectOpenAI } from './helpers.ts';

/** The CLI as a developer runs it: its own process, a script file, warm recognizers, the `--ttfa-ms` knob, clean shutdown on SIGTERM. */
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dir = mkdtempSync(path.join(tmpdir(), 'local-realtime-cli-'));
let child: ChildProcess | null = null;

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('cli', () => {
  it('refuses to start without a key, saying how to give one', async () => {
    const env = { ...process.env };
    delete env.LOCAL_REALTIME_API_KEY;
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--port', '0'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/LOCAL_REALTIME_API_KEY/);
  });

  it('serves with --script and adds exactly --ttfa-ms before the first audio, then stops on SIGTERM', async () => {
    const scriptFile = path.join(dir, 'script.json');
    writeFileSync(scriptFile, JSON.stringify({ greeting: 'Hello from the script file.', fallback: 'I heard {heard}.', intents: [] }));
    const apiKey = 'cli-test-key-0123456789';
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--', '--port', '0', '--ttfa-ms', '250', '--script', scriptFile, '--log-level', 'warn'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOCAL_REALTIME_API_KEY: apiKey },
    });
    child = proc;
    let stderr = '';
    const baseURL = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`CLI did not start: ${stderr}`)), 20_000);
      proc.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /baseURL (http:\/\/\S+)/.exec(stderr);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      proc.once('exit', (code) => reject(new Error(`CLI exited with ${code}: ${stderr}`)));
    });
    expect(baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    // It announces itself only once the recognizers have loaded their model.
    const health = await (await fetch(baseURL.replace(/\/v1$/, '/health'))).json();
    expect(health).toEqual({ status: 'ok', sessions: 0, asr: { idle: 2, ready: 2, live: 2 } });

    const { log, send, close } = await connectOpenAI({ baseURL, apiKey });
    const delays: number[] = [];
    try {
      // One more idle recognizer per open session, so callers ending turns together find one loaded.
      await expect
        .poll(async () => {
          const h = (await (await fetch(baseURL.replace(/\/v1$/, '/health'))).json()) as { asr: { idle: number } };
          return h.asr.idle;
        }, { timeout: 5_000 })
        .toBe(3);
      for (let i = 0; i < 2; i++) {
        const from = log.mark;
        send({ type: 'response.create', response: { output_modalities: ['audio'] } });
        const created = await log.waitFor('response.created', { from });
        const first = await log.waitFor('response.output_audio.delta', { from });
        const done = await log.waitFor('response.done', { from, timeoutMs: 20_000 });
        expect(done.response.output[0].content[0].transcript).toBe('Hello from the script file.');
        delays.push(first.at - created.at);
      }
    } finally {
      close();
    }
    console.log(`[latency] --ttfa-ms 250: response.created → first audio delta = ${delays.map((d) => d.toFixed(1)).join(' ms, ')} ms`);
    // Measured at the client, so its own event-loop jitter applies (a few ms on a busy machine).
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(240);
      expect(d).toBeLessThan(350);
    }

    const exit = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});
