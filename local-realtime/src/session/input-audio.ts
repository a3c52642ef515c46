import { RECOGNIZER_SAMPLE_RATE, float32ToInt16, int16ToFloat32, samplesToMs } from '../audio/pcm.ts';
import { Resampler } from '../audio/resampler.ts';
import { type RecognizerSource, TurnRecognizer } from '../asr/turn-recognizer.ts';
import type { RealtimeProtocolError } from '../errors.ts';
import { newId } from '../util/ids.ts';
import type { DetectorParams } from '../vad/turn-detector.ts';
import { type SpeechScorer, VoiceActivity } from '../vad/voice-activity.ts';
import type { TurnDetectionConfig } from './session-config.ts';
import { pauseMsFor, silenceMsFor } from './semantic-turns.ts';

/**
 * The input audio buffer of one session: PCM16 24 kHz in, resampled once to 16 kHz for both the
 * VAD and the recognizer. With turn detection on, Silero VAD opens a turn at speech start (with
 * the prefix padding) and closes it after the configured silence; with turn detection off
 * (`null`), everything appended until `commit()` is the turn, but the recognizer only hears it from
 * a second before the VAD's first speech: the silence before that carries no words, and
 * decoding it cost each manual call most of its recognizer CPU. In both modes the VAD runs, so a
 * pause of `pauseMsFor()` marks a likely end of turn (the words up to it are prefetched into a
 * reply), and one decoder hears the whole turn (`TurnRecognizer`).
 */

/** A closed turn, ready to become a user item. */
export interface CommittedTurn {
  itemId: string;
  recognizer: TurnRecognizer;
  /** Audio in the turn, ms. */
  durationMs: number;
}

export type InputEvent =
  | { type: 'speech_started'; itemId: string; audioStartMs: number }
  | { type: 'speech_stopped'; itemId: string; audioEndMs: number; turn: CommittedTurn }
  /** The turn reached `maxInputBufferMs`; later audio of this turn is dropped (reported once per turn). */
  | { type: 'buffer_full' }
  /** No recognizer could be had for part of the turn (reported once per turn); that part is not transcribed. */
  | { type: 'recognizer_busy'; error: RealtimeProtocolError };

interface OpenTurn {
  itemId: string;
  recognizer: TurnRecognizer;
  /** Samples at 16 kHz in the turn. */
  samples: number;
  full: boolean;
  /** The recognizer is fed (VAD turns: from the start; manual turns: from the first speech). */
  listening: boolean;
}

/** Extra audio kept in the rolling pre-speech buffer beyond the prefix padding, ms. */
const RING_SLACK_MS = 1_000;
/** Audio before a manual turn's first speech that the recognizer hears, ms (≤ 300 + RING_SLACK_MS). */
const MANUAL_LEAD_MS = 1_000;
/** Voiced time needed to declare speech, ms (two 32 ms VAD windows). */
const MIN_SPEECH_MS = 64;
/** Shortest turn `commit()` accepts, ms (the cloud API's rule). */
export const MIN_COMMIT_MS = 100;

export class InputAudio {
  readonly #resampler = new Resampler(24_000, RECOGNIZER_SAMPLE_RATE);
  readonly #vad: VoiceActivity;
  readonly #recognizers: RecognizerSource;
  readonly #maxBufferMs: number;
  #config: TurnDetectionConfig | null;
  #turn: OpenTurn | null = null;
  /** Rolling 16 kHz audio, most recent last; `#ringStart` is the session sample index of `#ring[0]`. */
  #ring: Int16Array[] = [];
  #ringSamples = 0;
  #ringStart = 0;
  /** 16 kHz samples seen since the session started. */
  #total = 0;
  /** Transcript of the latest speculative finalization, for the semantic turn mode. */
  #speculativeText: string | null = null;
  #speculation = 0;
  /** Events raised by a recognizer outside `append()`'s own flow, handed out with the next `append()`. */
  #raised: InputEvent[] = [];
  /** Called with the transcript of each speculative finalization (the caller paused; the turn may be over). */
  onSpeculativeTranscript: ((text: string) => void) | null = null;

  constructor(scorer: SpeechScorer, recognizers: RecognizerSource, config: TurnDetectionConfig | null, maxBufferMs: number) {
    this.#recognizers = recognizers;
    this.#maxBufferMs = maxBufferMs;
    this.#config = config;
    this.#vad = new VoiceActivity(scorer, this.#detectorParams());
  }

