import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { HandoffState } from '@voice-widget/protocol';
import type { ApiResult } from '../server-api/client.ts';
import { restoreHandoff } from './restore-handoff.ts';

const state = (over: Partial<HandoffState>): HandoffState => ({
  id: 7,
  kind: 'warm',
  status: 'waiting',
  position: 1,
  online: 1,
  waitLimitS: 90,
  waitedS: 10,
  person: null,
  callback: null,
  packageDelivered: false,
  ...over,
});

function run(reply: ApiResult<HandoffState>, participants: { identity: string; attributes: Record<string, string> }[] = []) {
  const restored: HandoffState[] = [];
  const handedOver: [string, number, boolean][] = [];
  const result = restoreHandoff({
    room: { remoteParticipants: new Map(participants.map((p) => [p.identity, p])) } as never,
    server: { handoffState: async () => reply },
    warm: { restore: (s) => (restored.push(s), s.status === 'waiting' || s.status === 'taken') },
    conversation: { handOver: async (p, id, o) => void handedOver.push([p.identity, id, o?.restored ?? false]) },
    log: pino({ level: 'silent' }),
  });
  return { result, restored, handedOver };
}

describe('restoreHandoff (a resumed agent and the hand-off its predecessor had open)', () => {
  it('the caller already talks to the person: notes again, without a second hand-over sentence', async () => {
    const t = run({ ok: true, value: state({ status: 'connected', position: null }) }, [
      { identity: 'caller_1', attributes: {} },
      { identity: 'person_8', attributes: { 'voice.role': 'person', 'voice.handoff': '8' } }, // another hand-off's person
      { identity: 'person_7', attributes: { 'voice.role': 'person', 'voice.handoff': '7' } },
    ]);
    expect(await t.result).toBe('with_person');
    expect(t.handedOver).toEqual([['person_7', 7, true]]);
  });

  it('connected, but the person has left meanwhile: the agent has the conversation', async () => {
    const t = run({ ok: true, value: state({ status: 'connected' }) }, [{ identity: 'caller_1', attributes: {} }]);
    expect(await t.result).toBe('none');
    expect(t.handedOver).toEqual([]);
  });

  it('waiting or taken: the warm hand-off watches for the person again; none or unreachable: nothing', async () => {
    expect(await run({ ok: true, value: state({ status: 'waiting' }) }).result).toBe('queued');
    expect(await run({ ok: true, value: state({ status: 'taken' }) }).result).toBe('queued');
    expect(await run({ ok: true, value: state({ status: 'callback' }) }).result).toBe('none');
    expect(await run({ ok: false, error: 'server answered 404', status: 404 }).result).toBe('none');
  });
});
