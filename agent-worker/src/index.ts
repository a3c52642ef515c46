/** Pieces of the agent worker that benchmarks and tests drive directly (the worker itself runs main.ts). */
export { EndOfTurnController } from './end-of-turn.ts';
export { TurnTimelineRecorder, type RealtimeWireEvent } from './turn-timeline.ts';
export { createRealtimeModel } from './model.ts';
export { modelTurnDetection, agentDrivesTurns, turnProfileFor, type TurnProfile } from './turn-taking.ts';
export { ModelResponses } from './model-responses.ts';
