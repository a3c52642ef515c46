import type { llm } from '@livekit/agents';
import * as openai from '@livekit/agents-plugin-openai';
import type { WorkerConfig } from '../config.ts';
import { type TurnProfile, modelTurnDetection } from '../turns/turn-taking.ts';

/**
 * A RealtimeModel that hands each session it creates to `onSession`, so the agent can commit
 * audio itself (fast turn path) and timestamp the model's events — the plugin's public
 * `session()` factory is the only way to reach the session object.
 */
class ObservedRealtimeModel extends openai.realtime.RealtimeModel {
  constructor(
    options: ConstructorParameters<typeof openai.realtime.RealtimeModel>[0],
    private readonly onSession: (session: openai.realtime.RealtimeSession) => void,
  ) {
    super(options);
  }

  override session(): openai.realtime.RealtimeSession {
    const session = super.session();
    this.onSession(session);
    return session;
  }
}

/**
 * The realtime speech model for a session: OpenAI Realtime when `OPENAI_API_KEY` is set,
 * otherwise the offline model service at `LOCAL_REALTIME_URL` with its key — the same plugin and
 * protocol either way, so every test exercises the production code path.
 * @throws Error when neither an OpenAI key nor a local model URL and key are configured.
 */
export function createRealtimeModel(
  config: WorkerConfig,
  opts: { profile: TurnProfile; voice?: string; model?: string; onSession: (s: llm.RealtimeSession) => void },
): openai.realtime.RealtimeModel {
  const turnDetection = modelTurnDetection(opts.profile);
  if (config.OPENAI_API_KEY) {
    return new ObservedRealtimeModel(
      {
        apiKey: config.OPENAI_API_KEY,
        model: opts.model ?? config.OPENAI_REALTIME_MODEL,
        voice: opts.voice ?? config.OPENAI_VOICE,
        turnDetection,
      },
      opts.onSession,
    );
  }
  if (!config.LOCAL_REALTIME_URL || !config.LOCAL_REALTIME_API_KEY) {
    throw new Error('no model: set OPENAI_API_KEY, or LOCAL_REALTIME_URL and LOCAL_REALTIME_API_KEY of a running local model');
  }
  return new ObservedRealtimeModel(
    // The model name is sent as is (the local model ignores it): the same request as production.
    { baseURL: config.LOCAL_REALTIME_URL, apiKey: config.LOCAL_REALTIME_API_KEY, model: opts.model ?? 'gpt-realtime', voice: opts.voice ?? config.OPENAI_VOICE, turnDetection },
    opts.onSession,
  );
}
