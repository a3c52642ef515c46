import { levelDbfs } from '@voice-widget/protocol';
import { BeepDetector } from './beep-detector.ts';
import { type AmdConfig, type AmdConfigInput, parseAmdConfig } from './config.ts';
import { CueMatcher } from './cues.ts';
import { EnergyVad } from './energy-vad.ts';
import { ToneAnalyzer } from './goertzel.ts';
import { SpeechSegments } from './speech-segments.ts';
import { Windows } from './windows.ts';
import {
  AMD_SAMPLE_RATE_HZ,
  AMD_WINDOW_MS,
  AMD_WINDOW_SAMPLES,
  type AmdDecision,
  type AmdDecisionEvent,
  type AmdEvent,
  type AmdEvidence,
  type AmdFrame,
  type AmdReason,
  type AmdTranscript,
  type AmdVoicemailReadyEvent,
  type BeepEvidence,
  type CueMatch,
} from './types.ts';

export interface AmdDetectorOptions {
  /** When the call was answered (SIP 200 OK, `sip.callStatus` active), ms on `clock`. */
  answeredAtMs: number;
  /** Current time, ms (the clock of frame and transcript times). Default `Date.now`. */
  clock?: () => number;
  /** Thresholds; missing fields take their defaults (see config.ts). */
  config?: AmdConfigInput;
  /** Called with every event as it is emitted (the handle*() methods also return them). */
  onEvent?: (event: AmdEvent) => void;
}

/**
 * Answering-machine detection on the callee's audio after answer: a state machine driven by
 * {@link handleFrame} (PCM16 mono 16 kHz), {@link handleTranscript} (optional) and
 * {@link handleTick} (timeouts when no audio arrives), with an injected clock — no room needed.
 *
 * It decides once (`amd_decision`): a beep → `machine_beep`; a machine phrase in the transcript or
 * speech longer than a person's answer → `machine_greeting`; short speech followed by a silence
 * (longer the longer the speech) → `human`; a first utterance as short as "hello?" followed by a
 * shorter silence (`quickSilenceMs`) → `human` at once, confirmed (`amd_confirmed`) once the usual
 * silence has passed or withdrawn (`unknown`, `speech_resumed`) if speech resumes or a tone starts
 * before it, after which the rules decide again as if it had not been made; nothing said by the
 * no-speech timeout, or no rule by the decision budget → `unknown`. On a machine it keeps listening and emits `amd_voicemail_ready` once
 * when the beep ends, or the greeting ends and the line stays silent, or the voicemail budget runs
 * out. After `human` or `unknown` it keeps listening for a beep during `revisionWindowMs` — counted
 * from the decision, or from the end of the callee's speech if they went on talking without a
 * greeting's final pause (a "Hello. … you've reached …" greeting) — and, if one comes, revises the
 * decision to `machine_beep` (a second `amd_decision` with `revises`); a transcript never revises a
 * decision (a person may well say "not available").
 *
 * Audio is analysed in 32 ms windows: level against a tracked noise floor, a Goertzel bank for
 * tones, and either the energy VAD or an external speech probability (Silero, see
 * {@link SileroAmdInput}) per window.
 */
/** No callee audio for this long (ms on the clock) counts as silence for a quick `human`'s confirmation. */
export const STALLED_AUDIO_MS = 300;

