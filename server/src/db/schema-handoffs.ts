import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { ContextPackage } from '@voice-widget/protocol';
import { adminKeys, calls } from './schema.ts';

/**
 * Hand-offs to people (README "Hand-off"): the queue the console shows, what happened to each
 * request, and who is signed in to take calls. Server times are `timestamptz`; times reported by
 * the agent are `bigint` ms since epoch on the agent's clock (`…AtMs`).
 */
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const ms = (name: string) => bigint(name, { mode: 'number' });

export const handoffs = pgTable(
  'handoffs',
  {
    id: serial('id').primaryKey(),
    callId: integer('call_id')
      .notNull()
      .references(() => calls.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['warm', 'cold'] }).notNull(),
    status: text('status', { enum: ['waiting', 'taken', 'connected', 'callback', 'cancelled', 'transferred'] }).notNull(),
    /** Why the caller asked (the model's words), PII-redacted. */
    reason: text('reason').notNull(),
    /** The model's one-sentence summary for the caller, PII-redacted. */
    modelSummary: text('model_summary').notNull().default(''),
    via: text('via', { enum: ['conversation', 'keypad'] }).notNull().default('conversation'),
    /** The agent's wait limit when it asked, seconds. */
    waitLimitS: integer('wait_limit_s').notNull(),
    requestedAt: ts('requested_at').notNull().defaultNow(),
    /** The request on the agent's clock (time to a person is measured on it). */
    requestAtMs: ms('request_at_ms').notNull(),
    /** Left the queue: taken, callback, cancelled, or transferred (cold). */
    settledAt: ts('settled_at'),
    takenByKeyId: integer('taken_by_key_id').references(() => adminKeys.id, { onDelete: 'set null' }),
    personName: text('person_name'),
    personIdentity: text('person_identity'),
    /** When the person who took it got the package (the take reply), or the endpoint accepted it (cold). */
    packageDeliveredAt: ts('package_delivered_at'),
    /** Cold: the endpoint answered 2xx (null: no endpoint configured). */
    endpointDelivered: boolean('endpoint_delivered'),
    transferTo: text('transfer_to'),
    /** The agent said its hand-off sentence and left the conversation (agent clock). */
    connectedAtMs: ms('connected_at_ms'),
    /** The person's first audio: heard in the caller's page, or received in the room (agent clock). */
    personAudioAtMs: ms('person_audio_at_ms'),
    personAudioSource: text('person_audio_source', { enum: ['caller_page', 'room'] }),
    personLeftAtMs: ms('person_left_at_ms'),
    caseId: integer('case_id'),
    /** The package as delivered (take, callback case, cold transfer): what the person saw. */
    package: jsonb('package').$type<ContextPackage>(),
  },
  (t) => [
    index('handoffs_call_idx').on(t.callId),
    index('handoffs_status_idx').on(t.status, t.requestedAt),
    // At most one open hand-off per call: a second request while one waits returns the first.
    uniqueIndex('handoffs_open_idx').on(t.callId).where(sql`status in ('waiting', 'taken')`),
  ],
);

/**
 * People signed in to the console (role `agent` or `admin`): a row per key, touched while its
 * live queue is open. Online = seen within the last {@link PRESENCE_TTL_S} seconds; shared by every
 * server process through the database.
 */
export const staffPresence = pgTable('staff_presence', {
  keyId: integer('key_id')
    .primaryKey()
    .references(() => adminKeys.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  lastSeenAt: ts('last_seen_at').notNull(),
});
