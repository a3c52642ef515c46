import { EventEmitter } from 'node:events';
import type { voice } from '@livekit/agents';
import { ParticipantKind, type RemoteParticipant, type Room, RoomEvent, type RpcInvocationData } from '@livekit/rtc-node';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CallerLimits, CALLER_LIMITS } from '../guard/caller-limits.ts';
import { Conversation } from './conversation.ts';

const participant = (identity: string, attributes: Record<string, string> = {}, kind = ParticipantKind.STANDARD, name = '') =>
  ({ identity, name, attributes, info: { kind }, trackPublications: new Map() }) as unknown as RemoteParticipant;

function setup(limits?: CallerLimits) {
  const room = new EventEmitter() as EventEmitter & { remoteParticipants: Map<string, RemoteParticipant>; localParticipant: unknown };
  const attributes: Record<string, string>[] = [];
  const rpc = new Map<string, (d: RpcInvocationData) => Promise<string>>();
  room.localParticipant = {
    setAttributes: async (a: Record<string, string>) => void attributes.push(a),
    registerRpcMethod: (m: string, h: (d: RpcInvocationData) => Promise<string>) => rpc.set(m, h),
  };
  const caller = participant('caller_1');
  const sam = participant('person_1_x', { 'voice.role': 'person', 'voice.handoff': '4' }, ParticipantKind.STANDARD, 'Sam');
  room.remoteParticipants = new Map([
    ['caller_1', caller],
    ['agent-x', participant('agent-x', {}, ParticipantKind.AGENT)],
    ['person_1_x', sam],
  ]);
  const inputAudio: boolean[] = [];
  const replies: unknown[] = [];
  const session = { input: { setAudioEnabled: (v: boolean) => inputAudio.push(v) }, interrupt: () => ({}), generateReply: (o: unknown) => replies.push(o) } as unknown as voice.AgentSession;
  const events: unknown[] = [];
  const lines: [string, string][] = [];
  const said: string[] = [];
  const shutdowns: string[] = [];
  let resumed = 0;
  const conv = new Conversation({
    room: room as unknown as Room,
    session: () => session,
    server: { handoffEvent: async (id, ev) => (events.push({ id, ...ev }), { ok: true, value: null }) },
    endpoint: null,
    recorder: { addLine: (s, t) => void lines.push([s, t]), markTransferred: () => void lines.push(['-', 'transferred']) },
    say: async (t) => void said.push(t),
    shutdown: (r) => void shutdowns.push(r),
    onResumed: () => void resumed++,
    log: pino({ level: 'silent' }),
    now: () => 1_000,
    limits,
  });
  const typed = (text: string) => conv.onTyped(text);
  return { room, conv, caller, sam, attributes, rpc, inputAudio, replies, events, lines, said, shutdowns, typed, resumed: () => resumed };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('Conversation', () => {
  it('puts voice.person_heard behind the caller limits: a burst past the bucket is refused rate_limited', async () => {
    const t = setup(new CallerLimits(CALLER_LIMITS, () => 0)); // a frozen clock: no refill
    await t.conv.handOver(t.sam, 4);
    const heard = () => t.rpc.get('voice.person_heard')!({ callerIdentity: 'caller_1', payload: JSON.stringify({ heardAtMs: 5_000 }) } as RpcInvocationData);
    const { burst } = CALLER_LIMITS['voice.person_heard'];
    for (let i = 0; i < burst; i++) expect(JSON.parse(await heard())).toEqual({ recorded: true });
    await expect(heard()).rejects.toThrow(/^rate_limited/);
  });

  it('hands over: the model stops hearing the caller, typed text goes to the transcript, the page’s first-heard time is recorded', async () => {
    const t = setup();
    await t.typed('Where is my order?');
    expect(t.replies).toEqual([{ userInput: 'Where is my order?' }]); // with the agent: to the model
    await t.conv.handOver(t.sam, 4);
    expect(t.conv.withAgent).toBe(false);
    expect(t.inputAudio).toEqual([false]);
    expect(t.attributes).toEqual([{ 'voice.conversation': 'person' }]);
    expect(t.lines).toContainEqual(['-', 'transferred']);
    await t.typed('thanks Sam');
    expect(t.replies).toHaveLength(1); // not to the model any more
    expect(t.lines).toContainEqual(['caller', 'thanks Sam']);
    const reply = await t.rpc.get('voice.person_heard')!({ payload: JSON.stringify({ heardAtMs: 5_000 }) } as RpcInvocationData);
    expect(JSON.parse(reply)).toEqual({ recorded: true });
    await expect(t.rpc.get('voice.person_heard')!({ payload: '{"heardAtMs":"x"}' } as RpcInvocationData)).rejects.toThrow();
    await vi.waitFor(() =>
      expect(t.events).toEqual([
        { id: 4, type: 'connected', atMs: 1_000 },
        { id: 4, type: 'person_audio', atMs: 5_000, source: 'caller_page' },
      ]),
    );
  });

  it('the person leaves and the caller stays: after a moment the agent has the conversation again and says so', async () => {
    const t = setup();
    await t.conv.handOver(t.sam, 4);
    t.room.remoteParticipants.delete('person_1_x');
    t.room.emit(RoomEvent.ParticipantDisconnected, t.sam);
    await vi.advanceTimersByTimeAsync(2_999);
    expect(t.conv.withAgent).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.conv.withAgent).toBe(true);
    expect(t.inputAudio).toEqual([false, true]);
    expect(t.attributes.at(-1)).toEqual({ 'voice.conversation': 'agent' });
    expect(t.said).toEqual(["Sam has left the call. I'm the AI assistant again; is there anything else I can help with?"]);
    expect(t.resumed()).toBe(1);
    expect(t.events).toContainEqual({ id: 4, type: 'person_left', atMs: 1_000 });
    expect(t.shutdowns).toEqual([]);
  });

  it('the caller leaves after the hand-off: the job ends', async () => {
    const t = setup();
    await t.conv.handOver(t.sam, 4);
    t.room.emit(RoomEvent.ParticipantDisconnected, t.caller);
    expect(t.shutdowns).toEqual(['caller left']);
  });
});
