/**
 * Helpers of the outbound-call tests: place a call through the admin API, wait for its result,
 * point the outbound trunk at a callee, and read who spoke when in a callee's recording.
 */
import { readFileSync } from 'node:fs';
import { type OutboundCallRequestInput, OutboundCallView, energyEnvelope, loudRuns, parseWavPcm16 } from '@voice-widget/protocol';
import { LINE, type PhoneStack } from './sip-stack.ts';
import { wavSeconds } from './sip.ts';

/** An Etc/GMT zone whose local time now is `hour`:MM (Etc/GMT-3 is UTC+3): calling hours open or closed whatever the test's clock. */
export function zoneWhereNowIs(hour: number): string {
  const offset = ((hour - new Date().getUTCHours() + 36) % 24) - 12;
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

/** Points the outbound trunk `outbound` (the default of every agent) at a callee; caller ID = the test line's number. */
export async function pointOutboundTrunk(phone: PhoneStack, address: string): Promise<void> {
  const r = await phone.api('PUT', '/api/admin/sip/outbound-trunks/outbound', { address, numbers: [LINE.number], transport: 'udp' });
  if (r.status !== 201 && r.status !== 200) throw new Error(`outbound trunk: ${r.status} ${JSON.stringify(r.body)}`);
}

/** `POST /api/admin/calls/outbound` for agent `acme` (calling hours open unless the body says otherwise). */
export function placeCall(phone: PhoneStack, body: Partial<OutboundCallRequestInput> & { number: string }): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return phone.api('POST', '/api/admin/calls/outbound', { agent: LINE.agent, context: { name: 'Ada Lovelace', reason: 'your question about hiking boots' }, timeZone: zoneWhereNowIs(12), ...body });
}

/** Polls the outbound call until `done(view)` (default: a final status), at most `timeoutMs`. */
export async function waitForOutbound(phone: PhoneStack, id: number, done: (v: OutboundCallView) => boolean = (v) => !['queued', 'dialing', 'ringing'].includes(v.status), timeoutMs = 60_000): Promise<OutboundCallView> {
  const deadline = Date.now() + timeoutMs;
  let last: OutboundCallView | undefined;
  for (;;) {
    const r = await phone.api('GET', `/api/admin/calls/outbound/${id}`);
    last = OutboundCallView.parse(r.body);
    if (done(last)) return last;
    if (Date.now() > deadline) throw new Error(`outbound call ${id} still ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/**
 * Runs of sound in an 8 kHz recording as [startMs, endMs] from its start, words closer than
 * `mergeMs` merged into one utterance; −45 dBFS, at least 30 ms.
 */
export function soundRuns(wav: string, mergeMs = 400): [number, number][] {
  const { samples, sampleRateHz } = parseWavPcm16(readFileSync(wav));
  return loudRuns(energyEnvelope(samples, sampleRateHz), -45, 3)
    .map(([a, b]) => [a * 10, b * 10] as [number, number])
    .reduce<[number, number][]>((out, run) => {
      const last = out.at(-1);
      if (last && run[0] - last[1] < mergeMs) last[1] = run[1];
      else out.push(run);
      return out;
    }, []);
}

/**
 * What a baresip callee sent and what it heard, as {@link soundRuns} in ms from the answer on the
 * sent recording's clock. Both recordings end at hang-up and the received one starts later (the
 * agent's first packet), so heard runs are shifted by the difference of their lengths (`offsetMs`).
 * @throws Error when baresip left either recording out
 */
export function calleeSoundRuns(answer: { sentWav: string | null; receivedWav: string | null }): { sent: [number, number][]; heard: [number, number][]; offsetMs: number } {
  if (!answer.sentWav || !answer.receivedWav) throw new Error('the callee has no sent or received recording');
  const offsetMs = wavSeconds(answer.sentWav) * 1000 - wavSeconds(answer.receivedWav) * 1000;
  return {
    sent: soundRuns(answer.sentWav),
    heard: soundRuns(answer.receivedWav).map(([a, b]) => [a + offsetMs, b + offsetMs] as [number, number]),
    offsetMs,
  };
}
