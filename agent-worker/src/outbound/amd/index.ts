/**
 * Answering-machine detection (AMD) for outbound calls, offline and fast: who answered — a
 * person, a machine's greeting, a machine whose beep was heard, or unknown — from the callee's
 * audio in the first seconds after answer, plus transcript snippets when a recognizer provides them.
 *
 *     const amd = new AmdDetector({ answeredAtMs: Date.now(), config: { vad: { kind: 'probability' } },
 *       onEvent: (e) => log.info({ amd: e }) });
 *     const input = new SileroAmdInput(amd, sileroModel.stream()); // SileroModel of @voice-widget/local-realtime
 *     for await (const frame of calleeAudio16k) await input.handleFrame({ samples: frame.data, startMs });
 *     // → { type: 'amd_decision', decision: 'human', timeToDecisionMs: 1320, evidence: {…} }
 *     // → on a machine, later: { type: 'amd_voicemail_ready', reason: 'beep', sinceAnswerMs: 7410, … }
 *
 * Without a model, `new AmdDetector({ answeredAtMs })` and `amd.handleFrame(frame)` use the
 * built-in energy VAD: as good on clean lines, much worse below ~10 dB SNR (BENCHMARKS.md).
 *
 * Input: PCM16 mono 16 kHz frames of any length (LiveKit `AudioStream` with `sampleRate: 16000`;
 * SIP's 8 kHz G.711 is resampled to it), times in ms on one clock. Output: typed events
 * (types.ts) with the evidence — speech segments, pauses, the beep (frequency, duration) and the
 * machine phrases matched — but never the callee's words. Thresholds: config.ts; measured
 * accuracy, decision times and beep timing on the project's set: BENCHMARKS.md (`pnpm bench:amd`).
 *
 * **Where @livekit/agents' own AMD fits.** agents-js `voice.AMD` (`agents/src/voice/amd.ts`,
 * in the @livekit/agents version we use) classifies the *transcript* with a text LLM into
 * human / machine-ivr / machine-vm / machine-unavailable / uncertain, with a VAD heuristic in
 * front (speech ≤ 2.5 s then 0.5 s of silence and no transcript → human) and a silence plus
 * end-of-turn gate before any machine verdict. It has no beep detector. Offline we have no text
 * LLM and the offline recognizer (PocketSphinx) does not transcribe greetings well enough, so
 * its classifier cannot run here: only its heuristic can, and `pnpm bench:amd` measures that side
 * by side. In production with OpenAI (a text model and a streaming transcript), agents-js' AMD can
 * add what words alone tell — IVR menus, "mailbox full" (machine-unavailable), call screening —
 * and this detector still supplies the beep ("beep reached": when to start the message) and the
 * fast audio-only decision; feed the same transcript to {@link AmdDetector.handleTranscript}.
 * This module is the offline path, and the one that knows when the beep ended.
 */
export { AmdDetector, type AmdDetectorOptions } from './detector.ts';
export { SileroAmdInput, type SpeechScorer } from './silero-input.ts';
export { AmdConfigSchema, parseAmdConfig, type AmdConfig, type AmdConfigInput } from './config.ts';
export { DEFAULT_MACHINE_CUES } from './cues.ts';
export * from './types.ts';
