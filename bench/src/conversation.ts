import type { TurnLatency } from '@voice-widget/protocol';
import { launchBrowser } from '@voice-widget/testkit';

/** What one browser call measured, all from the page's own events (page clock, ms since epoch). */
export interface ConversationResult {
  turns: TurnLatency[];
  /** Click on Talk → first agent audio heard (the greeting), ms. */
  clickToGreetingMs: number | null;
  /** Agent audio edges as heard in the page. */
  audioEdges: { audible: boolean; atMs: number }[];
  /** The widget's barge-in steps (duck / interrupt / resume). */
  bargeIns: { phase: string; atMs: number; voicedMs: number }[];
  errors: string[];
}

export interface ConversationOptions {
  /** Page that embeds the widget (the demo site). */
  pageUrl: string;
  /** The caller's microphone: played once by Chromium's fake capture. */
  micWav: string;
  /** Stop once this many turns are measured. */
  turns: number;
  /** Give up after this long, ms. */
  timeoutMs: number;
  /** Hover the button before clicking (the widget prefetches its call machinery on hover). */
  hoverFirstMs?: number;
}

declare global {
  interface Window {
    __bench?: (type: string, detail: unknown) => void;
  }
}

/**
 * One call through the real widget in headless Chromium: opens the page, clicks Talk, and
 * collects the widget's `voice-agent:*` events until `turns` turn records arrived.
 */
export async function runConversation(opts: ConversationOptions): Promise<ConversationResult> {
  const browser = await launchBrowser({ micWav: opts.micWav });
  const result: ConversationResult = { turns: [], clickToGreetingMs: null, audioEdges: [], bargeIns: [], errors: [] };
  try {
    const page = await browser.context.newPage();
    let done: () => void = () => {};
    const finished = new Promise<void>((r) => (done = r));
    await page.exposeFunction('__bench', (type: string, detail: unknown) => {
      if (type === 'latency') {
        result.turns.push((detail as { turn: TurnLatency }).turn);
        if (result.turns.length >= opts.turns) done();
      } else if (type === 'audio') {
        result.audioEdges.push(detail as { audible: boolean; atMs: number });
      } else if (type === 'bargein') {
        result.bargeIns.push(detail as { phase: string; atMs: number; voicedMs: number });
      } else if (type === 'error') {
        result.errors.push((detail as { message: string }).message);
        done();
      } else if (type === 'ended') {
        done();
      }
    });
    await page.addInitScript(() => {
      for (const type of ['latency', 'audio', 'bargein', 'error', 'ended']) {
        document.addEventListener(`voice-agent:${type}`, (e) => window.__bench?.(type, (e as CustomEvent).detail));
      }
    });
    await page.goto(opts.pageUrl);
    const talk = page.locator('voice-agent [data-testid=talk]');
    await talk.waitFor({ timeout: 15_000 });
    if (opts.hoverFirstMs) {
      await talk.hover();
      await page.waitForTimeout(opts.hoverFirstMs);
    }
    const clickAt = await page.evaluate(() => performance.timeOrigin + performance.now());
    await talk.click();
    const timeout = new Promise<void>((r) => setTimeout(r, opts.timeoutMs));
    await Promise.race([finished, timeout]);
    const greeting = result.audioEdges.find((e) => e.audible);
    result.clickToGreetingMs = greeting ? greeting.atMs - clickAt : null;
    await talk.click().catch(() => {}); // end the call
    await page.waitForTimeout(300);
  } finally {
    await browser.close();
  }
  return result;
}
