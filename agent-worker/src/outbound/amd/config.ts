import { z } from 'zod';
import { DEFAULT_MACHINE_CUES } from './cues.ts';

/**
 * Every threshold of the answering-machine detector, with its unit and default. Parse partial
 * settings with {@link parseAmdConfig}; unknown keys are an error (a misspelt field must not be
 * silently ignored). The defaults were tuned on the *tune* half of `pnpm bench:amd`'s set only.
 */

const ms = (max: number) => z.number().int().min(0).max(max);

/** The noise floor (always tracked: it gates the beep detector) and the level VAD on top of it. */
const Energy = z.strictObject({
  /** Level above the noise floor that starts speech, dB. */
  marginDb: z.number().min(1).max(40).default(10),
  /** The margin is this much lower while speech continues, dB. */
  hysteresisDb: z.number().min(0).max(20).default(3),
  /** Nothing quieter than this is speech, dBFS. */
  minSpeechDb: z.number().min(-100).max(0).default(-50),
  /** How fast the noise floor may rise through louder audio, dB/s. */
  floorRiseDbPerS: z.number().min(0).max(100).default(0.5),
  /** Lowest noise floor, dBFS. */
  floorMinDb: z.number().min(-120).max(-20).default(-70),
});

/** Speech from the level VAD. */
const EnergyVad = z.strictObject({ kind: z.literal('energy') });

/** Speech from an external per-window probability (Silero) passed with each frame. */
const ProbabilityVad = z.strictObject({
  kind: z.literal('probability'),
  /** Speech starts at this probability (Silero's default activation threshold 0.5). */
  threshold: z.number().min(0).max(1).default(0.5),
  /** …and continues down to this one (Silero: threshold − 0.15). */
  negThreshold: z.number().min(0).max(1).default(0.35),
});

const Beep = z.strictObject({
  /** Lowest beep frequency looked for, Hz. */
  minHz: z.number().min(100).max(4000).default(350),
  /** Highest beep frequency looked for, Hz. */
  maxHz: z.number().min(100).max(7000).default(2000),
  /** Spacing of the Goertzel filters, Hz (the 32 ms window's bins are 31.25 Hz wide). */
  stepHz: z.number().min(5).max(100).default(25),
  /** Share of a window's energy in one frequency that makes it tonal, 0–1. */
  minTonality: z.number().min(0).max(1).default(0.6),
  /** Shortest beep, ms. */
  minDurationMs: ms(5000).default(150),
  /** Longest beep, ms. */
  maxDurationMs: ms(10_000).default(2500),
  /** Frequency wobble allowed within one tone, Hz. */
  frequencyToleranceHz: z.number().min(1).max(200).default(8),
  /** Quietest beep, dBFS. */
  minLevelDb: z.number().min(-100).max(0).default(-50),
  /** A beep is at least this much above the noise floor, dB. */
  minSnrDb: z.number().min(0).max(60).default(6),
  /** Non-tonal windows a tone may skip and continue, windows of 32 ms. */
  maxGapWindows: z.number().int().min(0).max(10).default(1),
});

