import { ParticipantKind } from '@livekit/rtc-node';
import { AGENT_LEAVING_ATTRIBUTE, type DispatchMetadata, type LiveState } from '@voice-widget/protocol';
import { describe, expect, it } from 'vitest';
import { BLIND_RESUME_FIRST_SEQ, jobRole } from './take-over.ts';

/** A room as jobRole reads it: its remote participants' kind, identity and attributes. */
const room = (...ps: { identity: string; kind: ParticipantKind; attributes?: Record<string, string> }[]) =>
  ({ remoteParticipants: new Map(ps.map((p) => [p.identity, { identity: p.identity, info: { kind: p.kind }, attributes: p.attributes ?? {} }])) }) as never;

const caller = { identity: 'caller_1', kind: ParticipantKind.STANDARD };
const meta: DispatchMetadata = { agent: 'acme', channel: 'web' };
const resumeMeta: DispatchMetadata = { ...meta, resume: { lostAtMs: 1, attempt: 1 } };
const live = (nextSeq: number, ended = false) =>
  ({ ok: true, value: { lines: nextSeq ? [{ seq: 0, speaker: 'caller', text: 'order 1042', atMs: 5 }] : [], nextSeq, ended } satisfies LiveState }) as const;

describe('jobRole', () => {
  it('a call with no transcript and no marker is new', () => {
    expect(jobRole(meta, live(0), room(caller))).toEqual({ kind: 'new' });
    expect(jobRole(undefined, null, room(caller))).toEqual({ kind: 'new' });
  });

  it('the resume marker resumes from the live state', () => {
    expect(jobRole(resumeMeta, live(1), room(caller))).toMatchObject({ kind: 'resume', nextSeq: 1, stateLoaded: true, lines: [{ text: 'order 1042' }] });
  });

  it("LiveKit's own retry of a crashed job (no marker, a transcript already) leaves: only the server resumes calls", () => {
    expect(jobRole(meta, live(3), room(caller))).toEqual({ kind: 'duplicate', agent: null, reason: 'retry_of_resumed_call' });
    expect(jobRole(meta, live(3, true), room(caller))).toEqual({ kind: 'new' }); // ended: nothing to take over
  });

  it('a resume in a room another agent already serves is a duplicate; one leaving on purpose does not count', () => {
    const other = { identity: 'agent-AJ_2', kind: ParticipantKind.AGENT };
    expect(jobRole(resumeMeta, live(1), room(caller, other))).toEqual({ kind: 'duplicate', agent: 'agent-AJ_2', reason: 'agent_present' });
    expect(jobRole(meta, live(2), room(caller, other))).toEqual({ kind: 'duplicate', agent: 'agent-AJ_2', reason: 'retry_of_resumed_call' });
    const leaving = { ...other, attributes: { [AGENT_LEAVING_ATTRIBUTE]: 'duplicate' } };
    expect(jobRole(resumeMeta, live(1), room(caller, leaving))).toMatchObject({ kind: 'resume' });
  });

  it('a resume that cannot read the live state still resumes, numbering past every earlier line', () => {
    expect(jobRole(resumeMeta, { ok: false, error: 'down' }, room(caller))).toEqual({ kind: 'resume', lines: [], nextSeq: BLIND_RESUME_FIRST_SEQ, stateLoaded: false });
  });
});
