import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { AgentConfig, CallGap } from '@voice-widget/protocol';

/**
 * The database schema (PGlite and PostgreSQL alike). Change it here, then generate a migration:
 * `pnpm --filter @voice-widget/server exec drizzle-kit generate --name <what>`.
 * Times that come from clocks of the page or agent are `bigint` ms since epoch; server times are
 * `timestamptz`.
 */

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const ms = (name: string) => bigint(name, { mode: 'number' });

/** Admin API keys; only the SHA-256 of the key is stored. */
export const adminKeys = pgTable('admin_keys', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  keyHash: text('key_hash').notNull().unique(),
  /** First characters of the key, to tell keys apart in lists. */
  prefix: text('prefix').notNull(),
  /** `admin`: configures everything; `agent`: a person who takes calls in the console (auth.ts). */
  role: text('role', { enum: ['admin', 'agent'] }).notNull().default('admin'),
  createdAt: ts('created_at').notNull().defaultNow(),
  revokedAt: ts('revoked_at'),
});

/** One-time dashboard sign-in links (`npm run demo` prints one); only the SHA-256 is stored. */
export const signinTokens = pgTable('signin_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  /** The admin key whose holder asked for the link; the session it opens is that key's. */
  keyId: integer('key_id')
    .notNull()
    .references(() => adminKeys.id, { onDelete: 'cascade' }),
  expiresAt: ts('expires_at').notNull(),
  usedAt: ts('used_at'),
});

/** Dashboard sign-ins (cookie); only the SHA-256 of the session id is stored. */
export const adminSessions = pgTable('admin_sessions', {
  idHash: text('id_hash').primaryKey(),
  keyId: integer('key_id')
    .notNull()
    .references(() => adminKeys.id, { onDelete: 'cascade' }),
  expiresAt: ts('expires_at').notNull(),
});

