/**
 * The widget's public API for app developers — types only, no imports, so this file is also the
 * published declaration file (`widget.d.ts` next to `widget.mjs`; the build copies it and adds
 * `mount`). `api.typecheck.ts` proves these shapes equal the wire schemas in `@voice-widget/protocol`.
 *
 *   import { mount } from 'https://voice.example.com/widget.mjs';
 *   const call = mount(document.querySelector('#talk'), { agent: 'acme' });
 *   call.on('latency', ({ turn }) => console.log(turn.perceivedMs));
 *   await call.start();
 */

/**
 * What the widget shows. `listening | thinking | speaking` mirror the agent's state; `thinking` also
 * covers the wait from the end of the caller's turn (the page's VAD) to the agent's reply.
 */
export type WidgetState =
  | 'idle'
  | 'connecting'
  | 'listening'
  | 'thinking'
  | 'speaking'
  | 'reconnecting'
  | 'ended'
  | 'error';

/** Keys of every user-visible string; override any of them with `strings`. */
export type StringKey =
  | 'talk'
  | 'end'
  | 'retry'
  | 'mute'
  | 'unmute'
  | 'send'
  | 'typePlaceholder'
  | 'typeLabel'
  | 'idle'
  | 'connecting'
  | 'listening'
  | 'thinking'
  | 'speaking'
  | 'reconnecting'
  | 'ended'
  | 'error'
  | 'you'
  | 'agent'
  | 'interrupted'
  | 'captions'
  | 'latency'
  | 'lastTurn'
  | 'p50'
  | 'p95'
  | 'turns'
  | 'stages'
  | 'stageEndpointing'
  | 'stageModel'
  | 'stageAgentOut'
  | 'stageNetwork'
  | 'micDenied'
  | 'micMissing'
  | 'micFailed'
  | 'agentTimeout'
  | 'connectionLost'
  | 'sessionRefused'
  | 'messageRefused'
  | 'misconfigured'
  | 'close'
  | 'talkingTo'
  | 'aiAssistant'
  | 'person';

/** Visual theme: `auto` follows the visitor's `prefers-color-scheme`. */
export type Theme = 'light' | 'dark' | 'auto';
/** Corner of the floating button. */
export type Position = 'bottom-right' | 'bottom-left';

/** Tuning of the browser-side barge-in rule (see the README, "Barge-in"). */
export interface BargeInOptions {
  /** Voiced speech over the agent needed to stop it, ms. Default 250. */
  minSpeechMs?: number;
  /** Frame level a voiced frame needs to count, dBFS. Default −50. */
  minLevelDbfs?: number;
  /** Gain while a possible barge-in is checked, 0..1. Default 0.3. 1 disables ducking. */
  duckGain?: number;
}

/** Options of {@link Mount}; the element's attributes carry the same settings. */
export interface MountOptions {
  /** Agent slug, e.g. `acme`. Required. */
  agent: string;
  /** Origin of the voice server; default: where `widget.mjs` was loaded from. */
  server?: string;
  /** BCP 47 language of the UI (and of the call); default: the page's `<html lang>`, then the browser's. */
  lang?: string;
  /** Overrides of any UI string. */
  strings?: Partial<Record<StringKey, string>>;
  theme?: Theme;
  /** Floating button in a corner of the page instead of in-place. Default false. */
  floating?: boolean;
  position?: Position;
  /** Show the latency panel. Default true. */
  showLatency?: boolean;
  /** Show live captions. Default true. */
  showCaptions?: boolean;
  /** How long to wait for the agent to join, ms (1000–120000). Default 15000. */
  agentJoinTimeoutMs?: number;
  /** Silence after the caller's last voiced frame before the end-of-turn hint is sent, ms (100–3000). Default 300. */
  vadRedemptionMs?: number;
  bargeIn?: BargeInOptions;
  /** Public demo-link slug (`demo` attribute): the server applies that link's budgets. */
  demo?: string;
  /** Visitor's name (`lead-name`), for demo links with lead capture. */
  leadName?: string;
  /** Visitor's e-mail (`lead-email`), for demo links with lead capture. */
  leadEmail?: string;
  /**
   * Signed identity of a signed-in visitor (`identity` attribute): a JWT your server signs with the
   * agent's secret (HS256; claims `sub` = your customer id, `name`, `exp` ≤ 1 hour). The call then
   * starts verified and the agent may use the visitor's account (README "Signed identity").
   */
  identity?: string;
}

/**
 * One caption line. Agent lines are synced to what was played; an interrupted line stops at what
 * was heard. `person`: the person who took the call over (see `talkingTo`).
 */
