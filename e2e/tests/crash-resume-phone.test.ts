/**
 * A phone call that survives its agent (issue 15), on real livekit-sip with SIPp as the caller's
 * phone: the known caller asks about "my order", types 1042, proves who they are with their code,
 * hears the order's status — then the job process serving the call is killed with SIGKILL. The
 * worker reports it; the server dispatches the agent again with the SIP dispatch rule's metadata
 * and the `resume` marker; the new agent says where the call stood. The caller stays on the line
 * (SIPp's scenario ends with its own BYE, no hang-up from our side), asks about the order again
 * and types its number, and is answered without a second code — the verification lives on the
 * call, not in the lost process. The call record is one call with the gap marked. Speed targets: `pnpm bench:resume`.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@voice-widget/stack';
import { callDetail } from '@voice-widget/server';
import { KNOWN_CALLER, LINE, type PhoneStack, callerWav8k, jobPidForRoom, keypadScenario, sipp, startPhoneStack, toUlaw, until } from '@voice-widget/testkit';

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'sip');

describe('a phone call survives its agent', () => {
  let phone: PhoneStack;
  let audio: string;
  let askAgain: string;

  beforeAll(async () => {
    phone = await startPhoneStack('e2e-crash-resume-phone');
    // "Where is my order?" at ~10 s; the same question again after the crash (its own file, started
    // at 64 s). The first file lasts past that: livekit-sip ends a call whose RTP stops for 15 s.
    const ask = { say: 'Where is my order?', voice: 'flite:rms' } as const;
    audio = toUlaw(callerWav8k('crash-resume-phone', [{ silenceS: 10 }, ask, { silenceS: 70 }]));
    askAgain = toUlaw(callerWav8k('crash-resume-phone-again', [{ silenceS: 1 }, ask, { silenceS: 40 }]));
  }, 180_000);
  afterAll(async () => {
    await phone?.stop();
  });

  const agentLines = async (room: string) => ((await callDetail(phone.database.db, room))?.transcript ?? []).filter((l) => l.speaker === 'agent');

  it('kill -9 of the job process mid-call: the caller stays on the line, hears where the call stood, and stays verified', async () => {
    // The order number at 20 s, the code at 34 s (as in jobs-phone); after the crash, the question
    // again and the order number at 80 s.
    const steps = [
      { atMs: 20_000, keys: '1042#' },
      { atMs: 34_000, keys: `${KNOWN_CALLER.code}#` },
      { atMs: 64_000, audio: 'crash-resume-phone-again.8k.ulaw' },
      { atMs: 80_000, keys: '1042#' },
    ];
    const hangupAtMs = 100_000;
    const call = sipp({
      dir: join(ARTIFACTS, 'crash-resume-phone'),
      scenario: keypadScenario({ from: KNOWN_CALLER.number, audio: 'crash-resume-phone.8k.ulaw', steps, hangupAtMs }),
      target: phone.sipAddress,
      service: LINE.number,
      auth: { user: LINE.user, password: LINE.password },
      files: [audio, askAgain],
      timeoutS: Math.ceil(hangupAtMs / 1000) + 40,
    });
    const room = (await phone.phoneCall(`sip_${KNOWN_CALLER.number}`, 30_000)).room;
    const statusRe = /Order 1 0 4 2 is shipped, arrives Friday/;
    await until('the order status read out', async () => (await agentLines(room)).find((l) => statusRe.test(l.text)), 60_000);

    const agentLog = phone.stack.services.find((s) => s.name === 'agent-worker')!.logFile;
    // Logs carry the room with the caller's number hashed (redaction): find it by its random suffix.
    const pid = jobPidForRoom(agentLog, room.slice(room.lastIndexOf('_') + 1));
    const killedAt = Date.now();
    execFileSync('kill', ['-9', String(pid)]);
    const back = await until(
      'the resumed agent',
      async () => (await agentLines(room)).find((l) => /Sorry, I lost you for a moment — you were asking about order 1042\./.test(l.text)),
      30_000,
    );
    console.log(`[crash-resume-phone] job process ${pid} killed; the resumed agent's first line ${back.atMs - killedAt} ms after the kill`);

    const r = await call;
    expect(r.code, r.output.slice(-2000)).toBe(0); // the caller hung up themselves, at the scenario's end
    await until('the call record closed', async () => (await callDetail(phone.database.db, room))?.call.endedAt ?? null, 30_000);
    const detail = (await callDetail(phone.database.db, room))!;
    console.log(detail.transcript.map((t) => `  ${t.seq} ${t.speaker}: ${t.text}`).join('\n'));

    // Asked again after the crash, the order is read out without asking for the code again.
    const after = detail.transcript.filter((l) => l.speaker === 'agent' && l.seq > back.seq).map((l) => l.text);
    expect(after.join(' ')).toMatch(statusRe);
    expect(after.join(' ')).not.toMatch(/your code|verify you/);
    // One call, its lines numbered without a hole or a repeat across the crash, the gap marked.
    expect((await phone.phoneCalls(`sip_${KNOWN_CALLER.number}`)).filter((c) => c.room === room)).toHaveLength(1);
    const seqs = detail.transcript.map((l) => l.seq);
    expect(seqs).toEqual([...seqs.keys()]);
    expect(detail.call.resumes).toHaveLength(1);
    const gap = detail.call.resumes[0]!;
    expect(gap.cause).toBe('job_exit');
    expect(gap.resumedAtMs).toBeGreaterThan(gap.lostAtMs);
    console.log(`[crash-resume-phone] call record gap: ${gap.resumedAtMs! - gap.lostAtMs} ms (server: lost → resumed agent's first audio)`);
  }, 240_000);
});