export class AmdDetector {
  readonly config: AmdConfig;
  readonly #answeredAtMs: number;
  readonly #clock: () => number;
  readonly #onEvent: ((event: AmdEvent) => void) | undefined;
  readonly #tones: ToneAnalyzer;
  readonly #beeps: BeepDetector;
  readonly #energy: EnergyVad;
  readonly #speech: SpeechSegments;
  readonly #cues: CueMatcher;
  readonly #cueMatches: CueMatch[] = [];
  readonly #windows = new Windows();
  /** Audio analysed up to here, ms since answer. */
  #audioMs = 0;
  #probVoiced = false;
  /** End of the last window with speech or a tone, ms since answer (null before any). */
  #lastSoundEndMs: number | null = null;
  /** End of the last tonal window, ms since answer (null before any). */
  #lastToneEndMs: number | null = null;
  #beep: BeepEvidence | null = null;
  #decision: AmdDecisionEvent | null = null;
  #ready: AmdVoicemailReadyEvent | null = null;
  /** A quick `human` awaiting the usual silence: the last voiced and tonal ends it was decided on (null: none pending). */
  #provisional: { voicedEndMs: number | null; toneEndMs: number | null } | null = null;
  /** Withdrawn (`speech_resumed`): the rules decide again. */
  #withdrawn = false;
  /** At most one quick decision per call. */
  #quickUsed = false;
  /**
   * After a `human`/`unknown` decision: end of the callee's speech that has gone on since it without
   * a greeting's final pause (`greetingEndSilenceMs`), ms since answer — the revision window runs
   * from here. Null: no such decision stands.
   */
  #monologueEndMs: number | null = null;

  /** @throws Error when the config is invalid (see {@link parseAmdConfig}) or `answeredAtMs` is not finite */
  constructor(opts: AmdDetectorOptions) {
    if (!Number.isFinite(opts.answeredAtMs)) throw new RangeError(`answeredAtMs must be a finite number, got ${opts.answeredAtMs}`);
    this.config = parseAmdConfig(opts.config);
    this.#answeredAtMs = opts.answeredAtMs;
    this.#clock = opts.clock ?? Date.now;
    this.#onEvent = opts.onEvent;
    const c = this.config;
    this.#tones = new ToneAnalyzer(AMD_WINDOW_SAMPLES, AMD_SAMPLE_RATE_HZ, { minHz: c.beep.minHz, maxHz: c.beep.maxHz, stepHz: c.beep.stepHz });
    this.#beeps = new BeepDetector({ ...c.beep, band: { minHz: c.beep.minHz, maxHz: c.beep.maxHz, stepHz: c.beep.stepHz } });
    // The energy VAD always runs: its noise floor gates the beep detector in both VAD modes.
    this.#energy = new EnergyVad(c.energy);
    this.#speech = new SpeechSegments(c.minSpeechMs, c.segmentGapMs);
    this.#cues = new CueMatcher(c.cues);
  }

  /** The decision, once made. */
  get decision(): AmdDecisionEvent | null {
    return this.#decision;
  }

  /** On a machine: when the message may start, once known. */
  get voicemailReady(): AmdVoicemailReadyEvent | null {
    return this.#ready;
  }

