/**
 * Outbound calls through LiveKit SIP on loopback (issue 13): the server dials through an outbound
 * trunk pointing at a SIP callee this test runs, and the agent decides who answered from the
 * callee's audio before it says anything.
 * - a person (baresip, a real recorded "go forward" then silence) → the opener is heard after the
 *   decision, never over the callee; the callee's next sentence gets a reply;
 * - a voicemail greeting and a beep (baresip) → no agent audio during the greeting, the message
 *   starts after the beep, the agent hangs up;
 * - greetings that open with "Hello." and a pause: a short pause → the quick "person" is withdrawn,
 *   nothing heard before the beep; a person's pause → taken for a person, revised at the beep that
 *   ends the greeting, the message after it;
 * - SIPp: no answer (180, then our CANCEL at the ring timeout) and busy (486) → recorded outcomes;
 * - a number on the do-not-call list, an invalid number, a missing trunk, outside calling hours →
 *   a 4xx and a sentinel callee that never gets an INVITE.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@voice-widget/stack';
import { callDetail } from '@voice-widget/server';
import {
  type PhoneStack,
  busyCalleeScenario,
  calleeSoundRuns,
  callerWav8k,
  placeCall,
  pointOutboundTrunk,
  ringingCalleeScenario,
  sentinelCalleeScenario,
  startBaresipCallee,
  startPhoneStack,
  startSippCallee,
  waitForOutbound,
  wavSeconds,
  zoneWhereNowIs,
} from '@voice-widget/testkit';

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'outbound');
// The stored transcript carries contact-store names as [name] (issue 10 redaction).
const HUMAN_OPENER = /^Hi, this is an AI assistant calling from Acme for (Ada|\[name\]), about your question about hiking boots\. Is now a good time\?/;

describe('outbound calls through LiveKit SIP', () => {
  let phone: PhoneStack;

  beforeAll(async () => {
    phone = await startPhoneStack('e2e-outbound');
  });
  afterAll(async () => {
    await phone?.stop();
  });

  it('a person answers: decided from their short answer and pause, then the opener — never over them — and a conversation', async () => {
    // A real person's "go forward" (0.75 s, pocketsphinx-testdata) 0.6 s after the answer, then a
    // sentence 12 s later, then silence; baresip hangs up when the file ends.
    const wav = callerWav8k('outbound-person', [
      { silenceS: 0.6 }, { recording: 'goforward', trimS: [0.44, 1.19] }, { silenceS: 11.5 }, { recording: 'illDisposed' }, { silenceS: 14 },
    ]);
    const callee = await startBaresipCallee({ dir: join(ARTIFACTS, 'person'), wav, number: '+15550123', timeoutS: 90 });
    await pointOutboundTrunk(phone, callee.address);
    const placed = await placeCall(phone, { number: '+15550123' });
    expect(placed.status, JSON.stringify(placed.body)).toBe(202);
    const answer = await callee.done;
    expect(answer.established, answer.log).toBe(true);
    const view = await waitForOutbound(phone, placed.body.call.id, (v) => v.status === 'answered' && v.amd !== null && v.endedAt !== null, 60_000);
    console.log(`person: AMD ${view.amd!.decision} (${view.amd!.reason}) ${view.amd!.timeToDecisionMs} ms after answer; evidence ${JSON.stringify(view.amd!.evidence.speech)} trailing silence ${view.amd!.evidence.trailingSilenceMs} ms`);
    expect(view).toMatchObject({ status: 'answered', outcome: 'person', sipStatusCode: 200 });
    expect(view.amd).toMatchObject({ decision: 'human', reason: 'short_answer_then_pause', firstDecision: null });
    // Decided on the pause after the short answer (media time, not wall clock): no waiting for more.
    expect(view.amd!.evidence.speech).toHaveLength(1);
    expect(view.amd!.evidence.trailingSilenceMs).toBeLessThan(1000);

    // The callee's recording: what it sent (from the answer) and what it heard, both ending at hang-up.
    const { sent: sentRuns, heard, offsetMs: offset } = calleeSoundRuns(answer);
    console.log(`person: sent ${JSON.stringify(sentRuns)} heard ${JSON.stringify(heard)} (offset ${offset} ms)`);
    const [firstWordStart, firstWordEnd] = sentRuns[0]!;
    expect(firstWordStart).toBeGreaterThan(300);
    const opener = heard[0]!;
    expect(opener[0], 'the agent was silent until the callee had spoken and paused').toBeGreaterThan(firstWordEnd);
    expect(opener[0], 'the opener came after the decision').toBeGreaterThanOrEqual(view.amd!.timeToDecisionMs - 100);
    console.log(`person: opener heard ${opener[0] - view.amd!.timeToDecisionMs} ms after the decision, ${opener[0] - firstWordEnd} ms after the callee's last word`);
    expect(opener[1] - opener[0]).toBeGreaterThan(3000); // a sentence
    // The conversation: the callee's sentence gets a reply.
    const sentence = sentRuns.find(([a]) => a > 10_000)!;
    expect(sentence).toBeDefined();
    expect(heard.some(([a, b]) => a > sentence[1] && b - a > 600), 'a reply after the callee’s sentence').toBe(true);

    // The record: the opener (AI disclosure, company, the person, the reason), the callee's words, a reply.
    const room = view.room!;
    await expect.poll(async () => (await callDetail(phone.database.db, room))?.call.recordReceivedAt ?? null, { timeout: 30_000, interval: 500 }).not.toBeNull();
    const detail = (await callDetail(phone.database.db, room))!;
    console.log(detail.transcript.map((t) => `  ${t.speaker}: ${t.text}`).join('\n'));
    expect(detail.transcript[0]).toMatchObject({ speaker: 'agent' });
    expect(detail.transcript[0]!.text).toMatch(HUMAN_OPENER);
    expect(detail.transcript.some((t) => t.speaker === 'caller')).toBe(true);
    expect(detail.transcript.filter((t) => t.speaker === 'agent').length).toBeGreaterThanOrEqual(2);
  });

  it('a voicemail greeting and a beep: silent through the greeting, the message after the beep, then the agent hangs up', async () => {
    const greeting = callerWav8k('outbound-vm-greeting', [
      { say: "Hi, you've reached Ada Lovelace. I can't come to the phone right now. Please leave a message after the tone.", voice: 'flite:slt' },
    ]);
    const leadS = 0.3;
    const gapS = 0.6;
    const beepS = 0.5;
    const greetingS = wavSeconds(greeting);
    const beepEndMs = (leadS + greetingS + gapS + beepS) * 1000;
    const wav = callerWav8k('outbound-voicemail', [
      { silenceS: leadS },
      { say: "Hi, you've reached Ada Lovelace. I can't come to the phone right now. Please leave a message after the tone.", voice: 'flite:slt' },
      { silenceS: gapS },
      { toneHz: 1000, seconds: beepS, gainDb: -8 },
      { silenceS: 40 },
    ]);
    const callee = await startBaresipCallee({ dir: join(ARTIFACTS, 'voicemail'), wav, number: '+15550124', timeoutS: 90 });
    await pointOutboundTrunk(phone, callee.address);
    const placed = await placeCall(phone, { number: '+15550124' });
    expect(placed.status, JSON.stringify(placed.body)).toBe(202);
    const answer = await callee.done;
    expect(answer.established, answer.log).toBe(true);
    const view = await waitForOutbound(phone, placed.body.call.id, (v) => v.endedAt !== null && v.voicemail?.finished === true, 60_000);
    console.log(`voicemail: AMD ${view.amd!.decision} (${view.amd!.reason}) after ${view.amd!.timeToDecisionMs} ms; ${JSON.stringify(view.voicemail)}; beep ${JSON.stringify(view.amd!.evidence.beep)}`);
    expect(view).toMatchObject({ status: 'answered', outcome: 'machine_message' });
    expect(['machine_greeting', 'machine_beep']).toContain(view.amd!.decision);
    expect(view.voicemail).toMatchObject({ readyReason: 'beep', finished: true });
    expect(view.voicemail!.afterBeepMs!).toBeGreaterThanOrEqual(0);

    const { sent: sentRuns, heard, offsetMs: offset } = calleeSoundRuns(answer);
    console.log(`voicemail: beep ends at ${beepEndMs} ms; sent ${JSON.stringify(sentRuns)} heard ${JSON.stringify(heard)} (offset ${offset} ms)`);
    expect(heard.length, 'the message was heard').toBeGreaterThan(0);
    expect(heard[0]![0], 'no agent audio before the beep ended (none during the greeting)').toBeGreaterThan(beepEndMs);
    const message = heard.reduce((s, [a, b]) => s + (b - a), 0);
    expect(message).toBeGreaterThan(5000);
    // The agent hung up after its message, long before the callee's file would have ended.
    expect(answer.endedBy, answer.log).toBe('remote');
    expect(answer.durationS!).toBeLessThan(wavSeconds(wav) - 10);

    await expect.poll(async () => (await callDetail(phone.database.db, view.room!))?.call.recordReceivedAt ?? null, { timeout: 30_000, interval: 500 }).not.toBeNull();
    const detail = (await callDetail(phone.database.db, view.room!))!;
    console.log(detail.transcript.map((t) => `  ${t.speaker}: ${t.text}`).join('\n'));
    const agentLines = detail.transcript.filter((t) => t.speaker === 'agent');
    expect(agentLines).toHaveLength(1);
    expect(agentLines[0]!.text).toMatch(/^Hello, this is an AI assistant calling from Acme for (Ada|\[name\]), about your question about hiking boots\. Please call us back at 1, 5 5 5, 0 1 0 0\./);
  });

  /**
   * A greeting that opens like a person: "Hello." (eSpeak NG), a pause, then the rest and a beep.
   * Returns the call's record, the callee's sent and heard sound runs (ms from the answer, on the
   * sent recording's clock) and the transcript.
   */
  async function helloFirstGreeting(name: string, number: string, pauseS: number) {
    const wav = callerWav8k(`outbound-${name}`, [
      { silenceS: 0.5 },
      { say: 'Hello.', voice: 'espeak:en-us' },
      { silenceS: pauseS },
      { say: "You've got Tom and Lisa. We're not home right now, so leave us a message.", voice: 'espeak:en-us' },
      { silenceS: 0.6 },
      { toneHz: 1000, seconds: 0.6, gainDb: -8 },
      { silenceS: 40 },
    ]);
    const callee = await startBaresipCallee({ dir: join(ARTIFACTS, name), wav, number, timeoutS: 90 });
    await pointOutboundTrunk(phone, callee.address);
    const placed = await placeCall(phone, { number });
    expect(placed.status, JSON.stringify(placed.body)).toBe(202);
    const answer = await callee.done;
    expect(answer.established, answer.log).toBe(true);
    const view = await waitForOutbound(phone, placed.body.call.id, (v) => v.endedAt !== null && v.voicemail?.finished === true, 60_000);
    const { sent, heard } = calleeSoundRuns(answer);
    console.log(`${name}: AMD ${view.amd!.firstDecision} → ${view.amd!.decision} (${view.amd!.reason}) at ${view.amd!.timeToDecisionMs} ms; ${JSON.stringify(view.voicemail)}; sent ${JSON.stringify(sent)} heard ${JSON.stringify(heard)}`);
    // The callee's own audio: "Hello.", the greeting, the beep.
    expect(sent, 'the callee sent "Hello.", the greeting and the beep').toHaveLength(3);
    await expect.poll(async () => (await callDetail(phone.database.db, view.room!))?.call.recordReceivedAt ?? null, { timeout: 30_000, interval: 500 }).not.toBeNull();
    const detail = (await callDetail(phone.database.db, view.room!))!;
    console.log(detail.transcript.map((t) => `  ${t.speaker}: ${t.text}`).join('\n'));
    return { answer, view, sent, heard, beepEndMs: sent[2]![1], agentLines: detail.transcript.filter((t) => t.speaker === 'agent') };
  }
  const VOICEMAIL_MESSAGE = /^Hello, this is an AI assistant calling from Acme for (Ada|\[name\]), about your question about hiking boots\. Please call us back/;

  it('a greeting that opens with "Hello." and a short pause: the quick "person" is withdrawn as the greeting goes on — no agent audio before the beep', async () => {
    // eSpeak's own padding makes the pause ~0.5 s: past the quick rule's 0.35 s, short of a person's 0.7 s.
    const { answer, view, sent, heard, beepEndMs, agentLines } = await helloFirstGreeting('hello-withdrawn', '+15550131', 0.1);
    const pauseMs = sent[1]![0] - sent[0]![1];
    expect(pauseMs).toBeGreaterThan(400);
    expect(pauseMs).toBeLessThan(700);
    expect(view).toMatchObject({ status: 'answered', outcome: 'machine_message' });
    expect(view.amd!.firstDecision, 'the quick rule took "Hello." for a person first').toBe('human');
    expect(['machine_greeting', 'machine_beep']).toContain(view.amd!.decision);
    expect(view.voicemail).toMatchObject({ readyReason: 'beep', finished: true });
    // The withdrawal stopped the opener before any of it played: nothing heard until the beep was over.
    expect(heard.length, 'the message was heard').toBeGreaterThan(0);
    expect(heard[0]![0], 'no agent audio before the beep ended (none during the greeting)').toBeGreaterThan(beepEndMs);
    expect(answer.endedBy, answer.log).toBe('remote');
    expect(agentLines.at(-1)!.text).toMatch(VOICEMAIL_MESSAGE);
  });

  it('a greeting that opens with "Hello." and a person\'s pause: taken for a person, revised at the beep after the greeting, the message after it', async () => {
    // A ~0.9 s pause: any pause rule takes "Hello." for a person. The greeting then runs ~5 s and
    // the beep comes ~7 s after the decision — past the revision window counted from the decision.
    const { answer, view, sent, heard, beepEndMs, agentLines } = await helloFirstGreeting('hello-revised', '+15550132', 0.5);
    expect(sent[1]![0] - sent[0]![1]).toBeGreaterThan(700);
    expect(view).toMatchObject({ status: 'answered', outcome: 'machine_message' });
    expect(view.amd).toMatchObject({ firstDecision: 'human', decision: 'machine_beep', reason: 'beep' });
    expect(sent[2]![0] - view.amd!.timeToDecisionMs, 'the beep began more than the 4 s window after the decision').toBeGreaterThan(4000);
    expect(view.voicemail).toMatchObject({ readyReason: 'beep', finished: true });
    expect(view.voicemail!.afterBeepMs!).toBeGreaterThanOrEqual(0);
    // The message: agent audio after the beep's end, a sentence long; the agent then hung up.
    const afterBeep = heard.reduce((sum, [a, b]) => sum + Math.max(0, b - Math.max(a, beepEndMs)), 0);
    expect(afterBeep).toBeGreaterThan(5000);
    const before = heard.filter(([a]) => a < beepEndMs);
    console.log(`hello-revised: agent audio before the beep's end (the opener, cut when the greeting went on): ${JSON.stringify(before)}`);
    expect(answer.endedBy, answer.log).toBe('remote');
    expect(agentLines.at(-1)!.text).toMatch(VOICEMAIL_MESSAGE);
  });

  it('no answer: it rings until the ring timeout, then our CANCEL; recorded as no answer', async () => {
    const callee = await startSippCallee({ dir: join(ARTIFACTS, 'no-answer'), scenario: ringingCalleeScenario({ waitMs: 30_000 }), timeoutS: 45 });
    await pointOutboundTrunk(phone, callee.address);
    const placed = await placeCall(phone, { number: '+15550125', ringTimeoutS: 6 });
    expect(placed.status).toBe(202);
    const view = await waitForOutbound(phone, placed.body.call.id);
    const sipp = await callee.done;
    console.log(`no answer: ${JSON.stringify({ status: view.status, sip: view.sipStatusCode, sipStatus: view.sipStatus, ringingAt: view.ringingAt })}; SIPp got ${sipp.received.join(' | ')}`);
    expect(view).toMatchObject({ status: 'no_answer', outcome: 'no_answer' });
    expect(view.ringingAt).not.toBeNull();
    expect(view.answeredAt).toBeNull();
    // The exchange itself (SIPp's exit code counts the ACK livekit-sip never sends: sipp-scenarios.ts).
    expect(sipp.received.map((l) => l.split(' ')[0]), sipp.output.slice(-1500)).toEqual(['INVITE', 'CANCEL']);
    expect(sipp.messages).toMatch(/message sent[^\n]*\n\s*SIP\/2\.0 487 Request Terminated/);
  });

  it('busy: the callee answers 486; recorded as busy with the SIP status', async () => {
    const callee = await startSippCallee({ dir: join(ARTIFACTS, 'busy'), scenario: busyCalleeScenario(), timeoutS: 30 });
    await pointOutboundTrunk(phone, callee.address);
    const placed = await placeCall(phone, { number: '+15550126' });
    expect(placed.status).toBe(202);
    const view = await waitForOutbound(phone, placed.body.call.id);
    const sipp = await callee.done;
    expect(view).toMatchObject({ status: 'busy', outcome: 'busy', sipStatusCode: 486, sipStatus: 'Busy Here' });
    expect(sipp.code, sipp.output.slice(-1500)).toBe(0);
  });

  it('refused before dialling — do-not-call list, invalid number, missing trunk, outside calling hours: a 4xx and no INVITE', async () => {
    const sentinel = await startSippCallee({ dir: join(ARTIFACTS, 'sentinel'), scenario: sentinelCalleeScenario({ waitMs: 8_000 }), timeoutS: 15 });
    await pointOutboundTrunk(phone, sentinel.address);
    const put = await phone.api('PUT', '/api/admin/do-not-call/+15550127', { note: 'asked us by e-mail' });
    expect(put.status).toBe(201);
    const other = await phone.api('GET', '/api/admin/agents/acme');
    const noTrunk = await phone.api('POST', '/api/admin/agents', { slug: 'no-trunk', config: { ...other.body.config, outbound: { ...other.body.config.outbound, trunk: 'nowhere' } } });
    expect(noTrunk.status).toBe(201);
    const attempts = [
      ['do-not-call', { number: '+15550127' }, 403, 'do_not_call'],
      ['invalid number', { number: '+1-call-me' }, 400, 'invalid_number'],
      ['missing trunk', { number: '+15550128', agent: 'no-trunk' }, 409, 'outbound_trunk_missing'],
      ['outside calling hours', { number: '+15550129', timeZone: zoneWhereNowIs(3) }, 403, 'outside_calling_hours'],
    ] as const;
    for (const [what, body, status, code] of attempts) {
      const r = await placeCall(phone, body);
      console.log(`${what}: ${r.status} ${r.body.error?.code}: ${r.body.error?.message}`);
      expect(r.status, what).toBe(status);
      expect(r.body.error.code, what).toBe(code);
      expect(r.body.error.message, what).toMatch(/nothing was dialled/);
    }
    const sipp = await sentinel.done;
    expect(sipp.received, 'no INVITE reached the callee').toEqual([]);
    const calls = await phone.api('GET', '/api/admin/calls/outbound?limit=500');
    expect(calls.body.calls.filter((c: { number: string }) => ['+15550127', '+15550128', '+15550129'].includes(c.number))).toEqual([]);
  });
});
