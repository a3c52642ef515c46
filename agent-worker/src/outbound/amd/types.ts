/**
 * What the answering-machine detector takes in and gives out. Times in events are ms on the
 * detector's clock (the injected `clock()`, e.g. ms since epoch) when named `atMs`, and ms since
 * the call was answered when named `…SinceAnswerMs` / `onsetMs` / `startMs` inside the evidence.
 */

/** Sample rate of every frame the detector accepts: PCM16 mono 16 kHz (what Silero VAD reads). */
export const AMD_SAMPLE_RATE_HZ = 16_000;
/** The detector analyses the audio in windows of this many samples (32 ms, one Silero window). */
export const AMD_WINDOW_SAMPLES = 512;
/** Length of one analysis window, ms. */
export const AMD_WINDOW_MS = (AMD_WINDOW_SAMPLES / AMD_SAMPLE_RATE_HZ) * 1000;

/** Who answered. `machine_beep`: a machine whose beep has been heard (the message may start now). */
export type AmdDecision = 'human' | 'machine_greeting' | 'machine_beep' | 'unknown';

/** Why the detector decided (one per rule in detector.ts). */
export type AmdReason =
  /** Short speech, then a silence long enough that a person is waiting for the caller. */
  | 'short_speech_then_silence'
  /**
   * A first utterance as short as "hello?", then a shorter silence: a person, provisionally (the
   * decision is withdrawn with `speech_resumed` if speech follows before the usual silence).
   */
  | 'short_answer_then_pause'
  /** Speech — or a tone — came soon after a quick `human` (a greeting's next phrase, a beep): that decision is withdrawn. */
  | 'speech_resumed'
  /** Speech went on longer than a person's answer does (a greeting). */
  | 'long_speech'
  /** A steady tone of a beep's length ended. */
  | 'beep'
  /** The transcript said something only a machine says ("leave a message", …). */
  | 'transcript_cue'
  /** Nothing was said before the no-speech timeout. */
  | 'no_speech'
  /** The decision budget ran out without any rule firing. */
  | 'max_time';

/** One frame of the callee's audio after answer. */
export interface AmdFrame {
  /** PCM16 mono 16 kHz samples, any length (a LiveKit frame is usually 10 ms = 160 samples). */
  samples: Int16Array;
  /**
   * Time of the first sample, ms on the detector's clock. Frames must come in order; a jump
   * forward (lost audio) counts as silence.
   */
  startMs: number;
  /**
   * Speech probability 0–1 of this frame from an external VAD (Silero). Used, and required, only
   * when the detector's `vad` is `{ kind: 'probability' }`; the frame is then exactly one window
   * ({@link AMD_WINDOW_SAMPLES} samples).
   */
  speechProbability?: number;
}

/** A piece of transcript of the callee (interim or final), as a speech-to-text engine sends it. */
export interface AmdTranscript {
  text: string;
  /** When it arrived, ms on the detector's clock. Default: `clock()`. */
  atMs?: number;
}

/** One run of speech, ms since answer. */
export interface SpeechSegment {
  onsetMs: number;
  durationMs: number;
}

/** A silence between two speech segments, ms since answer. */
export interface Pause {
  startMs: number;
  durationMs: number;
}

/** A steady tone of a beep's length, ms since answer. */
export interface BeepEvidence {
  startMs: number;
  endMs: number;
  durationMs: number;
  /** Median frequency over the tone, Hz. */
  frequencyHz: number;
  /** Highest minus lowest frequency of its windows, Hz (a beep's is a few Hz). */
  frequencySpreadHz: number;
  /** Mean share of the window's energy in that one frequency, 0–1 (1 = a pure tone). */
  tonality: number;
  /** Mean level of the tone, dBFS. */
  levelDb: number;
}

/** A machine phrase found in the transcript. Only the phrase is kept, never the transcript (PII). */
export interface CueMatch {
  cue: string;
  /** ms since answer when the transcript containing it arrived. */
  atMs: number;
}

/** Everything the decision rested on (logged and recorded with the call; no words of the callee). */
export interface AmdEvidence {
  /** Speech segments so far, in order. */
  speech: SpeechSegment[];
  /** Silences between the segments. */
  pauses: Pause[];
  /** Silence (no speech, no tone) since the last sound at decision time, ms (0 while speaking or before any speech). */
  trailingSilenceMs: number;
  /** Speech from the first onset to the last voiced window of the current utterance, ms. */
  utteranceMs: number;
  beep: BeepEvidence | null;
  cues: CueMatch[];
  /** Tracked noise floor at decision time, dBFS. */
  noiseFloorDb: number;
  /** Which VAD marked the speech. */
  vad: 'energy' | 'probability';
}

/**
 * The detector's decision: emitted once, and again only to revise it —
 * - a `human` or `unknown` decision becomes `machine_beep` when a beep follows within the revision
 *   window (a greeting as short as a person's answer, such as "Hi, it's Alex." and a long pause
 *   before the beep);
 * - a quick `human` (`short_answer_then_pause`) is withdrawn when speech resumes before the usual
 *   silence has passed: an `unknown` with reason `speech_resumed` means *not decided any more* —
 *   stop talking and wait — and the rules then decide again (a later `amd_decision`).
 */
export interface AmdDecisionEvent {
  type: 'amd_decision';
  /** ms on the detector's clock. */
  atMs: number;
  decision: AmdDecision;
  reason: AmdReason;
  /** The earlier decision this one replaces, or null for the first decision. */
  revises: AmdDecision | null;
  /** ms from answer to the decision. */
  timeToDecisionMs: number;
  evidence: AmdEvidence;
}

/**
 * On a machine: the moment a voicemail message may start (emitted once, at or after the machine
 * decision). `beep`: the beep ended; `greeting_end`: the greeting stopped and the line stayed
 * silent with no beep; `timeout`: neither happened within the voicemail budget.
 */
export interface AmdVoicemailReadyEvent {
  type: 'amd_voicemail_ready';
  atMs: number;
  reason: 'beep' | 'greeting_end' | 'timeout';
  /** ms from answer to this moment. */
  sinceAnswerMs: number;
  beep: BeepEvidence | null;
}

/**
 * A quick `human` (`short_answer_then_pause`) stands: the silence after the answer reached the
 * usual `humanSilenceMs` with no speech or tone again. Until then the agent's opener may be
 * generated but must not play (it would go out over a greeting's next phrase).
 */
export interface AmdConfirmedEvent {
  type: 'amd_confirmed';
  /** ms on the detector's clock. */
  atMs: number;
  /** ms from answer to this moment. */
  sinceAnswerMs: number;
}

export type AmdEvent = AmdDecisionEvent | AmdVoicemailReadyEvent | AmdConfirmedEvent;
