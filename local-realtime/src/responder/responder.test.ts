import { describe, expect, it } from 'vitest';
import type { FunctionTool } from '../protocol/client-events.ts';
import type { WireItem } from '../protocol/items.ts';
import { DEFAULT_SCRIPT } from './default-script.ts';
import { type CallContext, matchIntent, planReply, type ResponderInput } from './responder.ts';

const user = (transcript: string, id = 'item_u'): WireItem => ({
  id,
  object: 'realtime.item',
  type: 'message',
  status: 'completed',
  role: 'user',
  content: [{ type: 'input_audio', transcript }],
});

const orderTool: FunctionTool = {
  type: 'function',
  name: 'get_order_status',
  description: 'Look up an order',
  parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
};

function input(over: Partial<ResponderInput>): ResponderInput {
  return { items: [], tools: [], toolChoice: 'auto', script: DEFAULT_SCRIPT, calls: new Map(), ...over };
}

describe('planReply', () => {
  it('speaks a "Say exactly" request verbatim, whatever the conversation holds', () => {
    const plan = planReply(input({ instructions: 'Be nice.\nSay exactly: "Hi, I\'m an AI assistant for Acme."', items: [user('hello')] }));
    expect(plan).toEqual({ kind: 'say', text: "Hi, I'm an AI assistant for Acme.", reason: 'verbatim', intent: null });
  });

  it('greets when there is nothing to answer yet', () => {
    expect(planReply(input({}))).toMatchObject({ kind: 'say', reason: 'greeting', text: DEFAULT_SCRIPT.greeting });
  });

  it('answers a matched intent', () => {
    expect(planReply(input({ items: [user('what are your opening hours')] }))).toMatchObject({ reason: 'intent', intent: 'opening_hours' });
    expect(planReply(input({ items: [user('can i talk to a real person')] }))).toMatchObject({ intent: 'human' });
  });

  it('falls back to asking for a rephrase, quoting what was heard', () => {
    const plan = planReply(input({ items: [user('go forward ten meters')] }));
    expect(plan).toMatchObject({ kind: 'say', reason: 'fallback' });
    expect(plan.kind === 'say' && plan.text).toContain('I heard: go forward ten meters.');
  });

  it('answers a sentence that arrived as several user items as one (a turn ended early, then resumed)', () => {
    const assistant: WireItem = { id: 'a', object: 'realtime.item', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_audio', transcript: 'Hi.' }] };
    const plan = planReply(input({ items: [user('earlier', 'u0'), assistant, user('what are your', 'u1'), user('opening hours', 'u2')] }));
    expect(plan).toMatchObject({ reason: 'intent', intent: 'opening_hours' });
    const fallback = planReply(input({ items: [assistant, user('go forward', 'u1'), user('', 'u2'), user('ten meters', 'u3')] }));
    expect(fallback.kind === 'say' && fallback.text).toContain('I heard: go forward ten meters.');
  });

  it('says it heard nothing when the transcript is empty', () => {
    expect(planReply(input({ items: [user('')] }))).toMatchObject({ reason: 'no_speech', text: DEFAULT_SCRIPT.noSpeech });
  });

  it('calls a matching session tool with arguments from the transcript, preamble first', () => {
    const plan = planReply(input({ items: [user('where is my order one two three four')], tools: [orderTool] }));
    expect(plan).toMatchObject({ kind: 'call', tool: 'get_order_status', preamble: 'Let me check that order for you.' });
    expect(plan.kind === 'call' && JSON.parse(plan.arguments)).toEqual({ order_id: '1234' });
  });

  it('asks for the missing argument instead of calling the tool', () => {
    expect(planReply(input({ items: [user('where is my order')], tools: [orderTool] }))).toMatchObject({ reason: 'ask', text: 'Sure. What is your order number?' });
  });

  it('replies without the tool when the session has none or tool_choice is none', () => {
    const items = [user('where is my order one two three')];
    expect(planReply(input({ items }))).toMatchObject({ kind: 'say', intent: 'order_status', text: expect.stringContaining("can't look up orders") });
    expect(planReply(input({ items, tools: [orderTool], toolChoice: 'none' }))).toMatchObject({ kind: 'say' });
  });

  it('calls a tool for tool_choice "required" even when the intent has a plain reply', () => {
    const plan = planReply(input({ items: [user('what are your opening hours')], tools: [orderTool], toolChoice: 'required' }));
    // No number was heard and the hours intent has no "ask": the call goes out with what there is.
    expect(plan).toMatchObject({ kind: 'call', tool: 'get_order_status', arguments: '{}', context: { intent: 'opening_hours' } });
  });

  it('forces the named tool from tool_choice', () => {
    const plan = planReply(input({ items: [user('hello there four two')], tools: [orderTool], toolChoice: { type: 'function', name: 'get_order_status' } }));
    expect(plan).toMatchObject({ kind: 'call', tool: 'get_order_status', arguments: '{"order_id":"42"}' });
  });

  it('words the tool output with the intent template, or the generic one when a field is missing', () => {
    const ctx: CallContext = { intent: 'order_status', afterTool: 'Order {number} is {output.status}.', heard: 'order one two', number: '12', args: {} };
    const calls = new Map([['call_1', ctx]]);
    const output = (o: string): WireItem => ({ id: 'item_o', object: 'realtime.item', type: 'function_call_output', status: 'completed', call_id: 'call_1', output: o });
    expect(planReply(input({ calls, items: [output('{"status":"shipped"}')] }))).toMatchObject({ reason: 'tool_result', text: 'Order 12 is shipped.' });
    expect(planReply(input({ calls, items: [output('{"state":"lost","say":"It is lost."}')] }))).toMatchObject({ text: 'It is lost.' });
    expect(planReply(input({ calls, items: [output('{"state":"lost"}')] }))).toMatchObject({ text: 'Done.' });
  });
});

describe('matchIntent', () => {
  it('prefers the intent with more matched words and breaks ties by order', () => {
    const script = {
      ...DEFAULT_SCRIPT,
      intents: [
        { name: 'a', keywords: ['open'], reply: 'A' },
        { name: 'b', keywords: ['open', 'store'], reply: 'B' },
        { name: 'c', keywords: ['open'], reply: 'C' },
      ],
    };
    expect(matchIntent(script, 'is the store open')?.name).toBe('b');
    expect(matchIntent(script, 'open')?.name).toBe('a');
    expect(matchIntent(script, 'nothing')).toBeNull();
  });
});

describe('jobs across turns', () => {
  const agent = (text: string, id = 'item_a'): WireItem => ({
    id,
    object: 'realtime.item',
    type: 'message',
    status: 'completed',
    role: 'assistant',
    content: [{ type: 'output_audio', transcript: text }],
  });
  const call = (name: string, args: string, callId = 'call_1'): WireItem => ({ id: `fc_${callId}`, object: 'realtime.item', type: 'function_call', status: 'completed', call_id: callId, name, arguments: args });
  const output = (o: unknown, callId = 'call_1'): WireItem => ({ id: `fo_${callId}`, object: 'realtime.item', type: 'function_call_output', status: 'completed', call_id: callId, output: JSON.stringify(o) });
  const addressTool: FunctionTool = {
    type: 'function',
    name: 'update_shipping_address',
    parameters: { type: 'object', properties: { order_id: { type: 'string' }, address: { type: 'string' } }, required: ['order_id', 'address'] },
  };

  it('fills a slot from the next turn: the digits alone answer "what is your order number?"', () => {
    const items = [user('where is my order'), agent('Sure. What is your order number?'), user('one zero four two', 'item_u2')];
    const plan = planReply(input({ items, tools: [orderTool] }));
    expect(plan).toMatchObject({ kind: 'call', tool: 'get_order_status', arguments: '{"order_id":"1042"}' });
  });

  it('a follow-up about the same order takes its number from the conversation (text items too: a resumed call)', () => {
    const said = (role: 'user' | 'assistant', text: string, id: string): WireItem =>
      ({ id, object: 'realtime.item', type: 'message', status: 'completed', role, content: [{ type: role === 'user' ? 'input_text' : 'text', text }] }) as WireItem;
    const before = [said('user', 'Where is my order 1042?', 'c1'), said('assistant', 'Order 1 0 4 2 is shipped, arrives Friday.', 'a1')];
    const plan = planReply(input({ items: [...before, user('and when will it arrive', 'item_u2')], tools: [orderTool] }));
    expect(plan).toMatchObject({ kind: 'call', tool: 'get_order_status', arguments: '{"order_id":"1042"}' });
    // With no number earlier, it still asks; a number the caller says now wins over the old one.
    expect(planReply(input({ items: [user('when will it arrive')], tools: [orderTool] }))).toMatchObject({ reason: 'ask' });
    const now = planReply(input({ items: [...before, user('and when will order 1043 arrive', 'item_u2')], tools: [orderTool] }));
    expect(now).toMatchObject({ kind: 'call', arguments: '{"order_id":"1043"}' });
  });

  it('never takes a code from an earlier turn: only intents that allow it look back', () => {
    const verifyTool: FunctionTool = { type: 'function', name: 'verify_caller', parameters: { type: 'object', properties: { code: { type: 'string' } }, required: ['code'] } };
    const items = [user('where is my order 1042', 'u1'), agent('Let me check.'), user('my code is', 'item_u2')];
    expect(planReply(input({ items, tools: [verifyTool] }))).toMatchObject({ kind: 'say', reason: 'ask', intent: 'verify' });
  });

  it('takes the new address from after "to", and asks when it is missing', () => {
    const plan = planReply(input({ items: [user('please change the delivery address of order 1043 to 7 Difference Engine Lane, Oxford.')], tools: [addressTool] }));
    expect(plan.kind === 'call' && JSON.parse(plan.arguments)).toEqual({ order_id: '1043', address: '7 Difference Engine Lane, Oxford' });
    expect(planReply(input({ items: [user('change my delivery address')], tools: [addressTool] }))).toMatchObject({ reason: 'ask' });
  });

  it('on yes or no after a read-back, calls the same tool with the same arguments again (the client decides)', () => {
    const args = '{"order_id":"1043","address":"7 Difference Engine Lane"}';
    const readBack = [user('change the address of order 1043 to 7 Difference Engine Lane'), call('update_shipping_address', args), output({ status: 'confirmation_required', say: 'To confirm … Shall I go ahead?' })];
    for (const answer of ['yes please', 'no']) {
      const plan = planReply(input({ items: [...readBack, agent('To confirm … Shall I go ahead?'), user(answer, 'item_u2')], tools: [addressTool] }));
      expect(plan).toMatchObject({ kind: 'call', tool: 'update_shipping_address', arguments: args });
    }
    // Nothing awaiting confirmation: a plain reply, no call.
    expect(planReply(input({ items: [user('yes')], tools: [addressTool] }))).toMatchObject({ kind: 'say', intent: 'confirm' });
  });

  it('never calls a tool the session does not offer: the intent replies without promising it', () => {
    const plan = planReply(input({ items: [user('can I talk to a real person')], tools: [orderTool] }));
    expect(plan).toMatchObject({ kind: 'say', intent: 'human' });
    expect(plan.kind === 'say' && plan.text).not.toMatch(/I'll connect|connecting you|transfer(ring)? you/i);
  });
});
