/**
 * Bad SIP input against the provisioned line (SIPp as the carrier), then a good call:
 * - a malformed INVITE (From without a tag) → 400 Bad Request;
 * - wrong digest credentials → 407 challenge, then 401 Unauthorized;
 * - a number no trunk serves, and the right number from a source address the trunk does not
 *   allow → no trunk matches, so open-source LiveKit answers the dispatch with DROP: livekit-sip
 *   sends 100/180 and then never a final answer (flood protection; nothing is created);
 * livekit-sip, the agent worker and the server keep running, and the next good call is answered.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { energyEnvelope, loudRuns, parseWavPcm16 } from '@voice-widget/protocol';
import { REPO_ROOT } from '@voice-widget/stack';
import { readFileSync } from 'node:fs';
import { listCalls } from '@voice-widget/server';
import { baresipCall, callerWav8k, sipp, wavSeconds, LINE, type PhoneStack, startPhoneStack, rejectScenario } from '@voice-widget/testkit';

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'sip-reject');
const FINAL = /^SIP\/2\.0 [2-6]\d\d /;

describe('bad SIP input is rejected and the line keeps working', () => {
  let phone: PhoneStack;
  const statuses: Record<string, string[]> = {};

  beforeAll(async () => {
    phone = await startPhoneStack('e2e-sip-reject');
  });
  afterAll(async () => {
    console.log(`SIP answers seen:\n${Object.entries(statuses).map(([k, v]) => `  ${k}: ${v.join(' | ') || '(nothing)'}`).join('\n')}`);
    await phone?.stop();
  });

  const run = async (name: string, o: Parameters<typeof rejectScenario>[0], extra: { service?: string; sourceIp?: string; auth?: { user: string; password: string } } = {}) => {
    const r = await sipp({
      dir: join(ARTIFACTS, name),
      scenario: rejectScenario(o),
      target: phone.sipAddress,
      service: extra.service ?? LINE.number,
      auth: extra.auth,
      sourceIp: extra.sourceIp,
      timeoutS: 25,
    });
    statuses[name] = r.received;
    return r;
  };

  it('a malformed INVITE (From without tag) gets 400', async () => {
    const r = await run('malformed', { from: '+15550140', status: 400, malformed: true });
    expect(r.received.filter((l) => FINAL.test(l))).toEqual([expect.stringMatching(/^SIP\/2\.0 400 /)]);
    expect(r.code, r.output.slice(-1500)).toBe(0);
  });

  it('wrong digest credentials get 407, then 401', async () => {
    const r = await run('wrong-credentials', { from: '+15550141', status: 401, auth: true }, { auth: { user: LINE.user, password: 'not-the-password' } });
    expect(r.received.filter((l) => FINAL.test(l))).toEqual([expect.stringMatching(/^SIP\/2\.0 407 /), expect.stringMatching(/^SIP\/2\.0 401 /)]);
    expect(r.code, r.output.slice(-1500)).toBe(0);
  });

  it('a number no trunk serves: provisional answers only, never connected, nothing created', async () => {
    const r = await run('unknown-number', { from: '+15550142', status: null, silentMs: 6000 }, { service: '+19995550000' });
    expect(r.received.filter((l) => FINAL.test(l))).toEqual([]);
    expect(r.received[0]).toMatch(/^SIP\/2\.0 100 /);
    expect((await listCalls(phone.database.db, { channel: 'phone' })).some((c) => c.callerIdentity === 'sip_+15550142')).toBe(false);
  });

  it('a source address the trunk does not allow: never connected, nothing created', async () => {
    const r = await run('disallowed-source', { from: '+15550143', status: null, silentMs: 6000 }, { sourceIp: '127.0.0.2', auth: { user: LINE.user, password: LINE.password } });
    expect(r.received.filter((l) => FINAL.test(l))).toEqual([]);
    expect((await listCalls(phone.database.db, { channel: 'phone' })).some((c) => c.callerIdentity === 'sip_+15550143')).toBe(false);
  });

  it('livekit-sip, the agent worker and the server still run, and the next good call is answered', async () => {
    for (const s of phone.stack.services) expect(s.child.exitCode, `${s.name} exited`).toBeNull();
    expect((await fetch(`${phone.stack.serverUrl}/healthz`)).ok).toBe(true);
    // Long enough for a late greeting on a busy machine to be heard whole (baresip hangs up at the WAV's end).
    const wav = callerWav8k('sip-20s', [{ silenceS: 20 }]);
    const call = await baresipCall({
      dir: join(ARTIFACTS, 'good-call'),
      wav,
      target: phone.uri(LINE.number),
      from: '+15550144',
      auth: { user: LINE.user, password: LINE.password },
      timeoutS: Math.ceil(wavSeconds(wav)) + 6,
    });
    expect(call.established, call.log).toBe(true);
    const { samples, sampleRateHz } = parseWavPcm16(readFileSync(call.receivedWav!));
    const greeting = loudRuns(energyEnvelope(samples, sampleRateHz), -45, 3);
    expect(greeting.length).toBeGreaterThan(0); // the caller hears a greeting (how soon: bench:greeting)
    expect((greeting.at(-1)![1] - greeting[0]![0]) * 10).toBeGreaterThan(3_000); // a sentence, not a click
  });
});
