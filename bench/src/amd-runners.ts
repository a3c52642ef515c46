/**
 * The detectors `pnpm bench:amd` compares, each run over one generated case as a call would feed
 * it (audio in order, transcript pieces when they would arrive), on the audio's own clock:
 * - ours (`@voice-widget/agent-worker/amd`) with its energy VAD or with Silero probabilities;
 * - agents-js `voice.AMD` (@livekit/agents), offline: its speech-length heuristic driven by
 *   Silero VAD events as its pipeline would send them, on a virtual clock (virtual-time.ts).
 */
import { EventEmitter } from 'node:events';
import { type APIConnectOptions, type ChatContext, LLM, type LLMStream, voice } from '@livekit/agents';
import { AMD_WINDOW_MS, type AmdConfigInput, AmdDetector, type AmdDecision, type AmdDecisionEvent, type AmdEvidence, SileroAmdInput } from '@voice-widget/agent-worker/amd';
import { type SileroModel, VAD_WINDOW_SAMPLES } from '@voice-widget/local-realtime';
import type { AmdManifest, AsrWord, BuiltCase } from './amd-set.ts';
import { VirtualTime } from './virtual-time.ts';

/** A piece of transcript and when a streaming recogniser would deliver it, ms since answer. */
export interface TimedText {
  text: string;
  atMs: number;
}

/** What one detector made of one case. */
export interface Outcome {
  /** The first decision (what the agent acts on first). */
  firstDecision: AmdDecision;
  /** The last decision (after a revision, if any). */
  decision: AmdDecision;
  /** Why the last decision was made. */
  reason: string;
  /**
   * ms from answer to the first decision that stood: the first one, unless it was a quick `human`
   * withdrawn because speech resumed (`speech_resumed`) — then the next decision's time.
   */
  timeToDecisionMs: number;
  /** A quick `human` was withdrawn because speech resumed: ms from it to the withdrawal (null: none). */
  withdrawnAfterMs: number | null;
  /** ms from answer to the revision, or null when the first decision stood. */
  revisedAtMs: number | null;
  /** On a machine: when the message would start, why, and the beep's frequency (null: never, or not a machine). */
  ready: { reason: string; sinceAnswerMs: number; beepHz: number | null } | null;
  evidence: AmdEvidence | null;
  /** CPU time of the detector (with Silero: its inference too), ms. */
  cpuMs: number;
}

/** How long after a word ends a streaming recogniser delivers it, ms (interim results). */
export const ASR_LAG_MS = 300;
/** Frame length ours is fed with (20 ms: one RTP packet of a SIP call). */
const FRAME_MS = 20;

/** Silero speech probability of every 32 ms window of a case. */
export async function sileroProbabilities(model: SileroModel, samples: Int16Array): Promise<Float32Array> {
  const stream = model.stream();
  const n = Math.floor(samples.length / VAD_WINDOW_SAMPLES);
  const out = new Float32Array(n);
  const w = new Float32Array(VAD_WINDOW_SAMPLES);
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < VAD_WINDOW_SAMPLES; i++) w[i] = samples[k * VAD_WINDOW_SAMPLES + i]! / 32768;
    out[k] = await stream.probability(w);
  }
  return out;
}

/** The offline recogniser's words as they would stream in: each `ASR_LAG_MS` after it ends. */
export function asrTranscript(words: AsrWord[]): TimedText[] {
  return words.map((w) => ({ text: w.word, atMs: w.endMs + ASR_LAG_MS }));
}

/**
 * An ideal recogniser: the words really spoken (the greeting text, the human clip's words), spread
 * over each speech piece by length, each delivered `ASR_LAG_MS` after it ends. An upper bound for
 * what a production streaming STT could give, not a measurement of any recogniser.
 */
