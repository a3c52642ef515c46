import { RoomAgentDispatch, type RoomServiceClient, type SipClient } from 'livekit-server-sdk';
import type { Logger } from 'pino';
import { CALLEE_IDENTITY, type DispatchMetadata, OUTBOUND_READY_ATTRIBUTE } from '@voice-widget/protocol';
import type { Db } from '../db/client.ts';
import { HttpError } from '../errors.ts';
import { type AgentRow, findAgentById } from '../repo/agents.ts';
import { closeCall, markJoined } from '../repo/calls.ts';
import { findCustomerByPhone } from '../repo/customers.ts';
import { findDemoLinkById, reserveDemoCall } from '../repo/demo-links.ts';
import { type OutboundRow, cancelOutbound, claimDueCall, failStuckDials, findOutboundCall, requeueOutbound, updateOutbound } from '../repo/outbound-calls.ts';
import { openOutboundCallRecord } from '../repo/phone-calls.ts';
import { newId } from '../sessions.ts';
import type { OutboundTrunks } from '../sip/outbound-trunks.ts';
import { calleeZones, refusal } from './compliance.ts';
import { classifyDialError } from './dial-result.ts';

/** What the dialer needs; real LiveKit clients in production, fakes in unit tests. */
export interface DialerDeps {
  db: Db;
  rooms: Pick<RoomServiceClient, 'createRoom' | 'listParticipants' | 'deleteRoom'>;
  sip: Pick<SipClient, 'createSipParticipant'>;
  trunks: Pick<OutboundTrunks, 'find'>;
  /** Agent name the worker registers under (explicit dispatch). */
  agentName: string;
  log: Logger;
  /** How long the agent may take to be ready in the room before the call fails (`agent_unavailable`), ms. */
  agentReadyTimeoutMs?: number;
  /** Calls this server dials at once. */
  maxInFlight?: number;
  now?: () => Date;
}

/** A demo link's lines are busy: try its callback again this much later, ms. */
const BUSY_RETRY_MS = 60_000;

/**
 * Places queued outbound calls (repo/outbound-calls.ts): claims a due one (several servers may run
 * a dialer; each call is claimed once), checks it again (do-not-call, calling hours, the demo
 * link's budget), records the call, creates its room with the agent dispatched (`channel: phone`,
 * `direction: outbound`), waits until the agent is listening ({@link OUTBOUND_READY_ATTRIBUTE}), and
 * dials with `CreateSIPParticipant` (wait until answered, the agent's ring timeout). The answer, or
 * busy / no answer / failed with the SIP status, is recorded; on anything but an answer the room
 * is deleted. Ringing, who answered and the voicemail are reported by the agent.
 */
export class OutboundDialer {
  readonly #deps: Required<Pick<DialerDeps, 'agentReadyTimeoutMs' | 'maxInFlight' | 'now'>> & DialerDeps;
  #inFlight = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #ticking = false;
  #again = false;

  constructor(deps: DialerDeps) {
    this.#deps = { agentReadyTimeoutMs: 20_000, maxInFlight: 4, now: () => new Date(), ...deps };
  }

  /** Checks the queue now and every `intervalMs`. */
  start(intervalMs: number): void {
    this.kick();
    this.#timer = setInterval(() => this.kick(), intervalMs);
    this.#timer.unref();
  }

