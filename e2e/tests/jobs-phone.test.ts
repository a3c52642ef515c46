/**
 * A phone caller proves who they are with a code, never with their number (real livekit-sip on
 * loopback, SIPp as the caller's phone, the offline model). The caller's number belongs to a
 * customer with an order. The caller asks about "my order" (synthetic speech), types the order
 * number on the keypad, and is asked for their code:
 * - three wrong codes → no order data is said, the agent says it cannot verify them and offers a
 *   person (this line has a transfer target);
 * - the right code → only now is the customer named, and the order's status is read out.
 * What the agent said comes from the call record (the agent's transcript); the decisions from the
 * audit trail.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@voice-widget/stack';
import { callDetail } from '@voice-widget/server';
import { KNOWN_CALLER, LINE, type PhoneStack, callerWav8k, keypadScenario, sipp, startPhoneStack, toUlaw } from '@voice-widget/testkit';

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'sip');

describe('phone callers verify with a code', () => {
  let phone: PhoneStack;
  // Greeting (~7 s), then "where is my order?", then silence for the rest of the call.
  let audio: string;

  beforeAll(async () => {
    phone = await startPhoneStack('e2e-jobs-phone');
    audio = toUlaw(callerWav8k('jobs-phone-ask', [{ silenceS: 10 }, { say: 'Where is my order?', voice: 'flite:rms' }, { silenceS: 80 }]));
  });
  afterAll(async () => {
    await phone?.stop();
  });

  /** One call from the known number: the question, the order number, then `codes` on the keypad. */
  const call = async (name: string, codes: string[]) => {
    const steps = [{ atMs: 20_000, keys: '1042#' }, ...codes.map((keys, i) => ({ atMs: 34_000 + i * 9_000, keys: `${keys}#` }))];
    const hangupAtMs = 34_000 + codes.length * 9_000 + 8_000;
    const r = await sipp({
      dir: join(ARTIFACTS, name),
      scenario: keypadScenario({ from: KNOWN_CALLER.number, audio: 'jobs-phone-ask.8k.ulaw', steps, hangupAtMs }),
      target: phone.sipAddress,
      service: LINE.number,
      auth: { user: LINE.user, password: LINE.password },
      files: [audio],
      timeoutS: Math.ceil(hangupAtMs / 1000) + 40,
    });
    expect(r.code, r.output.slice(-2000)).toBe(0);
    const rows = await phone.phoneCalls(`sip_${KNOWN_CALLER.number}`);
    const row = rows[0]!;
    await expect.poll(async () => (await callDetail(phone.database.db, row.room))?.call.recordReceivedAt ?? null, { timeout: 30_000, interval: 500 }).not.toBeNull();
    const detail = (await callDetail(phone.database.db, row.room))!;
    const agent = detail.transcript.filter((t) => t.speaker === 'agent').map((t) => t.text);
    console.log(`${name}:\n${detail.transcript.map((t) => `  ${t.speaker}: ${t.text}`).join('\n')}`);
    console.log(detail.toolCalls.map((t) => `  ${t.tool} ${t.decision}${t.reason ? ` (${t.reason})` : ''}`).join('\n'));
    return { agent, detail };
  };

  it('three wrong codes: no data, no name, and the offer of a person', async () => {
    const { agent, detail } = await call('jobs-phone-wrong', ['9999', '8888', '7777']);
    const all = agent.join(' ');
    expect(all).not.toMatch(/Ada|Lovelace|\[name\]/); // the stored transcript redacts the name as [name]
    expect(all).not.toMatch(/shipped|Friday|Analytical/);
    expect(all).toMatch(/verify you/);
    expect(all).toMatch(/can't verify you on this call.*person/);
    expect(detail.toolCalls.filter((t) => t.tool === 'verify_caller').map((t) => t.reason)).toEqual(['wrong_code', 'wrong_code', 'verification_locked']);
    expect(detail.toolCalls).toContainEqual(expect.objectContaining({ tool: 'get_order_status', decision: 'refused', reason: 'not_verified' }));
  });

  it('the right code: named only after it, and the order status is read out', async () => {
    const { agent } = await call('jobs-phone-right', ['4321']);
    // The stored transcript carries the contact store's names as [name] (issue 10: PII redaction).
    const named = agent.findIndex((t) => /\[name\]/.test(t));
    expect(named, agent.join(' / ')).toBeGreaterThan(0);
    expect(agent[0]).toMatch(/\bAI\b/); // the greeting
    expect(agent.slice(0, named).join(' ')).not.toMatch(/\[name\]|shipped/); // nothing before the code
    expect(agent.slice(named).join(' ')).toMatch(/\[name\], you're verified\. Order 1 0 4 2 is shipped, arrives Friday/);
    expect(agent.join(' ')).not.toMatch(/Ada|Lovelace/);
  });
});
