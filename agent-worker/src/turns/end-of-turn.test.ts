import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { llm, voice } from '@livekit/agents';
import type { AgentTurnTimeline } from '@voice-widget/protocol';
import { EndOfTurnController } from './end-of-turn.ts';
import { ModelResponses } from '../model/model-responses.ts';
import { TurnTimelineRecorder } from '../timeline/turn-timeline.ts';

/** Lets the controller's deferred reply run. */
const tick = () => new Promise((r) => setTimeout(r, 0));

/** Records what the controller asks of the session and the model session. */
function harness(
  agentState = 'listening',
  eot?: () => Promise<{ probability: number; inferenceMs: number; totalMs: number } | null>,
  clock: { now: number } = { now: 0 },
  earlierModelFirstAudioMs: number | null = null,
) {
  const calls: string[] = [];
  const replies: { interrupted: boolean }[] = [];
  const session = {
    agentState,
    interrupt: () => calls.push('interrupt'),
    generateReply: () => {
      calls.push('generateReply');
      const reply = { interrupted: false, interrupt: () => (reply.interrupted = true) };
      replies.push(reply);
      return reply;
    },
  } as unknown as voice.AgentSession;
  const rt = {
    pushAudio: () => void calls.push('flush'),
    commitAudio: async () => void calls.push('commit'),
    interrupt: async () => void calls.push('cancel'),
  } as unknown as llm.RealtimeSession;
  const published: AgentTurnTimeline[] = [];
  const timeline = new TurnTimelineRecorder((t) => published.push(t), () => clock.now);
  const responses = new ModelResponses();
  const controller = new EndOfTurnController(session, () => rt, timeline, responses, pino({ level: 'silent' }), { model: eot, earlierModelFirstAudioMs, now: () => clock.now });
  return { controller, calls, replies, responses, timeline, published };
}

/** The greeting: 300 ms from `response.created` to its first audio (the model's TTFA). */
function greet(timeline: TurnTimelineRecorder, clock: { now: number }) {
  timeline.onServerEvent({ type: 'response.created', response: { id: 'greeting' } });
  clock.now += 300;
  timeline.onServerEvent({ type: 'response.output_audio.delta' });
}

