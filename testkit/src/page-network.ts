import type { Page } from 'playwright-core';

/**
 * The page side of an emulated access network, for benchmarks and tests only (no caller-facing
 * option): every `RTCPeerConnection` the page makes is forced to relay through TURN
 * (`iceTransportPolicy: 'relay'`), with LiveKit's TURN address swapped for the impairing relay's
 * (udp-relay.ts), and is remembered so its `getStats()` can prove the impairment.
 */

/**
 * Installs the hook before any page script. `relayPort` null: keep the connection as the page
 * makes it (stats only). The script is text, not a function: the test runner's transpiler wraps
 * named functions and classes in a helper the page does not have.
 */
export async function hookPeerConnections(page: Page, relayPort: number | null): Promise<void> {
  await page.addInitScript({
    content: `(() => {
      const port = ${relayPort === null ? 'null' : Number(relayPort)};
      const Native = window.RTCPeerConnection;
      window.__pcs = [];
      function rewrite(config) {
        if (port === null) return config;
        const iceServers = ((config && config.iceServers) || [])
          .map((s) => ({ ...s, urls: [].concat(s.urls).filter((u) => /^turn:.*transport=udp/.test(u)).map((u) => u.replace(/^turn:[^?]+/, 'turn:127.0.0.1:' + port)) }))
          .filter((s) => s.urls.length > 0);
        return { ...config, iceServers, iceTransportPolicy: 'relay' };
      }
      class Hooked extends Native {
        constructor(config) {
          super(rewrite(config));
          window.__pcs.push(this);
        }
        setConfiguration(config) {
          return super.setConfiguration(rewrite(config));
        }
      }
      window.RTCPeerConnection = Hooked;
    })();`,
  });
}

/** What the page's WebRTC stack saw of the network during a call (all peer connections). */
export interface PageNetworkStats {
  /** Candidate types of the selected pairs (local/remote), e.g. `relay/host`. */
  selectedPairs: string[];
  /** Selected pairs' current round-trip time, ms (STUN consent checks over the path). */
  rttMs: number[];
  /** Agent audio received: packets, lost, and the receiver's interarrival jitter (ms). */
  inbound: { packetsReceived: number; packetsLost: number; jitterMs: number; jitterBufferMs: number | null; concealedPct: number | null };
  /** Caller audio sent, as the SFU reported back (RTCP receiver reports): lost share and RTT. */
  outbound: { packetsSent: number; packetsLost: number; fractionLost: number | null; rttMs: number | null };
}

/** Reads `getStats()` of every peer connection the hook saw. */
export function pageNetworkStats(page: Page): Promise<PageNetworkStats> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? [];
    const out: PageNetworkStats = {
      selectedPairs: [],
      rttMs: [],
      inbound: { packetsReceived: 0, packetsLost: 0, jitterMs: 0, jitterBufferMs: null, concealedPct: null },
      outbound: { packetsSent: 0, packetsLost: 0, fractionLost: null, rttMs: null },
    };
    let jbDelay = 0;
    let jbCount = 0;
    let concealed = 0;
    let samples = 0;
    for (const pc of pcs) {
      const report = await pc.getStats();
      const byId = new Map<string, Record<string, unknown>>();
      report.forEach((s: Record<string, unknown>) => byId.set(s.id as string, s));
      for (const s of byId.values()) {
        if (s.type === 'candidate-pair' && (s.nominated || s.selected) && s.state === 'succeeded') {
          const local = byId.get(s.localCandidateId as string);
          const remote = byId.get(s.remoteCandidateId as string);
          out.selectedPairs.push(`${local?.candidateType}/${remote?.candidateType}`);
          if (typeof s.currentRoundTripTime === 'number') out.rttMs.push(s.currentRoundTripTime * 1000);
        } else if (s.type === 'inbound-rtp' && s.kind === 'audio') {
          out.inbound.packetsReceived += Number(s.packetsReceived ?? 0);
          out.inbound.packetsLost += Number(s.packetsLost ?? 0);
          out.inbound.jitterMs = Math.max(out.inbound.jitterMs, Number(s.jitter ?? 0) * 1000);
          jbDelay += Number(s.jitterBufferDelay ?? 0);
          jbCount += Number(s.jitterBufferEmittedCount ?? 0);
          concealed += Number(s.concealedSamples ?? 0);
          samples += Number(s.totalSamplesReceived ?? 0);
        } else if (s.type === 'outbound-rtp' && s.kind === 'audio') {
          out.outbound.packetsSent += Number(s.packetsSent ?? 0);
        } else if (s.type === 'remote-inbound-rtp' && s.kind === 'audio') {
          out.outbound.packetsLost += Number(s.packetsLost ?? 0);
          if (typeof s.fractionLost === 'number') out.outbound.fractionLost = s.fractionLost;
          if (typeof s.roundTripTime === 'number') out.outbound.rttMs = s.roundTripTime * 1000;
        }
      }
    }
    if (jbCount > 0) out.inbound.jitterBufferMs = (jbDelay / jbCount) * 1000;
    if (samples > 0) out.inbound.concealedPct = (concealed / samples) * 100;
    return out;
  });
}
