/**
 * Warm hand-off on the phone (real livekit-sip on loopback, a line with no outside number): a
 * baresip caller asks for a person (synthetic speech over G.711), Sam takes the call from the
 * console in headless Chromium — no REFER, no second carrier leg: the caller is already in the
 * LiveKit room — and the caller's own recording contains Sam's audio (a 1 kHz tone Sam's
 * microphone plays) after the agent's hand-off sentence.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { energyEnvelope, loudRuns, parseWavPcm16 } from '@voice-widget/protocol';
import { REPO_ROOT } from '@voice-widget/stack';
import { callDetail, createAdminKey } from '@voice-widget/server';
import { LINE, type LaunchedBrowser, type PhoneStack, baresipCall, callerWav, callerWav8k, launchBrowser, openConsole, startPhoneStack, takeCall, toneWindows, wavSeconds } from '@voice-widget/testkit';

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'handoff');

describe('warm hand-off on the phone', () => {
  let phone: PhoneStack;
  let person: LaunchedBrowser;
  let samKey: string;

  beforeAll(async () => {
    phone = await startPhoneStack('e2e-handoff-phone', { transferTo: null });
    samKey = (await createAdminKey(phone.database.db, 'Sam', 'agent')).key;
    const samMic = callerWav('handoff-person', [{ toneHz: 1000, seconds: 0.8 }, { silenceS: 0.3 }, { recording: 'amiable' }, { silenceS: 1.5 }]);
    person = await launchBrowser({ micWav: samMic, loop: true });
  });
  afterAll(async () => {
    await person?.close();
    await phone?.stop();
  });

  it('a person takes the call from the console; the caller hears them after the hand-off sentence', async () => {
    const console_ = await openConsole(person.context, phone.stack.serverUrl, samKey);
    // Greeting (~9 s), the request, then listening to the person until the WAV ends.
    const wav = callerWav8k('handoff-phone-ask2', [{ silenceS: 16 }, { say: 'I want a person. A real person please', voice: 'flite:rms' }, { silenceS: 55 }]);
    const calling = baresipCall({
      dir: join(ARTIFACTS, 'baresip'),
      wav,
      target: phone.uri(LINE.number),
      from: '+15550166',
      auth: { user: LINE.user, password: LINE.password },
      timeoutS: Math.ceil(wavSeconds(wav)) + 10,
    });
    // Sam sees the caller waiting (under their number) and takes the call.
    await console_.locator('[data-testid=queue-entry]').first().waitFor({ timeout: 60_000 });
    await expect.poll(() => console_.locator('[data-testid=detail] [data-testid=summary]').innerText(), { timeout: 10_000 }).toMatch(/An unverified caller on \+15550166 is calling by phone and asked for a person/);
    await takeCall(console_);
    const call = await calling;
    expect(call.established, call.log).toBe(true);

    // Sam's tone in what the caller heard.
    const { samples, sampleRateHz } = parseWavPcm16(readFileSync(call.receivedWav!));
    const tone = toneWindows(samples, sampleRateHz, 1000);
    console.log(`tone heard by the caller: ${tone.length * 20} ms in ${tone.length} windows, first at ${tone[0]} ms`);
    expect(tone.length, 'Sam’s 1 kHz tone in the caller’s recording').toBeGreaterThanOrEqual(20);
    // Before it: a sentence-long run of the agent's speech (the hand-off sentence), then Sam.
    const speech = loudRuns(energyEnvelope(samples, sampleRateHz), -45, 3)
      .map(([a, b]) => [a * 10, b * 10] as [number, number])
      .filter(([a, b]) => !tone.some((t) => t >= a && t < b)); // runs without the tone
    const before = speech.filter(([, b]) => b <= tone[0]!);
    // Pauses inside the spoken sentence reach 400 ms (one CI run: 23730 → 24130 ms split it in two).
    const sentence = before.reduce<[number, number] | null>((run, r) => (run && r[0] - run[1] < 700 ? [run[0], r[1]] : r), null)!;
    console.log(`last speech before Sam: ${sentence[0]}–${sentence[1]} ms; Sam from ${tone[0]} ms`);
    expect(sentence[1] - sentence[0]).toBeGreaterThan(1_500);
    expect(tone[0]! - sentence[1]).toBeLessThan(6_000);

    // The record: the hand-off with its times and Sam's part of the transcript.
    const row = await phone.phoneCall('sip_+15550166');
    await expect.poll(async () => (await callDetail(phone.database.db, row.room))?.call.recordReceivedAt ?? null, { timeout: 30_000, interval: 500 }).not.toBeNull();
    const detail = (await callDetail(phone.database.db, row.room))!;
    console.log(detail.transcript.map((t) => `  ${t.speaker}: ${t.text}`).join('\n'));
    const h = detail.handoffs[0]!;
    expect(h).toMatchObject({ kind: 'warm', status: 'connected', personName: 'Sam', personAudioSource: 'room' });
    expect(h.personAudioAtMs!).toBeGreaterThanOrEqual(h.connectedAtMs!);
    expect(detail.transcript.some((t) => t.speaker === 'agent' && /I'm connecting you with Sam now/.test(t.text))).toBe(true);
    expect(detail.transcript.some((t) => t.speaker === 'person')).toBe(true);
    expect(detail.call.outcome).toBe('transferred');
    console.log(`phone: time to a person ${h.personAudioAtMs! - h.requestAtMs} ms (request → Sam's first audio in the room)`);
  });
});
