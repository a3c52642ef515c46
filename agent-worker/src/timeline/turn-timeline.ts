import type { AgentTurnTimeline, EndOfTurnSource } from '@voice-widget/protocol';

/** A raw OpenAI Realtime event as the plugin emits it (`openai_server_event_received` / `…client_event_queued`). */
export interface RealtimeWireEvent {
  type: string;
  response?: { id?: string; status?: string };
  response_id?: string;
}

/**
 * Builds one {@link AgentTurnTimeline} per model reply from what the agent sees, on the agent's
 * clock (ms since epoch):
 *
 * - end of turn: the model's `input_audio_buffer.speech_stopped` (model VAD), or the moment the
 *   agent committed the turn itself ({@link markEndOfTurn}: client hint or manual);
 * - `response.created`, the first `response.output_audio.delta` (beta name `response.audio.delta`);
 * - the first frame handed to the published track (the audio output's playback-started event).
 *
 * `publish` is called when a reply's first frame is out (the page can split that turn at once)
 * and again when the reply ends (to report an interruption). Framework-free for testing.
 */
export class TurnTimelineRecorder {
  #pendingEndOfTurn: { at: number; source: EndOfTurnSource } | null = null;
  #current: AgentTurnTimeline | null = null;
  #fastestModelMs: number | null = null;

  constructor(
    private readonly publish: (timeline: AgentTurnTimeline) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The shortest time this session's model took from `response.created` to its first audio delta
   * (the greeting included), ms; null before any reply. No reply can be heard sooner than this.
   */
  get fastestModelMs(): number | null {
    return this.#fastestModelMs;
  }

  /** The agent decided the caller's turn is over (client hint or manual commit). */
  markEndOfTurn(source: EndOfTurnSource, at = this.now()): void {
    this.#pendingEndOfTurn = { at, source };
  }

  /** Feeds an event the model sent. */
  onServerEvent(event: RealtimeWireEvent): void {
    const at = this.now();
    switch (event.type) {
      case 'input_audio_buffer.speech_started':
        this.#pendingEndOfTurn = null;
        break;
      case 'input_audio_buffer.speech_stopped':
        // A client hint that already ended the turn is earlier and wins.
        if (!this.#pendingEndOfTurn) this.#pendingEndOfTurn = { at, source: 'model_vad' };
        break;
      case 'response.created': {
        const eot = this.#pendingEndOfTurn;
        this.#pendingEndOfTurn = null;
        this.#current = {
          type: 'turn_timeline',
          responseId: String(event.response?.id ?? `resp_${at}`).slice(0, 128),
          endOfTurnAt: eot?.at ?? null,
          endOfTurnSource: eot?.source ?? null,
          responseCreatedAt: at,
          firstAudioDeltaAt: null,
          firstFramePublishedAt: null,
          interrupted: false,
        };
        break;
      }
      case 'response.output_audio.delta':
      case 'response.audio.delta':
        if (this.#current && this.#current.firstAudioDeltaAt === null) {
          this.#current.firstAudioDeltaAt = at;
          const ms = at - (this.#current.responseCreatedAt ?? at);
          this.#fastestModelMs = Math.min(this.#fastestModelMs ?? ms, ms);
        }
        break;
      case 'response.done': {
        // Kept until the next reply: playback of a short reply can start after the model is done.
        const current = this.#current;
        if (!current || event.response?.status !== 'cancelled') break;
        current.interrupted = true;
        this.publish({ ...current });
        break;
      }
    }
  }

  /** The audio output started playing a segment (first frame to the published track). */
  onPlaybackStarted(createdAt: number): void {
    const current = this.#current;
    if (!current || current.firstFramePublishedAt !== null || current.firstAudioDeltaAt === null) return;
    current.firstFramePublishedAt = createdAt;
    this.publish({ ...current });
  }
}
