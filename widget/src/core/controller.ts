import type { LatencySummary, TranscriptLine, TurnLatencyInfo, WidgetEvents, WidgetState } from '../api.ts';
import type { CreateSessionResponse } from '@voice-widget/protocol';
import type { Call, CallEvents, CallModule, MicStatus } from './call.ts';
import { Emitter } from './emitter.ts';
import { WidgetError } from './errors.ts';
import { postSession } from './session-post.ts';
import { type Strings, resolveStrings } from './i18n.ts';
import type { ResolvedOptions } from './options.ts';
import { type MachineEvent, isLive, next } from './state-machine.ts';

/** Everything the UI renders; replaced (never mutated) on each change. */
export interface Snapshot {
  state: WidgetState;
  lines: TranscriptLine[];
  turns: TurnLatencyInfo[];
  summary: LatencySummary;
  /** The call failed: shown with a retry button when `retryable`. */
  error: WidgetError | null;
  /** A problem the call survives (no microphone: text only). */
  notice: WidgetError | null;
  mic: MicStatus;
  agentAudible: boolean;
  /** Who the caller talks to now (a person after a hand-off). */
  talkingTo: WidgetEvents['talkingTo'];
}

/** What the controller needs from its host: where the call's code lives and where media elements go. */
export interface ControllerDeps {
  options: ResolvedOptions;
  /** Options were unusable (no agent): every start fails with this. */
  configError: WidgetError | null;
  /** UI language (a shipped one). */
  lang: string;
  /** Language tag the page asked for, sent with the call (the agent may speak it). */
  callLanguage?: string;
  loadCallModule: () => Promise<CallModule>;
  vadAssetBase: string;
  mediaContainer: Node;
  /** Default: a new interactive AudioContext (tests pass a fake). */
  createAudioContext?: () => AudioContext;
}

const EMPTY_SUMMARY: LatencySummary = { count: 0, p50: null, p95: null, max: null };
const AI: WidgetEvents['talkingTo'] = { who: 'agent', name: null };

/**
 * The widget without its UI: state machine, one call at a time (a promise lock and an
 * AbortController around connecting), public events, and a snapshot for the view.
 * The call machinery (livekit-client, VAD) is imported on `prefetch()` (hover/focus) or `start()`.
 */
