import { describe, expect, it } from 'vitest';
import { CallRecordUpload } from '@voice-widget/protocol';
import { CallRecorder } from './call-record.ts';

describe('CallRecorder', () => {
  it('keeps both sides in order, skips empty and system items, and marks interrupted replies as barge-ins', () => {
    const r = new CallRecorder();
    r.handleItem({ type: 'message', role: 'assistant', textContent: "Hi, I'm an AI assistant.", createdAt: 1000 });
    r.handleItem({ type: 'message', role: 'system', textContent: 'secret instructions', createdAt: 1001 });
    r.handleItem({ type: 'message', role: 'user', textContent: '  ', createdAt: 1002 });
    r.handleItem({ type: 'message', role: 'user', textContent: 'Where is my order?', createdAt: 2000 });
    r.handleItem({ type: 'message', role: 'assistant', textContent: 'It ships', createdAt: 3000, interrupted: true });
    r.handleBargeIn(3200); // the page's RPC for the same barge-in
    r.handleItem({ type: 'message', role: 'assistant', textContent: 'Sorry, go ahead.', createdAt: 5000 });
    const rec = CallRecordUpload.parse(r.build(9000));
    expect(rec.transcript.map((t) => t.speaker)).toEqual(['agent', 'caller', 'agent', 'agent']);
    expect(rec.transcript[2]).toMatchObject({ text: 'It ships', interrupted: true });
    expect(rec.bargeIns).toEqual([{ atMs: 3000 }]);
    expect(rec.outcome).toBe('completed');
  });

  it('is abandoned when the caller never got an answer, transferred after a hand-off that went through, error when marked', () => {
    const unanswered = new CallRecorder();
    unanswered.handleItem({ role: 'assistant', textContent: 'Hi', createdAt: 1 });
    unanswered.handleItem({ role: 'user', textContent: 'Hello?', createdAt: 2 });
    expect(unanswered.build(3).outcome).toBe('abandoned');

    const transferred = new CallRecorder();
    transferred.handleTools([{ name: 'transfer_to_human' }], [{ output: '{"transferred":true,"say":"…"}' }]);
    expect(transferred.build(6).outcome).toBe('transferred');

    const refused = new CallRecorder(); // no one to transfer to: the call is not a hand-off
    refused.handleTools([{ name: 'transfer_to_human' }], [{ output: '{"transferred":false,"say":"…"}' }]);
    expect(refused.build(6).outcome).toBe('abandoned');

    const failed = new CallRecorder();
    failed.markError();
    expect(failed.build(1).outcome).toBe('error');
  });
});

describe('CallRecorder lines', () => {
  it('numbers every line from the first seq, hands each to the live transcript at once, and keeps the person’s part', () => {
    const live: { seq: number; speaker: string }[] = [];
    const r = new CallRecorder((l) => live.push({ seq: l.seq, speaker: l.speaker }), 5);
    r.handleItem({ type: 'message', role: 'assistant', textContent: 'Hi.', createdAt: 1 });
    r.addLine('caller', '  ', 2); // nothing said: no line, no number used
    r.addLine('caller', 'A person, please.', 3);
    r.markTransferred();
    r.addLine('person', 'Hi, this is Sam.', 4);
    expect(live).toEqual([
      { seq: 5, speaker: 'agent' },
      { seq: 6, speaker: 'caller' },
      { seq: 7, speaker: 'person' },
    ]);
    const rec = CallRecordUpload.parse(r.build(10));
    expect(rec.transcript.map((t) => t.seq)).toEqual([5, 6, 7]);
    expect(rec.outcome).toBe('transferred');
  });

  it('a resumed call: numbering continues after the stored lines, and their answered question counts for the outcome', () => {
    const lines: unknown[] = [];
    const r = new CallRecorder((l) => lines.push(l), 4, ['agent', 'caller', 'agent', 'agent']);
    r.handleItem({ role: 'assistant', textContent: 'Sorry, I lost you for a moment.', createdAt: 9 });
    expect(lines).toEqual([expect.objectContaining({ seq: 4, speaker: 'agent' })]);
    expect(r.build(10).outcome).toBe('completed');
    expect(new CallRecorder(() => {}, 2, ['agent', 'caller']).build(10).outcome).toBe('abandoned'); // the question before the crash went unanswered
  });
});
