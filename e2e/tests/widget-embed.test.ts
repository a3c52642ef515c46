/**
 * The widget as customers embed it, on the real stack in headless Chromium, from host pages on
 * another origin than the voice server:
 * - script tag on a page with hostile global CSS: the widget's computed styles equal those on a
 *   clean page and the page's own styles are untouched; only the loader and `widget.mjs` (≤ 15 KB
 *   gzip on the wire) load before a click, the call code on hover;
 * - click → connect → greeting heard → captions of both sides → per-turn latency; normal end (the
 *   caller speaks once the greeting has finished playing, whenever that is on this machine);
 * - `<voice-agent>` element (German, dark) and the ESM `mount()` API with its events;
 * - the iframe snippet (`allow="microphone; autoplay"`).
 * Screenshots of each state: test-artifacts/widget/*.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, type Stack, startStack } from '@voice-widget/stack';
import {
  type LaunchedBrowser,
  callerWav,
  instrument,
  launchBrowser,
  playIntoMic,
  routeMicFiles,
  serveHostPages,
  settleCall,
  waitForAgentQuiet,
  widgetEvents,
} from '@voice-widget/testkit';

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'widget');
const BUDGET = 15 * 1024;

const HOSTILE_CSS = `
* { font-family: "Comic Sans MS", cursive !important; color: #f0f !important; background: #ff0 !important;
    padding: 13px !important; margin: 7px !important; border: 4px dashed red !important; font-size: 31px !important;
    line-height: 3 !important; text-transform: uppercase !important; letter-spacing: 4px !important;
    box-sizing: content-box !important; border-radius: 0 !important; opacity: .9 !important; }
*::before, *::after { content: "☠" !important; }
button { display: block !important; width: 900px !important; }
body > * { position: relative !important; }
`;

describe('widget embedding', () => {
  let stack: Stack;
  let host: Awaited<ReturnType<typeof serveHostPages>>;
  let browser: LaunchedBrowser;
  let page: Page;
  let mic: Record<string, string>;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    stack = await startStack({ ephemeral: true, dir: join(REPO_ROOT, '.state', 'e2e-widget-embed') });
    const S = stack.serverUrl;
    const tag = `<script src="${S}/voice-widget.js" data-agent="acme" async></script>`;
    const body = `<h1>Acme Outdoor</h1><p class="copy">Gear for every trail.</p><button id="buy">Buy</button>`;
    const doc = (head: string, extra = '') => `<!doctype html><html lang="en"><head><meta charset="utf-8">${head}</head><body>${body}${extra}</body></html>`;
    host = await serveHostPages({
      '/clean': doc('', tag),
      '/hostile': doc(`<style>${HOSTILE_CSS}</style>`, tag),
      '/hostile-nowidget': doc(`<style>${HOSTILE_CSS}</style>`),
      '/element': doc(
        `<script type="module" src="${S}/widget.mjs"></script>`,
        `<voice-agent agent="acme" lang="de" theme="dark" show-latency="false"></voice-agent><voice-agent id="broken"></voice-agent>`,
      ),
      '/esm': doc(
        '',
        `<div id="mount"></div><button id="go">Start</button><button id="stop">Stop</button>
<script type="module">
  import { mount } from '${S}/widget.mjs';
  const h = mount(document.getElementById('mount'), { agent: 'acme', strings: { talk: 'Ask Acme' }, showCaptions: false });
  window.__seen = [];
  for (const t of ['state', 'ended', 'error']) h.on(t, (e) => window.__seen.push([t, e.state ?? e.reason ?? e.code]));
  document.getElementById('go').onclick = () => h.start();
  document.getElementById('stop').onclick = () => h.end();
</script>`,
      ),
      '/iframe': doc('', `<iframe src="${S}/embed.html?agent=acme" allow="microphone; autoplay" title="Voice assistant" width="360" height="560"></iframe>`),
    });
    browser = await launchBrowser();
    // The microphone is one the test plays into (after the greeting), not a file on a fixed clock.
    await instrument(browser.context, { syntheticMic: true });
    mic = await routeMicFiles(browser.context, {
      'sentence.wav': callerWav('widget-embed-sentence', [{ silenceS: 0.3 }, { recording: 'goforward' }, { silenceS: 0.5 }]),
    });
    page = await browser.context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') console.log(`[page] ${m.text()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await stack?.stop();
  });

  const w = (p: Page = page) => p.locator('voice-agent .vw');
  const talk = (p: Page = page) => p.locator('voice-agent [data-testid=talk]');

  /** Computed styles of the widget's host and talk button. */
  const widgetLook = (p: Page) =>
    p.evaluate(() => {
      const el = document.querySelector('voice-agent')!;
      const btn = el.shadowRoot!.querySelector('[data-testid=talk]')!;
      const pick = (e: Element, keys: string[]) => {
        const cs = getComputedStyle(e);
        return Object.fromEntries(keys.map((k) => [k, cs.getPropertyValue(k)]));
      };
      const r = btn.getBoundingClientRect();
      return {
        host: pick(el, ['position', 'right', 'bottom', 'z-index', 'display', 'padding-top', 'margin-top', 'border-top-width', 'opacity']),
        hostBefore: getComputedStyle(el, '::before').getPropertyValue('content'),
        button: pick(btn, ['font-family', 'font-size', 'color', 'background-color', 'padding-top', 'border-top-width', 'text-transform', 'letter-spacing', 'border-radius']),
        buttonSize: [Math.round(r.width), Math.round(r.height)],
      };
    });
  /** Pixels of a 4×4 patch inside the talk button (its padding: pure accent colour), as rendered. */
  const buttonPixels = async (p: Page) => {
    const box = (await talk(p).boundingBox())!;
    return p.screenshot({ clip: { x: box.x + 4, y: box.y + box.height / 2 - 2, width: 4, height: 4 } });
  };
  /** Computed styles of the host page's own elements. */
  const pageLook = (p: Page) =>
    p.evaluate(() =>
      ['h1', '.copy', '#buy', 'body'].map((s) => {
        const cs = getComputedStyle(document.querySelector(s)!);
        return [s, cs.fontFamily, cs.color, cs.backgroundColor, cs.padding, cs.margin, cs.fontSize, cs.display, cs.width];
      }),
    );

  it('hostile page CSS cannot reach the widget, the widget does not touch the page, and only ≤ 15 KB loads before a click', async () => {
    await page.goto(`${host.url}/clean`);
    await talk().waitFor();
    const clean = await widgetLook(page);
    const cleanPixels = await buttonPixels(page);
    await page.screenshot({ path: join(ARTIFACTS, 'embed-clean-idle.png') });

    await page.goto(`${host.url}/hostile-nowidget`);
    const pageWithout = await pageLook(page);
    const sheetsWithout = await page.evaluate(() => document.styleSheets.length);

    const widgetRequests: Request[] = [];
    const onRequest = (r: Request) => {
      if (r.url().startsWith(stack.serverUrl)) widgetRequests.push(r);
    };
    page.on('request', onRequest);
    await page.goto(`${host.url}/hostile`);
    await talk().waitFor();
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(ARTIFACTS, 'embed-hostile-idle.png') });
    expect(await widgetLook(page)).toEqual(clean);
    // Rendered the same too: the floating widget sits in the top layer, so the page's
    // `body { opacity: .9 }` (from `*`) does not dim it.
    expect(Buffer.compare(await buttonPixels(page), cleanPixels)).toBe(0);
    expect(clean.host.position).toBe('fixed');
    expect(clean.hostBefore).toBe('none');
    expect(await pageLook(page)).toEqual(pageWithout);
    expect(await page.evaluate(() => document.styleSheets.length)).toBe(sheetsWithout);
    expect(await page.evaluate(() => document.body.querySelectorAll(':scope > voice-agent').length)).toBe(1);

    // Before any click: the loader and the widget module only, within the budget on the wire.
    const files = widgetRequests.map((r) => new URL(r.url()).pathname);
    expect(files.sort()).toEqual(['/voice-widget.js', '/widget.mjs']);
    // Bytes on the wire: the server sends the build's gzip twins (Content-Length of the encoded body).
    const responses = await Promise.all(widgetRequests.map((r) => r.response()));
    for (const res of responses) expect(await res!.headerValue('content-encoding')).toBe('gzip');
    const sizes = await Promise.all(responses.map(async (res) => Number(await res!.headerValue('content-length'))));
    const total = sizes.reduce((a, b) => a + b, 0);
    console.log(`before click: ${files.map((f, i) => `${f} ${sizes[i]} B`).join(', ')} = ${total} B on the wire (gzip)`);
    expect(total).toBeLessThanOrEqual(BUDGET);
    expect(total).toBeGreaterThan(1_000);

    // Hover prefetches the call code (livekit-client), not the VAD model/WASM.
    await talk().hover();
    await expect.poll(() => widgetRequests.some((r) => /\/assets\/session-[\w-]+\.js$/.test(r.url())), { timeout: 10_000 }).toBe(true);
    expect(widgetRequests.some((r) => /\.(wasm|onnx)$/.test(r.url()))).toBe(false);
    page.off('request', onRequest);
  });

  it('click → connect → greeting heard → captions of both sides → latency stored with the call; a normal end is not an error', async () => {
    const uploads: number[] = [];
    page.on('response', (r) => {
      if (/\/api\/sessions\/[^/]+\/turns$/.test(r.url())) uploads.push(r.status());
    });
    await talk().click();
    await expect.poll(() => w().getAttribute('data-state')).toBe('connecting');
    await page.screenshot({ path: join(ARTIFACTS, 'state-connecting.png') });
    await settleCall(page.locator('voice-agent'));
    await expect.poll(() => w().getAttribute('data-agent-audible'), { timeout: 20_000 }).toBe('true');
    await page.screenshot({ path: join(ARTIFACTS, 'state-speaking.png') });
    const agent = page.locator('voice-agent [data-speaker=agent]');
    const caller = page.locator('voice-agent [data-speaker=caller]');
    await expect.poll(() => agent.first().innerText(), { timeout: 30_000 }).toMatch(/AI assistant/i);
    expect(await waitForAgentQuiet(page.locator('voice-agent'), 700, 60_000), 'the greeting never finished').toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'state-listening.png') });
    const mute = page.locator('voice-agent [data-testid=mute]');
    await mute.click();
    expect([await w().getAttribute('data-mic'), await mute.getAttribute('aria-pressed')]).toEqual(['muted', 'true']);
    await mute.click();
    expect([await w().getAttribute('data-mic'), await mute.getAttribute('aria-pressed')]).toEqual(['ok', 'false']);
    // The caller's words end → the widget thinks (from its own VAD's end of turn) → the agent
    // speaks. Caught on the widget's state event (polled every frame), then photographed.
    const thinkingCount = () =>
      (window as unknown as { __vwEvents: { type: string; detail: { state?: string } }[] }).__vwEvents.filter(
        (e) => e.type === 'state' && e.detail.state === 'thinking',
      ).length;
    const before = await page.evaluate(thinkingCount);
    await playIntoMic(page, mic['sentence.wav']!);
    await page.waitForFunction(`(${thinkingCount.toString()})() > ${before}`, null, { polling: 'raf', timeout: 60_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'state-thinking.png') });
    // Heard (a caption with words; what the offline recognizer makes of them under load is not the point) and answered.
    await expect.poll(() => caller.allInnerTexts().then((t) => t.join(' ')), { timeout: 60_000 }).toMatch(/\w/);
    await expect.poll(() => agent.count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
    const count = page.locator('voice-agent [data-testid=latency-count]');
    await expect.poll(async () => Number(await count.innerText()), { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
    const last = Number((await page.locator('voice-agent [data-testid=latency-last]').innerText()).replace(/[^\d.-]/g, ''));
    console.log(`widget latency panel: last turn ${last} ms`);
    expect(last).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'state-latency.png') });
    // Each turn was uploaded with the call (POST /api/sessions/:room/turns with the caller's token).
    await expect.poll(() => uploads.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(1);
    expect(uploads.every((s) => s === 201)).toBe(true);

    // The microphone was asked for echo cancellation and noise suppression.
    const constraints = await page.evaluate(() => (window as unknown as { __micConstraints: MediaTrackConstraints }).__micConstraints);
    expect(constraints).toMatchObject({ echoCancellation: true, noiseSuppression: true });

    await talk().click();
    await expect.poll(() => w().getAttribute('data-state')).toBe('ended');
    expect(await page.locator('voice-agent [data-testid=error]').count()).toBe(0);
    const events = await widgetEvents(page);
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    expect(events.find((e) => e.type === 'ended')?.detail).toMatchObject({ reason: 'caller' });
    expect(events.filter((e) => e.type === 'latency').length).toBeGreaterThanOrEqual(1);
    // listening → thinking (the caller's turn ended) → speaking (the reply).
    const states = events.filter((e) => e.type === 'state').map((e) => (e.detail as { state: string }).state);
    expect(states.join(' ')).toMatch(/listening thinking speaking/);
    await page.screenshot({ path: join(ARTIFACTS, 'state-ended.png') });
  });

  it('<voice-agent> element: attributes for language and theme; a broken one says so', async () => {
    await page.goto(`${host.url}/element`);
    const first = page.locator('voice-agent').first();
    await expect.poll(() => first.locator('[data-testid=talk]').innerText()).toBe('Mit unserem Assistenten sprechen');
    const bg = await first.locator('[data-testid=talk]').evaluate((b) => getComputedStyle(b).backgroundColor);
    expect(bg).toBe('rgb(138, 180, 255)'); // the dark palette's accent
    // Keyboard: focus the button and press Enter; after the failure focus stays on the way forward.
    const broken = page.locator('voice-agent#broken');
    await broken.locator('[data-testid=talk]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => broken.locator('[data-testid=error]').innerText()).toMatch(/not set up correctly/);
    expect(await broken.locator('[data-testid=error]').getAttribute('role')).toBe('alert');
    expect(await page.evaluate(() => document.querySelector('voice-agent#broken')!.shadowRoot!.activeElement?.getAttribute('data-testid'))).toBe('talk');
    await page.screenshot({ path: join(ARTIFACTS, 'state-error.png') });
  });

  it('ESM mount(): typed handle starts and ends a call and reports its events', async () => {
    await page.goto(`${host.url}/esm`);
    await expect.poll(() => page.locator('#mount voice-agent [data-testid=talk]').innerText()).toBe('Ask Acme');
    await page.click('#go'); // (the previous calls warmed the worker up: no retry needed here)
    await expect.poll(() => page.evaluate(() => (window as unknown as { __seen: string[][] }).__seen.map((s) => s[1])), { timeout: 20_000 }).toContain('listening');
    await page.click('#stop');
    await expect.poll(() => page.evaluate(() => (window as unknown as { __seen: string[][] }).__seen)).toContainEqual(['ended', 'caller']);
    const seen = await page.evaluate(() => (window as unknown as { __seen: string[][] }).__seen);
    expect(seen[0]).toEqual(['state', 'connecting']);
    expect(seen.filter((s) => s[0] === 'error')).toEqual([]);
  });

  it('iframe snippet: the widget in a frame from the voice server gets the microphone and plays the agent', async () => {
    await page.goto(`${host.url}/iframe`);
    const frame = page.frameLocator('iframe');
    await frame.locator('voice-agent [data-testid=talk]').click();
    await expect.poll(() => frame.locator('voice-agent .vw').getAttribute('data-agent-audible'), { timeout: 20_000 }).toBe('true');
    expect(await frame.locator('voice-agent .vw').getAttribute('data-mic')).toBe('ok');
    await page.screenshot({ path: join(ARTIFACTS, 'embed-iframe.png') });
    await frame.locator('voice-agent [data-testid=talk]').click();
    await expect.poll(() => frame.locator('voice-agent .vw').getAttribute('data-state')).toBe('ended');
  });
});
