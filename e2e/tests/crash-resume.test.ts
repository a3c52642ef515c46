/**
 * A call that survives its agent (issue 15), on the single-node stack with a headless caller
 * (rtc-node): a signed-in caller asks about order 1042 (typed, so recognition is not the point),
 * then the job process serving the call is killed with SIGKILL. The worker sees its job process
 * gone and tells the server, which dispatches the agent again with the `resume` marker; the new
 * agent loads the conversation and says where it was. The test prints the gap the caller heard,
 * checks the next answer uses the order number said before the crash ("and when will it arrive?"
 * names no order), and that the call record is one call with the gap marked. Speed targets live in
 * `pnpm bench:resume`, not here.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, type Stack, startStack } from '@voice-widget/stack';
import { SyntheticCaller, jobPidForRoom, parentPid, until } from '@voice-widget/testkit';

const PAGE_ORIGIN = 'https://shop.example';

describe('a call survives its agent', () => {
  let stack: Stack;
  let identity: string;
  const callers: SyntheticCaller[] = [];

  const admin = async (path: string) => {
    const res = await fetch(new URL(path, stack.serverUrl), { headers: { Authorization: `Bearer ${stack.adminKey}` } });
    return res.json();
  };
  /** The call's transcript as the server holds it now (the live lines). */
  const transcript = async (room: string): Promise<{ seq: number; speaker: string; text: string }[]> => (await admin(`/api/admin/calls/${room}`)).transcript;
  /** The first agent line after `afterSeq` matching `re`. */
  const agentSays = (room: string, afterSeq: number, re: RegExp, timeoutMs = 30_000) =>
    until(`agent line ${re}`, async () => (await transcript(room)).find((l) => l.seq > afterSeq && l.speaker === 'agent' && re.test(l.text)), timeoutMs);
  const lastSeq = async (room: string) => (await transcript(room)).at(-1)?.seq ?? -1;

  const agentLog = () => stack.services.find((s) => s.name === 'agent-worker')!.logFile;
  /** The job process serving `room` now, from every worker's log. */
  const anyJobPid = (room: string): number =>
    jobPidForRoom(
      stack.services.filter((s) => s.name.startsWith('agent-worker')).map((s) => s.logFile),
      room,
    );

  /** A signed-in caller who asked about order 1042 and got the answer; returns the call's room. */
  const callAboutOrder = async (caller: SyntheticCaller) => {
    await caller.join(stack.serverUrl, 'acme', PAGE_ORIGIN, 60_000, { identity });
    const room = caller.session!.room;
    await agentSays(room, -1, /I'm an AI assistant/); // "Hi Ada": the stored transcript has the name redacted
    await caller.waitForQuiet(800, 20_000);
    const seq = await lastSeq(room);
    await caller.sendText('Where is my order 1042?');
    await agentSays(room, seq, /Order 1 0 4 2 is shipped, arrives Friday/);
    await caller.waitForQuiet(800, 20_000);
    return room;
  };

  beforeAll(async () => {
    stack = await startStack({ ephemeral: true, dir: join(REPO_ROOT, '.state', 'e2e-crash-resume'), demoSite: false, widget: false });
    const secret = (await admin('/api/admin/agents/acme/secret')).secret as string;
    // The host site signs its visitor's identity (README "Signed identity"): the call starts verified.
    identity = await new SignJWT({ name: 'Ada Lovelace' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('C-1815')
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(secret));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(callers.map((c) => c.leave().catch(() => {})));
    await stack?.stop();
  });

  it('kill -9 of the job process mid-call: the caller hears the agent again, the conversation is kept, one call with the gap marked', async () => {
    const caller = new SyntheticCaller();
    callers.push(caller);
    const room = await callAboutOrder(caller);
    const firstAgent = caller.agentIdentity;

    // The crash: SIGKILL, no goodbye, nothing flushed.
    const pid = jobPidForRoom(agentLog(), room);
    const lastHeard = caller.lastAgentAudioAt;
    const killedAt = Date.now();
    execFileSync('kill', ['-9', String(pid)]);
    const heardAgain = await until('the agent heard again', async () => caller.onsets.find((t) => t > killedAt), 30_000);
    const gapMs = heardAgain - Math.max(killedAt, lastHeard);
    console.log(`[crash-resume] job process ${pid} killed; the caller heard the agent again after ${gapMs} ms (kill → first audio ${heardAgain - killedAt} ms)`);
    expect(caller.agentIdentity).not.toBe(firstAgent); // a new agent, not the old one
    await agentSays(room, -1, /Sorry, I lost you for a moment — you were asking about order 1042\./);
    await caller.waitForQuiet(800, 20_000);

    // The conversation was kept: a question that names no order is answered about 1042, and the
    // caller is still verified (the tool needs it).
    const seq = await lastSeq(room);
    await caller.sendText('And when will it arrive?');
    await agentSays(room, seq, /Order 1 0 4 2 is shipped, arrives Friday/);

    await caller.leave();
    const detail = await callEnded(room);
    // One call, its lines numbered without a hole or a repeat across the crash, the gap marked.
    const calls = (await admin('/api/admin/calls?limit=10')).calls as { room: string }[];
    expect(calls.filter((c) => c.room === room)).toHaveLength(1);
    const seqs = (detail.transcript as { seq: number }[]).map((l) => l.seq);
    expect(seqs).toEqual([...seqs.keys()]);
    expect(detail.call.resumes).toHaveLength(1);
    const gap = detail.call.resumes[0];
    expect(gap.cause).toBe('job_exit');
    expect(gap.lostIdentity).toBe(firstAgent);
    expect(gap.resumedAtMs).toBeGreaterThan(gap.lostAtMs);
    expect(gap.lostAtMs).toBeGreaterThanOrEqual(killedAt - 50);
    console.log(`[crash-resume] call record gap: ${gap.resumedAtMs - gap.lostAtMs} ms (server: lost → resumed agent's first audio)`);
  }, 180_000);

  it('kill -9 of the whole worker mid-call: its orphaned job hands the call over, another worker resumes it', async () => {
    await stack.addAgentWorker('agent-worker-2');
    const caller = new SyntheticCaller();
    callers.push(caller);
    const room = await callAboutOrder(caller);
    const firstAgent = caller.agentIdentity;
    const worker = parentPid(anyJobPid(room));
    const lastHeard = caller.lastAgentAudioAt;
    const killedAt = Date.now();
    execFileSync('kill', ['-9', String(worker)]);
    const heardAgain = await until('the agent heard again', async () => caller.onsets.find((t) => t > killedAt), 30_000);
    console.log(`[crash-resume] worker ${worker} killed; the caller heard the agent again after ${heardAgain - Math.max(killedAt, lastHeard)} ms`);
    const seq = await lastSeq(room);
    await agentSays(room, -1, /Sorry, I lost you for a moment — you were asking about order 1042\./);
    expect(caller.agentIdentity).not.toBe(firstAgent);
    await caller.waitForQuiet(800, 20_000);
    await caller.sendText('And when will it arrive?');
    await agentSays(room, seq, /Order 1 0 4 2 is shipped, arrives Friday/);
    expect(parentPid(anyJobPid(room))).not.toBe(worker); // served by the other worker now

    await caller.leave();
    const detail = await callEnded(room);
    expect(detail.call.resumes).toHaveLength(1);
    expect(detail.call.resumes[0]).toMatchObject({ cause: 'worker_exit', lostIdentity: firstAgent });
    expect(detail.call.resumes[0].resumedAtMs).toBeGreaterThan(detail.call.resumes[0].lostAtMs);
    const seqs = (detail.transcript as { seq: number }[]).map((l) => l.seq);
    expect(seqs).toEqual([...seqs.keys()]);
  }, 180_000);

  /** The call's detail once the server has closed it. */
  const callEnded = (room: string) =>
    until(
      'the call ended',
      async () => {
        const d = await admin(`/api/admin/calls/${room}`);
        return d.call.endedAt ? d : null;
      },
      40_000,
    );
});
