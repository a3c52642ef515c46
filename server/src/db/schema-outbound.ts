import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, real, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { AmdEvidence, BeepEvidence, CallContext } from '@voice-widget/protocol';
import { agents, calls, demoLinks } from './schema.ts';

/**
 * Outbound calls (issue 13): a queue of calls to place, each one's dial result and SIP status,
 * who answered (the agent's answering-machine detection, with its evidence) and the voicemail it
 * left; and the do-not-call list checked before every dial.
 */
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const outboundCalls = pgTable(
  'outbound_calls',
  {
    id: serial('id').primaryKey(),
    agentId: integer('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
    /** The number called, E.164 (never logged). */
    number: text('number').notNull(),
    /** Who is called and why (personal data: name, the lead's request). */
    context: jsonb('context').$type<CallContext>().notNull(),
    /** The callee's time zone when the request gave one; else calling hours use the number's country. */
    timeZone: text('time_zone'),
    ringTimeoutS: integer('ring_timeout_s'),
    source: text('source', { enum: ['admin', 'demo_callback'] }).notNull(),
    demoLinkId: integer('demo_link_id').references(() => demoLinks.id, { onDelete: 'set null' }),
    /** HMAC of the requesting visitor's IP (demo callbacks: per-IP budgets). */
    ipHash: text('ip_hash'),
    idempotencyKey: text('idempotency_key'),
    /** A demo call-back's consent: the text the visitor agreed to and when (ISO 8601); null for admin calls. */
    consent: jsonb('consent').$type<{ text: string; at: string }>(),
    status: text('status', { enum: ['queued', 'dialing', 'ringing', 'answered', 'busy', 'no_answer', 'failed', 'cancelled'] })
      .notNull()
      .default('queued'),
    failureReason: text('failure_reason'),
    sipStatusCode: integer('sip_status_code'),
    sipStatus: text('sip_status'),
    /** Not dialled before this (calling hours; a busy demo link). */
    notBefore: ts('not_before').notNull().defaultNow(),
    createdAt: ts('created_at').notNull().defaultNow(),
    dialedAt: ts('dialed_at'),
    ringingAt: ts('ringing_at'),
    answeredAt: ts('answered_at'),
    endedAt: ts('ended_at'),
    /** The call record (room, transcript) once dialling started. */
    callId: integer('call_id').references(() => calls.id, { onDelete: 'set null' }),
    room: text('room'),
    /** Final AMD decision (after a beep revised it, if one did) and the first one when revised. */
    amdDecision: text('amd_decision', { enum: ['human', 'machine_greeting', 'machine_beep', 'unknown'] }),
    amdFirstDecision: text('amd_first_decision', { enum: ['human', 'machine_greeting', 'machine_beep', 'unknown'] }),
    amdReason: text('amd_reason'),
    /** ms from answer to the first decision. */
    amdTimeToDecisionMs: real('amd_time_to_decision_ms'),
    amdEvidence: jsonb('amd_evidence').$type<AmdEvidence>(),
    voicemailReadyReason: text('voicemail_ready_reason', { enum: ['beep', 'greeting_end', 'timeout'] }),
    voicemailBeep: jsonb('voicemail_beep').$type<BeepEvidence>(),
    /** When the message started playing, ms since answer. */
    voicemailStartedMs: real('voicemail_started_ms'),
    /** The message's start minus the beep's end, ms (null without a beep). */
    voicemailAfterBeepMs: real('voicemail_after_beep_ms'),
    voicemailFinished: boolean('voicemail_finished').notNull().default(false),
    /** The agent hung up on a machine without a message. */
    machineHangup: boolean('machine_hangup').notNull().default(false),
  },
  (t) => [
    index('outbound_due_idx').on(t.status, t.notBefore),
    index('outbound_agent_idx').on(t.agentId, t.createdAt),
    uniqueIndex('outbound_room_idx').on(t.room),
    uniqueIndex('outbound_idempotency_idx').on(t.agentId, t.idempotencyKey),
  ],
);

/** Numbers never to call (E.164): added by an operator or by the callee asking on a call. */
export const doNotCall = pgTable('do_not_call', {
  number: text('number').primaryKey(),
  source: text('source', { enum: ['admin', 'callee_request'] }).notNull(),
  note: text('note').notNull().default(''),
  /** The call on which the callee asked, if any. */
  callId: integer('call_id'),
  createdAt: ts('created_at').notNull().default(sql`now()`),
});
