import type { BrowserContext, Page } from 'playwright-core';
import type { TurnLatency } from '@voice-widget/protocol';
import {
  type PageNetworkStats,
  hookPeerConnections,
  pageNetworkStats,
  playIntoMic,
  settleCall,
  waitForAgentAudible,
  waitForAgentQuiet,
  widgetEvents,
} from '@voice-widget/testkit';
import type { Utterance } from '../audio-set.ts';

/** One call of the run: a configuration behind a network, saying `utterances` one after another. */
export interface CallPlan {
  index: number;
  config: string;
  network: string;
  pageUrl: string;
  utterances: Utterance[];
  /** Hover the talk button this long before clicking (the widget prefetches the session), or null: click at once. */
  hoverMs: number | null;
  /** Port of the impairing relay in front of LiveKit's TURN, or null: straight to LiveKit. */
  relayPort: number | null;
}

/** One utterance of a call and the turn the page measured for it (null: no turn, counted as missed). */
export interface CallTurn {
  utteranceId: string;
  cls: string;
  /** When the utterance's first sample played into the microphone, page clock, ms since epoch. */
  playAt: number;
  /** The utterance's true speech end (file energy, −45 dBFS) on the page clock. */
  trueSpeechEndAt: number;
  turn: TurnLatency | null;
}

export interface CallResult {
  plan: Omit<CallPlan, 'utterances'>;
  startedAt: number;
  endedAt: number;
  /** Click → first agent audio heard (the greeting), ms; null if never heard. */
  clickToGreetingMs: number | null;
  turns: CallTurn[];
  network: PageNetworkStats | null;
  errors: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One call through the real widget, driven by the page's state like a polite caller: click Talk
 * (after a hover, or not), wait until the greeting has played, then for each utterance play it
 * into the synthetic microphone, wait for the agent's answer to be measured and to finish, and go
 * on. A turn the page never measured (no answer, or speech the VAD did not take for a turn) is
 * kept with `turn: null`. `micUrl(id)` is where the page fetches an utterance's WAV.
 */
export async function runCall(context: BrowserContext, plan: CallPlan, micUrl: (id: string) => string): Promise<CallResult> {
  const page: Page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const result: CallResult = {
    plan: { index: plan.index, config: plan.config, network: plan.network, pageUrl: plan.pageUrl, hoverMs: plan.hoverMs, relayPort: plan.relayPort },
    startedAt: Date.now(),
    endedAt: 0,
    clickToGreetingMs: null,
    turns: [],
    network: null,
    errors,
  };
  try {
    await hookPeerConnections(page, plan.relayPort);
    await page.goto(plan.pageUrl);
    const root = page.locator('voice-agent');
    const talk = root.locator('[data-testid=talk]');
    await talk.waitFor({ timeout: 15_000 });
    if (plan.hoverMs !== null) {
      await talk.hover();
      await page.waitForTimeout(plan.hoverMs);
    }
    const clickAt = await page.evaluate(() => performance.timeOrigin + performance.now());
    await talk.click();
    await settleCall(root, 30_000);
    if (!(await waitForAgentAudible(root, 30_000))) throw new Error('greeting never heard');
    const heard = (await widgetEvents(page)).find((e) => e.type === 'audio' && (e.detail as { audible: boolean }).audible);
    if (heard) result.clickToGreetingMs = (heard.detail as { atMs: number }).atMs - clickAt;
    if (!(await waitForAgentQuiet(root, 700, 30_000))) throw new Error('greeting never ended');
    for (const u of plan.utterances) {
      const playAt = await playIntoMic(page, micUrl(u.id));
      result.turns.push({ utteranceId: u.id, cls: u.cls, playAt, trueSpeechEndAt: playAt + u.speechEndMs, turn: null });
      // The answer: a turn measured after this utterance started, or nothing within 15 s of its end.
      const deadline = Date.now() + u.durationMs + 15_000;
      let measured = false;
      while (!measured && Date.now() < deadline) {
        measured = (await widgetEvents(page)).some((e) => e.type === 'latency' && (e.detail as { turn: TurnLatency }).turn.speechEndAt > playAt);
        if (!measured) await sleep(100);
      }
      await sleep(Math.max(0, playAt + u.durationMs - Date.now())); // the file has played out
      // After an answer, its end; after none, a shorter wait (the widget may still think).
      await waitForAgentQuiet(root, 800, measured ? 30_000 : 8_000);
    }
    await sleep(1_000); // the last turn's stage split (the agent's timeline) arrives
    result.network = await pageNetworkStats(page).catch(() => null);
    await matchTurns(page, result.turns);
    for (const e of await widgetEvents(page)) if (e.type === 'error') errors.push(JSON.stringify(e.detail));
    await talk.click().catch(() => {}); // hang up
    await page.waitForTimeout(500);
  } catch (err) {
    errors.push((err as Error).message);
    await matchTurns(page, result.turns).catch(() => {});
    // What the call never got to say counts as missed: the caller would not have been answered.
    for (const u of plan.utterances.slice(result.turns.length)) result.turns.push({ utteranceId: u.id, cls: u.cls, playAt: 0, trueSpeechEndAt: 0, turn: null });
  } finally {
    result.endedAt = Date.now();
    await page.close().catch(() => {});
  }
  return result;
}

/** Gives each said utterance the page's final record of the turn that followed it (a turn is reported again when its stages arrive). */
async function matchTurns(page: Page, said: CallTurn[]): Promise<void> {
  const records = new Map<number, TurnLatency>();
  for (const e of await widgetEvents(page)) {
    if (e.type !== 'latency') continue;
    const t = (e.detail as { turn: TurnLatency }).turn;
    records.set(t.index, t);
  }
  const turns = [...records.values()];
  said.forEach((ct, i) => {
    const next = said[i + 1]?.playAt ?? Number.POSITIVE_INFINITY;
    ct.turn = turns.find((t) => t.speechEndAt > ct.playAt && t.speechEndAt < next) ?? null;
  });
}
