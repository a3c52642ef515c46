/**
 * A LiveKit node lost (issue 15), on the loopback cluster (`startCluster`): two calls run, then
 * node `lk-1` is killed with SIGKILL — no drain, no goodbye to Redis, like a machine that died.
 * (SIGQUIT is not a kill: livekit-server treats it like SIGTERM and waits for its participants.)
 *
 * Asserts: new calls, created through the server that talks to the surviving node (in production,
 * the load balancer), land on `lk-2` and are answered; no agent worker process dies, and no process
 * of the pool logs an unhandled error, although every connection through `lk-1` broke.
 * Prints what happened to the calls that were up (when each caller was told, whether it still got
 * answers) and how long after the kill the first new call heard its agent (README, *Running as a
 * cluster*). Timings are printed, not bounded: a wall-clock bound here would be a flake.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKER_ATTRIBUTE } from '@voice-widget/protocol';
import { type Cluster, REPO_ROOT, startCluster } from '@voice-widget/stack';
import { RECORDINGS, SyntheticCaller, disposeRtc, loadUtterance } from '@voice-widget/testkit';
import { RoomServiceClient } from 'livekit-server-sdk';

const DIR = join(REPO_ROOT, '.state', 'e2e-cluster-node-loss');
const ORIGIN = 'https://shop.example';
const utterance = loadUtterance(RECORDINGS.goforward.file);
/** What Node prints when an error escapes every handler (an `error` event nobody listens to, an uncaught throw). */
const CRASH_LINES = /Unhandled 'error' event|Uncaught|UnhandledPromiseRejection|triggerUncaughtException/;

