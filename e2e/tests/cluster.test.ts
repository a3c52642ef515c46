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
import { RoomServiceClient } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKER_ATTRIBUTE } from '@voice-widget/protocol';
import { type Cluster, type ClusterNode, REPO_ROOT, startCluster } from '@voice-widget/stack';
import { RECORDINGS, SyntheticCaller, disposeRtc, loadUtterance } from '@voice-widget/testkit';

const DIR = join(REPO_ROOT, '.state', 'e2e-cluster');
const ORIGIN = 'https://shop.example';
const utterance = loadUtterance(RECORDINGS.goforward.file);

describe('cluster: two LiveKit nodes, two agent workers, two servers on one database', () => {
  let cluster: Cluster;
  const callers: SyntheticCaller[] = [];
  /** Nodes still running. */
  const liveNodes = () => cluster.nodes.filter((n) => n.service.child.exitCode === null && n.service.child.signalCode === null);
  const rooms = (node: ClusterNode) => new RoomServiceClient(node.httpUrl, cluster.apiKey, cluster.apiSecret);
  const until = async <T>(what: string, get: () => Promise<T | null | undefined>, timeoutMs = 30_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await get().catch(() => null);
      if (v !== null && v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  /** The worker running a room's agent, from its participant's `voice.worker` attribute. */
  const workerOf = (room: string) =>
    until(`agent participant in ${room}`, async () => {
      const ps = await rooms(liveNodes()[0]!).listParticipants(room);
      return ps.map((p) => p.attributes[WORKER_ATTRIBUTE]).find(Boolean);
    });
  const nodeOf = (room: string) => until(`node of ${room}`, () => cluster.roomNode(room));
  /** A caller through `server` that heard the greeting; returns it with its room's node and worker. */
  const call = async (server: Cluster['servers'][number], extra: { demo?: string } = {}, agentTimeoutMs = 40_000) => {
    const c = new SyntheticCaller();
    callers.push(c);
    try {
      await c.join(server.url, 'acme', ORIGIN, agentTimeoutMs, extra);
    } catch (err) {
      await c.leave().catch(() => {});
      throw err;
    }
    await c.waitForQuiet(800, 20_000); // the greeting
    const room = c.session!.room;
    return { caller: c, room, node: await nodeOf(room), worker: await workerOf(room) };
  };
  /** Says one utterance and expects the agent's answer (a new audio onset after the speech). */
  const answered = async (c: SyntheticCaller) => {
    const before = c.turns.length;
    await c.say(utterance, 20_000);
    return c.turns.length === before + 1;
  };
  /**
   * Ends every call still in a room and waits until LiveKit has seen both workers free again: a room
   * whose callers left keeps its agent until LiveKit closes it (departure timeout 20 s), and a room
   * created while every worker is full is never offered to one (LiveKit does not retry the dispatch).
   */
  const freeWorkers = async () => {
    const lk = rooms(liveNodes()[0]!);
    for (const r of await lk.listRooms()) await lk.deleteRoom(r.name).catch(() => {});
    await until('rooms closed', async () => ((await lk.listRooms()).length === 0 ? true : null));
    await new Promise((r) => setTimeout(r, 3_000)); // workers report their load every 2.5 s
  };
  const admin = async (server: Cluster['servers'][number], method: string, path: string, body?: unknown) => {
    const res = await fetch(new URL(path, server.url), {
      method,
      headers: { Authorization: `Bearer ${cluster.adminKey}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  beforeAll(async () => {
    cluster = await startCluster({
      dir: DIR,
      agentEnv: { AGENT_MAX_CALLS: '1', AGENT_IDLE_PROCESSES: '1' },
      serverEnv: { SESSIONS_RATE_PER_MIN: '100', SWEEP_INTERVAL_S: '1' },
    });
  });
  afterAll(async () => {
    await Promise.all(callers.map((c) => c.leave().catch(() => {})));
    await cluster?.stop();
    await disposeRtc(); // rtc-node's FFI would keep the worker alive
  });

  it('spreads callers over both nodes and both workers, through both servers; each hears a greeting and an answer', async () => {
    const [a, b] = cluster.servers;
    const first = await call(a!);
    const second = await call(b!);
    console.log(`calls: ${first.room} on ${first.node} by ${first.worker}; ${second.room} on ${second.node} by ${second.worker}`);
    expect(new Set([first.node, second.node])).toEqual(new Set(['lk-1', 'lk-2']));
    expect(new Set([first.worker, second.worker])).toEqual(new Set(['worker-1', 'worker-2']));
    expect(first.caller.onsets.length).toBeGreaterThanOrEqual(1); // the greeting
    expect(await answered(first.caller)).toBe(true);
    expect(await answered(second.caller)).toBe(true);
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
    await freeWorkers();
    const [a] = cluster.servers;
    const drained = await call(a!);
    const worker = cluster.workers.find((w) => w.name === drained.worker)!;
    const other = cluster.workers.find((w) => w !== worker)!;
    const exited = worker.service.exited.then((code) => ({ code, at: Date.now() }));
    process.kill(-worker.service.child.pid!, 'SIGTERM'); // the whole group, as systemd would: job processes ignore it
    await new Promise((r) => setTimeout(r, 3_000)); // LiveKit hears "full" from the draining worker
    expect(await answered(drained.caller)).toBe(true); // the call goes on
    const next = await call(a!);
    console.log(`drain: ${drained.room} by ${drained.worker} answered after SIGTERM; new call ${next.room} by ${next.worker}`);
    expect(next.worker).toBe(other.name);
    expect(await answered(next.caller)).toBe(true);
    const leftAt = Date.now();
    await drained.caller.leave();
    const { code, at } = await exited;
    console.log(`drained worker exited (${code}) ${at - leftAt} ms after its last caller left`);
    expect(at).toBeGreaterThanOrEqual(leftAt); // it waited for the call
    await next.caller.leave();
  });
  // Losing a LiveKit node: cluster-node-loss.test.ts; a rolling restart: cluster-rolling-restart.test.ts.
});
