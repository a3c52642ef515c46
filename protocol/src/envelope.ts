import { type PairedTurn, type PairerEvent, TurnPairer } from './pairing.ts';
import type { TurnLatency } from './timeline.ts';
import { AUDIBLE_DBFS } from './audio/level.ts';

/**
 * Per-turn latency of a phone call from the caller's recording (latency.md, "Phone caller"):
 * `speechEnd` from the energy envelope of what the caller sent, `playStart` from the envelope of
 * what the caller received, both on the caller's clock, paired by the same {@link TurnPairer} the
 * widget uses. Input is what a SIP phone records of one call: two mono PCM16 tracks that start
 * together (baresip's `sndfile` writes the sent and the received side of one audio pipeline);
 * their level envelopes come from `energyEnvelope` (audio/level.ts).
 */

/** Thresholds of {@link phoneTurnsFromEnvelopes}. */
export interface EnvelopeOptions {
  /** Frame length of both envelopes, ms. Default 10. */
  frameMs?: number;
  /** A caller frame at or above this is voiced, dBFS. Default −45 (latency.md's level threshold). */
  speechDb?: number;
  /** Agent audio is audible at or above this, dBFS. Default −45. */
  playDb?: number;
  /** Voiced/audible runs shorter than this are clicks and ignored, ms. Default 30. */
  minRunMs?: number;
  /** Agent audio quieter than the threshold for this long has ended (gaps between words), ms. Default 400. */
  agentGapMs?: number;
}

/** Start and end (exclusive) frame indexes of the runs at or above `db` lasting ≥ `minFrames`. */
export function loudRuns(env: ArrayLike<number>, db: number, minFrames: number): [number, number][] {
  const runs: [number, number][] = [];
  let start = -1;
  for (let i = 0; i <= env.length; i++) {
    const loud = i < env.length && env[i]! >= db;
    if (loud && start < 0) start = i;
    if (!loud && start >= 0) {
      if (i - start >= minFrames) runs.push([start, i]);
      start = -1;
    }
  }
  return runs;
}

/**
 * Pairs the caller's speech ends with the agent's audio onsets. Times are ms from the start of
 * the recording; add the recording's start (ms since epoch) to get wall-clock times.
 */
export function phoneTurnsFromEnvelopes(
  sent: ArrayLike<number>,
  received: ArrayLike<number>,
  opts: EnvelopeOptions = {},
): PairedTurn[] {
  const frameMs = opts.frameMs ?? 10;
  const minFrames = Math.max(1, Math.round((opts.minRunMs ?? 30) / frameMs));
  const gapFrames = Math.round((opts.agentGapMs ?? 400) / frameMs);
  const voiced = new Uint8Array(sent.length);
  for (const [a, b] of loudRuns(sent, opts.speechDb ?? AUDIBLE_DBFS, minFrames)) voiced.fill(1, a, b);
  // Agent audio: loud runs merged across gaps shorter than agentGapMs (pauses between words).
  const agent: [number, number][] = [];
  for (const run of loudRuns(received, opts.playDb ?? AUDIBLE_DBFS, minFrames)) {
    const last = agent.at(-1);
    if (last && run[0] - last[1] < gapFrames) last[1] = run[1];
    else agent.push([run[0], run[1]]);
  }
  const events: { at: number; order: number; ev: PairerEvent }[] = [];
  for (let i = 0; i < sent.length; i++) {
    events.push({ at: (i + 1) * frameMs, order: 0, ev: { type: 'vad_frame', endMs: (i + 1) * frameMs, voiced: voiced[i] === 1 } });
  }
  for (const [a, b] of agent) {
    events.push({ at: a * frameMs, order: 1, ev: { type: 'agent_audio_start', atMs: a * frameMs } });
    events.push({ at: b * frameMs, order: 1, ev: { type: 'agent_audio_end', atMs: b * frameMs } });
  }
  // Audio events at time t go after the caller frame ending at t (the pairer's own order).
  events.sort((x, y) => x.at - y.at || x.order - y.order);
  const turns: PairedTurn[] = [];
  const pairer = new TurnPairer((t) => turns.push(t));
  for (const e of events) pairer.push(e.ev);
  pairer.flush();
  return turns;
}

/** Paired turns as {@link TurnLatency} records (phone: no stages; the model's VAD ended each turn). */
export function toPhoneTurnLatencies(turns: readonly PairedTurn[], recordingStartMs: number): TurnLatency[] {
  return turns.map((t, index) => ({
    index,
    speechEndAt: recordingStartMs + t.speechEndMs,
    playStartAt: recordingStartMs + t.playStartMs,
    perceivedMs: t.perceivedMs,
    overlap: t.overlap,
    stages: null,
    endOfTurnSource: 'model_vad',
    clockUncertaintyMs: null,
  }));
}
