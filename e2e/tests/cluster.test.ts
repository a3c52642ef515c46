/**
 * The cluster (issue 15), every part real: two livekit-server nodes sharing Redis (127.0.0.2 and
 * 127.0.0.3), two agent workers (worker-N registered with lk-N), two server instances on one
 * PostgreSQL (rate limits in Redis), the offline model as its own service. Callers are synthetic
 * rtc-node callers speaking recorded speech (no browsers: two cores).
 *
 * Each worker takes one call at a time here (AGENT_MAX_CALLS=1), so LiveKit's load-based dispatch
 * has to use both workers for two concurrent calls; rooms go to the node with fewer rooms.
 * Which node hosts a room comes from LiveKit's routing table in Redis; which worker runs a job
 * from the `voice.worker` attribute the worker puts on the agent's participant.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, REPO_ROOT } from '@voice-widget/stack';
import { type ClusterCalls, RECORDINGS, loadUtterance, startTestCluster, until } from '@voice-widget/testkit';

const DIR = join(REPO_ROOT, '.state', 'e2e-cluster');
const ORIGIN = 'https://shop.example';
const utterance = loadUtterance(RECORDINGS.goforward.file);

describe('cluster: two LiveKit nodes, two agent workers, two servers on one database', () => {
  let cluster: Cluster;
  let calls: ClusterCalls;
  const admin = async (server: Cluster['servers'][number], method: string, path: string, body?: unknown) => {
    const res = await fetch(new URL(path, server.url), {
      method,
      headers: { Authorization: `Bearer ${cluster.adminKey}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ cluster, calls, stop } = await startTestCluster({ dir: DIR, maxCalls: 1, origin: ORIGIN, utterance }));
  });
  afterAll(() => stop?.());

  it('spreads callers over both nodes and both workers, through both servers; each hears a greeting and an answer', async () => {
    const [a, b] = cluster.servers;
    const first = await calls.call(a!);
    const second = await calls.call(b!);
    console.log(`calls: ${first.room} on ${first.node} by ${first.worker}; ${second.room} on ${second.node} by ${second.worker}`);
    expect(new Set([first.node, second.node])).toEqual(new Set(['lk-1', 'lk-2']));
    expect(new Set([first.worker, second.worker])).toEqual(new Set(['worker-1', 'worker-2']));
    expect(first.caller.onsets.length).toBeGreaterThanOrEqual(1); // the greeting
    expect(await calls.answered(first.caller)).toBe(true);
    expect(await calls.answered(second.caller)).toBe(true);
    await Promise.all([first.caller.leave(), second.caller.leave()]);
  });

  it("holds a demo link's concurrency budget when its calls are created through both servers at once; rate limits are counted once", async () => {
    const [a, b] = cluster.servers;
    const link = await admin(a!, 'POST', '/api/admin/demo-links', { agent: 'acme', maxConcurrentCalls: 2, perIpPerHour: 100 });
    expect(link.status).toBe(201);
    const demoOrigin = new URL(link.body.url).origin;
    const attempts = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        fetch(new URL('/api/sessions', (i % 2 ? b : a)!.url), {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Origin: demoOrigin },
          body: JSON.stringify({ agent: 'acme', demo: link.body.slug }),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as { room?: string; error?: { code: string } } })),
      ),
    );
    const statuses = attempts.map((r) => r.status);
    console.log(`8 demo sessions at once, 4 through each server, link capped at 2: ${statuses.join(' ')}`);
    expect(statuses.filter((s) => s === 201)).toHaveLength(2);
    expect(attempts.filter((r) => r.status === 429).every((r) => r.body.error?.code === 'demo_busy')).toBe(true);
    expect(statuses.filter((s) => s === 429)).toHaveLength(6);
    // The sessions' rate limiter is one count in Redis: a request through b sees the one through a.
    const remaining = async (server: Cluster['servers'][number]) => {
      const r = await fetch(new URL('/api/sessions', server.url), { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: ORIGIN }, body: '{}' });
      return Number(/r=(\d+)/.exec(r.headers.get('ratelimit') ?? '')?.[1]);
    };
    const viaA = await remaining(a!);
    const viaB = await remaining(b!);
    console.log(`sessions rate limit remaining: ${viaA} via server-a, then ${viaB} via server-b`);
    expect(viaB).toBe(viaA - 1);
  });

  it('drains a worker on SIGTERM: its call goes on to a normal end, new calls go to the other worker', async () => {
    await calls.freeWorkers();
    const [a] = cluster.servers;
    const drained = await calls.call(a!);
    const worker = cluster.workers.find((w) => w.name === drained.worker)!;
    const other = cluster.workers.find((w) => w !== worker)!;
    const exited = worker.service.exited.then((code) => ({ code, at: Date.now() }));
    process.kill(-worker.service.child.pid!, 'SIGTERM'); // the whole group, as systemd would: job processes ignore it
    await new Promise((r) => setTimeout(r, 3_000)); // LiveKit hears "full" from the draining worker
    expect(await calls.answered(drained.caller)).toBe(true); // the call goes on
    const next = await calls.call(a!);
    console.log(`drain: ${drained.room} by ${drained.worker} answered after SIGTERM; new call ${next.room} by ${next.worker}`);
    expect(next.worker).toBe(other.name);
    expect(await calls.answered(next.caller)).toBe(true);
    const leftAt = Date.now();
    await drained.caller.leave();
    const { code, at } = await exited;
    console.log(`drained worker exited (${code}) ${at - leftAt} ms after its last caller left`);
    expect(at).toBeGreaterThanOrEqual(leftAt); // it waited for the call
    await next.caller.leave();
  });
  // Losing a LiveKit node: cluster-node-loss.test.ts; a rolling restart: cluster-rolling-restart.test.ts.
});