export interface TranscriptLine {
  id: string;
  speaker: 'caller' | 'agent' | 'person';
  text: string;
  final: boolean;
  /** The agent was cut off by the caller here. */
  interrupted: boolean;
}

/** Stage split of one turn, ms (null where unknown). */
export interface TurnStagesInfo {
  endpointingMs: number | null;
  modelMs: number | null;
  agentOutMs: number | null;
  networkPlayoutMs: number | null;
}

/** One turn's perceived latency as measured in the page (docs/latency.md). */
export interface TurnLatencyInfo {
  index: number;
  /** Caller's end of speech, ms since epoch. */
  speechEndAt: number;
  /** First agent audio played, ms since epoch. */
  playStartAt: number;
  /** playStartAt − speechEndAt, ms; negative = the agent talked over the caller. */
  perceivedMs: number;
  overlap: boolean;
  stages: TurnStagesInfo | null;
  endOfTurnSource: 'client_hint' | 'model_vad' | 'agent_vad' | 'manual' | null;
  clockUncertaintyMs: number | null;
  /** The agent reply whose audio was heard, when matched (the server checks the turn against it). */
  responseId?: string | null;
}

/** Count, P50, P95, max of the session's perceived latency (non-overlap turns), ms. */
export interface LatencySummary {
  count: number;
  p50: number | null;
  p95: number | null;
  max: number | null;
}

/** Machine-readable reason of an `error` event. */
export type ErrorCode =
  | 'mic_denied'
  | 'mic_missing'
  | 'mic_failed'
  | 'agent_timeout'
  | 'connection_lost'
  | 'session_refused'
  | 'message_refused'
  | 'misconfigured'
  | 'internal';

/** Events of a mounted widget (also dispatched on the element as `voice-agent:<name>` DOM events). */
export interface WidgetEvents {
  state: { state: WidgetState; previous: WidgetState };
  transcript: { lines: TranscriptLine[] };
  latency: { turn: TurnLatencyInfo; summary: LatencySummary; overlaps: number };
  /**
   * `retryable`: starting again may help. Mic problems are reported here but the call goes on in
   * text. `detail`: the voice server's own explanation, when it refused the session (a busy line,
   * a spent demo, too many calls from this network) — the widget shows it under `message`.
   */
  error: { code: ErrorCode; message: string; retryable: boolean; detail?: string };
  /** A call ended normally (caller, agent or server). Never fired for errors. */
  ended: { reason: 'caller' | 'agent' | 'server'; durationMs: number };
  /** Barge-in steps: `duck` (caller may be talking over the agent), `interrupt` (confirmed: playback stopped, agent asked to stop), `resume` (it was a short noise). */
  bargein: { phase: 'duck' | 'interrupt' | 'resume'; atMs: number; voicedMs: number };
  /**
   * Audio as played in the page became audible / silent, ms since epoch: the AI agent's (`source:
   * 'agent'`; the latency panel measures only these), or the person's who took the call over.
   */
  audio: { audible: boolean; atMs: number; source: 'agent' | 'person' };
  /**
   * The page's voice activity detection (VAD) for this call: `running` once it hears the
   * microphone — from then on a caller talking over the agent stops it (barge-in) and turns are
   * measured — or `unavailable` (no microphone, or the VAD could not load: the agent ends turns
   * with its own VAD, and talking over it in the page does not stop it). The VAD starts once the
   * greeting is heard (compiling it costs the page about a second of CPU), so a word said in the
   * greeting's first second or two is not heard by it.
   */
  vad: { status: 'running' | 'unavailable' };
  /**
   * Who the caller talks to now: the AI agent, or (after a hand-off) a person, by name. Fired when
   * it changes; the agent stays in the call silently, taking notes.
   */
  talkingTo: { who: 'agent' | 'person'; name: string | null };
}

/** Handle returned by {@link Mount}. */
export interface WidgetHandle {
  readonly element: HTMLElement;
  readonly state: WidgetState;
  /** Starts a call (call it from a user gesture so audio may play). Resolves once connected or failed. */
  start(): Promise<void>;
  /** Ends the call normally. */
  end(): Promise<void>;
  /** Mutes (`true`), unmutes (`false`) or toggles (no argument) the microphone; returns the new muted state. */
  mute(muted?: boolean): boolean;
  /** Sends a typed message to the agent (text fallback). */
  sendText(text: string): Promise<void>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof WidgetEvents>(type: K, listener: (event: WidgetEvents[K]) => void): () => void;
  /** Ends any call and removes the widget. */
  destroy(): void;
}

/** Renders the widget inside `element` (its own Shadow DOM) and returns a handle. */
export type Mount = (element: HTMLElement, options: MountOptions) => WidgetHandle;
