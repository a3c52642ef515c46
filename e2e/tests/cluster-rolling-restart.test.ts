/**
 * A rolling restart of every agent worker and every server instance during a live call (issue 15),
 * on the loopback cluster (`startCluster`), each step as an operator would do it:
 * - a worker: start its replacement, wait until it is ready, SIGTERM the old one's process group —
 *   it drains (reports full, takes no job, finishes its calls, exits);
 * - a server: SIGTERM it (it drains its requests), start it again on the same port; meanwhile the
 *   other instance answers, as behind a load balancer.
 * After every step the live call still gets answers, and a new call is answered by a worker that
 * is not draining; one new call is made while a server is down. At the end the caller hangs up and
 * every old worker exits. Timings are printed, not bounded.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, REPO_ROOT } from '@voice-widget/stack';
import { type ClusterCalls, RECORDINGS, loadUtterance, startTestCluster } from '@voice-widget/testkit';

const DIR = join(REPO_ROOT, '.state', 'e2e-cluster-rolling-restart');
const ORIGIN = 'https://shop.example';
const utterance = loadUtterance(RECORDINGS.goforward.file);

describe('cluster: rolling restart of every worker and server during a call', () => {
  let cluster: Cluster;
  let calls: ClusterCalls;
  const draining = new Set<string>();
  /** A new call through `server`, answered by a worker that is not draining. */
  const newCallWorks = async (server: Cluster['servers'][number], step: string) => {
    const n = await calls.call(server);
    console.log(`${step}: new call ${n.room} through ${server.name} by ${n.worker}`);
    expect(draining.has(n.worker), `${n.worker} is draining`).toBe(false);
    expect(await calls.answered(n.caller)).toBe(true);
    await calls.hangUp(n);
  };

  let stop: () => Promise<void>;
  beforeAll(async () => {
    // Two calls per worker: the live call and a new one can share the worker that is not draining.
    ({ cluster, calls, stop } = await startTestCluster({ dir: DIR, maxCalls: 2, origin: ORIGIN, utterance }));
  });
  afterAll(() => stop?.());

  it('restarts worker-1, worker-2, server-a and server-b in turn: the live call keeps its answers, new calls work throughout', async () => {
    const [a, b] = cluster.servers;
    const live = await calls.call(b!);
    const liveAgent = live.caller.agentIdentity;
    console.log(`live call ${live.room} by ${live.worker}`);
    const old = [...cluster.workers];
    const exits = old.map((w) => w.service.exited.then((code) => ({ name: w.name, code, at: Date.now() })));

    for (const [i, worker] of old.entries()) {
      const step = `restart ${worker.name}`;
      const startedAt = Date.now();
      await cluster.addWorker(`${worker.name}b`, i);
      draining.add(worker.name);
      process.kill(-worker.service.child.pid!, 'SIGTERM'); // the whole group, as systemd would: job processes ignore it
      await new Promise((r) => setTimeout(r, 3_000)); // LiveKit hears "full" from the draining worker (load every 2.5 s)
      console.log(`${step}: ${worker.name}b ready and ${worker.name} draining ${Date.now() - startedAt} ms after the step began`);
      expect(await calls.answered(live.caller), `live call answered after ${step}`).toBe(true);
      await newCallWorks(i === 0 ? a! : b!, step);
    }

    for (const [i, server] of cluster.servers.entries()) {
      const step = `restart ${server.name}`;
      const other = cluster.servers[1 - i]!;
      const startedAt = Date.now();
      const restarted = cluster.restartServer(server.name);
      await newCallWorks(other, `${step} (while it restarts)`); // the load balancer's other instance
      await restarted;
      console.log(`${step}: back ${Date.now() - startedAt} ms after its SIGTERM`);
      expect(await calls.answered(live.caller), `live call answered after ${step}`).toBe(true);
      await newCallWorks(server, step);
    }

    expect(live.caller.disconnectedAt).toBeNull();
    // One agent the whole call: no step lost it (the server would have marked a resume).
    expect(live.caller.agentIdentity).toBe(liveAgent);
    const record = await fetch(new URL(`/api/admin/calls/${live.room}`, a!.url), { headers: { Authorization: `Bearer ${cluster.adminKey}` } });
    expect(((await record.json()) as { call: { resumes: unknown[] } }).call.resumes).toEqual([]);
    const leftAt = Date.now();
    await calls.hangUp(live);
    const exited = await Promise.all(exits);
    console.log(exited.map((e) => `${e.name} exited (${e.code}) ${e.at - leftAt} ms after the live call ended`).join('; '));
    // The worker that held the live call drained: it waited for the call, then exited.
    expect(exited.find((e) => e.name === live.worker)!.at).toBeGreaterThanOrEqual(leftAt);
  }, 300_000);
});
