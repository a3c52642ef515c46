import { describe, expect, it } from 'vitest';
import type { AgentTurnTimeline } from '@voice-widget/protocol';
import { TurnTimelineRecorder } from './turn-timeline.ts';

function recorder() {
  let t = 1_000;
  const published: AgentTurnTimeline[] = [];
  const rec = new TurnTimelineRecorder((tl) => published.push(tl), () => t);
  return { rec, published, at: (ms: number) => (t = ms) };
}

describe('TurnTimelineRecorder', () => {
  it('stamps a model-VAD turn: speech_stopped → created → first delta → first frame', () => {
    const { rec, published, at } = recorder();
    at(1_000);
    rec.onServerEvent({ type: 'input_audio_buffer.speech_stopped' });
    at(1_050);
    rec.onServerEvent({ type: 'response.created', response: { id: 'resp_1' } });
    at(1_400);
    rec.onServerEvent({ type: 'response.output_audio.delta', response_id: 'resp_1' });
    at(1_410);
    rec.onServerEvent({ type: 'response.output_audio.delta', response_id: 'resp_1' });
    rec.onPlaybackStarted(1_420);
    expect(published).toEqual([
      {
        type: 'turn_timeline',
        responseId: 'resp_1',
        endOfTurnAt: 1_000,
        endOfTurnSource: 'model_vad',
        responseCreatedAt: 1_050,
        firstAudioDeltaAt: 1_400,
        firstFramePublishedAt: 1_420,
        interrupted: false,
      },
    ]);
  });

  it('prefers the client hint over a later speech_stopped, and accepts beta event names', () => {
    const { rec, published, at } = recorder();
    at(2_000);
    rec.markEndOfTurn('client_hint');
    at(2_100);
    rec.onServerEvent({ type: 'input_audio_buffer.speech_stopped' });
    rec.onServerEvent({ type: 'response.created', response: { id: 'r' } });
    at(2_500);
    rec.onServerEvent({ type: 'response.audio.delta' });
    rec.onPlaybackStarted(2_510);
    expect(published[0]).toMatchObject({ endOfTurnAt: 2_000, endOfTurnSource: 'client_hint', firstAudioDeltaAt: 2_500 });
  });

  it('has no end of turn for the greeting, and reports a cancelled reply as interrupted', () => {
    const { rec, published, at } = recorder();
    rec.onServerEvent({ type: 'response.created', response: { id: 'greet' } });
    at(1_300);
    rec.onServerEvent({ type: 'response.output_audio.delta' });
    rec.onPlaybackStarted(1_320);
    rec.onServerEvent({ type: 'response.done', response: { id: 'greet', status: 'cancelled' } });
    expect(published.map((p) => [p.endOfTurnAt, p.interrupted])).toEqual([
      [null, false],
      [null, true],
    ]);
  });

  it('records a reply whose playback starts after the model is done', () => {
    const { rec, published } = recorder();
    rec.onServerEvent({ type: 'response.created', response: { id: 'short' } });
    rec.onServerEvent({ type: 'response.output_audio.delta' });
    rec.onServerEvent({ type: 'response.done', response: { id: 'short', status: 'completed' } });
    expect(published).toHaveLength(0);
    rec.onPlaybackStarted(5_000);
    expect(published[0]?.firstFramePublishedAt).toBe(5_000);
  });

  it('forgets an end of turn when the caller starts speaking again', () => {
    const { rec, published } = recorder();
    rec.onServerEvent({ type: 'input_audio_buffer.speech_stopped' });
    rec.onServerEvent({ type: 'input_audio_buffer.speech_started' });
    rec.onServerEvent({ type: 'response.created', response: { id: 'x' } });
    rec.onServerEvent({ type: 'response.output_audio.delta' });
    rec.onPlaybackStarted(9);
    expect(published[0]?.endOfTurnAt).toBeNull();
  });
});
