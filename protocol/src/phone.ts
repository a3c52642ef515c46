import { z } from 'zod';
import { AgentConfigResponse, AgentSlug } from './agent-config.ts';
import { E164, TransferTarget } from './sip-uri.ts';
import { TurnLatency } from './timeline.ts';

export { E164, TransferTarget, maskedNumber, normalizePhoneNumber } from './sip-uri.ts';

/**
 * Phone callers (LiveKit SIP ingress): the agent's call-start request, the SIP provisioning API, and phone turn-latency uploads.
 */

/**
 * `POST /api/calls/:room/phone` (agent worker, when a SIP caller is in the room; agent token like
 * the other agent routes): opens the call record (channel `phone`) unless it exists and returns
 * what the agent needs before its first reply. Idempotent per room.
 */
export const PhoneCallStart = z
  .object({
    /** Agent slug from the dispatch rule's metadata. */
    agent: AgentSlug,
    /** The SIP participant's identity (`sip_<from>`). */
    callerIdentity: z.string().min(1).max(128),
    /** `sip.phoneNumber`: the caller's number as received (normalised by the server). */
    callerNumber: z.string().max(64).optional(),
    /** `sip.trunkPhoneNumber`: the number the caller dialled. */
    calledNumber: z.string().max(64).optional(),
  })
  .strict();
export type PhoneCallStart = z.infer<typeof PhoneCallStart>;

export const PhoneCallStartResponse = z.object({
  config: AgentConfigResponse,
  /**
   * The caller's number belongs to a customer in the contact store. Only that: caller ID is a hint,
   * never proof, so no name or account data reaches the agent before the caller is verified
   * (`POST /api/calls/:room/verify`).
   */
  callerKnown: z.boolean(),
});
export type PhoneCallStartResponse = z.infer<typeof PhoneCallStartResponse>;

// ---- SIP provisioning (admin API and CLI) --------------------------------------------------

/** A source address a trunk accepts: IPv4/IPv6 with an optional CIDR mask. */
export const AllowedAddress = z.string().regex(/^[0-9a-fA-F:.]+(\/\d{1,3})?$/, 'allowed address must be an IP or CIDR');

/** `PUT /api/admin/sip/trunks/:name`: the inbound trunk, by name (created or replaced). */
export const InboundTrunkSpec = z
  .object({
    /** Numbers this trunk answers (To user, E.164); the carrier's DIDs. */
    numbers: z.array(E164).min(1).max(100),
    /** Source addresses allowed to send INVITEs (the carrier's signalling IPs); empty = any. */
    allowedAddresses: z.array(AllowedAddress).max(100).default([]),
    /** Digest credentials the carrier must answer a 407 challenge with; both or neither. */
    authUsername: z.string().min(1).max(128).optional(),
    authPassword: z.string().min(8).max(128).optional(),
  })
  .strict()
  .refine((t) => Boolean(t.authUsername) === Boolean(t.authPassword), {
    message: 'authUsername and authPassword go together',
  });
export type InboundTrunkSpec = z.infer<typeof InboundTrunkSpec>;
export type InboundTrunkSpecInput = z.input<typeof InboundTrunkSpec>;

/** `PUT /api/admin/sip/dispatch-rules/:name`: one room per caller, the agent dispatched explicitly. */
export const DispatchRuleSpec = z
  .object({
    /** Names of the trunks whose calls this rule takes. */
    trunks: z.array(z.string().min(1).max(64)).min(1).max(20),
    /** Agent slug whose configuration answers the calls. */
    agent: AgentSlug,
    /** Rooms are `<prefix>_<caller>_<random>`. */
    roomPrefix: z.string().regex(/^[a-z0-9-]{1,32}$/, 'room prefix: 1–32 of a-z, 0-9, -').default('phone'),
    /** Where `transfer_to_human` sends callers (SIP REFER `Refer-To`); unset = no transfer. */
    transferTo: TransferTarget.optional(),
  })
  .strict();
export type DispatchRuleSpec = z.infer<typeof DispatchRuleSpec>;
export type DispatchRuleSpecInput = z.input<typeof DispatchRuleSpec>;

/** A trunk as the admin API lists it (the password is never returned). */
export const InboundTrunkView = z.object({
  id: z.string(),
  name: z.string(),
  numbers: z.array(z.string()),
  allowedAddresses: z.array(z.string()),
  authUsername: z.string().nullable(),
});
export type InboundTrunkView = z.infer<typeof InboundTrunkView>;

export const DispatchRuleView = z.object({
  id: z.string(),
  name: z.string(),
  trunkIds: z.array(z.string()),
  roomPrefix: z.string().nullable(),
  agentName: z.string().nullable(),
  metadata: z.string().nullable(),
});
export type DispatchRuleView = z.infer<typeof DispatchRuleView>;

/** What an idempotent `PUT` did. */
export const ProvisionAction = z.enum(['created', 'unchanged', 'replaced']);
export type ProvisionAction = z.infer<typeof ProvisionAction>;

// ---- Phone turn latency --------------------------------------------------------------------

/**
 * `POST /api/admin/calls/:room/turns`: per-turn latency of a phone call measured from the
 * caller's recording (envelope.ts) by whoever recorded it (a test caller, a monitoring probe).
 * The same {@link TurnLatency} records as web turns, so one view compares both channels.
 */
export const PhoneTurnsUpload = z.object({ turns: z.array(TurnLatency).min(1).max(2_000) }).strict();
export type PhoneTurnsUpload = z.infer<typeof PhoneTurnsUpload>;
