/** Pieces of the agent worker that benchmarks and tests drive directly (the worker itself runs main.ts). */
export { EndOfTurnController } from './turns/end-of-turn.ts';
export { TurnTimelineRecorder, type RealtimeWireEvent } from './timeline/turn-timeline.ts';
export { createRealtimeModel } from './model/realtime-model.ts';
export { modelTurnDetection, agentDrivesTurns, turnProfileFor, type TurnProfile } from './turns/turn-taking.ts';
export { ModelResponses } from './model/model-responses.ts';
export { ServerClient, mintServiceToken, type ServerLink, type ApiResult } from './server-api/client.ts';
export { CallRecorder } from './call/call-record.ts';
