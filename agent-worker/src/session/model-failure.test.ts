import { EventEmitter } from 'node:events';
import { voice } from '@livekit/agents';
import { describe, expect, it } from 'vitest';
import { onModelSessionFailed } from './model-failure.ts';

/** A session stand-in: only the Close event matters here. */
const fakeSession = () => new EventEmitter() as unknown as Pick<voice.AgentSession, 'on' | 'off'> & EventEmitter;
const close = (reason: voice.ShutdownReason, error: unknown = null) => ({ type: 'close', reason, error, createdAt: Date.now() });

describe('onModelSessionFailed', () => {
  it('reports the error when the session closes on an unrecoverable error, not when it closes for any other reason', () => {
    const session = fakeSession();
    const left: unknown[] = [];
    onModelSessionFailed(session, (error) => left.push(error));
    session.emit(voice.AgentSessionEventTypes.Close, close(voice.CloseReason.PARTICIPANT_DISCONNECTED));
    session.emit(voice.AgentSessionEventTypes.Close, close(voice.CloseReason.JOB_SHUTDOWN));
    expect(left).toEqual([]);
    const error = { type: 'realtime_model_error', recoverable: false };
    session.emit(voice.AgentSessionEventTypes.Close, close(voice.CloseReason.ERROR, error));
    expect(left).toEqual([error]);
  });

  it('stops watching when told to', () => {
    const session = fakeSession();
    const left: unknown[] = [];
    onModelSessionFailed(session, (error) => left.push(error))();
    session.emit(voice.AgentSessionEventTypes.Close, close(voice.CloseReason.ERROR));
    expect(left).toEqual([]);
  });
});
