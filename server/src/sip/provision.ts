import {
  RoomAgentDispatch,
  RoomConfiguration,
  type SIPDispatchRuleInfo,
  type SIPInboundTrunkInfo,
  type SipClient,
} from 'livekit-server-sdk';
import type {
  DispatchMetadata,
  DispatchRuleSpec,
  DispatchRuleView,
  InboundTrunkSpec,
  InboundTrunkView,
  ProvisionAction,
} from '@voice-widget/protocol';
import { HttpError } from '../errors.ts';

/**
 * SIP ingress provisioning through LiveKit's SIP API (`SipClient`): inbound trunks and dispatch
 * rules are addressed by name and made idempotent here — LiveKit itself allows duplicates.
 * A `PUT` compares what exists with what is wanted: nothing to do → `unchanged`; otherwise the
 * old objects are deleted and one new one created (`replaced`). LiveKit routes by trunk id, so a
 * replaced trunk also replaces the rules that pointed at it (re-`PUT` the rule afterwards; the
 * admin route and CLI do it in that order).
 */

/** The parts of `SipClient` used here (a fake in unit tests). */
export type SipApi = Pick<
  SipClient,
  'listSipInboundTrunk' | 'createSipInboundTrunk' | 'deleteSipTrunk' | 'listSipDispatchRule' | 'createSipDispatchRule' | 'deleteSipDispatchRule'
>;

const sorted = (xs: readonly string[]) => [...xs].sort();
const sameSet = (a: readonly string[], b: readonly string[]) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));

/** What to do to make the trunks named like `spec` match it. Pure. */
export function planTrunk(
  existing: readonly Pick<SIPInboundTrunkInfo, 'sipTrunkId' | 'numbers' | 'allowedAddresses' | 'authUsername' | 'authPassword'>[],
  spec: InboundTrunkSpec,
): { action: ProvisionAction; keep: string | null; remove: string[] } {
  const same = existing.find(
    (t) =>
      sameSet(t.numbers, spec.numbers) &&
      sameSet(t.allowedAddresses, spec.allowedAddresses) &&
      (t.authUsername || '') === (spec.authUsername ?? '') &&
      (t.authPassword || '') === (spec.authPassword ?? ''),
  );
  const remove = existing.filter((t) => t !== same).map((t) => t.sipTrunkId);
  if (same && remove.length === 0) return { action: 'unchanged', keep: same.sipTrunkId, remove };
  if (same) return { action: 'replaced', keep: same.sipTrunkId, remove }; // duplicates removed
  return { action: existing.length ? 'replaced' : 'created', keep: null, remove };
}

/** The dispatch metadata a rule gives the agent (JSON in `ctx.job.metadata`). */
export function ruleMetadata(spec: DispatchRuleSpec): string {
  const meta: DispatchMetadata = { agent: spec.agent, channel: 'phone', ...(spec.transferTo ? { transferTo: spec.transferTo } : {}) };
  return JSON.stringify(meta);
}

/**
 * The rule as LiveKit stores it, reduced to what we compare. Our rules are `callee` rules with a
 * random suffix: one room per call named `<prefix>_<number called>_<random>` — the number called
 * is ours, so the caller's number is in no room name (an `individual` rule would put it there,
 * and its `hidePhoneNumber` option would also hide `sip.phoneNumber`, which the contact lookup
 * needs). Any other rule shape (an older `individual` rule) is replaced on the next PUT.
 */
export function ruleShape(r: SIPDispatchRuleInfo): { trunkIds: string[]; roomPrefix: string | null; agentName: string | null; metadata: string | null } {
  const rule = r.rule?.rule;
  const agent = r.roomConfig?.agents?.[0];
  const ours = rule?.case === 'dispatchRuleCallee' && rule.value.randomize;
  return {
    trunkIds: sorted(r.trunkIds),
    roomPrefix: ours ? rule.value.roomPrefix : null,
    agentName: agent?.agentName ?? null,
    metadata: agent?.metadata ?? null,
  };
}

/** What to do to make the rules named like the wanted one match it. Pure. */
export function planRule(
  existing: readonly SIPDispatchRuleInfo[],
  wanted: { trunkIds: string[]; roomPrefix: string; agentName: string; metadata: string },
): { action: ProvisionAction; keep: string | null; remove: string[] } {
  const want = JSON.stringify({ ...wanted, trunkIds: sorted(wanted.trunkIds) });
  const same = existing.find((r) => {
    const s = ruleShape(r);
    return (r.roomConfig?.agents?.length ?? 0) === 1 && JSON.stringify({ trunkIds: s.trunkIds, roomPrefix: s.roomPrefix, agentName: s.agentName, metadata: s.metadata }) === want;
  });
  const remove = existing.filter((r) => r !== same).map((r) => r.sipDispatchRuleId);
  if (same && remove.length === 0) return { action: 'unchanged', keep: same.sipDispatchRuleId, remove };
  if (same) return { action: 'replaced', keep: same.sipDispatchRuleId, remove };
  return { action: existing.length ? 'replaced' : 'created', keep: null, remove };
}