  /**
   * Nothing more will be emitted: on a machine, the message may start; on a person or unknown,
   * the revision window has passed.
   */
  get finished(): boolean {
    const d = this.#decision;
    if (d === null || this.#withdrawn) return false;
    if (isMachine(d.decision)) return this.#ready !== null;
    return !this.#revisable(this.#audioMs);
  }

  /**
   * Feeds one frame of the callee's audio. Audio before `answeredAtMs` (early media) is skipped.
   * @returns the events this frame caused, in order (usually none)
   * @throws RangeError on a frame that goes back in time, a bad timestamp, or (probability VAD) a
   *   frame that is not one 512-sample window with a probability in [0, 1]
   */
  handleFrame(frame: AmdFrame): AmdEvent[] {
    if (!(frame.samples instanceof Int16Array)) throw new TypeError('AMD frame samples must be an Int16Array (PCM16 mono 16 kHz)');
    const events: AmdEvent[] = [];
    if (this.config.vad.kind === 'probability') {
      const p = frame.speechProbability;
      if (frame.samples.length !== AMD_WINDOW_SAMPLES) throw new RangeError(`with the probability VAD each AMD frame must be ${AMD_WINDOW_SAMPLES} samples, got ${frame.samples.length}`);
      if (p === undefined || !(p >= 0 && p <= 1)) throw new RangeError(`AMD frame speechProbability must be in [0, 1], got ${p}`);
    }
    for (const w of this.#windows.push(frame.samples, frame.startMs)) {
      if (!this.finished) this.#analyse(w.samples, w.startMs, frame.speechProbability ?? null, events);
    }
    return this.#emit(events);
  }

  /**
   * Feeds a piece of the callee's transcript. A machine phrase decides `machine_greeting` at once
   * (when nothing was decided yet); the phrase is kept in the evidence either way.
   * @returns the events it caused
   */
  handleTranscript(t: AmdTranscript): AmdEvent[] {
    const events: AmdEvent[] = [];
    if (typeof t.text !== 'string' || this.config.cues.length === 0) return events;
    const atMs = t.atMs ?? this.#clock();
    if (!Number.isFinite(atMs)) throw new RangeError(`AMD transcript atMs must be finite, got ${atMs}`);
    const sinceAnswer = atMs - this.#answeredAtMs;
    const hits = this.#cues.push(t.text.slice(0, 2000));
    for (const cue of hits) this.#cueMatches.push({ cue, atMs: Math.round(sinceAnswer) });
    if (hits.length && this.#undecided) this.#decide('machine_greeting', 'transcript_cue', Math.max(sinceAnswer, 0), events);
    return this.#emit(events);
  }

  /**
   * Applies the timeouts on the clock (no speech, decision budget, voicemail budget) when audio
   * stops arriving; call it from a timer (e.g. every 250 ms). Silence-based rules wait for audio —
   * except the confirmation of a quick `human`: when the line has sent nothing for
   * {@link STALLED_AUDIO_MS} (a trunk that suppresses silence), the clock confirms it, so an
   * opener held for it is never held for good.
   * @returns the events it caused
   */
  handleTick(): AmdEvent[] {
    const events: AmdEvent[] = [];
    const now = this.#clock() - this.#answeredAtMs;
    if (now <= this.#audioMs || this.finished) return events;
    const c = this.config;
    if (this.#undecided) {
      if (this.#speech.firstOnsetMs === null && now >= c.noSpeechTimeoutMs) this.#decide('unknown', 'no_speech', now, events);
      else if (now >= c.maxDecisionMs) this.#decide('unknown', 'max_time', now, events);
    }
    if (this.#decision && isMachine(this.#decision.decision) && !this.#ready && now >= c.voicemailTimeoutMs) this.#markReady('timeout', now, events);
    if (this.#provisional && now - this.#audioMs >= STALLED_AUDIO_MS && now - (this.#lastSoundEndMs ?? 0) >= c.humanSilenceMs) this.#confirm(now, events);
    return this.#emit(events);
  }

  /** The evidence as of `nowMs` since answer. */
  evidence(nowMs = this.#audioMs): AmdEvidence {
    const last = this.#speech.lastVoicedEndMs;
    const first = this.#speech.firstOnsetMs;
    return {
      speech: this.#speech.snapshot(),
      pauses: [...this.#speech.pauses],
      trailingSilenceMs: last === null ? 0 : Math.max(0, Math.round(nowMs - Math.max(last, this.#lastSoundEndMs ?? last))),
      utteranceMs: first === null || last === null ? 0 : Math.round(last - first),
      beep: this.#beep,
      cues: [...this.#cueMatches],
      noiseFloorDb: Number(this.#energy.noiseFloorDb.toFixed(1)),
      vad: this.config.vad.kind,
    };
  }

  /** One 32 ms window starting at `startClockMs`: level, tone, VAD, segments, then the rules. */
  #analyse(samples: Int16Array, startClockMs: number, probability: number | null, events: AmdEvent[]): void {
    const startMs = startClockMs - this.#answeredAtMs;
    if (startMs < 0) return;
    const c = this.config;
    const levelDb = levelDbfs(samples);
    const floorDb = this.#energy.noiseFloorDb;
    const loudEnough = levelDb >= c.beep.minLevelDb && levelDb >= floorDb + c.beep.minSnrDb;
    const tone = loudEnough ? this.#tones.analyse(samples) : null;
    const loud = levelDb >= c.energy.minSpeechDb && levelDb >= floorDb + c.energy.marginDb;
    const { tonal, beep } = this.#beeps.push(tone, levelDb, floorDb, startMs, AMD_WINDOW_MS, loud);
    const energyVoiced = this.#energy.push(levelDb, AMD_WINDOW_MS, tonal);
    let voiced = energyVoiced;
    if (probability !== null && c.vad.kind === 'probability') {
      this.#probVoiced = probability >= (this.#probVoiced ? c.vad.negThreshold : c.vad.threshold);
      voiced = this.#probVoiced && !tonal;
    }
    this.#speech.push(voiced, startMs, AMD_WINDOW_MS);
    const nowMs = startMs + AMD_WINDOW_MS;
    // Speech soon after a person-like decision, and on without a greeting's final pause, is one
    // monologue: "Hello. … You've reached Tom and Lisa … leave a message." The beep at its end
    // still revises, however long the greeting was.
    if (voiced && this.#monologueEndMs !== null && startMs - this.#monologueEndMs <= c.greetingEndSilenceMs) this.#monologueEndMs = nowMs;
    // Silence is the absence of speech *and* of tones: a synthetic voice's steady vowels are tonal.
    if (voiced || tonal) this.#lastSoundEndMs = nowMs;
    if (tonal) this.#lastToneEndMs = nowMs;
    this.#audioMs = nowMs;
    if (beep && !this.#ready) this.#beep = beep;
    this.#applyRules(nowMs, beep, events);
  }

  #applyRules(nowMs: number, beep: BeepEvidence | null, events: AmdEvent[]): void {
    const c = this.config;
    const first = this.#speech.firstOnsetMs;
    const last = this.#speech.lastVoicedEndMs;
    const silenceMs = last === null ? 0 : nowMs - Math.max(last, this.#lastSoundEndMs ?? last);
    this.#checkProvisional(last, silenceMs, nowMs, events);
    if (this.#undecided) {
      const utteranceMs = first === null || last === null ? 0 : last - first;
      if (beep) this.#decide('machine_beep', 'beep', nowMs, events);
      else if (utteranceMs >= c.machineSpeechMs) this.#decide('machine_greeting', 'long_speech', nowMs, events);
      else if (first !== null && silenceMs >= this.#silenceNeededMs(utteranceMs)) this.#decide('human', 'short_speech_then_silence', nowMs, events);
      else if (this.#quickAnswer(utteranceMs, silenceMs)) {
        this.#quickUsed = true;
        this.#provisional = { voicedEndMs: last, toneEndMs: this.#lastToneEndMs };
        this.#decide('human', 'short_answer_then_pause', nowMs, events);
      } else if (first === null && nowMs >= c.noSpeechTimeoutMs) this.#decide('unknown', 'no_speech', nowMs, events);
      else if (nowMs >= c.maxDecisionMs) this.#decide('unknown', 'max_time', nowMs, events);
    }
    const d = this.#decision;
    if (d && !isMachine(d.decision) && beep && this.#revisable(nowMs)) {
      this.#decide('machine_beep', 'beep', nowMs, events);
      this.#markReady('beep', nowMs, events);
      return;
    }
    if (!this.#decision || !isMachine(this.#decision.decision) || this.#ready) return;
    if (beep) this.#markReady('beep', nowMs, events);
    else if (first !== null && silenceMs >= c.greetingEndSilenceMs) this.#markReady('greeting_end', nowMs, events);
    else if (nowMs >= c.voicemailTimeoutMs) this.#markReady('timeout', nowMs, events);
  }

  /** True while no decision stands (none yet, or a quick one was withdrawn). */
  get #undecided(): boolean {
    return this.#decision === null || this.#withdrawn;
  }

  /** A first utterance as short as "hello?" and a pause of `quickSilenceMs`: a person, provisionally. */
  #quickAnswer(utteranceMs: number, silenceMs: number): boolean {
    const c = this.config;
    if (c.quickSpeechMs === 0 || this.#quickUsed || this.#decision !== null) return false;
    return this.#speech.firstOnsetMs !== null && utteranceMs <= c.quickSpeechMs && silenceMs >= c.quickSilenceMs;
  }

  /**
   * A pending quick `human`: confirmed once the silence reaches `humanSilenceMs` (`amd_confirmed`),
   * withdrawn (`unknown`, `speech_resumed`) if a new speech segment or a tone (a beep starting)
   * comes before — at the tone's first window, not at the beep's end as a revision would.
   */
  #checkProvisional(lastVoicedEndMs: number | null, silenceMs: number, nowMs: number, events: AmdEvent[]): void {
    const p = this.#provisional;
    if (p === null) return;
    const spoke = lastVoicedEndMs !== null && lastVoicedEndMs !== p.voicedEndMs;
    const toned = this.#lastToneEndMs !== null && this.#lastToneEndMs !== p.toneEndMs;
    if (spoke || toned) {
      this.#provisional = null;
      this.#decide('unknown', 'speech_resumed', nowMs, events);
      this.#withdrawn = true;
    } else if (this.#decision?.decision !== 'human') {
      this.#provisional = null;
    } else if (silenceMs >= this.config.humanSilenceMs) {
      this.#confirm(nowMs, events);
    }
  }

  #confirm(nowMs: number, events: AmdEvent[]): void {
    this.#provisional = null;
    events.push({ type: 'amd_confirmed', atMs: this.#answeredAtMs + nowMs, sinceAnswerMs: Math.round(nowMs) });
  }

  /**
   * Whether a beep at `nowMs` (since answer) would still revise the standing `human`/`unknown`:
   * within `revisionWindowMs` of the decision or of the end of the callee's monologue that followed
   * it, and before `voicemailTimeoutMs` (no greeting lasts longer).
   */
  #revisable(nowMs: number): boolean {
    const c = this.config;
    const from = this.#monologueEndMs;
    return from !== null && c.revisionWindowMs > 0 && nowMs - from <= c.revisionWindowMs && nowMs < c.voicemailTimeoutMs;
  }

  /** Silence after `utteranceMs` of speech that means a person is waiting, ms. */
  #silenceNeededMs(utteranceMs: number): number {
    const c = this.config;
    if (utteranceMs <= c.shortSpeechMs) return c.humanSilenceMs;
    const f = (utteranceMs - c.shortSpeechMs) / (c.machineSpeechMs - c.shortSpeechMs);
    return c.humanSilenceMs + f * (c.longSpeechSilenceMs - c.humanSilenceMs);
  }

  #decide(decision: AmdDecision, reason: AmdReason, nowMs: number, events: AmdEvent[]): void {
    this.#withdrawn = false;
    this.#monologueEndMs = isMachine(decision) || reason === 'speech_resumed' ? null : nowMs;
    this.#decision = {
      type: 'amd_decision',
      atMs: this.#answeredAtMs + nowMs,
      decision,
      reason,
      revises: this.#decision?.decision ?? null,
      timeToDecisionMs: Math.round(nowMs),
      evidence: this.evidence(nowMs),
    };
    events.push(this.#decision);
  }

  #markReady(reason: AmdVoicemailReadyEvent['reason'], nowMs: number, events: AmdEvent[]): void {
    this.#ready = {
      type: 'amd_voicemail_ready',
      atMs: this.#answeredAtMs + nowMs,
      reason,
      sinceAnswerMs: Math.round(nowMs),
      beep: reason === 'beep' ? this.#beep : null,
    };
    events.push(this.#ready);
  }

  #emit(events: AmdEvent[]): AmdEvent[] {
    if (this.#onEvent) for (const e of events) this.#onEvent(e);
    return events;
  }
}

const isMachine = (d: AmdDecision) => d === 'machine_greeting' || d === 'machine_beep';
