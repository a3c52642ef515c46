import type { AgentRow } from '../repo/agents.ts';
import type { DemoLinkRow } from '../repo/demo-links.ts';
import type { OutboundTrunks } from '../sip/outbound-trunks.ts';

/**
 * Whether a demo page may offer "call me back": a promise the page makes only when the system can
 * keep it. Shared by the public link info (the form is shown or not) and the call-back route (a
 * request is refused before anything is queued).
 */

/** Why a call-back cannot be offered; null when it can. */
export type CallbackBlock =
  /** The link was created without `callback`. */
  | 'callback_not_offered'
  /** This server cannot dial (no LiveKit SIP), or LiveKit's SIP API did not answer. */
  | 'outbound_unavailable'
  /** The agent's `outbound.maxCallsPerDay` is 0. */
  | 'outbound_disabled'
  /** No outbound trunk named the agent's `outbound.trunk` exists. */
  | 'outbound_trunk_missing';

/**
 * Checks the link's switch, the server's dialer, the agent's outbound switch and its trunk (one
 * `ListSIPOutboundTrunk` request to LiveKit; a failure counts as unavailable, never as offered).
 */
export async function callbackBlock(link: Pick<DemoLinkRow, 'callback'>, agent: Pick<AgentRow, 'config'>, trunks: Pick<OutboundTrunks, 'find'> | undefined): Promise<CallbackBlock | null> {
  if (!link.callback) return 'callback_not_offered';
  if (!trunks) return 'outbound_unavailable';
  const settings = agent.config.outbound;
  if (settings.maxCallsPerDay === 0) return 'outbound_disabled';
  try {
    return (await trunks.find(settings.trunk)) ? null : 'outbound_trunk_missing';
  } catch {
    return 'outbound_unavailable';
  }
}
