import { dispose as disposeRtc } from '@livekit/rtc-node';
import { RoomServiceClient } from 'livekit-server-sdk';
import { WORKER_ATTRIBUTE } from '@voice-widget/protocol';
import { type Cluster, isRunning, startCluster } from '@voice-widget/stack';
import { SyntheticCaller, type Utterance } from './synthetic-caller.ts';

/** A call on the cluster whose caller heard the greeting. */
export interface ClusterCall {
  caller: SyntheticCaller;
  room: string;
  /** Node hosting the room when the call began (`lk-1` …), from LiveKit's routing table. */
  node: string;
  /** `WORKER_NAME` of the worker running its agent (the agent participant's `voice.worker`). */
  worker: string;
  /** The server instance the session was created through (its callers connect to that instance's node). */
  via: string;
  /** The agent participant's identity when the call began. */
  agent: string | null;
}

/**
 * Polls `get` every 250 ms until it returns a value (errors count as none).
 * @throws Error naming `what` after `timeoutMs`.
 */
export async function until<T>(what: string, get: () => Promise<T | null | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await get().catch(() => null);
    if (v !== null && v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Synthetic callers on a running {@link Cluster} (the cluster e2e tests): each joins through one
 * server instance for agent `acme` from page `origin`, and speaks `utterance` when asked for an
 * answer. LiveKit's room API is asked through the first node still running.
 */
export function clusterCalls(cluster: Cluster, opts: { origin: string; utterance: Utterance }) {
  const callers: SyntheticCaller[] = [];
  const rooms = () => {
    const node = cluster.nodes.find((n) => isRunning(n.service));
    if (!node) throw new Error('no LiveKit node running');
    return new RoomServiceClient(node.httpUrl, cluster.apiKey, cluster.apiSecret);
  };
  const workerOf = (room: string) =>
    until(`agent participant in ${room}`, async () => (await rooms().listParticipants(room)).map((p) => p.attributes[WORKER_ATTRIBUTE]).find(Boolean));
  return {
    rooms,
    /**
     * A caller through `server` that heard the greeting (the agent quiet for 800 ms).
     * @throws Error when the session is refused or no agent audio comes within `agentTimeoutMs`.
     */
    async call(server: Cluster['servers'][number], extra: { demo?: string } = {}, agentTimeoutMs = 40_000): Promise<ClusterCall> {
      const c = new SyntheticCaller();
      callers.push(c);
      try {
        await c.join(server.url, 'acme', opts.origin, agentTimeoutMs, extra);
      } catch (err) {
        await c.leave().catch(() => {});
        throw err;
      }
      await c.waitForQuiet(800, 20_000); // the greeting
      const room = c.session!.room;
      const node = await until(`node of ${room}`, () => cluster.roomNode(room));
      return { caller: c, room, node, worker: await workerOf(room), via: server.name, agent: c.agentIdentity };
    },
    /** Says the utterance; true when the agent answered (a new audio onset after the speech, within 20 s). */
    async answered(c: SyntheticCaller): Promise<boolean> {
      const before = c.turns.length;
      await c.say(opts.utterance, 20_000);
      return c.turns.length === before + 1;
    },
    /** Hangs up and closes the room at once, so its job does not hold a worker for LiveKit's 20 s departure timeout. */
    async hangUp(c: ClusterCall): Promise<void> {
      await c.caller.leave();
      await rooms().deleteRoom(c.room).catch(() => {});
    },
    /**
     * Ends every call still in a room and waits until LiveKit has heard every running worker report
     * itself free: a room whose callers left keeps its agent until LiveKit closes it (departure
     * timeout 20 s), and a room created while every worker is full is never offered to one (LiveKit
     * does not retry the dispatch). A job outlives its room by its shutdown (seconds on a busy
     * machine), so this asks each worker's `/worker` report for `active_jobs` 0 rather than
     * guessing a delay; then one load report (every 2.5 s, @livekit/agents worker.ts
     * `UPDATE_LOAD_INTERVAL`) carries that to LiveKit.
     * @throws Error when rooms or jobs are still there after 30 s.
     */
    async freeWorkers(): Promise<void> {
      const lk = rooms();
      for (const r of await lk.listRooms()) await lk.deleteRoom(r.name).catch(() => {});
      await until('rooms closed', async () => ((await lk.listRooms()).length === 0 ? true : null));
      const running = cluster.workers.filter((w) => isRunning(w.service));
      await until('workers without jobs', async () => {
        const reports = await Promise.all(running.map(async (w) => ((await (await fetch(new URL('/worker', w.httpUrl), { signal: AbortSignal.timeout(2_000) })).json()) as { active_jobs: number }).active_jobs));
        return reports.every((n) => n === 0) ? true : null;
      });
      await new Promise((r) => setTimeout(r, 3_000));
    },
    /** Every caller made here leaves (the tests' afterAll). */
    leaveAll: () => Promise.all(callers.map((c) => c.leave().catch(() => {}))),
  };
}

/** What {@link clusterCalls} returns. */
export type ClusterCalls = ReturnType<typeof clusterCalls>;

/**
 * Starts the cluster as its e2e tests run it — each worker taking at most `maxCalls` calls
 * (`AGENT_MAX_CALLS`) with one idle job process, sessions limited to 100 a minute, the sweeper
 * every second — with {@link clusterCalls} on it. `stop()` hangs up every caller, stops the
 * cluster and releases rtc-node's native side (which would keep the test process alive).
 */
export async function startTestCluster(opts: { dir: string; maxCalls: number; origin: string; utterance: Utterance }) {
  const cluster = await startCluster({
    dir: opts.dir,
    agentEnv: { AGENT_MAX_CALLS: String(opts.maxCalls), AGENT_IDLE_PROCESSES: '1' },
    serverEnv: { SESSIONS_RATE_PER_MIN: '100', SWEEP_INTERVAL_S: '1' },
  });
  const calls = clusterCalls(cluster, opts);
  const stop = async () => {
    await calls.leaveAll();
    await cluster.stop();
    await disposeRtc();
  };
  return { cluster, calls, stop };
}
