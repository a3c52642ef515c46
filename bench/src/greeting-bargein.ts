import type { BrowserContext, Page } from 'playwright-core';
import {
  type RecordedEvent,
  callerWav,
  hookPeerConnections,
  instrument,
  launchBrowser,
  playIntoMic,
  serveHostPages,
  speechOnsetMs,
  startCall,
  waitForAgentQuiet,
  widgetEvents,
} from '@voice-widget/testkit';

/** One barge-in, all times from the caller's speech onset (energy onset in the file), ms. */
export interface BargeInSample {
  /** Local playback ducked (the widget's first reaction). */
  duckMs: number | null;
  /** Local playback stopped and `voice.interrupt` sent (after 250 ms of voiced speech). */
  stopMs: number | null;
  /** The agent's played audio went under −45 dBFS for good. */
  silentMs: number | null;
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One call's greeting, page times in ms since epoch (null: not seen). */
export interface GreetingCall {
  hoverAt: number;
  clickAt: number;
  /** POST /api/sessions answered (the widget asks on hover). */
  sessionAt: number | null;
  /** First agent audio audible in the page. */
  heardAt: number | null;
  /** The page's connection to LiveKit: signal WebSocket opened and first peer connection connected. */
  page: PageMarks;
}

/** Page-clock times (ms since epoch) of the page's LiveKit connection steps (null: not seen). */
export interface PageMarks {
  /** `room.connect` began: the signal WebSocket (`/rtc`) was created. */
  signalStart: number | null;
  signalOpen: number | null;
  /** The first RTCPeerConnection reached `connected` (ICE and DTLS done). */
  pcConnected: number | null;
}

/** Records {@link PageMarks} in `window.__vwMarks`; runs before any page script. */
const MARK_CONNECTION = `(() => {
  const now = () => performance.timeOrigin + performance.now();
  const marks = (window.__vwMarks = { signalStart: null, signalOpen: null, pcConnected: null });
  const NativeWs = window.WebSocket;
  window.WebSocket = class extends NativeWs {
    constructor(url, protocols) {
      super(url, protocols);
      if (String(url).includes('/rtc') && marks.signalStart === null) {
        marks.signalStart = now();
        this.addEventListener('open', () => (marks.signalOpen ??= now()));
      }
    }
  };
  const NativePc = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativePc {
    constructor(config) {
      super(config);
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState === 'connected') marks.pcConnected ??= now();
      });
    }
  };
})();`;

/**
 * One call from a fresh page: hover the talk button `hoverMs` (the widget prefetches its call code
 * and session, as a visitor's pointer would) or, with `hoverMs` null, click at once (the pointer
 * still passes over the button on its way, as a real click's does), wait up to 20 s for the
 * greeting, listen to it to the end, close. `relayPort`: the page's WebRTC goes through this
 * impairing UDP relay in front of LiveKit's TURN (an emulated access network).
 */
export async function greetOnce(context: BrowserContext, pageUrl: string, hoverMs: number | null, relayPort: number | null = null): Promise<GreetingCall> {
  const page = await context.newPage();
  try {
    await page.addInitScript({ content: MARK_CONNECTION });
    if (relayPort !== null) await hookPeerConnections(page, relayPort);
    await page.goto(pageUrl);
    const talk = page.locator('voice-agent [data-testid=talk]');
    await talk.waitFor({ timeout: 15_000 });
    const now = () => page.evaluate(() => performance.timeOrigin + performance.now());
    const hoverAt = await now();
    if (hoverMs !== null) {
      await talk.hover();
      await page.waitForTimeout(hoverMs);
    }
    const clickAt = await now();
    await talk.click();
    let heard: RecordedEvent | undefined;
    for (const deadline = Date.now() + 20_000; !heard && Date.now() < deadline; ) {
      heard = (await widgetEvents(page)).find((e) => e.type === 'audio' && (e.detail as { audible: boolean }).audible);
      if (!heard) await wait(50);
    }
    // A caller listens to the whole greeting (and a greeting cut short is never cached).
    if (heard) await waitForAgentQuiet(page.locator('voice-agent'), 700, 20_000);
    const sessionAt = await page.evaluate(() => {
      const r = performance.getEntriesByType('resource').find((e) => /\/api\/sessions$/.test(e.name)) as PerformanceResourceTiming | undefined;
      return r ? performance.timeOrigin + r.responseEnd : null;
    });
    const marks = await page.evaluate(() => (window as unknown as { __vwMarks: PageMarks }).__vwMarks);
    return { hoverAt, clickAt, sessionAt, heardAt: heard ? (heard.detail as { atMs: number }).atMs : null, page: marks };
  } finally {
    await page.close();
  }
}

/**
 * Barge-in, `trials` times in one call: the caller asks something, and 600 ms into the agent's
 * answer talks over it (a real recording played into a synthetic microphone at a known page time).
 */
export async function measureBargeIns(serverUrl: string, agent: string, trials: number): Promise<BargeInSample[]> {
  const ask = callerWav('barge-ask', [{ silenceS: 0.3 }, { recording: 'goforward' }, { silenceS: 0.5 }]);
  const speech = callerWav('barge-speech', [{ silenceS: 0.3 }, { recording: 'illDisposed' }, { silenceS: 0.5 }]);
  const onset = speechOnsetMs(speech);
  const host = await serveHostPages(
    { '/': `<!doctype html><html lang="en"><body><script src="${serverUrl}/voice-widget.js" data-agent="${agent}" async></script></body></html>` },
    { '/ask.wav': ask, '/speech.wav': speech },
  );
  const browser = await launchBrowser();
  const samples: BargeInSample[] = [];
  try {
    await instrument(browser.context, { syntheticMic: true });
    const page: Page = await browser.context.newPage();
    await page.goto(`${host.url}/`);
    await startCall(page.locator('voice-agent'));
    const root = page.locator('voice-agent .vw');
    const until = async (attr: string, value: string, ms: number) => {
      const deadline = Date.now() + ms;
      while ((await root.getAttribute(attr)) !== value) {
        if (Date.now() > deadline) return false;
        await wait(50);
      }
      return true;
    };
    await until('data-agent-audible', 'true', 20_000);
    for (let i = 0; i < trials; i++) {
      await until('data-state', 'listening', 20_000);
      await wait(500);
      await playIntoMic(page, `${host.url}/ask.wav`);
      await wait(2_000);
      if (!(await until('data-agent-audible', 'true', 15_000))) continue;
      await wait(600);
      const playAt = await playIntoMic(page, `${host.url}/speech.wav`);
      const start = playAt + onset;
      await wait(2_500);
      const events = (await widgetEvents(page)).filter((e) => e.t >= playAt);
      const phase = (p: string) => events.find((e) => e.type === 'bargein' && (e.detail as { phase: string }).phase === p);
      const edges = events
        .filter((e) => e.type === 'audio')
        .map((e) => e.detail as { audible: boolean; atMs: number })
        .filter((e) => e.atMs > start && e.atMs < playAt + 2_000);
      const silent = edges.find((e, k) => !e.audible && !edges.slice(k + 1).some((x) => x.audible));
      const duck = phase('duck');
      const stop = phase('interrupt');
      samples.push({
        duckMs: duck ? duck.t - start : null,
        stopMs: stop ? stop.t - start : null,
        silentMs: silent ? silent.atMs - start : null,
      });
    }
  } finally {
    await browser.close();
    await host.close();
  }
  return samples;
}
