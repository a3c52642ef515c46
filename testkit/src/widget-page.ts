import { readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';

/**
 * Helpers for the widget's end-to-end tests: host pages on their own origin, a microphone the test
 * plays into at a known moment, and a recorder of the widget's `voice-agent:*` DOM events.
 */

/** Serves `pages` (path → HTML) and `files` (path → local file) on a free loopback port. Another origin than the widget server, like a customer's site. */
export async function serveHostPages(pages: Record<string, string>, files: Record<string, string> = {}): Promise<{ url: string; close(): Promise<void> }> {
  const types: Record<string, string> = { '.wav': 'audio/wav', '.html': 'text/html; charset=utf-8' };
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (pages[path] !== undefined) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(pages[path]);
    } else if (files[path]) {
      res.writeHead(200, { 'Content-Type': types[extname(path)] ?? 'application/octet-stream' });
      res.end(readFileSync(files[path]!));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** One widget DOM event as recorded in the page; `t` = page clock (ms since epoch) when it fired. */
export interface RecordedEvent {
  type: string;
  t: number;
  detail: Record<string, unknown>;
}

/**
 * Installs, before any page script: a recorder of `voice-agent:*` events (also from inside iframes'
 * own documents when the script runs there), the constraints the widget asked the microphone for,
 * and — with `syntheticMic` — a microphone the test plays WAV files into with {@link playIntoMic}.
 */
export async function instrument(context: BrowserContext, opts: { syntheticMic?: boolean } = {}): Promise<void> {
  await context.addInitScript((synthetic: boolean) => {
    const w = window as unknown as Record<string, unknown>;
    const events: unknown[] = (w.__vwEvents = []);
    for (const type of ['state', 'transcript', 'latency', 'error', 'ended', 'bargein', 'audio', 'talkingTo', 'vad']) {
      document.addEventListener(`voice-agent:${type}`, (e) => {
        events.push({ type, t: performance.timeOrigin + performance.now(), detail: (e as CustomEvent).detail });
      });
    }
    const md = navigator.mediaDevices;
    if (!md) return;
    const original = md.getUserMedia.bind(md);
    md.getUserMedia = async (c?: MediaStreamConstraints) => {
      if (c?.audio) w.__micConstraints = c.audio;
      if (!synthetic || !c?.audio) return original(c);
      const ctx = new AudioContext({ sampleRate: 48_000 });
      await ctx.resume();
      const dest = ctx.createMediaStreamDestination();
      w.__mic = { ctx, dest };
      return dest.stream;
    };
  }, opts.syntheticMic ?? false);
}

/** Widget events recorded so far in `page`. */
export function widgetEvents(page: Page): Promise<RecordedEvent[]> {
  return page.evaluate(() => (window as unknown as { __vwEvents: RecordedEvent[] }).__vwEvents);
}

/**
 * Plays the WAV at `url` into the synthetic microphone (see {@link instrument}) 100 ms from now;
 * resolves with the page-clock time (ms since epoch) of its first sample.
 */
export function playIntoMic(page: Page, url: string): Promise<number> {
  return page.evaluate(async (src) => {
    const mic = (window as unknown as { __mic?: { ctx: AudioContext; dest: MediaStreamAudioDestinationNode } }).__mic;
    if (!mic) throw new Error('no synthetic microphone: did the widget open one?');
    const buf = await mic.ctx.decodeAudioData(await (await fetch(src)).arrayBuffer());
    const node = new AudioBufferSourceNode(mic.ctx, { buffer: buf });
    node.connect(mic.dest);
    const at = mic.ctx.currentTime + 0.1;
    node.start(at);
    const ts = mic.ctx.getOutputTimestamp();
    // The same mapping the widget uses for its own clock (performance time of a context time).
    return performance.timeOrigin + (ts.performanceTime ?? performance.now()) + (at - (ts.contextTime ?? mic.ctx.currentTime)) * 1000;
  }, url);
}

/**
 * Clicks the widget's talk button inside `root` and waits until the call is up. If the agent did
 * not join in time (the widget's retryable `agent_timeout` error — on a loaded machine LiveKit
 * sometimes finds "no workers with sufficient capacity" for the first dispatch), it presses the
 * widget's own Try again button once, as a visitor would, and says so.
 */
export async function startCall(root: Locator, timeoutMs = 25_000): Promise<void> {
  await root.locator('[data-testid=talk]').click();
  await settleCall(root, timeoutMs);
}

/** The waiting half of {@link startCall}, for a call whose talk button was already clicked. */
export async function settleCall(root: Locator, timeoutMs = 25_000): Promise<void> {
  const w = root.locator('.vw');
  const settled = async () => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await w.getAttribute('data-state');
      if (state && state !== 'connecting' && state !== 'idle') return state;
      if (Date.now() > deadline) throw new Error(`call still ${state} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  if ((await settled()) === 'error' && (await root.locator('[data-testid=error]').getAttribute('data-code')) === 'agent_timeout') {
    console.log('agent did not join in time; pressing Try again');
    await root.locator('[data-testid=retry]').click();
    await settled();
  }
}

/**
 * Serves local files to every page of `context` under `/__mic/<name>` on the page's own origin
 * (routed by Playwright, no server, no CORS), for {@link playIntoMic}. Returns name → path to pass.
 */
export async function routeMicFiles(context: BrowserContext, files: Record<string, string>): Promise<Record<string, string>> {
  await context.route('**/__mic/*', async (route) => {
    const name = decodeURIComponent(new URL(route.request().url()).pathname.split('/').pop() ?? '');
    const file = files[name];
    if (!file) return route.fulfill({ status: 404 });
    await route.fulfill({ status: 200, contentType: 'audio/wav', body: readFileSync(file) });
  });
  return Object.fromEntries(Object.keys(files).map((name) => [name, `/__mic/${encodeURIComponent(name)}`]));
}

/**
 * Waits until the agent has been silent in the page for `quietMs` while the widget listens
 * (the greeting or a reply has finished playing): the moment a polite caller starts talking.
 * Driven by the page's state, not by a fixed time. Resolves false after `timeoutMs`.
 */
export async function waitForAgentQuiet(root: Locator, quietMs = 700, timeoutMs = 30_000): Promise<boolean> {
  const w = root.locator('.vw');
  const deadline = Date.now() + timeoutMs;
  let quietSince: number | null = null;
  while (Date.now() < deadline) {
    const [audible, state] = await Promise.all([w.getAttribute('data-agent-audible'), w.getAttribute('data-state')]);
    const quiet = audible !== 'true' && state === 'listening';
    quietSince = quiet ? (quietSince ?? Date.now()) : null;
    if (quietSince !== null && Date.now() - quietSince >= quietMs) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** Waits until the agent's audio has been heard in the page (the greeting started). Resolves false after `timeoutMs`. */
export async function waitForAgentAudible(root: Locator, timeoutMs = 30_000): Promise<boolean> {
  const w = root.locator('.vw');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await w.getAttribute('data-agent-audible')) === 'true') return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
