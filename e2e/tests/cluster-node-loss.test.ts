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
import { type Cluster, REPO_ROOT, isRunning } from '@voice-widget/stack';
import { type ClusterCalls, RECORDINGS, loadUtterance, startTestCluster, until } from '@voice-widget/testkit';

const DIR = join(REPO_ROOT, '.state', 'e2e-cluster-node-loss');
const ORIGIN = 'https://shop.example';
const utterance = loadUtterance(RECORDINGS.goforward.file);
/** What Node prints when an error escapes every handler (an `error` event nobody listens to, an uncaught throw). */
const CRASH_LINES = /Unhandled 'error' event|Uncaught|UnhandledPromiseRejection|triggerUncaughtException/;

describe('cluster: a LiveKit node lost', () => {
  let cluster: Cluster;
  let calls: ClusterCalls;

  let stop: () => Promise<void>;
  beforeAll(async () => {
    // Two calls per worker: the surviving worker takes new calls even while it still holds a job
    // whose room was on the lost node.
    ({ cluster, calls, stop } = await startTestCluster({ dir: DIR, maxCalls: 2, origin: ORIGIN, utterance }));
  });
  afterAll(() => stop?.());

  it('kill -9 of a node: new calls go to the other node and are answered; no worker dies; calls that were up are measured', async () => {
    const [a, b] = cluster.servers;
    const [lost, survivor] = cluster.nodes;
    // One call through each server (server-a's callers connect to lk-1, server-b's to lk-2); rooms
    // go to the node with fewer rooms, so the two calls are hosted one on each node.
    const before = [await calls.call(a!), await calls.call(b!)];
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
        return calls.call(b!, {}, 15_000);
      },
      90_000,
    );
    const recoveredMs = Date.now() - killedAt;
    expect(next.node).toBe(survivor!.name);
    expect(await calls.answered(next.caller)).toBe(true);

    // The calls that were up. What decides a call's fate is where its participants' signal
    // connections go, not which node hosted the room: a participant connected to the surviving
    // node is moved with the room to it (rtc-node's full reconnect; LiveKit makes the room again
    // there), one connected to the lost node has nowhere to go. So a call whose caller came through
    // server-b (lk-2) and whose agent is worker-2's (registered with lk-2) must go on.
    const outcomes: string[] = [];
    for (const c of before) {
      const survives = c.via === 'server-b' && c.worker === 'worker-2';
      const ok = await calls.answered(c.caller);
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
    for (const w of cluster.workers) expect(isRunning(w.service), `${w.name} alive`).toBe(true);
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
