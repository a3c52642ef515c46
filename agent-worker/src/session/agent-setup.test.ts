import { describe, expect, it } from 'vitest';
import { AGENT_CONFIG_CONSUMERS, AgentConfig, toolName } from '@voice-widget/protocol';
import { type CallContext, callSetup } from './agent-setup.ts';

const config = AgentConfig.parse({
  name: 'Acme assistant',
  instructions: 'Be brief.',
  greeting: "Hi, I'm an AI assistant for Acme. You can ask for a person at any time.",
  voice: 'marin',
  model: 'gpt-realtime-mini',
  tools: ['get_order_status', 'update_shipping_address', 'transfer_to_human', 'end_call'],
  language: 'fr',
  turnTaking: 'model_vad',
});

const ctx = (over: Partial<CallContext> = {}): CallContext => ({
  channel: 'web',
  meta: undefined,
  caller: null,
  handoff: null,
  defaults: { company: 'Acme', turnProfile: 'fast', model: 'gpt-realtime', voice: 'alloy' },
  ...over,
});

describe('the configuration contract', () => {
  it('reads every field of AgentConfig marked for the agent — a new field nobody uses fails here', () => {
    expect(Object.keys(AgentConfig.shape).sort()).toEqual(Object.keys(AGENT_CONFIG_CONSUMERS).sort());
    const read = new Set<string>();
    const watched = new Proxy(config, {
      get(target, key, receiver) {
        read.add(String(key));
        return Reflect.get(target, key, receiver);
      },
    });
    callSetup(watched, ctx());
    const forAgent = Object.entries(AGENT_CONFIG_CONSUMERS)
      .filter(([, who]) => who === 'agent')
      .map(([k]) => k);
    expect([...read].filter((k) => k in AGENT_CONFIG_CONSUMERS).sort()).toEqual(forAgent.sort());
  });

  it('maps model, voice, language and turn-taking onto the session; the page language wins', () => {
    const web = callSetup(config, ctx());
    expect(web).toMatchObject({ model: 'gpt-realtime-mini', voice: 'marin', language: 'fr', turnProfile: 'model_vad' });
    expect(web.instructions).toMatch(/Speak French/);
    expect(callSetup(config, ctx({ meta: { agent: 'acme', channel: 'web', language: 'de-DE' } })).language).toBe('de-DE');
    expect(callSetup(config, ctx({ channel: 'phone' })).turnProfile).toBe('model_vad'); // phone: the model's VAD always
  });

  it('offers a hand-off only where a person can take the call, and then the greeting may say so', () => {
    const noOne = callSetup(config, ctx({ handoff: null }));
    expect(noOne.tools.map(toolName)).not.toContain('transfer_to_human');
    expect(noOne.greeting).not.toMatch(/person/);
    expect(noOne.instructions).toMatch(/never offer, promise or announce a transfer/);
    const phone = callSetup(config, ctx({ channel: 'phone', handoff: 'cold' }));
    expect(phone.tools.map(toolName)).toContain('transfer_to_human');
    expect(phone).toMatchObject({ handoff: 'cold' });
    expect(phone.greeting).toMatch(/press 0/);
    const web = callSetup(config, ctx({ handoff: 'warm' }));
    expect(web).toMatchObject({ handoff: 'warm', handoffWaitS: 90 });
    expect(web.greeting).toMatch(/ask for a person/);
    // A configuration without the tool: no hand-off, whatever the call could do.
    expect(callSetup({ ...config, tools: ['end_call'] }, ctx({ handoff: 'warm' })).handoff).toBeNull();
  });

  it('offers code verification on the phone only, and not to a caller verified before the call', () => {
    expect(callSetup(config, ctx({ channel: 'phone' })).offerVerify).toBe(true);
    expect(callSetup(config, ctx({ channel: 'web' })).offerVerify).toBe(false);
    const verified = { customerId: 'C-1', name: 'Grace Hopper', method: 'signed_identity' as const, orders: [] };
    const web = callSetup(config, ctx({ caller: verified }));
    expect(web.offerVerify).toBe(false);
    expect(web.greeting).toMatch(/^Hi Grace,/);
  });
});
