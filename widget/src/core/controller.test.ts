import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WidgetEvents } from '../api.ts';
import type { Call, CallDeps, CallEvents, CallModule } from './call.ts';
import { WidgetController } from './controller.ts';
import { Emitter } from './emitter.ts';
import { WidgetError } from './errors.ts';
import { resolveOptions } from './options.ts';
import { readSession } from '../session/session-request.ts';

/** A call whose connect() the test settles by hand. */
class FakeCall implements Call {
  readonly ev = new Emitter<CallEvents>();
  ended = 0;
  settle!: (err?: WidgetError) => void;
  constructor(readonly deps: CallDeps) {}
  on<K extends keyof CallEvents>(t: K, l: (v: CallEvents[K]) => void) {
    return this.ev.on(t, l);
  }
  connect() {
    return new Promise<void>((resolve, reject) => {
      this.deps.signal.addEventListener('abort', () => {
        this.ev.emit('closed', { normal: true, reason: 'caller' });
        reject(this.deps.signal.reason);
      });
      this.settle = (err) => {
        if (err) {
          this.ev.emit('closed', { normal: false, error: err });
          reject(err);
        } else resolve();
      };
    });
  }
  async end() {
    this.ended++;
    this.ev.emit('closed', { normal: true, reason: 'caller' });
  }
  setMuted() {}
  async sendText() {}
  levels() {
    return { mic: 0, agent: 0 };
  }
}

const SESSION = { url: 'ws://x', token: 't', room: 'r', identity: 'i', agent: 'acme', expiresAt: 1, joinBy: 1 };

/** The session requests the page sent (POST /api/sessions), answered by `answer`. */
function stubSessionServer(answer: () => Response = () => Response.json(SESSION, { status: 201 })): number[] {
  const posts: number[] = [];
  vi.stubGlobal('fetch', async (url: URL, init: RequestInit) => {
    expect([String(url), init.method]).toEqual(['http://127.0.0.1:1/api/sessions', 'POST']);
    posts.push(Date.now());
    return answer();
  });
  return posts;
}

