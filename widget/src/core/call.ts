import type { CreateSessionResponse } from '@voice-widget/protocol';
import type { TranscriptLine, WidgetEvents } from '../api.ts';
import type { WidgetError } from './errors.ts';
import type { ResolvedOptions } from './options.ts';
import type { AgentState } from './state-machine.ts';

/**
 * The contract between the always-loaded controller and the lazily loaded call machinery
 * (`session/`, with livekit-client and the VAD). Types only: importing this file loads nothing.
 */

/** State of the caller's microphone. `denied`/`missing`/`failed`: the call goes on in text. */
export type MicStatus = 'pending' | 'ok' | 'muted' | 'denied' | 'missing' | 'failed';

/** How a call closed. `normal` calls end as `ended`; the others as `error`. */
export type CallClose =
  | { normal: true; reason: 'caller' | 'agent' | 'server' }
  | { normal: false; error: WidgetError };

/** Events of a {@link Call}. */
export interface CallEvents {
  agentState: AgentState;
  /** The page's VAD: the caller's turn ended (`false`, tentatively) or they went on speaking (`true`). */
  callerSpeaking: boolean;
  reconnecting: null;
  reconnected: AgentState;
  transcript: TranscriptLine[];
  latency: WidgetEvents['latency'];
  bargein: WidgetEvents['bargein'];
  audio: WidgetEvents['audio'];
  talkingTo: WidgetEvents['talkingTo'];
  vad: WidgetEvents['vad'];
  /** Microphone status changed; `error` is set for denied/missing/failed. */
  mic: { status: MicStatus; error?: WidgetError };
  /** The agent refused something the caller did (a typed message too fast or too long); the call goes on. */
  notice: WidgetError;
  closed: CallClose;
}

/** What a call needs from the page. */
export interface CallDeps {
  options: ResolvedOptions;
  /** BCP 47 tag sent with the session request, if the page gave one. */
  lang: string | undefined;
  /** Created in the click handler, so playback is allowed (autoplay rules). */
  audioContext: AudioContext;
  /** Where the (muted) audio element of the agent's track lives: inside the widget's shadow root. */
  mediaContainer: Node;
  /** Base URL of the VAD model, worklet and WASM (`…/vad/`). */
  vadAssetBase: string;
  /** Aborted when the caller ends the call while it connects. */
  signal: AbortSignal;
  /** A session created ahead of the click (hover/focus); used if the caller can still join it, else a new one is asked for. */
  prefetchedSession?: Promise<CreateSessionResponse>;
  /** The session this click asked for (no hover session to use): used as is, its refusal is the call's. */
  session?: Promise<CreateSessionResponse>;
}

/** One call. `connect()` resolves once the agent is there, or rejects with a WidgetError. */
export interface Call {
  on<K extends keyof CallEvents>(type: K, listener: (value: CallEvents[K]) => void): () => void;
  connect(): Promise<void>;
  end(): Promise<void>;
  setMuted(muted: boolean): void;
  sendText(text: string): Promise<void>;
  /** Current levels for the visualizer, 0..1: the caller's microphone and the other side (agent or person) as played. */
  levels(): { mic: number; agent: number };
}

/** The lazily imported module's shape (`session/index.ts`). */
export interface CallModule {
  createCall(deps: CallDeps): Call;
  /**
   * Checks and parses our server's answer to `POST /api/sessions`, sent by the pre-click code
   * (`core/session-post.ts`) while this module loaded.
   * @throws WidgetError `session_refused`, or what the request rejected with.
   */
  readSessionResponse(response: Promise<Response>): Promise<CreateSessionResponse>;
}
