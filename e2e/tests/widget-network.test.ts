/**
 * Browser realities on the real stack (headless Chromium):
 * - microphone permission denied → a clear message, the call goes on, and the text fallback
 *   (typed messages on `lk.chat`) gets spoken answers;
 * - the network drops mid-call (the browser goes offline for a few seconds) → the widget shows
 *   `reconnecting`, LiveKit reconnects, and the conversation resumes (the next utterance is answered).
 * Screenshots: test-artifacts/widget/state-mic-denied.png, state-reconnecting.png, state-resumed.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
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
  startCall,
  waitForAgentQuiet,
  widgetEvents,
} from '@voice-widget/testkit';

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'widget');

describe('widget in a real browser’s conditions', () => {
  let stack: Stack;
  let host: Awaited<ReturnType<typeof serveHostPages>>;
  const browsers: LaunchedBrowser[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    stack = await startStack({ ephemeral: true, dir: join(REPO_ROOT, '.state', 'e2e-widget-network') });
    host = await serveHostPages({
      '/': `<!doctype html><html lang="en"><body><h1>Shop</h1><script src="${stack.serverUrl}/voice-widget.js" data-agent="acme" async></script></body></html>`,
    });
  });

  afterAll(async () => {
    for (const b of browsers) await b.close();
    await host?.close();
    await stack?.stop();
  });

  it('microphone denied: clear message, the call goes on, typed messages are answered', async () => {
    const b = await launchBrowser({ denyMic: true });
    browsers.push(b);
    await instrument(b.context);
    const page = await b.context.newPage();
    await page.goto(`${host.url}/`);
    await startCall(page.locator('voice-agent'));
    const notice = page.locator('voice-agent [data-testid=notice]');
    await expect.poll(() => notice.getAttribute('data-code'), { timeout: 15_000 }).toBe('mic_denied');
    expect(await notice.innerText()).toMatch(/Microphone blocked/);
    expect(await notice.getAttribute('role')).toBe('alert');
    const w = page.locator('voice-agent .vw');
    await expect.poll(() => w.getAttribute('data-agent-audible'), { timeout: 20_000 }).toBe('true'); // the greeting still plays
    expect(await page.locator('voice-agent [data-testid=mute]').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'state-mic-denied.png') });

    await page.locator('voice-agent [data-testid=text-input]').fill('What are your opening hours?');
    await page.locator('voice-agent [data-testid=text-send]').click();
    const caller = page.locator('voice-agent [data-speaker=caller]');
    await expect.poll(() => caller.allInnerTexts().then((t) => t.join(' '))).toMatch(/opening hours/);
    const agent = page.locator('voice-agent [data-speaker=agent]');
    await expect.poll(() => agent.count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    await page.waitForTimeout(1_500); // let the reply's caption fill in
    console.log(`typed question answered: ${(await agent.last().innerText()).slice(0, 120)}`);
    expect(await caller.count()).toBe(1); // the typed line is shown once
    await page.screenshot({ path: join(ARTIFACTS, 'state-text-answered.png') });
    const events = await widgetEvents(page);
    expect(events.filter((e) => e.type === 'error').map((e) => e.detail)).toEqual([
      { code: 'mic_denied', message: expect.stringMatching(/Microphone blocked/), retryable: false },
    ]);
    expect(events.some((e) => e.type === 'state' && (e.detail as { state: string }).state === 'error')).toBe(false);
    await page.locator('voice-agent [data-testid=talk]').click(); // end the call: frees the agent worker
    await expect.poll(() => w.getAttribute('data-state')).toBe('ended');
  });

  it('network drop: shows reconnecting, reconnects, and the conversation resumes', async () => {
    // The caller says one sentence once the call is back after the drop (played into a synthetic mic).
    const b = await launchBrowser();
    browsers.push(b);
    await instrument(b.context, { syntheticMic: true });
    const mic = await routeMicFiles(b.context, {
      'sentence.wav': callerWav('widget-network-sentence', [{ silenceS: 0.3 }, { recording: 'goforward' }, { silenceS: 0.5 }]),
    });
    const page = await b.context.newPage();
    const livekitLog: string[] = [];
    page.on('console', (m) => {
      const text = m.text().split('{')[0]!.trim();
      if (/^connection state changed|^detected network|^resuming|^ping timeout|^websocket connection closed/i.test(text)) livekitLog.push(`${Date.now()} ${text}`);
    });
    await page.goto(`${host.url}/`);
    const w = page.locator('voice-agent .vw');
    await startCall(page.locator('voice-agent'));
    await expect.poll(() => w.getAttribute('data-agent-audible'), { timeout: 30_000 }).toBe('true');
    expect(await waitForAgentQuiet(page.locator('voice-agent'), 700, 60_000), 'the greeting never finished').toBe(true);

    const droppedAt = Date.now();
    await b.context.setOffline(true);
    await expect.poll(() => w.getAttribute('data-state'), { timeout: 10_000, interval: 50 }).toBe('reconnecting');
    const shownMs = Date.now() - droppedAt;
    console.log(`reconnecting shown ${shownMs} ms after the network dropped`);
    // From the browser's offline event, not LiveKit's 15 s ping timeout (margin for a busy machine).
    expect(shownMs).toBeLessThan(10_000);
    await page.screenshot({ path: join(ARTIFACTS, 'state-reconnecting.png') });
    // Stay offline until LiveKit itself has noticed and is reconnecting.
    await expect.poll(() => livekitLog.some((l) => /-> (signal)?reconnecting/i.test(l)), { timeout: 30_000 }).toBe(true);
    expect(await w.getAttribute('data-state')).toBe('reconnecting');
    const restoredAt = Date.now();
    await b.context.setOffline(false);
    await expect.poll(() => w.getAttribute('data-state'), { timeout: 20_000, interval: 100 }).not.toBe('reconnecting');
    console.log(`reconnected ${Date.now() - restoredAt} ms after the network came back; state ${await w.getAttribute('data-state')}`);
    expect(['listening', 'thinking', 'speaking']).toContain(await w.getAttribute('data-state'));
    console.log(`LiveKit:\n  ${livekitLog.join('\n  ')}`);

    // The conversation resumes: the sentence spoken after the reconnect is heard and answered
    // (its wording depends on the offline recognizer on a loaded machine; that it arrives is the point).
    await waitForAgentQuiet(page.locator('voice-agent'), 700, 30_000);
    await playIntoMic(page, mic['sentence.wav']!);
    const caller = page.locator('voice-agent [data-speaker=caller]');
    await expect.poll(() => caller.count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
    console.log(`after the reconnect the agent heard: "${await caller.first().innerText()}"`);
    await expect.poll(() => page.locator('voice-agent [data-speaker=agent]').count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: join(ARTIFACTS, 'state-resumed.png') });
    const states = (await widgetEvents(page)).filter((e) => e.type === 'state' && e.t >= droppedAt).map((e) => (e.detail as { state: string }).state);
    expect(states.slice(0, 2)).toEqual(['reconnecting', expect.stringMatching(/listening|thinking|speaking/)]);
    expect(states).not.toContain('error');
    expect(states).not.toContain('ended');
  });
});
