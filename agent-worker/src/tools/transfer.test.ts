import { EventEmitter } from 'node:events';
import { voice } from '@livekit/agents';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { coldTransfer, runAfterNextReply } from './transfer.ts';

const E = voice.AgentSessionEventTypes;
const fakeSession = () => new EventEmitter() as unknown as voice.AgentSession & EventEmitter;
const state = (s: EventEmitter, newState: string) => s.emit(E.AgentStateChanged, { newState });

describe('runAfterNextReply', () => {
  it('runs once the next reply has been spoken (speaking → listening), not before', async () => {
    const session = fakeSession();
    const fn = vi.fn(async () => {});
    runAfterNextReply(session, 10_000, fn);
    state(session, 'thinking');
    expect(fn).not.toHaveBeenCalled();
    state(session, 'speaking');
    expect(fn).not.toHaveBeenCalled();
    state(session, 'listening');
    expect(fn).toHaveBeenCalledTimes(1);
    state(session, 'speaking');
    state(session, 'idle');
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('runs after the timeout when no reply comes', () => {
    vi.useFakeTimers();
    const session = fakeSession();
    const fn = vi.fn(async () => {});
    runAfterNextReply(session, 5_000, fn);
    vi.advanceTimersByTime(4_999);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledWith(null);
    vi.useRealTimers();
  });
});

describe('transfer_to_human', () => {
  it('without a transfer target, keeps helping instead of transferring', async () => {
    const sip = { transferSipParticipant: vi.fn() };
    const t = coldTransfer({ room: 'r', callerIdentity: 'sip_1', transferTo: undefined, sip, server: null, log: pino({ level: 'silent' }) });
    const out = await t({ reason: 'asked', summary: 'x' }, fakeSession());
    expect(out).toMatchObject({ transferred: false });
    expect(sip.transferSipParticipant).not.toHaveBeenCalled();
  });

  it('delivers the package first, says the summary, then REFERs the caller to the configured target once it was spoken', async () => {
    const session = fakeSession();
    const order: string[] = [];
    const sip = { transferSipParticipant: vi.fn(async () => void order.push('refer')) };
    const requestHandoff = vi.fn(async (body: Record<string, unknown>) => {
      order.push(`package ${body.kind} ${body.transferTo} via ${body.via}`);
      return { ok: true as const, value: { id: 1, kind: 'cold' as const, status: 'transferred' as const, position: null, online: 0, waitLimitS: 0, waitedS: 0, person: null, callback: null, packageDelivered: true } };
    });
    const t = coldTransfer({ room: 'phone_1', callerIdentity: 'sip_+15550123', transferTo: 'tel:+15550199', sip, server: { requestHandoff }, via: () => 'keypad', log: pino({ level: 'silent' }) });
    const out = await t({ reason: 'refund', summary: 'You want a refund' }, session);
    expect(out).toMatchObject({ transferred: true, packageDelivered: true, say: "You want a refund. I'm transferring you to a person now; please stay on the line." });
    expect(order).toEqual(['package cold tel:+15550199 via keypad']);
    state(session, 'speaking');
    state(session, 'listening');
    await vi.waitFor(() => expect(sip.transferSipParticipant).toHaveBeenCalledWith('phone_1', 'sip_+15550123', 'tel:+15550199', { playDialtone: false }));
    expect(order).toEqual(['package cold tel:+15550199 via keypad', 'refer']);
  });

  it('transfers anyway when the server cannot take the package (the caller asked), and says nothing different', async () => {
    const session = fakeSession();
    const sip = { transferSipParticipant: vi.fn(async () => {}) };
    const t = coldTransfer({ room: 'p', callerIdentity: 's', transferTo: 'tel:+15550199', sip, server: { requestHandoff: async () => ({ ok: false as const, error: 'down' }) }, log: pino({ level: 'silent' }) });
    expect(await t({ reason: 'x', summary: '' }, session)).toMatchObject({ transferred: true, packageDelivered: false });
    state(session, 'speaking');
    state(session, 'listening');
    await vi.waitFor(() => expect(sip.transferSipParticipant).toHaveBeenCalled());
  });
});