export function oracleTranscript(built: BuiltCase, m: AmdManifest): TimedText[] {
  const texts = built.spec.pieces.flatMap((p) => ('human' in p ? [m.humanClips[p.human]!.words] : 'tts' in p ? [m.greetings[p.text]!] : []));
  const out: TimedText[] = [];
  texts.forEach((text, i) => {
    const span = built.truth.speech[i]!;
    const words = text.split(/\s+/).filter(Boolean);
    const total = words.reduce((s, w) => s + w.length + 1, 0);
    let acc = 0;
    for (const w of words) {
      acc += w.length + 1;
      out.push({ text: w, atMs: Math.round(span.startMs + ((span.endMs - span.startMs) * acc) / total + ASR_LAG_MS) });
    }
  });
  return out;
}

/**
 * Runs our detector over a case in 20 ms frames (LiveKit's RTP packets), transcript pieces
 * interleaved at their time. With `silero`, speech comes from Silero through {@link SileroAmdInput}
 * (inference counted in the CPU time); otherwise from the energy VAD.
 */
export async function runOurs(built: BuiltCase, config: AmdConfigInput, silero: SileroModel | null, transcript: TimedText[] = []): Promise<Outcome> {
  let now = 0;
  const decisions: AmdDecisionEvent[] = [];
  const amd = new AmdDetector({
    answeredAtMs: 0,
    clock: () => now,
    config: silero ? { ...config, vad: { kind: 'probability' } } : config,
    onEvent: (e) => e.type === 'amd_decision' && decisions.push(e),
  });
  const input = silero ? new SileroAmdInput(amd, silero.stream()) : null;
  const queue = [...transcript].sort((a, b) => a.atMs - b.atMs);
  const x = built.samples;
  const step = Math.round((FRAME_MS * 16_000) / 1000);
  const cpu0 = process.cpuUsage();
  for (let i = 0; i + step <= x.length && !amd.finished; i += step) {
    const startMs = (i / 16_000) * 1000;
    while (queue.length && queue[0]!.atMs <= startMs) {
      const t = queue.shift()!;
      now = t.atMs;
      amd.handleTranscript(t);
    }
    now = startMs + FRAME_MS;
    const frame = { samples: x.subarray(i, i + step), startMs };
    if (input) await input.handleFrame(frame);
    else amd.handleFrame(frame);
  }
  // The recording ended (the callee's side would go on): apply the clock's timeouts once.
  now = Math.max(now, amd.config.maxDecisionMs, amd.config.noSpeechTimeoutMs);
  amd.handleTick();
  const cpu = process.cpuUsage(cpu0);
  const first = decisions[0];
  const last = decisions.at(-1);
  const withdrawal = decisions.findIndex((d) => d.reason === 'speech_resumed');
  const stood = withdrawal === -1 ? first : decisions[withdrawal + 1];
  const r = amd.voicemailReady;
  return {
    firstDecision: first?.decision ?? 'unknown',
    decision: last?.decision ?? 'unknown',
    reason: last?.reason ?? 'end_of_audio',
    timeToDecisionMs: stood?.timeToDecisionMs ?? (x.length / 16_000) * 1000,
    withdrawnAfterMs: withdrawal === -1 ? null : decisions[withdrawal]!.timeToDecisionMs - first!.timeToDecisionMs,
    revisedAtMs: decisions.length > 1 ? last!.timeToDecisionMs : null,
    ready: r ? { reason: r.reason, sinceAnswerMs: r.sinceAnswerMs, beepHz: r.beep?.frequencyHz ?? null } : null,
    evidence: last?.evidence ?? null,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

// ---------------------------------------------------------------------------------------------
// agents-js voice.AMD, offline

/**
 * Stands in for the text LLM agents-js' AMD needs: offline there is none, so it answers
 * "uncertain" (an empty reply, which agents-js parses as uncertain) to every transcript.
 */
class NoTextLlm extends LLM {
  label(): string {
    return 'offline-no-llm';
  }
  chat(_: { chatCtx: ChatContext; connOptions?: APIConnectOptions }): LLMStream {
    return {
      async *[Symbol.asyncIterator]() {
        yield { id: 'offline', delta: { role: 'assistant', content: '' } };
      },
    } as unknown as LLMStream;
  }
}

/** The parts of AgentSession that voice.AMD touches when it runs without a room. */
class OfflineSession extends EventEmitter {
  llm = undefined;
  _closingSignal = new AbortController().signal;
  pauseReplyAuthorization() {}
  resumeReplyAuthorization() {}
  interrupt() {
    return { await: Promise.resolve() };
  }
}

/** Silero plugin defaults (@livekit/agents-plugin-silero 1.9.0 `vad.js`). */
const SILERO_PLUGIN = { activationThreshold: 0.5, minSpeechMs: 50, minSilenceMs: 550 };
/** agents-js' default `minEndpointingDelay` (VAD turn detection commits the turn this long after speech ends), ms. */
const MIN_ENDPOINTING_DELAY_MS = 500;
/** How long to let agents-js' timers run after the recording, ms (its detection timeout is 20 s). */
const AGENTS_JS_BUDGET_MS = 25_000;

const CATEGORY_TO_DECISION: Record<string, AmdDecision> = {
  human: 'human',
  'machine-vm': 'machine_greeting',
  'machine-ivr': 'machine_greeting',
  'machine-unavailable': 'machine_greeting',
  uncertain: 'unknown',
};

/**
 * Runs agents-js `voice.AMD` over a case on a virtual clock. Speech start/end come from the
 * Silero probabilities with the Silero plugin's default thresholds, and the end of turn
 * `MIN_ENDPOINTING_DELAY_MS` after each speech end, as its voice pipeline would call them.
 */
export async function runAgentsJs(built: BuiltCase, probs: Float32Array): Promise<Outcome> {
  const vt = new VirtualTime();
  vt.install();
  const cpu0 = process.cpuUsage();
  try {
    const session = new OfflineSession();
    const amd = new voice.AMD(session as never, { llm: new NoTextLlm(), suppressCompatibilityWarning: true, interruptOnMachine: false });
    let result: { ev: voice.AMDPredictionEvent; at: number } | null = null;
    const run = amd.execute().then((ev) => (result = { ev, at: vt.now }));
    await vt.settle();
    let speaking = false;
    let speechMs = 0;
    let silenceMs = 0;
    const eots: number[] = [];
    for (let k = 0; k < probs.length && !result; k++) {
      const endMs = (k + 1) * AMD_WINDOW_MS;
      await vt.advanceTo(endMs);
      while (eots.length && eots[0]! <= endMs) {
        eots.shift();
        amd.onEndOfTurn({ newTranscript: '', transcriptConfidence: 1, transcriptionDelay: 0, endOfUtteranceDelay: 0, startedSpeakingAt: undefined, stoppedSpeakingAt: undefined } as never);
      }
      if (probs[k]! > SILERO_PLUGIN.activationThreshold) {
        speechMs += AMD_WINDOW_MS;
        silenceMs = 0;
        if (!speaking && speechMs >= SILERO_PLUGIN.minSpeechMs) {
          speaking = true;
          amd.onUserSpeechStarted();
        }
      } else {
        silenceMs += AMD_WINDOW_MS;
        speechMs = 0;
        if (speaking && silenceMs > SILERO_PLUGIN.minSilenceMs) {
          speaking = false;
          amd.onUserSpeechEnded(silenceMs);
          eots.push(endMs + MIN_ENDPOINTING_DELAY_MS);
        }
      }
    }
    for (const t of [...eots, AGENTS_JS_BUDGET_MS]) {
      if (result) break;
      await vt.advanceTo(t);
      if (t !== AGENTS_JS_BUDGET_MS) amd.onEndOfTurn({ newTranscript: '' } as never);
    }
    if (!result) await amd.aclose();
    await run.catch(() => undefined);
    const cpu = process.cpuUsage(cpu0);
    const r = result as { ev: voice.AMDPredictionEvent; at: number } | null;
    const decision = r ? (CATEGORY_TO_DECISION[r.ev.category] ?? 'unknown') : 'unknown';
    return {
      firstDecision: decision,
      decision,
      reason: r ? r.ev.reason : 'no_prediction',
      timeToDecisionMs: Math.round(r ? r.at : AGENTS_JS_BUDGET_MS),
      withdrawnAfterMs: null,
      revisedAtMs: null,
      ready: null,
      evidence: null,
      cpuMs: (cpu.user + cpu.system) / 1000,
    };
  } finally {
    vt.uninstall();
  }
}
