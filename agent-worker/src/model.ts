import * as openai from '@livekit/agents-plugin-openai';
import type { WorkerConfig } from './config.ts';

/**
 * The realtime speech model for a session: OpenAI Realtime when `OPENAI_API_KEY` is set,
 * otherwise the local offline model at `LOCAL_REALTIME_URL` — the same plugin and protocol either
 * way, so every test exercises the production code path.
 * @throws Error when neither an OpenAI key nor a local model URL is configured.
 */
export function createRealtimeModel(config: WorkerConfig): openai.realtime.RealtimeModel {
  if (config.OPENAI_API_KEY) {
    return new openai.realtime.RealtimeModel({
      apiKey: config.OPENAI_API_KEY,
      model: config.OPENAI_REALTIME_MODEL,
      voice: config.OPENAI_VOICE,
    });
  }
  if (!config.LOCAL_REALTIME_URL) {
    throw new Error('no model: set OPENAI_API_KEY, or start the local model and set LOCAL_REALTIME_URL');
  }
  return new openai.realtime.RealtimeModel({
    baseURL: config.LOCAL_REALTIME_URL,
    apiKey: 'local',
    model: 'gpt-realtime',
    voice: config.OPENAI_VOICE,
  });
}
