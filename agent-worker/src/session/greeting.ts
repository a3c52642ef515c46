import { type llm, voice } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';
import type { Logger } from 'pino';
import { type WorkerConfig, greetingCacheDir } from '../config.ts';
import { GreetingCapture, sameWords } from './greeting-capture.ts';
import { GREETING_SAMPLE_RATE, GreetingCache, type GreetingKey } from './greeting-cache.ts';
import { sayExactly } from './prompts.ts';

/** Samples per frame handed to the audio output: 20 ms at 24 kHz. */
const FRAME_SAMPLES = GREETING_SAMPLE_RATE / 50;

/**
 * The call's first words, without a model round trip when they were heard before. The greeting is
 * fixed per (agent version, model, voice, text), so the audio the model spoke on an earlier call
 * is kept on disk ({@link GreetingCache}) and played the moment the session starts, while the model
 * session opens in parallel; the greeting then joins the model's conversation as an assistant
 * message, so the call continues as if the model had said it. On a miss the model says it
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

  /**
   * Greets on a started session: the cached audio if there is one, else the model. Logs the first
   * frame published (`greeting: first frame published`, ms since epoch). Resolves once the
   * greeting is under way (not played out); never rejects.
   */
  async start(session: voice.AgentSession, realtime: () => llm.RealtimeSession | undefined): Promise<'cache' | 'model'> {
    const startAt = Date.now();
    const pcm = await this.#cached;
    const source = pcm ? 'cache' : 'model';
    // Where the greeting's start waits (bench:greeting reads the agent's debug log).
    this.log.debug({ source, cacheReadMs: this.#readMs, waitedMs: Date.now() - startAt }, 'greeting: start');
    this.#logFirstFrame(session, source);
    if (pcm) {
      this.#syncToModel(session, realtime);
      session.say(this.text, { audio: framesOf(pcm), allowInterruptions: true });
      return source;
    }
    const rt = realtime();
    if (this.key && this.cache && rt) this.#capture(rt, this.key, this.cache);
    session.generateReply({ instructions: sayExactly(this.text) });
    return source;
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
   * Once the cached greeting has been said (or cut by the caller: the agent records what it said,
   * marked interrupted), the same message goes into the model's conversation — only that item is
   * created there (the rest of the model's conversation is left as it is).
   */
  #syncToModel(session: voice.AgentSession, realtime: () => llm.RealtimeSession | undefined): void {
    const onItem = ({ item }: voice.ConversationItemAddedEvent) => {
      const m = item as llm.ChatMessage;
      if (m.type !== 'message' || m.role !== 'assistant' || !sameWords(m.textContent ?? '', this.text)) return;
      session.off(voice.AgentSessionEventTypes.ConversationItemAdded, onItem);
      const rt = realtime();
      if (!rt) return;
      const ctx = rt.chatCtx.copy();
      ctx.insert(m);
      rt.updateChatCtx(ctx).then(
        () => this.log.info({ interrupted: m.interrupted }, 'cached greeting added to the model conversation'),
        (err: Error) => this.log.warn({ err: err.message }, 'cached greeting not added to the model conversation'),
      );
    };
    session.on(voice.AgentSessionEventTypes.ConversationItemAdded, onItem);
  }

  #logFirstFrame(session: voice.AgentSession, source: 'cache' | 'model'): void {
    const out = session.output.audio;
    if (!out) return;
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

/** PCM16 mono 24 kHz as a stream of 20 ms frames. */
export function framesOf(pcm: Int16Array): ReadableStream<AudioFrame> {
  return new ReadableStream<AudioFrame>({
    start(controller) {
      for (let at = 0; at < pcm.length; at += FRAME_SAMPLES) {
        const slice = pcm.slice(at, at + FRAME_SAMPLES);
        controller.enqueue(new AudioFrame(slice, GREETING_SAMPLE_RATE, 1, slice.length));
      }
      controller.close();
    },
  });
}