export const AmdConfigSchema = z.strictObject({
  energy: Energy.prefault({}),
  vad: z.discriminatedUnion('kind', [EnergyVad, ProbabilityVad]).prefault({ kind: 'energy' }),
  /** Voiced time that starts a speech segment, ms: an off-hook click or a pop is shorter, a "yes" longer. */
  minSpeechMs: ms(1000).default(96),
  /** Silence that ends a speech segment in the evidence (gaps between words are shorter), ms. */
  segmentGapMs: ms(2000).default(192),
  /** Speech up to this long, then `humanSilenceMs` of silence: a person, ms. */
  shortSpeechMs: ms(10_000).default(1200),
  /** Silence after short speech that means a person is waiting for the caller, ms. */
  humanSilenceMs: ms(10_000).default(700),
  /**
   * Quick answer: a first utterance up to this long ("hello?") followed by `quickSilenceMs` of
   * silence decides `human` at once, *provisionally* — if the far side speaks again or a tone
   * starts before the silence reaches `humanSilenceMs` (a greeting's next phrase, a beep), it is withdrawn
   * (`speech_resumed`) and the other rules decide as if it had never been made, ms (0: off).
   */
  quickSpeechMs: ms(10_000).default(1000),
  /** Silence after a quick answer that decides `human` provisionally, ms (at most `humanSilenceMs`). */
  quickSilenceMs: ms(10_000).default(350),
  /** Speech this long without a person's pause is a greeting, ms. */
  machineSpeechMs: ms(30_000).default(4000),
  /**
   * Silence needed after speech just under `machineSpeechMs` before deciding "person", ms; between
   * `shortSpeechMs` and `machineSpeechMs` the silence needed grows linearly from `humanSilenceMs`.
   */
  longSpeechSilenceMs: ms(10_000).default(1500),
  /** Nothing said for this long after answer: `unknown`, ms. */
  noSpeechTimeoutMs: ms(60_000).default(5000),
  /** No rule fired for this long after answer: `unknown`, ms. */
  maxDecisionMs: ms(120_000).default(10_000),
  /**
   * After a `human` or `unknown` decision, a beep within this long revises it to `machine_beep`,
   * ms (0: never revise). Counted from the decision, or — when the callee went on talking after it
   * with no pause of `greetingEndSilenceMs` (a greeting that opened with "Hello." and a pause) — from
   * the end of that speech, up to `voicemailTimeoutMs` after answer.
   */
  revisionWindowMs: ms(30_000).default(4000),
  /** On a machine without a beep: silence after the greeting before the message may start, ms. */
  greetingEndSilenceMs: ms(10_000).default(1500),
  /** On a machine: start the message at the latest this long after answer, ms. */
  voicemailTimeoutMs: ms(300_000).default(45_000),
  beep: Beep.prefault({}),
  /** Machine phrases looked for in the transcript (empty: ignore transcripts). */
  cues: z.array(z.string().min(1).max(100)).max(200).default([...DEFAULT_MACHINE_CUES]),
});

/** Settings as written (every field optional). */
export type AmdConfigInput = z.input<typeof AmdConfigSchema>;
/** Settings with every default filled in. */
export type AmdConfig = z.output<typeof AmdConfigSchema>;

/**
 * Fills in defaults and checks ranges and relations.
 * @throws Error naming every bad field (zod's message) when the settings are invalid
 */
export function parseAmdConfig(input: AmdConfigInput = {}): AmdConfig {
  const parsed = AmdConfigSchema.safeParse(input);
  if (!parsed.success) throw new Error(`invalid AMD settings: ${z.prettifyError(parsed.error)}`);
  const c = parsed.data;
  const problems: string[] = [];
  if (c.shortSpeechMs >= c.machineSpeechMs) problems.push('shortSpeechMs must be below machineSpeechMs');
  if (c.quickSpeechMs > c.shortSpeechMs) problems.push('quickSpeechMs must not exceed shortSpeechMs');
  if (c.quickSilenceMs > c.humanSilenceMs) problems.push('quickSilenceMs must not exceed humanSilenceMs');
  if (c.longSpeechSilenceMs < c.humanSilenceMs) problems.push('longSpeechSilenceMs must be at least humanSilenceMs');
  if (c.beep.minHz > c.beep.maxHz) problems.push('beep.minHz must not exceed beep.maxHz');
  if (c.beep.minDurationMs > c.beep.maxDurationMs) problems.push('beep.minDurationMs must not exceed beep.maxDurationMs');
  if (c.vad.kind === 'probability' && c.vad.negThreshold > c.vad.threshold) problems.push('vad.negThreshold must not exceed vad.threshold');
  if (problems.length) throw new Error(`invalid AMD settings: ${problems.join('; ')}`);
  return c;
}
