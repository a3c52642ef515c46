import { type llm, voice } from '@livekit/agents';
import type { Room } from '@livekit/rtc-node';
import type { Logger } from 'pino';
import { type WorkerConfig, greetingCacheDir } from '../config.ts';
import { GreetingCapture } from './greeting-capture.ts';
import { GreetingPlayback, addToConversation } from './greeting-playback.ts';
import { GREETING_SAMPLE_RATE, GreetingCache, type GreetingKey } from './greeting-cache.ts';
import { sayExactly } from './prompts.ts';

/**
 * The call's first words, without a model round trip when they were heard before. The greeting is
 * fixed per (agent version, model, voice, text), so the audio the model spoke on an earlier call
 * is kept on disk ({@link GreetingCache}) and played the moment the caller can hear it, straight
 * into the agent's track while the session and its model open in parallel ({@link GreetingPlayback});
 * the greeting then joins the model's conversation as an assistant message, so the call continues
 * as if the model had said it. On a miss the model says it
 * (`generateReply`, as before) and its audio is recorded for the next call ({@link GreetingCapture}).
 *
 * `key` null: never cached (e.g. a greeting that names a verified caller: personal data stays off
 * disk); `cache` null: caching is off (`GREETING_CACHE=off`).
 */
export class Greeting {
  /** Started at construction (before the caller joins), so the audio is in memory when they do. */
  readonly #cached: Promise<Int16Array | null>;

