import type { RemoteAudioTrack } from 'livekit-client';
import { type AudioEdge, analyserLevel, watchLevel } from './audio-onset.ts';

/** Edges of the agent's audio: `arriving` = what the agent sends (before our gain), `played` = what the caller hears. */
export interface PlaybackCallbacks {
  arriving(edge: AudioEdge): void;
  played(edge: AudioEdge): void;
}

/** Longest time playback stays stopped after a barge-in if the agent never says it stopped, ms. */
export const MAX_STOP_MS = 2_500;

/**
 * Plays the agent's track through Web Audio so the widget can duck or stop it at once on a
 * barge-in:  track → source ─┬→ arriving meter
 *                            └→ gain → destination
 *                                    └→ played meter, analyser (visualizer)
 * The track is also attached to a muted `<audio>` element (Chrome only delivers remote WebRTC
 * audio to Web Audio while a media element plays it). After `stop()`, full volume returns once the
 * agent has left its speaking state and its audio has gone quiet (it obeyed the interrupt; a pause
 * between words is not enough), or after {@link MAX_STOP_MS}.
 */
export class AgentPlayback {
  readonly #gain: GainNode;
  readonly #analyser: AnalyserNode;
  readonly #buf: Float32Array<ArrayBuffer>;
  #detach: (() => void) | null = null;
  #stopped = false;
  #stopTimer: ReturnType<typeof setTimeout> | undefined;
  #arriving = false;
  #agentSpeaking = false;

  constructor(
    private readonly ctx: AudioContext,
    private readonly container: Node,
    private readonly callbacks: PlaybackCallbacks,
  ) {
    this.#gain = new GainNode(ctx, { gain: 1 });
    this.#gain.connect(ctx.destination);
    this.#analyser = new AnalyserNode(ctx, { fftSize: 512 });
    this.#gain.connect(this.#analyser);
    this.#buf = new Float32Array(this.#analyser.fftSize);
  }

  /** Plays `track` (replacing any previous agent track). */
  async attach(track: RemoteAudioTrack): Promise<void> {
    this.#detach?.();
    const el = track.attach();
    el.muted = true;
    el.setAttribute('aria-hidden', 'true');
    this.container.appendChild(el);
    const source = new MediaStreamAudioSourceNode(this.ctx, { mediaStream: new MediaStream([track.mediaStreamTrack]) });
    source.connect(this.#gain);
    const stops = await Promise.all([
      watchLevel(this.ctx, source, (e) => this.#onArriving(e)),
      watchLevel(this.ctx, this.#gain, (e) => this.callbacks.played(e)),
    ]);
    this.#detach = () => {
      stops.forEach((s) => s());
      source.disconnect();
      track.detach(el);
      el.remove();
    };
  }

  /** True while the agent's audio is arriving above the level threshold. */
  get arriving(): boolean {
    return this.#arriving;
  }

  /** Plays quieter (0..1) at once, e.g. while a possible barge-in is checked. */
  duck(gain: number): void {
    if (!this.#stopped) this.#ramp(gain, 0.005);
  }

  /** Silences the agent at once (barge-in confirmed). */
  stop(): void {
    this.#stopped = true;
    this.#ramp(0, 0.003);
    clearTimeout(this.#stopTimer);
    this.#stopTimer = setTimeout(() => this.#unstop(), MAX_STOP_MS);
    this.#maybeUnstop();
  }

  /** The agent's `lk.agent.state` is (not) `speaking`. */
  setAgentSpeaking(speaking: boolean): void {
    this.#agentSpeaking = speaking;
    this.#maybeUnstop();
  }

  /** Full volume again after a duck (a stopped agent comes back only once its audio went quiet). */
  restore(): void {
    if (!this.#stopped) this.#ramp(1, 0.02);
  }

  /** Level of what is played now, 0..1. */
  level(): number {
    return analyserLevel(this.#analyser, this.#buf);
  }

  dispose(): void {
    clearTimeout(this.#stopTimer);
    this.#detach?.();
    this.#detach = null;
    this.#gain.disconnect();
  }

  #onArriving(edge: AudioEdge): void {
    this.#arriving = edge.type === 'start';
    this.callbacks.arriving(edge);
    this.#maybeUnstop();
  }

  #maybeUnstop(): void {
    if (this.#stopped && !this.#agentSpeaking && !this.#arriving) this.#unstop();
  }

  #unstop(): void {
    this.#stopped = false;
    clearTimeout(this.#stopTimer);
    this.#ramp(1, 0.02);
  }

  #ramp(target: number, timeConstantS: number): void {
    const g = this.#gain.gain;
    const now = this.ctx.currentTime;
    g.cancelScheduledValues(now);
    g.setValueAtTime(g.value, now);
    g.setTargetAtTime(target, now, timeConstantS);
  }
}
