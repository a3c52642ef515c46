/**
 * A web call whose page VAD cannot load (its model is blocked, as a strict proxy or a broken CDN
 * would) still gets its turns answered: the widget tells the agent (`voice.turn_source`) and the
 * agent ends turns with its own VAD (Silero, @livekit/agents-plugin-silero). Headless Chromium on
 * the real stack; the caller speaks a real recording once the greeting has been heard.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, type Stack, startStack } from '@voice-widget/stack';
import { type LaunchedBrowser, callerWav, instrument, launchBrowser, playIntoMic, serveHostPages, startCall, widgetEvents } from '@voice-widget/testkit';

describe('turn-taking without the page VAD', () => {
  let stack: Stack;
  let host: Awaited<ReturnType<typeof serveHostPages>>;
  let browser: LaunchedBrowser;
  let page: Page;

  beforeAll(async () => {
    const ask = callerWav('fallback-ask', [{ silenceS: 0.3 }, { recording: 'goforward' }, { silenceS: 1 }]);
    stack = await startStack({ ephemeral: true, dir: join(REPO_ROOT, '.state', 'e2e-turn-fallback') });
    host = await serveHostPages(
      { '/': `<!doctype html><html lang="en"><body><h1>Shop</h1><script src="${stack.serverUrl}/voice-widget.js" data-agent="acme" async></script></body></html>` },
      { '/ask.wav': ask },
    );
    browser = await launchBrowser();
    await instrument(browser.context, { syntheticMic: true });
    page = await browser.context.newPage();
    await page.route('**/*.onnx', (route) => route.abort('blockedbyclient')); // the page's VAD model never arrives
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await stack?.stop();
  });

  it('the agent’s own VAD ends the caller’s turn and the agent answers', async () => {
    const warnings: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text());
    });
    await page.goto(`${host.url}/`);
    await startCall(page.locator('voice-agent'));
    const widget = page.locator('voice-agent .vw');
    await expect.poll(() => widget.getAttribute('data-agent-audible'), { timeout: 20_000 }).toBe('true');
    await expect.poll(() => warnings.join('\n'), { timeout: 20_000 }).toMatch(/VAD unavailable/);
    // Speak once the greeting is over (driven by the page's state, not a fixed second).
    await expect.poll(() => widget.getAttribute('data-agent-audible'), { timeout: 30_000 }).toBe('false');
    await playIntoMic(page, `${host.url}/ask.wav`);

    const agent = page.locator('voice-agent [data-speaker=agent]');
    await expect.poll(() => agent.count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    const caller = page.locator('voice-agent [data-speaker=caller]');
    await expect.poll(() => caller.count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    console.log(`caller: ${await caller.first().innerText()} → agent: ${(await agent.nth(1).innerText()).slice(0, 100)}`);
    // No page VAD: no perceived-latency turn is measured (the page cannot time the end of speech).
    expect((await widgetEvents(page)).filter((e) => e.type === 'latency')).toEqual([]);
    await page.locator('voice-agent [data-testid=talk]').click();
  });
});
