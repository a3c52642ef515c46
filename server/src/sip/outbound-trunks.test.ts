import { SIPOutboundTrunkInfo } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import { OutboundTrunkSpec } from '@voice-widget/protocol';
import { type OutboundSipApi, OutboundTrunks } from './outbound-trunks.ts';

/** LiveKit's outbound trunks in memory; like the real API it stores duplicates of a name. */
function fakeSip() {
  const trunks: SIPOutboundTrunkInfo[] = [];
  let n = 0;
  const api = {
    listSipOutboundTrunk: async () => [...trunks],
    createSipOutboundTrunk: async (name: string, address: string, numbers: string[], o: { transport: number; authUsername?: string; authPassword?: string }) => {
      const t = new SIPOutboundTrunkInfo({ sipTrunkId: `ST_${++n}`, name, address, numbers, transport: o.transport, authUsername: o.authUsername ?? '', authPassword: o.authPassword ?? '' });
      trunks.push(t);
      return t;
    },
    deleteSipTrunk: async (id: string) => trunks.splice(trunks.findIndex((t) => t.sipTrunkId === id), 1)[0]!,
  };
  return { api: api as unknown as OutboundSipApi, trunks };
}

const spec = OutboundTrunkSpec.parse({ address: 'sip.carrier.example:5060', numbers: ['+15550100'], authUsername: 'acme', authPassword: 'long-enough-secret' });

describe('OutboundTrunks (idempotent PUT by name)', () => {
  it('creates once, then leaves the same trunk alone; a change replaces it', async () => {
    const { api, trunks } = fakeSip();
    const out = new OutboundTrunks(api);
    const first = await out.put('outbound', spec);
    expect(first.action).toBe('created');
    expect(first.trunk).toEqual({ id: 'ST_1', name: 'outbound', address: 'sip.carrier.example:5060', numbers: ['+15550100'], transport: 'udp', authUsername: 'acme' });
    expect((await out.put('outbound', spec)).action).toBe('unchanged');
    expect(trunks).toHaveLength(1);
    const moved = await out.put('outbound', { ...spec, address: '203.0.113.5:5080' });
    expect(moved.action).toBe('replaced');
    expect(trunks.map((t) => t.address)).toEqual(['203.0.113.5:5080']);
    expect((await out.find('outbound'))?.sipTrunkId).toBe(moved.trunk.id);
  });

  it('removes duplicates of a name, keeping the matching one; delete removes them all', async () => {
    const { api, trunks } = fakeSip();
    const out = new OutboundTrunks(api);
    await api.createSipOutboundTrunk('outbound', '198.51.100.1', ['+15550100'], { transport: 1 as never });
    await out.put('outbound', spec);
    await api.createSipOutboundTrunk('outbound', '198.51.100.2', ['+15550100'], { transport: 2 as never });
    expect((await out.put('outbound', spec)).action).toBe('replaced');
    expect(trunks).toHaveLength(1);
    expect(await out.delete('outbound')).toBe(1);
    expect(await out.find('outbound')).toBeUndefined();
  });

  it('never returns the password', async () => {
    const { api } = fakeSip();
    const view = (await new OutboundTrunks(api).put('outbound', spec)).trunk;
    expect(JSON.stringify(view)).not.toContain('long-enough-secret');
  });
});
