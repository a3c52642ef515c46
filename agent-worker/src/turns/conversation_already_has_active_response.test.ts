/**
 * Regression: a speculative reply withdrawn by `voice.speech_resumed`, then a new end of turn,
 * made the model answer "Conversation already has an active response in progress" — the new
 * `response.create` went out before the cancelled response's `response.done`, and the caller's
 * second sentence was never answered (an interrupted SpeechHandle does not cancel the model's
 * response, so it ran to its end). The speculative response is now cancelled at the model, and a
 * new reply waits for the model to be idle.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { llm, voice } from '@livekit/agents';
import { CANCEL_WAIT_MS, EndOfTurnController } from './end-of-turn.ts';
import { ModelResponses } from '../model/model-responses.ts';
import { TurnTimelineRecorder } from '../timeline/turn-timeline.ts';

describe('conversation_already_has_active_response', () => {
  it('asks for the next reply only after the cancelled one is done at the model', async () => {
    const asked: number[] = [];
    const responses = new ModelResponses();
    const session = {
      agentState: 'thinking',
      interrupt: () => {},
      generateReply: () => {
        asked.push(Date.now());
        return { interrupt: () => {} };
      },
    } as unknown as voice.AgentSession;
    const cancels: number[] = [];
    const rt = { pushAudio: () => {}, commitAudio: async () => {}, interrupt: async () => void cancels.push(Date.now()) } as unknown as llm.RealtimeSession;
    const controller = new EndOfTurnController(session, () => rt, new TurnTimelineRecorder(() => {}), responses, pino({ level: 'silent' }));

    controller.onHint(1_000, false);
    await Promise.resolve();
    responses.onServerEvent({ type: 'response.created', response: { id: 'speculative' } });
    controller.onSpeechResumed(); // the caller went on
    expect(cancels).toHaveLength(1); // the model is told to stop the speculative response
    controller.onHint(2_000, true); // the whole sentence is over
    await new Promise((r) => setTimeout(r, 20));
    expect(asked).toHaveLength(1); // not while the cancelled response is still active

    const doneAt = Date.now();
    responses.onServerEvent({ type: 'response.done', response: { id: 'speculative', status: 'cancelled' } });
    await new Promise((r) => setTimeout(r, 0));
    expect(asked).toHaveLength(2);
    expect(asked[1]! - doneAt).toBeLessThan(CANCEL_WAIT_MS);
  });
});