describe('EndOfTurnController', () => {
  it('commits and asks for the reply at once when the model is idle (no commitUserTurn wait)', async () => {
    const { controller, calls } = harness();
    expect(controller.onHint(1_000, true)).toBe(true);
    await Promise.resolve();
    expect(calls).toEqual(['flush', 'commit', 'generateReply']);
  });

  it('ignores a repeat of the same hint', async () => {
    const { controller, calls } = harness();
    controller.onHint(1_000, true);
    expect(controller.onHint(1_050, true)).toBe(false);
    await tick();
    expect(calls).toEqual(['flush', 'commit', 'generateReply']);
  });

  it('starts the reply on a tentative hint and does nothing more when the final one confirms it', async () => {
    const { controller, calls, replies } = harness();
    controller.onHint(2_000, false);
    await tick();
    expect(controller.onHint(2_000, true)).toBe(true);
    await tick();
    expect(calls).toEqual(['flush', 'commit', 'generateReply']);
    expect(replies[0]!.interrupted).toBe(false);
    expect(controller.onSpeechResumed()).toBe(false); // confirmed: nothing left to withdraw
  });

  it('withdraws a speculative reply when the caller goes on, then answers the whole turn', async () => {
    const { controller, calls, replies } = harness();
    controller.onHint(3_000, false);
    await tick();
    expect(controller.onSpeechResumed()).toBe(true);
    expect(replies[0]!.interrupted).toBe(true);
    controller.onHint(4_500, false);
    controller.onHint(4_500, true);
    await tick();
    expect(calls).toEqual(['flush', 'commit', 'generateReply', 'flush', 'commit', 'generateReply']);
    expect(replies[1]!.interrupted).toBe(false);
  });

  it('withdraws a speculative reply even before the model was asked for it', async () => {
    const { controller, calls, responses } = harness();
    responses.onServerEvent({ type: 'response.created', response: { id: 'old' } });
    controller.onHint(3_000, false); // waits for the old response to end
    expect(controller.onSpeechResumed()).toBe(true);
    responses.onServerEvent({ type: 'response.done', response: { id: 'old', status: 'cancelled' } });
    await tick();
    expect(calls).toEqual(['flush', 'commit', 'cancel']);
  });

  it('cancels the speculative response at the model when it already started', async () => {
    const { controller, calls, responses } = harness();
    controller.onHint(3_000, false);
    await tick();
    responses.onClientEvent({ type: 'response.create' });
    responses.onServerEvent({ type: 'response.created', response: { id: 'spec' } });
    controller.onSpeechResumed();
    expect(calls).toEqual(['flush', 'commit', 'generateReply', 'cancel']);
  });

  it('starts the reply on a tentative hint while the end-of-turn model is asked, and keeps it when the caller sounds done', async () => {
    const { controller, calls, replies } = harness('listening', async () => ({ probability: 0.9, inferenceMs: 8, totalMs: 12 }));
    controller.onHint(1_000, false);
    await tick();
    expect(calls).toEqual(['flush', 'commit', 'generateReply']);
    expect(replies[0]!.interrupted).toBe(false);
    controller.onHint(1_000, true);
    await tick();
    expect(calls).toHaveLength(3);
  });

  it('withdraws the speculative reply when the audio sounds unfinished, and answers on the final hint without a new commit', async () => {
    const clock = { now: 1_000 };
    const { controller, calls, replies, timeline, published } = harness('listening', async () => ({ probability: 0.1, inferenceMs: 8, totalMs: 12 }), clock);
    controller.onHint(1_000, false); // "I want to order a…"
    timeline.onServerEvent({ type: 'response.created', response: { id: 'withdrawn' } }); // took the tentative end of turn
    await tick();
    expect(replies[0]!.interrupted).toBe(true);
    clock.now = 1_200;
    controller.onHint(1_000, true); // the redemption time passed: the turn is over after all
    await tick();
    expect(calls).toEqual(['flush', 'commit', 'generateReply', 'generateReply']);
    expect(replies[1]!.interrupted).toBe(false);
    // The answer's timeline has its end of turn: the final hint's moment.
    timeline.onServerEvent({ type: 'response.created', response: { id: 'answer' } });
    clock.now = 1_500;
    timeline.onServerEvent({ type: 'response.output_audio.delta' });
    timeline.onPlaybackStarted(1_510);
    expect(published.at(-1)).toMatchObject({ responseId: 'answer', endOfTurnAt: 1_200, endOfTurnSource: 'client_hint' });
  });

  it('a held turn is forgotten when the caller goes on', async () => {
    const { controller, calls } = harness('listening', async () => ({ probability: 0.1, inferenceMs: 8, totalMs: 12 }));
    controller.onHint(1_000, false);
    await tick();
    controller.onSpeechResumed();
    controller.onHint(1_000, true); // same speech end: nothing new to answer
    await tick();
    expect(calls).toEqual(['flush', 'commit', 'generateReply']);
  });

  it('the final hint wins over a late "unfinished" answer of the model', async () => {
    let answer: (r: { probability: number; inferenceMs: number; totalMs: number }) => void = () => {};
    const { controller, replies } = harness('listening', () => new Promise((r) => (answer = r)));
    controller.onHint(1_000, false);
    await tick();
    controller.onHint(1_000, true);
    answer({ probability: 0.1, inferenceMs: 8, totalMs: 12 });
    await tick();
    expect(replies[0]!.interrupted).toBe(false);
  });

  it('interrupts the agent first when it is still speaking', async () => {
    const { controller, calls } = harness('speaking');
    controller.onHint(5_000, true);
    await tick();
    expect(calls).toEqual(['interrupt', 'flush', 'commit', 'generateReply']);
  });

  it('asks the end-of-turn model only while its answer can change what the caller hears', async () => {
    let asked = 0;
    const clock = { now: 0 };
    const { controller, timeline } = harness('listening', async () => (asked++, { probability: 0.9, inferenceMs: 8, totalMs: 12 }), clock);
    // Before any reply nothing is known of the model's speed: asked.
    expect(controller.mayAskModel).toBe(true);
    controller.onHint(1_000, false);
    await tick();
    expect(asked).toBe(1);
    controller.onHint(1_000, true);
    greet(timeline, clock);
    expect(timeline.fastestModelMs).toBe(300);
    expect(controller.mayAskModel).toBe(false); // the caller's audio is not needed for it any more
    // The page's default timing (final 204 ms after tentative) beats the model's 300 ms: not asked,
    // an "unfinished" verdict could only delay the reply.
    clock.now = 10_000;
    controller.onHint(10_000, false);
    await tick();
    expect(asked).toBe(1);
    clock.now = 10_210; // the final hint, as the default says
    controller.onHint(10_000, true);
    clock.now = 20_000;
    controller.onHint(20_000, false);
    await tick();
    expect(asked).toBe(1);
  });

  it('keeps asking when the page waits longer than the model takes (a long redemption time)', async () => {
    let asked = 0;
    const clock = { now: 0 };
    const { controller, timeline } = harness('listening', async () => (asked++, { probability: 0.9, inferenceMs: 8, totalMs: 12 }), clock);
    greet(timeline, clock);
    clock.now = 10_000;
    controller.onHint(10_000, false);
    await tick();
    expect(asked).toBe(0); // the page's default timing is assumed until the call shows its own
    expect(controller.mayAskModel).toBe(false);
    clock.now = 10_900; // redemption of ~1 s: a reply could be heard before it ends
    controller.onHint(10_000, true);
    expect(controller.mayAskModel).toBe(true);
    clock.now = 20_000;
    controller.onHint(20_000, false);
    await tick();
    expect(asked).toBe(1);
  });

  it("knows the model's speed from the agent's earlier calls before this call's first reply", async () => {
    let asked = 0;
    const clock = { now: 0 };
    const eot = async () => (asked++, { probability: 0.9, inferenceMs: 8, totalMs: 12 });
    // Earlier calls' fastest reply took 300 ms, more than the page's default 204 ms gap: the first
    // tentative hint (a cached greeting, no reply yet) does not ask.
    const known = harness('listening', eot, clock, 300);
    expect(known.controller.mayAskModel).toBe(false);
    known.controller.onHint(1_000, false);
    await tick();
    expect(asked).toBe(0);
    expect(known.calls).toEqual(['flush', 'commit', 'generateReply']); // the reply started all the same
  });

  it("asks when the agent's earlier calls or this call show a model faster than the hint gap", async () => {
    let asked = 0;
    const clock = { now: 0 };
    const eot = async () => (asked++, { probability: 0.9, inferenceMs: 8, totalMs: 12 });
    // Earlier calls had a reply in 150 ms: a verdict could still be heard; asked.
    const fastEarlier = harness('listening', eot, clock, 150);
    fastEarlier.controller.onHint(1_000, false);
    await tick();
    expect(asked).toBe(1);
    // Earlier calls were slow (300 ms) but this call's greeting came in 120 ms: the least wins.
    const fastNow = harness('listening', eot, clock, 300);
    fastNow.timeline.onServerEvent({ type: 'response.created', response: { id: 'greeting' } });
    clock.now += 120;
    fastNow.timeline.onServerEvent({ type: 'response.output_audio.delta' });
    expect(fastNow.controller.mayAskModel).toBe(true);
    clock.now = 10_000;
    fastNow.controller.onHint(10_000, false);
    await tick();
    expect(asked).toBe(2);
  });
});