  constructor(
    private readonly text: string,
    private readonly key: GreetingKey | null,
    private readonly cache: GreetingCache | null,
    private readonly log: Logger,
  ) {
    const asked = Date.now();
    this.#cached = (key && cache ? cache.load(key) : Promise.resolve(null)).then((pcm) => {
      this.#readMs = Date.now() - asked;
      return pcm;
    });
  }

  #readMs: number | null = null;
  #playback: GreetingPlayback | null = null;
  #onFirstFrame: () => void = () => {};
  readonly #firstFrame = new Promise<void>((r) => (this.#onFirstFrame = r));

  /**
   * Before the session starts (even before the caller joined): queues the cached audio (if there
   * is one) on the agent's pre-published `output`, where its first frame waits for the caller's
   * subscription — the moment they can hear it — and nothing on the click path waits for
   * `AgentSession.start` (greeting-playback.ts). Its caption goes out with the first frame.
   * A caller who never joins hears nothing and nothing is spent; {@link stop} it at shutdown.
   * Returns whether the cached greeting is queued.
   */
  async playCached(output: voice.AudioOutput, room: Room): Promise<boolean> {
    const startAt = Date.now();
    const pcm = await this.#cached;
    // Where the greeting's start waits (bench:greeting reads the agent's debug log).
    this.log.debug({ source: pcm ? 'cache' : 'model', cacheReadMs: this.#readMs, waitedMs: Date.now() - startAt }, 'greeting: start');
    if (!pcm) return false;
    this.#logFirstFrame(output, 'cache');
    const playback = (this.#playback = new GreetingPlayback(output, pcm, this.text));
    output.once(voice.AudioOutput.EVENT_PLAYBACK_STARTED, () => {
      this.#onFirstFrame();
      if (playback.playing) void playback.caption(room).catch((err: Error) => this.log.warn({ err: err.message }, 'greeting caption not sent'));
    });
    return true;
  }

  /** Resolves once the cached greeting's first frame went out, or after `timeoutMs`; never rejects. */
  playing(timeoutMs: number): Promise<void> {
    return Promise.race([this.#firstFrame, new Promise<void>((r) => setTimeout(r, timeoutMs).unref?.())]);
  }

  /** Stops the cached greeting if it still plays (barge-in); returns whether it did. */
  stop(): boolean {
    return this.#playback?.stop() ?? false;
  }

  /**
   * Greets on a started session. With the cached greeting playing ({@link playCached}): a reply
   * the session starts cuts it, and once it ended what was heard joins the conversation (the
   * agent's, the session's history, the model's). Else the model says it (`generateReply`) and
   * its audio is recorded for the next call. Logs the first frame published
   * (`greeting: first frame published`, ms since epoch). Resolves once the greeting is under way
   * (not played out); never rejects.
   */
  start(session: voice.AgentSession, realtime: () => llm.RealtimeSession | undefined): 'cache' | 'model' {
    const playback = this.#playback;
    if (playback) {
      const onState = ({ newState }: voice.AgentStateChangedEvent) => {
        if ((newState === 'thinking' || newState === 'speaking') && playback.stop()) this.log.info({ state: newState }, 'cached greeting cut: the session replies');
      };
      session.on(voice.AgentSessionEventTypes.AgentStateChanged, onState);
      void playback.done.then((played) => {
        session.off(voice.AgentSessionEventTypes.AgentStateChanged, onState);
        if (!played.text) return;
        try {
          this.#syncToModel(addToConversation(session, played), realtime);
        } catch (err) {
          this.log.info({ err: (err as Error).message }, 'cached greeting not added to the conversation: the session ended');
        }
      });
      return 'cache';
    }
    if (session.output.audio) this.#logFirstFrame(session.output.audio, 'model');
    const rt = realtime();
    if (this.key && this.cache && rt) this.#capture(rt, this.key, this.cache);
    session.generateReply({ instructions: sayExactly(this.text) });
    return 'model';
  }

  /** Records the model's greeting and stores it once it completed with the right words. */
  #capture(rt: llm.RealtimeSession, key: GreetingKey, cache: GreetingCache): void {
    const capture = new GreetingCapture(this.text, (pcm) => {
      rt.off('openai_server_event_received' as never, onEvent);
      void cache.store(key, pcm).then((stored) => stored && this.log.info({ seconds: pcm.length / GREETING_SAMPLE_RATE }, 'greeting cached'));
    });
    const onEvent = (ev: Parameters<GreetingCapture['onServerEvent']>[0]) => capture.onServerEvent(ev);
    rt.on('openai_server_event_received' as never, onEvent);
  }

  /**
   * The cached greeting, as heard (cut short: marked interrupted), goes into the model's
   * conversation — only that item is created there (the rest of the model's conversation is left
   * as it is).
   */
  #syncToModel(message: llm.ChatMessage, realtime: () => llm.RealtimeSession | undefined): void {
    const rt = realtime();
    if (!rt) return;
    const ctx = rt.chatCtx.copy();
    ctx.insert(message);
    rt.updateChatCtx(ctx).then(
      () => this.log.info({ interrupted: message.interrupted }, 'cached greeting added to the model conversation'),
      (err: Error) => this.log.warn({ err: err.message }, 'cached greeting not added to the model conversation'),
    );
  }

  #logFirstFrame(out: voice.AudioOutput, source: 'cache' | 'model'): void {
    const onStarted = (ev: { createdAt: number }) => {
      out.off(voice.AudioOutput.EVENT_PLAYBACK_STARTED, onStarted);
      this.log.info({ source, firstFramePublishedAt: ev.createdAt }, 'greeting: first frame published');
    };
    out.on(voice.AudioOutput.EVENT_PLAYBACK_STARTED, onStarted);
  }
}

/**
 * The greeting of one call: `setup`'s text, model and voice, keyed with the agent's configuration
 * version (null: the built-in one) and the model's endpoint. A greeting that names the caller
 * (`personal`) is never cached.
 */
export function callGreeting(
  config: WorkerConfig,
  setup: { greeting: string; model: string; voice: string },
  version: { agent: string; version: number } | null,
  opts: { personal: boolean },
  log: Logger,
): Greeting {
  const key: GreetingKey | null = opts.personal
    ? null
    : {
        agent: version?.agent ?? '',
        version: version?.version ?? null,
        model: setup.model,
        voice: setup.voice,
        endpoint: config.OPENAI_API_KEY ? 'openai' : (config.LOCAL_REALTIME_URL ?? ''),
        text: setup.greeting,
      };
  const cache =
    config.GREETING_CACHE === 'on'
      ? new GreetingCache(greetingCacheDir(config), { onProblem: (what, err) => log.warn({ err: (err as Error | undefined)?.message }, what) })
      : null;
  return new Greeting(setup.greeting, key, cache, log);
}