export class WidgetController {
  readonly events = new Emitter<WidgetEvents>();
  readonly strings: Strings;
  #snapshot: Snapshot = {
    state: 'idle',
    lines: [],
    turns: [],
    summary: EMPTY_SUMMARY,
    error: null,
    notice: null,
    mic: 'pending',
    agentAudible: false,
    talkingTo: AI,
  };
  readonly #views = new Set<(s: Snapshot) => void>();
  #module: Promise<CallModule> | null = null;
  /** Session created on hover/focus, for the next call (one use). */
  #session: Promise<CreateSessionResponse> | null = null;
  #call: Call | null = null;
  #starting: Promise<void> | null = null;
  #abort: AbortController | null = null;
  #startedAt = 0;
  #muted = false;

  constructor(private readonly deps: ControllerDeps) {
    this.strings = resolveStrings(deps.lang, deps.options.strings);
  }

  get snapshot(): Snapshot {
    return this.#snapshot;
  }

  get options(): ResolvedOptions {
    return this.deps.options;
  }

  /** Subscribes a view to snapshot changes; returns the unsubscribe function. */
  subscribe(view: (s: Snapshot) => void): () => void {
    this.#views.add(view);
    return () => void this.#views.delete(view);
  }

  /** Starts loading the call machinery (on hover or focus of the talk button). */
  prefetch(): Promise<CallModule> {
    this.#module ??= this.deps.loadCallModule().catch((err) => {
      this.#module = null;
      throw err;
    });
    return this.#module;
  }

  /**
   * Hover/focus on the talk button: loads the call machinery and creates the session, so the
   * agent is dispatched, joined and ready before the click (LiveKit's dispatch alone takes ~200 ms:
   * livekit-server waits that long for more workers' claims, psrpc's `DefaultAffinityShortCircuit`).
   * Once per idle widget; a session never joined closes after a minute.
   */
  warmUp(): void {
    void this.prefetch();
    if (this.#session || this.deps.configError || isLive(this.#snapshot.state)) return;
    const session = this.#requestSession();
    session.catch(() => {
      if (this.#session === session) this.#session = null; // the click will ask again
    });
    this.#session = session;
  }

  /**
   * `POST /api/sessions` sent now, read once the call machinery is here: the request goes out
   * while livekit-client still loads (core/session-post.ts), not after it.
   */
  #requestSession(signal?: AbortSignal): Promise<CreateSessionResponse> {
    const response = postSession(this.deps.options, this.deps.callLanguage, signal);
    return Promise.all([this.prefetch(), response]).then(([m]) => m.readSessionResponse(response));
  }

  /** Starts a call; a second call while one is connecting or running returns the same promise / nothing. */
  start(): Promise<void> {
    if (this.#starting) return this.#starting;
    if (isLive(this.#snapshot.state)) return Promise.resolve();
    // Created inside the click: the browser lets audio play (iOS Safari / Chrome autoplay rules).
    let ctx: AudioContext;
    try {
      ctx = this.deps.createAudioContext?.() ?? new AudioContext({ latencyHint: 'interactive' });
      void ctx.resume().catch(() => {});
    } catch (err) {
      this.#machine({ type: 'start' });
      this.#failed(WidgetError.from(err)); // no Web Audio (very old browser)
      return Promise.resolve();
    }
    this.#starting = this.#start(ctx).finally(() => (this.#starting = null));
    return this.#starting;
  }

  /** Ends the call normally (also while it connects). */
  async end(): Promise<void> {
    this.#abort?.abort(new DOMException('ended by the caller', 'AbortError'));
    await this.#call?.end();
  }

  /** Mutes, unmutes or toggles the microphone; returns the new muted state. */
  mute(muted = !this.#muted): boolean {
    this.#muted = muted;
    this.#call?.setMuted(muted);
    if (this.#snapshot.mic === 'ok' || this.#snapshot.mic === 'muted') this.#set({ mic: muted ? 'muted' : 'ok' });
    return muted;
  }

  sendText(text: string): Promise<void> {
    return this.#call?.sendText(text) ?? Promise.resolve();
  }

  /** Levels for the visualizer, 0..1. */
  levels(): { mic: number; agent: number } {
    return this.#call?.levels() ?? { mic: 0, agent: 0 };
  }

  /** Back to idle after an end or error (the close button). */
  reset(): void {
    this.#machine({ type: 'reset' });
  }

  destroy(): void {
    void this.end();
    this.#views.clear();
  }

  async #start(ctx: AudioContext): Promise<void> {
    this.#set({ error: null, notice: null, lines: [], turns: [], summary: EMPTY_SUMMARY, mic: 'pending', agentAudible: false, talkingTo: AI });
    this.#machine({ type: 'start' });
    if (this.deps.configError) return this.#failed(this.deps.configError, ctx);
    const abort = (this.#abort = new AbortController());
    this.#startedAt = Date.now();
    // No session from a hover: ask for it now, while the call machinery loads, not after.
    const session = this.#session ? undefined : this.#requestSession(abort.signal);
    session?.catch(() => {}); // the call reports a refusal when it reads it
    let call: Call;
    try {
      const module = await this.prefetch();
      abort.signal.throwIfAborted();
      const prefetchedSession = this.#session ?? undefined;
      this.#session = null;
      call = this.#call = module.createCall({
        prefetchedSession,
        session,
        options: this.deps.options,
        lang: this.deps.callLanguage,
        audioContext: ctx,
        mediaContainer: this.deps.mediaContainer,
        vadAssetBase: this.deps.vadAssetBase,
        signal: abort.signal,
      });
    } catch (err) {
      if (abort.signal.aborted) return this.#ended('caller', ctx);
      return this.#failed(WidgetError.from(err), ctx);
    }
    this.#wire(call);
    try {
      await call.connect();
      if (this.#muted) call.setMuted(true);
    } catch {
      /* reported through the call's `closed` event */
    } finally {
      if (this.#abort === abort) this.#abort = null;
    }
  }

  #wire(call: Call): void {
    const on = <K extends keyof CallEvents>(type: K, fn: (v: CallEvents[K]) => void) => call.on(type, fn);
    on('agentState', (state) => this.#machine({ type: 'agent', state }));
    on('callerSpeaking', (speaking) => this.#machine({ type: 'caller', speaking }));
    on('reconnecting', () => this.#machine({ type: 'reconnecting' }));
    on('reconnected', (state) => this.#machine({ type: 'reconnected', state }));
    on('transcript', (lines) => {
      this.#set({ lines });
      this.events.emit('transcript', { lines });
    });
    on('latency', (update) => {
      const turns = [...this.#snapshot.turns];
      turns[update.turn.index] = update.turn;
      this.#set({ turns, summary: update.summary });
      this.events.emit('latency', update);
    });
    on('bargein', (b) => {
      if (b.phase === 'interrupt') this.#machine({ type: 'agent', state: 'listening' });
      this.events.emit('bargein', b);
    });
    on('audio', (a) => {
      if (a.source === 'agent') this.#set({ agentAudible: a.audible });
      this.events.emit('audio', a);
    });
    on('vad', (v) => this.events.emit('vad', v));
    on('talkingTo', (to) => {
      this.#set({ talkingTo: to });
      this.events.emit('talkingTo', to);
    });
    on('mic', ({ status, error }) => {
      this.#set({ mic: status, notice: error ?? this.#snapshot.notice });
      if (error) this.events.emit('error', { code: error.code, message: this.strings[error.stringKey], retryable: error.retryable });
    });
    on('notice', (notice) => {
      this.#set({ notice });
      this.events.emit('error', { code: notice.code, message: this.strings[notice.stringKey], retryable: true, detail: notice.serverMessage });
    });
    on('closed', (how) => {
      if (this.#call === call) this.#call = null;
      if (how.normal) this.#ended(how.reason);
      else this.#failed(how.error);
    });
  }

  #ended(reason: 'caller' | 'agent' | 'server', ctx?: AudioContext): void {
    void ctx?.close().catch(() => {});
    if (this.#machine({ type: 'end' })) this.events.emit('ended', { reason, durationMs: Date.now() - this.#startedAt });
  }

  #failed(error: WidgetError, ctx?: AudioContext): void {
    void ctx?.close().catch(() => {});
    if (!this.#machine({ type: 'fail' })) return;
    this.#set({ error });
    this.events.emit('error', {
      code: error.code,
      message: this.strings[error.stringKey],
      retryable: error.retryable,
      ...(error.serverMessage ? { detail: error.serverMessage } : {}),
    });
  }

  /** Applies a state-machine event; returns whether the state changed. */
  #machine(event: MachineEvent): boolean {
    const previous = this.#snapshot.state;
    const state = next(previous, event);
    if (!state) return false;
    this.#set({ state });
    this.events.emit('state', { state, previous });
    return true;
  }

  #set(patch: Partial<Snapshot>): void {
    this.#snapshot = { ...this.#snapshot, ...patch };
    for (const view of this.#views) view(this.#snapshot);
  }
}
