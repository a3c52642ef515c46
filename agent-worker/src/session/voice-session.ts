import { type llm, voice } from '@livekit/agents';
import type { Room } from '@livekit/rtc-node';
import type { AgentTurnTimeline } from '@voice-widget/protocol';
import type { Logger } from 'pino';
import type { WorkerConfig } from '../config.ts';
import { createRealtimeModel } from '../model/realtime-model.ts';
import { ModelResponses } from '../model/model-responses.ts';
import { publishTimeline } from '../timeline/timeline-publisher.ts';
import { type RealtimeWireEvent, TurnTimelineRecorder } from '../timeline/turn-timeline.ts';
import { type TurnProfile, agentDrivesTurns } from '../turns/turn-taking.ts';

/** An AgentSession on the realtime model, with what the agent watches of the model's wire events. */
export interface VoiceSession {
  session: voice.AgentSession;
  /** The model session, once the AgentSession has opened it. */
  realtime: () => llm.RealtimeSession | undefined;
  /** Per-reply timelines, published to the room on `voice.timeline`. */
  timeline: TurnTimelineRecorder;
  /** Whether the model has a response requested or in progress. */
  responses: ModelResponses;
}

/**
 * Builds the session for one call (not started): model and voice, turn handling for `profile`,
 * observers, and `audioOutput` when the agent's track was published ahead (else RoomIO publishes
 * one at start). Each reply's timeline is published to the room and handed to `onTimeline` (the server upload).
 */
export function createVoiceSession(
  room: Room,
  config: WorkerConfig,
  setup: { model: string; voice: string; turnProfile: TurnProfile },
  log: Logger,
  onTimeline?: (timeline: AgentTurnTimeline) => void,
  audioOutput?: voice.AudioOutput,
): VoiceSession {
  const profile = setup.turnProfile;
  const timeline = new TurnTimelineRecorder((t) => {
    publishTimeline(room, t, log);
    onTimeline?.(t);
  });
  const responses = new ModelResponses();
  let realtime: llm.RealtimeSession | undefined;
  const model = createRealtimeModel(config, {
    profile,
    voice: setup.voice,
    model: setup.model,
    onSession: (s) => {
      realtime = s;
      s.on('openai_server_event_received' as never, (ev: RealtimeWireEvent) => {
        timeline.onServerEvent(ev);
        responses.onServerEvent(ev);
      });
      s.on('openai_client_event_queued' as never, (ev: RealtimeWireEvent) => responses.onClientEvent(ev));
    },
  });
  const session = new voice.AgentSession({
    llm: model,
    // Fast profile: the agent ends turns itself; no session VAD, whose end-of-speech wait
    // (550 ms of silence) would otherwise gate every reply.
    ...(agentDrivesTurns(profile) ? { vad: null, turnHandling: { turnDetection: 'manual' as const } } : {}),
  });
  // An output published ahead of the session (agent-audio.ts); RoomIO keeps a preset one.
  if (audioOutput) session.output.audio = audioOutput;
  return { session, realtime: () => realtime, timeline, responses };
}
