import { SIPDispatchRule, SIPDispatchRuleCallee, SIPDispatchRuleInfo, SIPDispatchRuleIndividual, SIPInboundTrunkInfo } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import { DispatchRuleSpec, InboundTrunkSpec } from '@voice-widget/protocol';
import { type SipApi, SipProvisioner, planTrunk } from './provision.ts';

/** LiveKit's SIP API in memory: like the real one, it happily stores duplicates. */
function fakeSip() {
  const trunks: SIPInboundTrunkInfo[] = [];
  const rules: SIPDispatchRuleInfo[] = [];
  let n = 0;
  const api = {
    listSipInboundTrunk: async () => [...trunks],
    createSipInboundTrunk: async (name: string, numbers: string[], o: { allowedAddresses?: string[]; authUsername?: string; authPassword?: string } = {}) => {
      const t = new SIPInboundTrunkInfo({ sipTrunkId: `ST_${++n}`, name, numbers, allowedAddresses: o.allowedAddresses ?? [], authUsername: o.authUsername ?? '', authPassword: o.authPassword ?? '' });
      trunks.push(t);
      return t;
    },
    deleteSipTrunk: async (id: string) => trunks.splice(trunks.findIndex((t) => t.sipTrunkId === id), 1)[0]!,
    listSipDispatchRule: async () => [...rules],
    createSipDispatchRule: async (rule: { type: string; roomPrefix: string; randomize?: boolean }, o: { name?: string; trunkIds?: string[]; roomConfig?: SIPDispatchRuleInfo['roomConfig'] }) => {
      const r = new SIPDispatchRuleInfo({
        sipDispatchRuleId: `SDR_${++n}`,
        name: o.name,
        trunkIds: o.trunkIds,
        roomConfig: o.roomConfig,
        rule: new SIPDispatchRule({
          rule:
            rule.type === 'callee'
              ? { case: 'dispatchRuleCallee', value: new SIPDispatchRuleCallee({ roomPrefix: rule.roomPrefix, randomize: rule.randomize ?? false }) }
              : { case: 'dispatchRuleIndividual', value: new SIPDispatchRuleIndividual({ roomPrefix: rule.roomPrefix }) },
        }),
      });
      rules.push(r);
      return r;
    },
    deleteSipDispatchRule: async (id: string) => rules.splice(rules.findIndex((r) => r.sipDispatchRuleId === id), 1)[0]!,
  };
  return { api: api as unknown as SipApi, trunks, rules };
}

const trunkSpec = InboundTrunkSpec.parse({
  numbers: ['+15550100'],
  allowedAddresses: ['127.0.0.1/32'],
  authUsername: 'carrier',
  authPassword: 'correct-horse',
});
const ruleSpec = DispatchRuleSpec.parse({ trunks: ['main'], agent: 'acme', roomPrefix: 'phone', transferTo: 'sip:desk@127.0.0.1:5070' });

describe('SipProvisioner', () => {
  it('creates once, then leaves the same trunk and rule alone (idempotent PUT)', async () => {
    const { api, trunks, rules } = fakeSip();
    const sip = new SipProvisioner(api, 'voice-agent');
    expect((await sip.putTrunk('main', trunkSpec)).action).toBe('created');
    expect((await sip.putRule('main', ruleSpec)).action).toBe('created');
    expect((await sip.putTrunk('main', trunkSpec)).action).toBe('unchanged');
    expect((await sip.putRule('main', ruleSpec)).action).toBe('unchanged');
    expect(trunks).toHaveLength(1);
    expect(rules).toHaveLength(1);
    const [rule] = await sip.listRules();
    expect(rule).toMatchObject({ name: 'main', roomPrefix: 'phone', agentName: 'voice-agent', trunkIds: [trunks[0]!.sipTrunkId] });
    expect(JSON.parse(rule!.metadata!)).toEqual({ agent: 'acme', channel: 'phone', transferTo: 'sip:desk@127.0.0.1:5070' });
  });

  it('replaces a changed trunk, and the rule then follows the new trunk id', async () => {
    const { api, trunks, rules } = fakeSip();
    const sip = new SipProvisioner(api, 'voice-agent');
    await sip.putTrunk('main', trunkSpec);
    await sip.putRule('main', ruleSpec);
    const changed = await sip.putTrunk('main', { ...trunkSpec, numbers: ['+15550100', '+15550101'] });
    expect(changed.action).toBe('replaced');
    expect(trunks.map((t) => t.numbers)).toEqual([['+15550100', '+15550101']]);
    expect((await sip.putRule('main', ruleSpec)).action).toBe('replaced');
    expect(rules.map((r) => r.trunkIds)).toEqual([[changed.trunk.id]]);
  });

  it('cleans up duplicates someone made with the raw API, keeping the matching one', async () => {
    const { api, trunks } = fakeSip();
    await api.createSipInboundTrunk('main', ['+15550100'], { allowedAddresses: ['127.0.0.1/32'], authUsername: 'carrier', authPassword: 'correct-horse' });
    await api.createSipInboundTrunk('main', ['+19990000']);
    const sip = new SipProvisioner(api, 'voice-agent');
    const r = await sip.putTrunk('main', trunkSpec);
    expect(r.action).toBe('replaced');
    expect(trunks.map((t) => t.sipTrunkId)).toEqual([r.trunk.id]);
    expect(await sip.deleteTrunk('main')).toBe(1);
    expect(await sip.deleteTrunk('main')).toBe(0);
  });

  it('puts no caller number in room names: a randomised callee rule, and an older individual rule is replaced', async () => {
    const { api, rules } = fakeSip();
    const sip = new SipProvisioner(api, 'voice-agent');
    const trunk = await sip.putTrunk('main', trunkSpec);
    await (api.createSipDispatchRule as unknown as (r: object, o: object) => Promise<unknown>)({ type: 'individual', roomPrefix: 'phone' }, { name: 'main', trunkIds: [trunk.trunk.id] });
    expect((await sip.putRule('main', ruleSpec)).action).toBe('replaced');
    expect(rules).toHaveLength(1);
    expect(rules[0]!.rule?.rule).toMatchObject({ case: 'dispatchRuleCallee', value: { roomPrefix: 'phone', randomize: true } });
  });

  it('refuses a rule for a trunk that does not exist', async () => {
    const sip = new SipProvisioner(fakeSip().api, 'voice-agent');
    await expect(sip.putRule('main', ruleSpec)).rejects.toThrow(/SIP trunk "main" not found/);
  });

  it('treats a changed password as a change (the carrier would be rejected otherwise)', () => {
    const existing = [{ sipTrunkId: 'ST_1', numbers: ['+15550100'], allowedAddresses: ['127.0.0.1/32'], authUsername: 'carrier', authPassword: 'old-password' }];
    expect(planTrunk(existing, trunkSpec)).toEqual({ action: 'replaced', keep: null, remove: ['ST_1'] });
  });
});
