import { EventEmitter } from 'node:events';
import type { Room } from '@livekit/rtc-node';
import { RoomEvent } from '@livekit/rtc-node';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HandoffState } from '@voice-widget/protocol';
import type { ApiResult } from '../server-api/client.ts';
import { WarmHandoff } from './warm.ts';

const state = (over: Partial<HandoffState> = {}): HandoffState => ({
  id: 7,
  kind: 'warm',
  status: 'waiting',
  position: 2,
  online: 1,
  waitLimitS: 90,
  waitedS: 0,
  person: null,
  callback: null,
  packageDelivered: false,
  ...over,
});

class FakeRoom extends EventEmitter {
  remoteParticipants = new Map<string, unknown>();
}

function setup(replies: { request?: ApiResult<HandoffState>[]; expire?: ApiResult<HandoffState>[]; release?: ApiResult<HandoffState>[] }) {
  const room = new FakeRoom();
  const said: { text: string; interrupt: boolean }[] = [];
  const handedOver: [string, number][] = [];
  const requests: unknown[] = [];
  const handoff = new WarmHandoff({
    room: room as unknown as Room,
    channel: 'web',
    server: {
      requestHandoff: async (body) => {
        requests.push(body);
        return replies.request?.shift() ?? { ok: false, error: 'no reply' };
      },
      expireHandoff: async () => replies.expire?.shift() ?? { ok: false, error: 'no reply' },
      releaseHandoff: async () => replies.release?.shift() ?? { ok: false, error: 'no reply' },
    },
    say: async (text, opts) => void said.push({ text, interrupt: opts?.interrupt ?? false }),
    handOver: async (p, id) => void handedOver.push([p.identity, id]),
    log: pino({ level: 'silent' }),
  });
  const join = (identity: string, attributes: Record<string, string>, name = 'Sam') => {
    const p = { identity, name, attributes };
    room.remoteParticipants.set(identity, p);
    room.emit(RoomEvent.ParticipantConnected, p);
  };
  return { room, said, handedOver, requests, handoff, join };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('WarmHandoff', () => {
  it('queues the caller, says where they are, and hands over only to the person who took this request', async () => {
    const t = setup({ request: [{ ok: true, value: state() }, { ok: true, value: state({ position: 1 }) }] });
    const first = await t.handoff.request({ reason: 'refund', summary: 'You want a refund.' });
    expect(first).toMatchObject({ queued: true, position: 2, say: expect.stringMatching(/You're number 2 in the queue\. I'll stay with you/) });
    expect(t.requests[0]).toMatchObject({ kind: 'warm', reason: 'refund', via: 'conversation' });
    const again = await t.handoff.request({ reason: 'refund', summary: '' });
    expect(again.say).toMatch(/^You're next in the queue; a person will join/);

    t.join('caller_2', {}); // not a person
    t.join('person_9_x', { 'voice.role': 'person', 'voice.handoff': '8' }); // someone else's hand-off
    await vi.runOnlyPendingTimersAsync();
    expect(t.handedOver).toEqual([]);
    t.join('person_3_y', { 'voice.role': 'person', 'voice.handoff': '7' }, 'Sam');
    await vi.waitFor(() => expect(t.handedOver).toEqual([['person_3_y', 7]]));
    expect(t.said).toEqual([{ text: "I'm connecting you with Sam now, who has our conversation.", interrupt: true }]);
    // The wait limit passing later changes nothing.
    await vi.advanceTimersByTimeAsync(100_000);
    expect(t.said).toHaveLength(1);
  });

  it('at the wait limit: the server’s callback is said; a request taken meanwhile waits for the person instead', async () => {
    const cb = state({ status: 'callback', position: null, callback: { caseId: 12, contact: 'email' } });
    const t = setup({ request: [{ ok: true, value: state({ waitedS: 30 }) }], expire: [{ ok: true, value: cb }] });
    await t.handoff.request({ reason: 'x', summary: '' });
    await vi.advanceTimersByTimeAsync(59_000);
    expect(t.said).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000); // 90 s limit − 30 s already waited
    expect(t.said).toEqual([{ text: expect.stringMatching(/^Nobody from our team has become free, so I've opened callback request number 1 2: a person will get back to you by e-mail/), interrupt: false }]);

    const taken = setup({ request: [{ ok: true, value: state() }], expire: [{ ok: true, value: state({ status: 'taken', position: null }) }] });
    await taken.handoff.request({ reason: 'x', summary: '' });
    await vi.advanceTimersByTimeAsync(90_000);
    expect(taken.said).toEqual([]);
    taken.join('person_1_z', { 'voice.role': 'person', 'voice.handoff': '7' }, 'Kim');
    await vi.waitFor(() => expect(taken.said.map((s) => s.text)).toEqual(["I'm connecting you with Kim now, who has our conversation."]));
  });

  it('says the callback at once when nobody is online, and promises nothing when the server is unreachable', async () => {
    const t = setup({ request: [{ ok: true, value: state({ status: 'callback', online: 0, position: null, callback: { caseId: 3, contact: 'none' } }) }] });
    t.handoff.viaKeypad();
    const r = await t.handoff.request({ reason: 'x', summary: '' });
    expect(r.queued).toBe(false);
    expect(r.say).toMatch(/no way to reach you back/);
    expect(t.requests[0]).toMatchObject({ via: 'keypad' });
    const down = setup({ request: [{ ok: false, error: 'ECONNREFUSED' }] });
    expect((await down.handoff.request({ reason: 'x', summary: '' })).say).toMatch(/can't reach our team/);
  });

  it('a person who took the call but never joins: back in the queue, and the wait limit still counts', async () => {
    const cb = state({ status: 'callback', position: null, callback: { caseId: 5, contact: 'phone' } });
    const t = setup({
      request: [{ ok: true, value: state({ status: 'taken', position: null }) }],
      release: [{ ok: true, value: state({ waitedS: 80 }) }],
      expire: [{ ok: true, value: cb }],
    });
    expect((await t.handoff.request({ reason: 'x', summary: '' })).say).toBe('A person is joining us now.');
    await vi.advanceTimersByTimeAsync(44_000);
    expect(t.said).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000); // 45 s without the person: released (80 s of 90 waited)
    await vi.advanceTimersByTimeAsync(10_000);
    expect(t.said.map((s) => s.text)).toEqual([expect.stringMatching(/callback request number 5/)]);
  });

  it('restore (a resumed agent): a waiting hand-off keeps the server’s wait limit and hands over to its person; a settled one is not taken over', async () => {
    const cb = state({ status: 'callback', position: null, callback: { caseId: 9, contact: 'phone' } });
    const t = setup({ expire: [{ ok: true, value: cb }] });
    expect(t.handoff.restore(state({ waitedS: 60 }))).toBe(true);
    expect(t.requests).toEqual([]); // nothing asked again: the request is the lost agent's
    await vi.advanceTimersByTimeAsync(29_000);
    expect(t.said).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000); // 90 s limit − 60 s waited before the crash
    expect(t.said.map((s) => s.text)).toEqual([expect.stringMatching(/callback request number 9/)]);

    const joining = setup({});
    expect(joining.handoff.restore(state({ status: 'taken', position: null }))).toBe(true);
    joining.join('person_4_q', { 'voice.role': 'person', 'voice.handoff': '7' }, 'Kim');
    await vi.waitFor(() => expect(joining.handedOver).toEqual([['person_4_q', 7]]));

    for (const status of ['callback', 'connected', 'cancelled', 'transferred'] as const) {
      expect(setup({}).handoff.restore(state({ status }))).toBe(false);
    }
  });
});