  /** Stops checking the queue (calls being dialled finish); resolves when they have. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await Promise.allSettled([...this.#inFlight]);
  }

  /** Looks at the queue at once (a call was just queued). */
  kick(): void {
    if (this.#ticking) {
      this.#again = true;
      return;
    }
    this.#ticking = true;
    void this.#tick().finally(() => {
      this.#ticking = false;
      if (this.#again) {
        this.#again = false;
        this.kick();
      }
    });
  }

  /** Claims and starts due calls up to the in-flight limit; also fails calls a dead server left dialling. */
  async #tick(): Promise<void> {
    const { db, log } = this.#deps;
    try {
      const lost = await failStuckDials(db, this.#deps.now(), 300);
      if (lost) log.warn({ lost }, 'outbound calls left dialling by a stopped server marked failed');
      while (this.#inFlight.size < this.#deps.maxInFlight) {
        const row = await claimDueCall(db, this.#deps.now());
        if (!row) break;
        const p = this.place(row).catch((err) => log.error({ err, id: row.id }, 'placing an outbound call failed'));
        this.#inFlight.add(p);
        void p.finally(() => this.#inFlight.delete(p));
      }
    } catch (err) {
      log.error({ err }, 'outbound dialer tick failed');
    }
  }

  /** Places one claimed call (status `dialing`); never throws for the call's own failures. */
  async place(row: OutboundRow): Promise<void> {
    const { db, log } = this.#deps;
    const now = this.#deps.now();
    const agent = await findAgentById(db, row.agentId);
    if (!agent?.enabled) return void (await cancelOutbound(db, row.id, 'agent_disabled', now));
    const settings = agent.config.outbound;
    const zones = calleeZones(row.number, row.timeZone);
    const refused = await refusal(db, { number: row.number, zones, hours: settings.callingHours, maxCallsPerDay: settings.maxCallsPerDay }, now);
    if (refused?.code === 'outside_calling_hours' && row.source === 'demo_callback' && refused.nextWindow) {
      await requeueOutbound(db, row.id, refused.nextWindow);
      return void log.info({ id: row.id, at: refused.nextWindow.toISOString() }, 'outbound call waits for calling hours');
    }
    if (refused) {
      await cancelOutbound(db, row.id, refused.code, now);
      return void log.info({ id: row.id, reason: refused.code }, 'outbound call cancelled before dialling');
    }
    const trunk = await this.#deps.trunks.find(settings.trunk);
    if (!trunk) return void (await this.#fail(row, 'outbound_trunk_missing', now));

    const room = newId('out');
    const opened = await this.#openRecord(row, agent, room, now);
    if (!opened) return;
    const metadata: DispatchMetadata = {
      agent: agent.slug,
      channel: 'phone',
      direction: 'outbound',
      agentVersion: agent.version,
      ...(settings.transferTo ? { transferTo: settings.transferTo } : {}),
    };
    try {
      await this.#deps.rooms.createRoom({
        name: room,
        emptyTimeout: 60,
        departureTimeout: 20,
        maxParticipants: 4,
        agents: [new RoomAgentDispatch({ agentName: this.#deps.agentName, metadata: JSON.stringify(metadata) })],
      });
    } catch (err) {
      log.error({ err: (err as Error).message, id: row.id }, 'creating the outbound room failed');
      return void (await this.#end(row, room, { status: 'failed', failureReason: 'room_unavailable' }));
    }
    if (!(await this.#agentReady(room))) {
      log.warn({ id: row.id, room }, 'no agent ready in the outbound room; not dialling');
      return void (await this.#end(row, room, { status: 'failed', failureReason: 'agent_unavailable' }));
    }
    const ringTimeoutS = row.ringTimeoutS ?? settings.ringTimeoutS;
    log.info({ id: row.id, room, trunk: settings.trunk, ringTimeoutS }, 'dialling');
    try {
      await this.#deps.sip.createSipParticipant(trunk.sipTrunkId, row.number, room, {
        participantIdentity: CALLEE_IDENTITY,
        participantName: 'Callee',
        waitUntilAnswered: true,
        ringingTimeout: ringTimeoutS,
        ...(opened.maxDurationS ? { maxCallDuration: opened.maxDurationS } : {}),
      });
    } catch (err) {
      const rang = Boolean((await findOutboundCall(db, row.id))?.ringingAt);
      const f = classifyDialError(err, rang);
      log.info({ id: row.id, room, status: f.status, sip: f.sipStatusCode, why: f.reason ?? undefined, err: f.reason === 'dial_error' ? (err as Error).message : undefined }, 'outbound call not answered');
      return void (await this.#end(row, room, { status: f.status, sipStatusCode: f.sipStatusCode, sipStatus: f.sipStatus, failureReason: f.reason }));
    }
    const answeredAt = this.#deps.now();
    const current = await findOutboundCall(db, row.id);
    await updateOutbound(db, row.id, { status: 'answered', sipStatusCode: 200, sipStatus: 'OK', answeredAt: current?.answeredAt ?? answeredAt });
    await markJoined(db, room, answeredAt);
    log.info({ id: row.id, room }, 'outbound call answered');
  }

  /** Records the call (and for a demo callback reserves the link's budget); false when it cannot go ahead. */
  async #openRecord(row: OutboundRow, agent: AgentRow, room: string, now: Date): Promise<{ maxDurationS: number | null } | false> {
    const { db } = this.#deps;
    const hinted = await findCustomerByPhone(db, row.number);
    const link = row.demoLinkId !== null ? await findDemoLinkById(db, row.demoLinkId) : undefined;
    if (row.source === 'demo_callback' && !link) {
      await cancelOutbound(db, row.id, 'demo_link_gone', now);
      return false;
    }
    try {
      const call = await db.transaction(async (tx) => {
        const maxDurationS = link ? await reserveDemoCall(tx, link, agent, row.ipHash ?? '', now, { checkIpRate: false }) : null;
        const rec = await openOutboundCallRecord(tx, {
          room,
          calleeIdentity: CALLEE_IDENTITY,
          agent,
          number: row.number,
          hintedCustomerId: hinted?.id ?? null,
          demoLinkId: link?.id ?? null,
          ipHash: row.ipHash,
          maxDurationS,
        }, now);
        await updateOutbound(tx, row.id, { callId: rec.id, room });
        return rec;
      });
      return { maxDurationS: call.maxDurationS };
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      if (err.code === 'demo_busy') {
        await requeueOutbound(db, row.id, new Date(now.getTime() + BUSY_RETRY_MS));
        return false;
      }
      await cancelOutbound(db, row.id, err.code, now);
      return false;
    }
  }

  /** Polls the room until the agent says it listens; false after the timeout. */
  async #agentReady(room: string): Promise<boolean> {
    const deadline = Date.now() + this.#deps.agentReadyTimeoutMs;
    while (Date.now() < deadline) {
      try {
        const ps = await this.#deps.rooms.listParticipants(room);
        if (ps.some((p) => p.attributes?.[OUTBOUND_READY_ATTRIBUTE] === 'ready')) return true;
      } catch {
        /* the room may not be listed yet */
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    return false;
  }

  /** A call that was not answered: its result, the room deleted, the record closed. */
  async #end(row: OutboundRow, room: string, result: Partial<OutboundRow> & { status: OutboundRow['status'] }): Promise<void> {
    const { db } = this.#deps;
    const now = this.#deps.now();
    await updateOutbound(db, row.id, { ...result, endedAt: now });
    await this.#deps.rooms.deleteRoom(room).catch(() => undefined);
    await closeCall(db, room, { endedAt: now, reason: `outbound_${result.status}`, outcome: 'abandoned' });
  }

  async #fail(row: OutboundRow, reason: string, now: Date): Promise<void> {
    await updateOutbound(this.#deps.db, row.id, { status: 'failed', failureReason: reason, endedAt: now });
    this.#deps.log.warn({ id: row.id, reason }, 'outbound call failed before dialling');
  }
}