export const agents = pgTable('agents', {
  id: serial('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  currentVersion: integer('current_version').notNull(),
  enabled: boolean('enabled').notNull().default(true),
  /**
   * The agent's secret (base64url, 256 bits): site owners sign caller identities with it (HS256
   * JWT) and the server signs requests to the agent's tool endpoints with it (HMAC-SHA256).
   */
  secret: text('secret'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** Every configuration an agent ever had; never updated in place. */
export const agentVersions = pgTable(
  'agent_versions',
  {
    agentId: integer('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    config: jsonb('config').$type<AgentConfig>().notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.version] })],
);

export const demoLinks = pgTable('demo_links', {
  id: serial('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  reportSlug: text('report_slug').notNull().unique(),
  agentId: integer('agent_id')
    .notNull()
    .references(() => agents.id, { onDelete: 'cascade' }),
  label: text('label').notNull().default(''),
  expiresAt: ts('expires_at').notNull(),
  revokedAt: ts('revoked_at'),
  budgetSeconds: integer('budget_seconds').notNull(),
  /** Talk time of ended calls, seconds. */
  usedSeconds: real('used_seconds').notNull().default(0),
  maxCallSeconds: integer('max_call_seconds').notNull(),
  maxConcurrentCalls: integer('max_concurrent_calls').notNull(),
  perIpPerHour: integer('per_ip_per_hour').notNull(),
  leadCapture: boolean('lead_capture').notNull().default(false),
  /** The page offers "call me back" (an outbound call within this link's budgets). */
  callback: boolean('callback').notNull().default(false),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const calls = pgTable(
  'calls',
  {
    id: serial('id').primaryKey(),
    /** LiveKit room name; the session id. */
    room: text('room').notNull().unique(),
    agentId: integer('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
    agentVersion: integer('agent_version').notNull(),
    channel: text('channel', { enum: ['web', 'phone'] }).notNull(),
    demoLinkId: integer('demo_link_id').references(() => demoLinks.id, { onDelete: 'set null' }),
    callerIdentity: text('caller_identity').notNull(),
    origin: text('origin'),
    /** HMAC of the caller's IP (per-IP budgets without storing the address). */
    ipHash: text('ip_hash'),
    createdAt: ts('created_at').notNull().defaultNow(),
    /** Web calls: the caller's last moment to join (token and join window); null for phone calls. */
    joinBy: ts('join_by'),
    /** When the caller joined the room (webhook). */
    joinedAt: ts('joined_at'),
    endedAt: ts('ended_at'),
    outcome: text('outcome', { enum: ['completed', 'transferred', 'abandoned', 'error'] }),
    /** Why the server closed it: `room_finished`, `max_call_length`, `not_joined`, `stale`, `agent_report`. */
    endReason: text('end_reason'),
    /** The server ends the call this long after the caller joined (agent and demo budgets); null = no limit. */
    maxDurationS: integer('max_duration_s'),
    /** When the server told the room the call is about to end (goodbye), if it did. */
    endingNoticeAt: ts('ending_notice_at'),
    /** Talk time charged when the call ended (joined → end, capped), seconds. */
    talkSeconds: real('talk_seconds'),
    /** Barge-in times, agent clock, ms since epoch. */
    bargeIns: jsonb('barge_ins').$type<number[]>().notNull().default(sql`'[]'::jsonb`),
    recordReceivedAt: ts('record_received_at'),
    /** Phone calls: the caller's number, E.164 (callbacks and cases; never logged). */
    callerNumber: text('caller_number'),
    /** Phone calls: the customer whose number called (a hint for verification, never proof). */
    hintedCustomerId: text('hinted_customer_id'),
    /** Who the caller proved to be (`customers.id`, or the signed identity's `sub`). */
    verifiedCustomerId: text('verified_customer_id'),
    verifiedName: text('verified_name'),
    verificationMethod: text('verification_method', { enum: ['signed_identity', 'phone_code'] }),
    /** Wrong codes so far; verification is locked at MAX_VERIFY_ATTEMPTS. */
    verifyFailures: integer('verify_failures').notNull().default(0),
    /** Outages of the agent the call survived (protocol resume.ts), oldest first: lost → resumed, ms since epoch. */
    resumes: jsonb('resumes').$type<CallGap[]>().notNull().default(sql`'[]'::jsonb`),
  },
  (t) => [
    index('calls_created_at_idx').on(t.createdAt),
    index('calls_agent_idx').on(t.agentId, t.createdAt),
    index('calls_demo_idx').on(t.demoLinkId, t.createdAt),
    index('calls_open_idx').on(t.endedAt),
    index('calls_ip_idx').on(t.agentId, t.ipHash, t.createdAt),
  ],
);

/** Transcript lines, PII-redacted before insert. */
export const transcriptEntries = pgTable(
  'transcript_entries',
  {
    callId: integer('call_id')
      .notNull()
      .references(() => calls.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    speaker: text('speaker', { enum: ['caller', 'agent', 'person'] }).notNull(),
    text: text('text').notNull(),
    atMs: ms('at_ms').notNull(),
    interrupted: boolean('interrupted').notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.callId, t.seq] })],
);

/**
 * The audit trail: every decision of the agent's tool guard and every tool run, with arguments and
 * results PII-redacted. A state change and its row are written in one transaction; its
 * idempotency key is unique, so a retried change is one row with `attempts` > 1.
 */
export const toolCalls = pgTable(
  'tool_calls',
  {
    id: serial('id').primaryKey(),
    callId: integer('call_id')
      .notNull()
      .references(() => calls.id, { onDelete: 'cascade' }),
    tool: text('tool').notNull(),
    arguments: text('arguments').notNull(),
    decision: text('decision', { enum: ['allowed', 'refused', 'confirmation_requested', 'replayed', 'failed'] }).notNull(),
    reason: text('reason'),
    confirmation: jsonb('confirmation').$type<{ text: string; atMs: number }>(),
    idempotencyKey: text('idempotency_key').unique(),
    attempts: integer('attempts').notNull().default(1),
    result: text('result'),
    /**
     * The unredacted result of a state change, kept only for the idempotency window so a retried
     * request gets the same answer (tools/run-tool.ts); the sweeper clears it after
     * `REPLAY_WINDOW_S`. Never shown or returned by the admin API (`result` is the redacted copy).
     */
    replayResult: text('replay_result'),
    durationMs: real('duration_ms'),
    atMs: ms('at_ms').notNull(),
  },
  (t) => [index('tool_calls_call_idx').on(t.callId, t.atMs)],
);

/**
 * Per-turn perceived latency as the widget measured it (TurnLatency), with the result of checking
 * it against the agent's own timeline of the reply it claims (`agent_replies`).
 */
export const turns = pgTable(
  'turns',
  {
    callId: integer('call_id')
      .notNull()
      .references(() => calls.id, { onDelete: 'cascade' }),
    idx: integer('idx').notNull(),
    speechEndAtMs: ms('speech_end_at_ms').notNull(),
    playStartAtMs: ms('play_start_at_ms').notNull(),
    perceivedMs: real('perceived_ms').notNull(),
    overlap: boolean('overlap').notNull(),
    endpointingMs: real('endpointing_ms'),
    modelMs: real('model_ms'),
    agentOutMs: real('agent_out_ms'),
    networkPlayoutMs: real('network_playout_ms'),
    endOfTurnSource: text('end_of_turn_source'),
    clockUncertaintyMs: real('clock_uncertainty_ms'),
    /** The agent reply the page matched (AgentTurnTimeline.responseId). */
    responseId: text('response_id'),
    /** `pending` | `verified` | `unverified` (protocol TurnVerification); only verified turns are reported. */
    verification: text('verification', { enum: ['pending', 'verified', 'unverified'] }).notNull().default('pending'),
    /** Why a turn is unverified. */
    verificationNote: text('verification_note'),
    receivedAt: ts('received_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.callId, t.idx] })],
);

/** The agent's own timeline of each reply (AgentTurnTimeline, agent clock ms), uploaded in batches. */
export const agentReplies = pgTable(
  'agent_replies',
  {
    callId: integer('call_id')
      .notNull()
      .references(() => calls.id, { onDelete: 'cascade' }),
    responseId: text('response_id').notNull(),
    endOfTurnAtMs: ms('end_of_turn_at_ms'),
    endOfTurnSource: text('end_of_turn_source'),
    responseCreatedAtMs: ms('response_created_at_ms'),
    firstAudioDeltaAtMs: ms('first_audio_delta_at_ms'),
    firstFramePublishedAtMs: ms('first_frame_published_at_ms'),
    interrupted: boolean('interrupted').notNull().default(false),
    receivedAt: ts('received_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.callId, t.responseId] })],
);

/** Name and e-mail given on a demo page with lead capture. */
export const leads = pgTable(
  'leads',
  {
    id: serial('id').primaryKey(),
    demoLinkId: integer('demo_link_id')
      .notNull()
      .references(() => demoLinks.id, { onDelete: 'cascade' }),
    callId: integer('call_id').references(() => calls.id, { onDelete: 'set null' }),
    name: text('name').notNull(),
    email: text('email').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('leads_call_idx').on(t.callId)],
);

export * from './schema-customers.ts';
export * from './schema-handoffs.ts';
export * from './schema-outbound.ts';
