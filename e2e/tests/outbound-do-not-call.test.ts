/**
 * "Please don't call me again" said on an outbound call (issue 13, compliance), through real
 * livekit-sip and a baresip callee: the number goes on the do-not-call list in code, the agent
 * says so and hangs up, and the next call to that number is refused before dialling.
 *
 * The words: PocketSphinx (the offline recognizer) does not hear this phrase from any synthetic
 * voice available here (eSpeak NG, Flite: "please don't argue you done"), so the model runs as the
 * cloud stand-in (`--no-asr`) that hears every caller turn as the phrase — the transcript a cloud
 * model's recognizer would deliver. Everything after the transcript is the real path: the agent's
 * matcher (outbound/do-not-call.ts), the server's list, the agent's confirmation and hang-up.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@voice-widget/stack';
import { callDetail } from '@voice-widget/server';
import {
  type PhoneStack,
  calleeSoundRuns,
  callerWav8k,
  placeCall,
  pointOutboundTrunk,
  sentinelCalleeScenario,
  startBaresipCallee,
  startPhoneStack,
  startSippCallee,
  waitForOutbound,
  wavSeconds,
} from '@voice-widget/testkit';

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'outbound-dnc');
const NUMBER = '+15550141';

describe('outbound: the callee asks not to be called again', () => {
  let phone: PhoneStack;

  beforeAll(async () => {
    phone = await startPhoneStack('e2e-outbound-dnc', { model: { noAsr: true, noAsrTranscript: "Oh. Please don't call me again." } });
  });
  afterAll(async () => {
    await phone?.stop();
  });

  it('the number goes on the list, the agent confirms and hangs up; the next call to it is refused before dialling', async () => {
    // A real "go forward" (a person: the opener), then 9 s later a sentence the model hears as the request.
    const wav = callerWav8k('outbound-dnc', [{ silenceS: 0.6 }, { recording: 'goforward', trimS: [0.44, 1.19] }, { silenceS: 9 }, { recording: 'illDisposed' }, { silenceS: 40 }]);
    const callee = await startBaresipCallee({ dir: join(ARTIFACTS, 'call'), wav, number: NUMBER, timeoutS: 90 });
    await pointOutboundTrunk(phone, callee.address);
    const before = await phone.api('GET', '/api/admin/do-not-call');
    expect(before.body.numbers.map((n: { number: string }) => n.number)).not.toContain(NUMBER);
    const placed = await placeCall(phone, { number: NUMBER });
    expect(placed.status, JSON.stringify(placed.body)).toBe(202);
    const answer = await callee.done;
    expect(answer.established, answer.log).toBe(true);
    const view = await waitForOutbound(phone, placed.body.call.id, (v) => v.endedAt !== null, 60_000);
    expect(view).toMatchObject({ status: 'answered', outcome: 'person' });

    // On the list, as the callee's own request on this call.
    const list = await phone.api('GET', '/api/admin/do-not-call');
    const entry = list.body.numbers.find((n: { number: string }) => n.number === NUMBER);
    console.log(`do-not-call entry: ${JSON.stringify(entry)}`);
    expect(entry).toMatchObject({ source: 'callee_request' });
    expect(entry.note).toMatch(/don't call me again/);

    // The agent said so (after the callee's sentence) and hung up, long before the callee's file ended.
    const { sent, heard } = calleeSoundRuns(answer);
    console.log(`dnc: sent ${JSON.stringify(sent)} heard ${JSON.stringify(heard)}`);
    const request = sent.find(([a]) => a > 8000)!;
    expect(request, 'the callee said its sentence').toBeDefined();
    expect(heard.some(([a, b]) => a > request[0] && b - a > 1500), 'the confirmation was heard after the request').toBe(true);
    expect(answer.endedBy, answer.log).toBe('remote');
    expect(answer.durationS!).toBeLessThan(wavSeconds(wav) - 15);
    await expect.poll(async () => (await callDetail(phone.database.db, view.room!))?.call.recordReceivedAt ?? null, { timeout: 30_000, interval: 500 }).not.toBeNull();
    const detail = (await callDetail(phone.database.db, view.room!))!;
    console.log(detail.transcript.map((t) => `  ${t.speaker}: ${t.text}`).join('\n'));
    expect(detail.transcript.filter((t) => t.speaker === 'agent').at(-1)!.text).toMatch(/taken this number off our calling list/);

    // The next call to the number: 403, and nothing reaches the line.
    const sentinel = await startSippCallee({ dir: join(ARTIFACTS, 'sentinel'), scenario: sentinelCalleeScenario({ waitMs: 6_000 }), timeoutS: 12 });
    await pointOutboundTrunk(phone, sentinel.address);
    const again = await placeCall(phone, { number: NUMBER });
    expect(again.status).toBe(403);
    expect(again.body.error.code).toBe('do_not_call');
    expect((await sentinel.done).received, 'no INVITE reached the callee').toEqual([]);
  });
});