  #detectorParams(): DetectorParams {
    const c = this.#config;
    return {
      threshold: c?.type === 'server_vad' ? c.threshold : 0.5,
      minSpeechMs: MIN_SPEECH_MS,
      silenceMs: () => silenceMsFor(this.#config, this.#speculativeText),
      pauseMs: () => pauseMsFor(silenceMsFor(this.#config, null)),
    };
  }

  /** Session audio received so far, ms. */
  get totalMs(): number {
    return samplesToMs(this.#total, RECOGNIZER_SAMPLE_RATE);
  }

  /** Audio in the current (uncommitted) turn, ms. */
  get bufferedMs(): number {
    return this.#turn ? samplesToMs(this.#turn.samples, RECOGNIZER_SAMPLE_RATE) : 0;
  }

  /** True while the VAD hears speech. */
  get speaking(): boolean {
    return this.#vad.detector.speaking;
  }

  /** Applies a new turn detection setting; a change of mode abandons the turn in progress. */
  configure(config: TurnDetectionConfig | null): void {
    const modeChanged = (config === null) !== (this.#config === null);
    this.#config = config;
    this.#vad.detector.setParams(this.#detectorParams());
    if (modeChanged) this.clear();
  }

  /** Adds PCM16 24 kHz audio; returns what it caused, in order. */
  async append(samples24k: Int16Array): Promise<InputEvent[]> {
    const samples = float32ToInt16(this.#resampler.push(int16ToFloat32(samples24k)));
    const events: InputEvent[] = [];
    const chunkStart = this.#total;
    this.#total += samples.length;
    this.#pushRing(samples);
    if (this.#config === null && !this.#turn) this.#turn = this.#openTurn(newId('item_'), false);
    if (this.#turn) this.#feed(this.#turn, samples, events);

    for (const e of await this.#vad.push(int16ToFloat32(samples))) {
      const vadMode = this.#config !== null;
      const prefixMs = this.#config?.type === 'server_vad' ? this.#config.prefix_padding_ms : 300;
      if (e.type === 'speech_started') {
        if (!vadMode && this.#turn && !this.#turn.listening) {
          // A manual turn's first speech: the recognizer starts here, with a second of the audio
          // before it (PocketSphinx's live normalisation needs some lead-in to adapt).
          const from = Math.floor((Math.max(0, e.speechStartMs - MANUAL_LEAD_MS) * RECOGNIZER_SAMPLE_RATE) / 1000);
          this.#turn.listening = true;
          this.#turn.recognizer.write(this.#ringFrom(from, chunkStart));
          if (!this.#turn.full) this.#turn.recognizer.write(samples);
        } else if (vadMode && !this.#turn) {
          const audioStartMs = Math.max(0, e.speechStartMs - prefixMs);
          const turn = this.#openTurn(newId('item_'), true);
          this.#feed(turn, this.#ringFrom(Math.floor((audioStartMs * RECOGNIZER_SAMPLE_RATE) / 1000), chunkStart), events);
          this.#feed(turn, samples, events);
          this.#turn = turn;
          events.push({ type: 'speech_started', itemId: turn.itemId, audioStartMs });
        } else if (this.#turn) {
          this.#turn.recognizer.resume();
        }
      } else if (e.type === 'pause') {
        this.#speculate();
      } else if (e.type === 'speech_resumed') {
        this.#speculativeText = null;
        this.#turn?.recognizer.resume();
      } else if (e.type === 'speech_stopped' && vadMode && this.#turn) {
        const turn = this.#close();
        events.push({ type: 'speech_stopped', itemId: turn.itemId, audioEndMs: Math.round(e.atMs), turn });
      }
    }
    if (this.#raised.length) events.unshift(...this.#raised.splice(0));
    return events;
  }

  /** Ends the turn on the client's request; null when it holds less than `MIN_COMMIT_MS` (nothing is changed then). */
  commit(): CommittedTurn | null {
    if (!this.#turn || this.bufferedMs < MIN_COMMIT_MS) return null;
    const turn = this.#close();
    this.#vad.detector.reset();
    return turn;
  }

  /** Drops the turn in progress and its audio. */
  clear(): void {
    this.#turn?.recognizer.abort();
    this.#turn = null;
    this.#vad.detector.reset();
    this.#speculativeText = null;
  }

  /** Releases the recognizer of an open turn (connection closed). */
  close(): void {
    this.clear();
  }

  #openTurn(itemId: string, listening: boolean): OpenTurn {
    this.#speculativeText = null;
    const recognizer = new TurnRecognizer(this.#recognizers, (error) => this.#raised.push({ type: 'recognizer_busy', error }));
    return { itemId, recognizer, samples: 0, full: false, listening };
  }

  #close(): CommittedTurn {
    const turn = this.#turn!;
    this.#turn = null;
    this.#speculativeText = null;
    return { itemId: turn.itemId, recognizer: turn.recognizer, durationMs: samplesToMs(turn.samples, RECOGNIZER_SAMPLE_RATE) };
  }

  #feed(turn: OpenTurn, samples: Int16Array, events: InputEvent[]): void {
    if (samples.length === 0) return;
    const room = Math.floor((this.#maxBufferMs * RECOGNIZER_SAMPLE_RATE) / 1000) - turn.samples;
    const take = Math.max(0, Math.min(samples.length, room));
    if (take > 0) {
      if (turn.listening) turn.recognizer.write(take === samples.length ? samples : samples.subarray(0, take));
      turn.samples += take;
    }
    if (take < samples.length && !turn.full) {
      turn.full = true;
      events.push({ type: 'buffer_full' });
    }
  }

  #speculate(): void {
    const turn = this.#turn;
    if (!turn) return;
    turn.recognizer.speculate();
    const result = turn.recognizer.speculativeResult;
    if (!result) return;
    const generation = ++this.#speculation;
    void result
      .then((text) => {
        if (generation !== this.#speculation || this.#turn !== turn) return;
        this.#speculativeText = text;
        this.onSpeculativeTranscript?.(text);
      })
      .catch(() => {});
  }

  #pushRing(samples: Int16Array): void {
    this.#ring.push(samples);
    this.#ringSamples += samples.length;
    const prefixMs = this.#config?.type === 'server_vad' ? this.#config.prefix_padding_ms : 300;
    const keep = Math.floor(((prefixMs + RING_SLACK_MS) * RECOGNIZER_SAMPLE_RATE) / 1000);
    while (this.#ring.length > 1 && this.#ringSamples - this.#ring[0]!.length >= keep) {
      const dropped = this.#ring.shift()!;
      this.#ringSamples -= dropped.length;
      this.#ringStart += dropped.length;
    }
  }

  /** Ring audio from session sample `from` up to (not including) `to`. */
  #ringFrom(from: number, to: number): Int16Array {
    const parts: Int16Array[] = [];
    let pos = this.#ringStart;
    for (const chunk of this.#ring) {
      const start = Math.max(from, pos);
      const end = Math.min(to, pos + chunk.length);
      if (end > start) parts.push(chunk.subarray(start - pos, end - pos));
      pos += chunk.length;
    }
    const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}
