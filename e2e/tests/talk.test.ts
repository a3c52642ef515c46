/**
 * The product's main job, end to end on the real stack: a visitor on the demo page clicks Talk,
 * the browser joins LiveKit, the agent greets with an AI disclosure, hears a real recording
 * (Chromium's fake microphone) and answers aloud, and the widget shows the perceived latency.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TurnLatency } from '@voice-widget/protocol';
import { type Stack, REPO_ROOT, startStack } from '@voice-widget/stack';
import { callerWav, type LaunchedBrowser, launchBrowser, instrument, widgetEvents } from '@voice-widget/testkit';

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'e2e');

describe('Talk button to spoken reply', () => {
  let stack: Stack;
  let browser: LaunchedBrowser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    stack = await startStack({ ephemeral: true, dir: join(REPO_ROOT, '.state', 'e2e-talk') });
    // Caller waits through the greeting, says one sentence, waits for the answer, says another.
    const mic = callerWav('talk-e2e', [
      { silenceS: 9 },
      { recording: 'goforward' },
      { silenceS: 7 },
      { recording: 'illDisposed' },
      { silenceS: 12 },
    ]);
    browser = await launchBrowser({ micWav: mic });
    await instrument(browser.context); // records the widget's voice-agent:* events
    page = await browser.context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') console.log(`[page] ${m.text()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('greets, answers each utterance aloud, and shows per-turn latency', async () => {
    await page.goto(stack.demoUrl!);
    const widget = page.locator('voice-agent .vw');
    await widget.waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'talk-idle.png') });

    await page.locator('voice-agent [data-testid=talk]').click();

    // Greeting with the AI disclosure, heard in the page.
    await expect.poll(() => widget.getAttribute('data-agent-audible'), { timeout: 20_000 }).toBe('true');
    const agentCaptions = page.locator('voice-agent [data-speaker=agent]');
    await expect.poll(() => agentCaptions.allInnerTexts().then((t) => t.join(' ')), { timeout: 20_000 }).toMatch(
      /AI assistant/i,
    );

    // The caller's first sentence is transcribed and answered; the answer uses what was heard.
    const callerCaptions = page.locator('voice-agent [data-speaker=caller]');
    await expect
      .poll(() => callerCaptions.allInnerTexts().then((t) => t.join(' ')), { timeout: 30_000 })
      .toMatch(/forward/i);
    await expect.poll(() => agentCaptions.count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);

    // Two turns measured and shown: last value, P50 and P95.
    const count = page.locator('voice-agent [data-testid=latency-count]');
    await expect.poll(async () => Number(await count.innerText()), { timeout: 40_000 }).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: join(ARTIFACTS, 'talk-after-two-turns.png') });
    const read = async (id: string) =>
      Number((await page.locator(`voice-agent [data-testid=${id}]`).innerText()).replace(/[^\d.-]/g, ''));
    const [last, p50, p95] = [await read('latency-last'), await read('latency-p50'), await read('latency-p95')];
    console.log(`perceived latency: last ${last} ms, P50 ${p50} ms, P95 ${p95} ms`);
    // Every turn record the page measured (docs/latency.md), as the widget reported it.
    const turns = (await widgetEvents(page)).filter((e) => e.type === 'latency').map((e) => e.detail.turn as TurnLatency);
    writeFileSync(join(ARTIFACTS, 'talk-latency.json'), JSON.stringify(turns, null, 2));
    for (const t of turns) console.log(`turn ${t.index}: perceived ${Math.round(t.perceivedMs)} ms, stages ${JSON.stringify(t.stages)}`);
    expect(turns.filter((t) => !t.overlap).length).toBeGreaterThanOrEqual(2);
    expect(turns.map((t) => Math.round(t.perceivedMs))).toContain(last);
    for (const v of [last, p50, p95]) {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThan(5_000);
    }
    expect(p95).toBeGreaterThanOrEqual(p50);

    // Ending is a normal end, not an error.
    await page.locator('voice-agent [data-testid=talk]').click();
    await expect.poll(() => widget.getAttribute('data-state')).toBe('ended');
    expect(await page.locator('voice-agent [data-testid=error]').count()).toBe(0);
  });
});