export const toTrunkView = (t: SIPInboundTrunkInfo): InboundTrunkView => ({
  id: t.sipTrunkId,
  name: t.name,
  numbers: t.numbers,
  allowedAddresses: t.allowedAddresses,
  authUsername: t.authUsername || null,
});

export const toRuleView = (r: SIPDispatchRuleInfo): DispatchRuleView => {
  const s = ruleShape(r);
  return { id: r.sipDispatchRuleId, name: r.name, trunkIds: s.trunkIds, roomPrefix: s.roomPrefix, agentName: s.agentName, metadata: s.metadata };
};

/** Inbound trunks and dispatch rules by name, on top of LiveKit's SIP API. */
export class SipProvisioner {
  constructor(
    private readonly api: SipApi,
    /** Agent name the worker registers under (explicit dispatch). */
    private readonly agentName: string,
  ) {}

  async listTrunks(): Promise<InboundTrunkView[]> {
    return (await this.api.listSipInboundTrunk()).map(toTrunkView);
  }

  async listRules(): Promise<DispatchRuleView[]> {
    return (await this.api.listSipDispatchRule()).map(toRuleView);
  }

  /** Creates or replaces the inbound trunk `name`; idempotent. */
  async putTrunk(name: string, spec: InboundTrunkSpec): Promise<{ action: ProvisionAction; trunk: InboundTrunkView }> {
    const existing = (await this.api.listSipInboundTrunk()).filter((t) => t.name === name);
    const plan = planTrunk(existing, spec);
    for (const id of plan.remove) await this.api.deleteSipTrunk(id);
    const trunk =
      existing.find((t) => t.sipTrunkId === plan.keep) ??
      (await this.api.createSipInboundTrunk(name, spec.numbers, {
        allowedAddresses: spec.allowedAddresses,
        ...(spec.authUsername ? { authUsername: spec.authUsername, authPassword: spec.authPassword } : {}),
      }));
    return { action: plan.action, trunk: toTrunkView(trunk) };
  }

  /**
   * Creates or replaces the dispatch rule `name`: a randomised `callee` rule (one room per call,
   * `<roomPrefix>_<number called>_<random>`, no caller number in room names; see {@link ruleShape})
   * that dispatches the agent worker explicitly with `{agent, channel: 'phone', transferTo}` metadata.
   * @throws HttpError 404 when a named trunk does not exist.
   */
  async putRule(name: string, spec: DispatchRuleSpec): Promise<{ action: ProvisionAction; rule: DispatchRuleView }> {
    const trunks = await this.api.listSipInboundTrunk();
    const trunkIds = spec.trunks.map((t) => {
      const found = trunks.find((x) => x.name === t);
      if (!found) throw HttpError.notFound(`SIP trunk "${t}"`);
      return found.sipTrunkId;
    });
    const wanted = { trunkIds, roomPrefix: spec.roomPrefix, agentName: this.agentName, metadata: ruleMetadata(spec) };
    const existing = (await this.api.listSipDispatchRule()).filter((r) => r.name === name);
    const plan = planRule(existing, wanted);
    for (const id of plan.remove) await this.api.deleteSipDispatchRule(id);
    const rule =
      existing.find((r) => r.sipDispatchRuleId === plan.keep) ??
      (await this.api.createSipDispatchRule(
        { type: 'callee', roomPrefix: spec.roomPrefix, randomize: true },
        {
          name,
          trunkIds,
          roomConfig: new RoomConfiguration({
            agents: [new RoomAgentDispatch({ agentName: this.agentName, metadata: wanted.metadata })],
          }),
        },
      ));
    return { action: plan.action, rule: toRuleView(rule) };
  }

  /** Deletes every trunk named `name`; returns how many. */
  async deleteTrunk(name: string): Promise<number> {
    const ids = (await this.api.listSipInboundTrunk()).filter((t) => t.name === name).map((t) => t.sipTrunkId);
    for (const id of ids) await this.api.deleteSipTrunk(id);
    return ids.length;
  }

  /** Deletes every dispatch rule named `name`; returns how many. */
  async deleteRule(name: string): Promise<number> {
    const ids = (await this.api.listSipDispatchRule()).filter((r) => r.name === name).map((r) => r.sipDispatchRuleId);
    for (const id of ids) await this.api.deleteSipDispatchRule(id);
    return ids.length;
  }
}
