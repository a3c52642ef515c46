import type { SIPOutboundTrunkInfo, SipClient } from 'livekit-server-sdk';
import type { OutboundTrunkSpec, OutboundTrunkView, ProvisionAction } from '@voice-widget/protocol';

/**
 * Outbound SIP trunks through LiveKit's SIP API, addressed by name and idempotent like the inbound
 * ones (provision.ts): a `PUT` that matches what exists changes nothing (`unchanged`); otherwise the
 * trunks of that name are deleted and one is created (`replaced`, a new id — outbound calls look the
 * trunk up by name when they dial, so nothing else needs re-provisioning).
 */

/** The parts of `SipClient` used here (a fake in unit tests). */
export type OutboundSipApi = Pick<SipClient, 'listSipOutboundTrunk' | 'createSipOutboundTrunk' | 'deleteSipTrunk'>;

/** `SIPTransport` of livekit/protocol's livekit_sip.proto (AUTO 0, UDP 1, TCP 2, TLS 3). */
const TRANSPORT = { udp: 1, tcp: 2, tls: 3 } as const;
const TRANSPORT_NAME: Record<number, OutboundTrunkView['transport']> = { 0: 'auto', 1: 'udp', 2: 'tcp', 3: 'tls' };
type TransportEnum = Parameters<OutboundSipApi['createSipOutboundTrunk']>[3] extends infer O ? (O extends { transport: infer T } ? T : never) : never;

const sameSet = (a: readonly string[], b: readonly string[]) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

/** True when the stored trunk is exactly `spec`. Pure. */
export function trunkMatches(t: Pick<SIPOutboundTrunkInfo, 'address' | 'numbers' | 'transport' | 'authUsername' | 'authPassword'>, spec: OutboundTrunkSpec): boolean {
  return (
    t.address === spec.address &&
    sameSet(t.numbers, spec.numbers) &&
    Number(t.transport) === TRANSPORT[spec.transport] &&
    (t.authUsername || '') === (spec.authUsername ?? '') &&
    (t.authPassword || '') === (spec.authPassword ?? '')
  );
}

export const toOutboundTrunkView = (t: SIPOutboundTrunkInfo): OutboundTrunkView => ({
  id: t.sipTrunkId,
  name: t.name,
  address: t.address,
  numbers: t.numbers,
  transport: TRANSPORT_NAME[Number(t.transport)] ?? 'auto',
  authUsername: t.authUsername || null,
});

/** Outbound trunks by name, on top of LiveKit's SIP API. */
export class OutboundTrunks {
  constructor(private readonly api: OutboundSipApi) {}

  async list(): Promise<OutboundTrunkView[]> {
    return (await this.api.listSipOutboundTrunk()).map(toOutboundTrunkView);
  }

  /** The trunk named `name` (the newest if several), or undefined; with its id for dialling. */
  async find(name: string): Promise<SIPOutboundTrunkInfo | undefined> {
    return (await this.api.listSipOutboundTrunk()).filter((t) => t.name === name).at(-1);
  }

  /** Creates or replaces the outbound trunk `name`; idempotent. */
  async put(name: string, spec: OutboundTrunkSpec): Promise<{ action: ProvisionAction; trunk: OutboundTrunkView }> {
    const existing = (await this.api.listSipOutboundTrunk()).filter((t) => t.name === name);
    const same = existing.find((t) => trunkMatches(t, spec));
    for (const t of existing) if (t !== same) await this.api.deleteSipTrunk(t.sipTrunkId);
    if (same) return { action: existing.length === 1 ? 'unchanged' : 'replaced', trunk: toOutboundTrunkView(same) };
    const created = await this.api.createSipOutboundTrunk(name, spec.address, spec.numbers, {
      transport: TRANSPORT[spec.transport] as TransportEnum,
      ...(spec.authUsername ? { authUsername: spec.authUsername, authPassword: spec.authPassword } : {}),
    });
    return { action: existing.length ? 'replaced' : 'created', trunk: toOutboundTrunkView(created) };
  }

  /** Deletes every outbound trunk named `name`; returns how many. */
  async delete(name: string): Promise<number> {
    const ids = (await this.api.listSipOutboundTrunk()).filter((t) => t.name === name).map((t) => t.sipTrunkId);
    for (const id of ids) await this.api.deleteSipTrunk(id);
    return ids.length;
  }
}