describe('cluster: a LiveKit node lost', () => {
  let cluster: Cluster;
  const callers: SyntheticCaller[] = [];
  const until = async <T>(what: string, get: () => Promise<T | null | undefined>, timeoutMs = 30_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await get().catch(() => null);
      if (v !== null && v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const survivingNode = () => cluster.nodes[1]!;
  const rooms = () => new RoomServiceClient(survivingNode().httpUrl, cluster.apiKey, cluster.apiSecret);
  const workerOf = (room: string) =>
    until(`agent participant in ${room}`, async () => (await rooms().listParticipants(room)).map((p) => p.attributes[WORKER_ATTRIBUTE]).find(Boolean));
  /** A caller through `server` that heard the greeting; returns it with its room's node and worker. */
  const call = async (server: Cluster['servers'][number], agentTimeoutMs = 40_000) => {
    const c = new SyntheticCaller();
    callers.push(c);
    try {
      await c.join(server.url, 'acme', ORIGIN, agentTimeoutMs);
    } catch (err) {
      await c.leave().catch(() => {});
      throw err;
    }
    await c.waitForQuiet(800, 20_000); // the greeting
    const room = c.session!.room;
    const node = await until(`node of ${room}`, () => cluster.roomNode(room));
    return { caller: c, room, node, worker: await workerOf(room), via: server.name, agent: c.agentIdentity };
  };
  /** Says one utterance; true when the agent answered (a new audio onset after the speech). */
  const answered = async (c: SyntheticCaller) => {
    const before = c.turns.length;
    await c.say(utterance, 20_000);
    return c.turns.length === before + 1;
  };
  const alive = (s: { service: { child: { exitCode: number | null; signalCode: string | null } } }) =>
    s.service.child.exitCode === null && s.service.child.signalCode === null;

  beforeAll(async () => {
    cluster = await startCluster({
      dir: DIR,
      // Two calls per worker: the surviving worker takes new calls even while it still holds a job
      // whose room was on the lost node.
      agentEnv: { AGENT_MAX_CALLS: '2', AGENT_IDLE_PROCESSES: '1' },
      serverEnv: { SESSIONS_RATE_PER_MIN: '100', SWEEP_INTERVAL_S: '1' },
    });
  });
  afterAll(async () => {
    await Promise.all(callers.map((c) => c.leave().catch(() => {})));
    await cluster?.stop();
    await disposeRtc(); // rtc-node's FFI would keep the worker alive
  });

  it('kill -9 of a node: new calls go to the other node and are answered; no worker dies; calls that were up are measured', async () => {
    const [a, b] = cluster.servers;
    const [lost, survivor] = cluster.nodes;
    // One call through each server (server-a's callers connect to lk-1, server-b's to lk-2); rooms
    // go to the node with fewer rooms, so the two calls are hosted one on each node.
    const before = [await call(a!), await call(b!)];
    for (const c of before) console.log(`before: ${c.room} on ${c.node} by ${c.worker}, caller via ${c.via}`);
    expect(new Set(before.map((c) => c.node))).toEqual(new Set(['lk-1', 'lk-2']));

    const killedAt = Date.now();
    lost!.service.child.kill('SIGKILL');
    await lost!.service.exited;

    let attempts = 0;
    const next = await until(
      'a new call after the node loss',
      async () => {
        attempts++;
        return call(b!, 15_000);
      },
      90_000,
    );
    const recoveredMs = Date.now() - killedAt;
    expect(next.node).toBe(survivor!.name);
    expect(await answered(next.caller)).toBe(true);

    // The calls that were up. What decides a call's fate is where its participants' signal
    // connections go, not which node hosted the room: a participant connected to the surviving
    // node is moved with the room to it (rtc-node's full reconnect; LiveKit makes the room again
    // there), one connected to the lost node has nowhere to go. So a call whose caller came through
    // server-b (lk-2) and whose agent is worker-2's (registered with lk-2) must go on.
    const outcomes: string[] = [];
    for (const c of before) {
      const survives = c.via === 'server-b' && c.worker === 'worker-2';
      const ok = await answered(c.caller);
      if (survives) expect(ok, `${c.room} answered after the kill`).toBe(true);
      else await until(`caller of ${c.room} told`, async () => c.caller.disconnectedAt ?? (c.caller.agentPresent ? null : Date.now()), 60_000);
      const since = (t: number | null | undefined) => (t ? `${t - killedAt} ms` : 'never');
      const reconnected = c.caller.reconnects.find((r) => r.event === 'reconnected')?.at;
      outcomes.push(
        `${c.room} (room on ${c.node}, now ${await cluster.roomNode(c.room)}; agent of ${c.worker}; caller via ${c.via}): ` +
          `caller reconnected ${since(reconnected)}, disconnected ${since(c.caller.disconnectedAt)} after the kill; answered after it: ${ok}; agent: ${!c.caller.agentPresent ? 'gone' : c.caller.agentIdentity === c.agent ? 'the same' : 'a new one (resumed)'}`,
      );
    }
    const firstAudioMs = (next.caller.onsets[0] ?? Number.NaN) - killedAt;
    console.log(`node lost: first new call heard its agent ${firstAudioMs} ms after the kill, its greeting over at ${recoveredMs} ms (attempt ${attempts}), on ${next.node} by ${next.worker}`);
    for (const o of outcomes) console.log(`node lost: ${o}`);

    // Every worker is still up — also worker-1, whose own node is gone (it keeps retrying) — and no
    // process of the pool (workers, their job processes) printed an error that escaped its handlers.
    for (const w of cluster.workers) expect(alive(w), `${w.name} alive`).toBe(true);
    for (const w of cluster.workers) {
      const crashes = readFileSync(w.service.logFile, 'utf8').split('\n').filter((l) => CRASH_LINES.test(l));
      expect(crashes, `${w.name}: ${crashes.join(' | ')}`).toEqual([]);
    }
    // The machine comes back: worker-1 registers with it again and the pool is whole.
    const registrations = () => readFileSync(cluster.workers[0]!.service.logFile, 'utf8').split('\n').filter((l) => l.includes('"registered worker"')).length;
    expect(registrations()).toBe(1);
    const restartAt = Date.now();
    await lost!.restart();
    await until('worker-1 registered again', async () => (registrations() === 2 ? true : null), 40_000);
    console.log(`node lost: ${lost!.name} restarted; worker-1 registered again ${Date.now() - restartAt} ms later (${Math.round((restartAt - killedAt) / 1000)} s after the kill)`);
    await Promise.all([next.caller.leave(), ...before.map((c) => c.caller.leave())]);
  });
});