function setup(agent = 'acme', answer?: () => Response, loadCallModule?: (m: CallModule) => Promise<CallModule>) {
  const calls: FakeCall[] = [];
  const posts = stubSessionServer(answer);
  const module: CallModule = {
    createCall: (deps) => (calls.push(new FakeCall(deps)), calls.at(-1)!),
    readSessionResponse: readSession,
  };
  const { options, fatal, problems } = resolveOptions({ agent }, 'http://127.0.0.1:1');
  const c = new WidgetController({
    options,
    configError: fatal ? WidgetError.misconfigured(problems.join('; ')) : null,
    lang: 'en',
    loadCallModule: () => loadCallModule?.(module) ?? Promise.resolve(module),
    vadAssetBase: '/vad/',
    mediaContainer: {} as Node,
    createAudioContext: () => ({ resume: async () => {}, close: async () => {} }) as unknown as AudioContext,
  });
  const seen: { [K in keyof WidgetEvents]?: WidgetEvents[K][] } = {};
  for (const t of ['state', 'error', 'ended'] as const) c.events.on(t, (v) => ((seen[t] ??= []) as unknown[]).push(v));
  return { c, calls, seen, posts };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('widget controller', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('one call at a time: a second start while connecting joins the first', async () => {
    const { c, calls } = setup();
    const a = c.start();
    const b = c.start();
    expect(b).toBe(a);
    await tick();
    expect(calls).toHaveLength(1);
    calls[0]!.settle();
    calls[0]!.ev.emit('agentState', 'listening');
    await a;
    expect(c.snapshot.state).toBe('listening');
    await c.start();
    expect(calls).toHaveLength(1);
  });

  it('ending while connecting aborts the connect and is a normal end, not an error', async () => {
    const { c, calls, seen } = setup();
    const p = c.start();
    await tick();
    await c.end();
    await p;
    expect(c.snapshot.state).toBe('ended');
    expect(seen.error).toBeUndefined();
    expect(seen.ended?.[0]?.reason).toBe('caller');
    expect(calls[0]!.deps.signal.aborted).toBe(true);
  });

  it('a session the server refused shows its message for the caller (error event `detail`)', async () => {
    const { c, calls, seen } = setup();
    const p = c.start();
    await tick();
    calls[0]!.settle(WidgetError.sessionRefused('busy', true, 'All lines are busy right now.'));
    await p;
    expect(c.snapshot.error?.serverMessage).toBe('All lines are busy right now.');
    expect(seen.error).toEqual([{ code: 'session_refused', message: c.strings.sessionRefused, retryable: true, detail: 'All lines are busy right now.' }]);
  });

  it('a typed message the agent refused is a notice with its reason, and the call goes on', async () => {
    const { c, calls, seen } = setup();
    const p = c.start();
    await tick();
    calls[0]!.settle();
    calls[0]!.ev.emit('agentState', 'listening');
    await p;
    calls[0]!.ev.emit('notice', WidgetError.messageRefused('You are sending messages too fast.'));
    expect(c.snapshot.state).toBe('listening');
    expect(c.snapshot.notice?.serverMessage).toBe('You are sending messages too fast.');
    expect(seen.error?.at(-1)).toEqual({ code: 'message_refused', message: c.strings.messageRefused, retryable: true, detail: 'You are sending messages too fast.' });
  });

  it('agent timeout is a retryable error; retry starts a fresh call', async () => {
    const { c, calls, seen } = setup();
    const p = c.start();
    await tick();
    calls[0]!.settle(WidgetError.agentTimeout(15_000));
    await p;
    expect(c.snapshot.state).toBe('error');
    expect(seen.error).toEqual([{ code: 'agent_timeout', message: c.strings.agentTimeout, retryable: true }]);
    const retry = c.start();
    await tick();
    expect(calls).toHaveLength(2);
    expect(c.snapshot.error).toBeNull();
    calls[1]!.settle();
    calls[1]!.ev.emit('agentState', 'speaking');
    await retry;
    expect(c.snapshot.state).toBe('speaking');
  });

  it('a denied microphone is a notice and the call goes on (text fallback)', async () => {
    const { c, calls, seen } = setup();
    const p = c.start();
    await tick();
    calls[0]!.ev.emit('mic', { status: 'denied', error: WidgetError.micDenied() });
    calls[0]!.settle();
    calls[0]!.ev.emit('agentState', 'speaking');
    await p;
    expect(c.snapshot).toMatchObject({ state: 'speaking', mic: 'denied', error: null });
    expect(c.snapshot.notice?.code).toBe('mic_denied');
    expect(seen.error?.[0]).toMatchObject({ code: 'mic_denied', retryable: false });
  });

  it('the agent ending the call is ended; a lost connection is error', async () => {
    const { c, calls, seen } = setup();
    await Promise.all([c.start(), tick().then(() => calls[0]!.settle())]);
    calls[0]!.ev.emit('agentState', 'listening');
    calls[0]!.ev.emit('closed', { normal: true, reason: 'agent' });
    expect(c.snapshot.state).toBe('ended');
    expect(seen.ended?.[0]?.reason).toBe('agent');
    await Promise.all([c.start(), tick().then(() => calls[1]!.settle())]);
    calls[1]!.ev.emit('agentState', 'listening');
    calls[1]!.ev.emit('reconnecting', null);
    expect(c.snapshot.state).toBe('reconnecting');
    calls[1]!.ev.emit('closed', { normal: false, error: WidgetError.connectionLost() });
    expect(c.snapshot.state).toBe('error');
    expect(seen.state?.map((s) => s.state)).toEqual(['connecting', 'listening', 'ended', 'connecting', 'listening', 'reconnecting', 'error']);
  });

  it('hover warms the call up: one session created ahead of the click, handed to that call only', async () => {
    const { c, calls, posts } = setup();
    c.warmUp();
    c.warmUp(); // pointer leaves and comes back
    await tick();
    expect(posts).toHaveLength(1);
    void c.start();
    await tick();
    await expect(calls[0]!.deps.prefetchedSession).resolves.toEqual(SESSION);
    calls[0]!.settle();
    await tick();
    expect(calls[0]!.deps.session).toBeUndefined();
    await c.end();
    void c.start(); // a second call creates its own session
    await tick();
    expect(posts).toHaveLength(2);
    expect(calls[1]!.deps.prefetchedSession).toBeUndefined();
    await expect(calls[1]!.deps.session).resolves.toEqual(SESSION);
  });

  it('no hover: the click sends the session request before the call machinery has loaded', async () => {
    let loaded!: () => void;
    const { c, calls, posts } = setup('acme', undefined, (m) => new Promise((r) => (loaded = () => r(m))));
    void c.start();
    await tick();
    expect(posts).toHaveLength(1); // out while livekit-client still loads
    expect(calls).toHaveLength(0);
    loaded();
    await tick();
    await expect(calls[0]!.deps.session).resolves.toEqual(SESSION);
    expect(calls[0]!.deps.prefetchedSession).toBeUndefined();
  });

  it("the click's own refused session is the call's refusal, with the server's message", async () => {
    const message = 'All lines of this assistant are busy right now.';
    const { c, calls } = setup('acme', () => Response.json({ error: { code: 'agent_busy', message } }, { status: 429 }));
    void c.start();
    await tick();
    await expect(calls[0]!.deps.session).rejects.toMatchObject({ code: 'session_refused', serverMessage: message });
  });

  it('a failed prefetch is forgotten: the click asks for a session itself', async () => {
    let answers = 0;
    const { c, calls, posts } = setup('acme', () =>
      ++answers === 1 ? Response.json({ error: { code: 'rate_limited', message: 'slow down' } }, { status: 429 }) : Response.json(SESSION, { status: 201 }),
    );
    c.warmUp();
    await tick();
    await tick();
    void c.start();
    await tick();
    expect(posts).toHaveLength(2);
    expect(calls[0]!.deps.prefetchedSession).toBeUndefined();
    await expect(calls[0]!.deps.session).resolves.toEqual(SESSION);
  });

  it('a barge-in shows listening at once', async () => {
    const { c, calls } = setup();
    await Promise.all([c.start(), tick().then(() => calls[0]!.settle())]);
    calls[0]!.ev.emit('agentState', 'speaking');
    calls[0]!.ev.emit('bargein', { phase: 'interrupt', atMs: 1, voicedMs: 256 });
    expect(c.snapshot.state).toBe('listening');
  });

  it('a browser without Web Audio gets an error, not an exception in the click handler', async () => {
    const { options } = resolveOptions({ agent: 'acme' }, 'http://127.0.0.1:1');
    const c = new WidgetController({
      options,
      configError: null,
      lang: 'en',
      loadCallModule: async () => ({
        createCall: () => {
          throw new Error('unreachable');
        },
        readSessionResponse: readSession,
      }),
      vadAssetBase: '/vad/',
      mediaContainer: {} as Node,
      createAudioContext: () => {
        throw new ReferenceError('AudioContext is not defined');
      },
    });
    await c.start();
    expect(c.snapshot.state).toBe('error');
    expect(c.snapshot.error?.code).toBe('internal');
  });

  it('an unusable config fails every start with misconfigured, not retryable', async () => {
    const { c, calls, seen } = setup('Not A Slug');
    await c.start();
    expect(calls).toHaveLength(0);
    expect(seen.error?.[0]).toMatchObject({ code: 'misconfigured', retryable: false });
  });

  it('after a hand-off shows who the caller talks to, and only the agent’s audio counts as the agent audible', async () => {
    const { c, calls } = setup();
    const to: WidgetEvents['talkingTo'][] = [];
    c.events.on('talkingTo', (v) => to.push(v));
    const started = c.start();
    await tick();
    calls[0]!.settle();
    await started;
    expect(c.snapshot.talkingTo).toEqual({ who: 'agent', name: null });
    calls[0]!.ev.emit('talkingTo', { who: 'person', name: 'Sam' });
    expect(c.snapshot.talkingTo).toEqual({ who: 'person', name: 'Sam' });
    calls[0]!.ev.emit('audio', { audible: true, atMs: 1, source: 'person' });
    expect(c.snapshot.agentAudible).toBe(false);
    calls[0]!.ev.emit('audio', { audible: true, atMs: 2, source: 'agent' });
    expect(c.snapshot.agentAudible).toBe(true);
    expect(to).toEqual([{ who: 'person', name: 'Sam' }]);
    // A new call starts with the AI again.
    await c.end();
    const again = c.start();
    await tick();
    calls[1]!.settle();
    await again;
    expect(c.snapshot.talkingTo).toEqual({ who: 'agent', name: null });
  });
});
