/**
 * `@voice-widget/local-realtime`: an offline speech-to-speech model that speaks the OpenAI Realtime
 * WebSocket protocol (Silero VAD, PocketSphinx, a dialogue script, eSpeak NG).
 *
 *     const model = await start({ port: 0 });
 *     new openai.realtime.RealtimeModel({ baseURL: model.baseURL, apiKey: model.apiKey });
 *     await model.stop();
 */
export { start, type LocalRealtimeServer, type StartOptions } from './server.ts';
export type { ResponseTiming } from './session/responses.ts';
export { DialogueScript, ScriptIntent, loadScriptFile, parseScript } from './responder/script.ts';
export { DEFAULT_SCRIPT } from './responder/default-script.ts';
export { extractVerbatim } from './responder/verbatim.ts';
export { DEFAULT_LIMITS, type Limits } from './limits.ts';
export { FAST_SEARCH_ARGS } from './asr/pocketsphinx.ts';
export { SileroModel, SileroStream, VAD_WINDOW_SAMPLES, VAD_WINDOW_MS } from './vad/silero.ts';
