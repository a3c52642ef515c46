import type { DialogueScript } from './script.ts';

/**
 * The script used unless one is given: a small shop's front desk that does the product's jobs with
 * the session's tools — order status, a delivery address change (read back, then the caller's yes
 * or no: the intent calls the tool again and the client's guard decides), a support case, opening
 * hours, a code for phone verification, a person, goodbye. A tool the session does not offer is
 * never called: the intent's `reply` is spoken instead (and promises nothing the call cannot do).
 * Tool results are spoken from their `say` field. Keywords are broad because PocketSphinx often
 * gets single words wrong; the fallback repeats what was heard so a caller (or a test) can see what
 * the recognizer understood.
 */
export const DEFAULT_SCRIPT: DialogueScript = {
  greeting: "Hi, I'm an AI assistant. You can ask about an order or our opening hours.",
  fallback: "Sorry, I'm not sure I understood. I heard: {heard}. Could you rephrase that?",
  noSpeech: "Sorry, I didn't catch that. Could you say it again?",
  toolResult: '{output.say}',
  intents: [
    {
      name: 'change_address',
      keywords: ['address', 'new address', 'delivery address', 'shipping address', 'deliver it to', 'ship it to', 'send it to'],
      tool: { name: 'update_shipping_address', arguments: { order_id: '{number}', address: { capture: '\\bto\\s+(.{5,200})$' } } },
      ask: 'Sure. Please tell me the order number and the new address, like: order 1 0 4 2 to 5 Main Street, Springfield.',
      reply: "I can't change addresses on this call.",
    },
    {
      name: 'order_status',
      keywords: ['order', 'orders', 'ordered', 'package', 'parcel', 'deliver*', 'shipment', 'shipping', 'shipped', 'tracking', 'track', 'arrive*', 'when will it come'],
      tool: { name: 'get_order_status', arguments: { order_id: '{number}' } },
      numberFromContext: true,
      preamble: 'Let me check that order for you.',
      ask: 'Sure. What is your order number?',
      followUp: ['order number'],
      reply: "I can't look up orders on this call.",
    },
    {
      name: 'confirm',
      keywords: ['yes', 'yeah', 'yep', 'correct', 'go ahead', 'sure', 'please do', 'that is right', "that's right"],
      tool: { repeat: 'confirmation' },
      reply: 'Okay. What else can I do for you?',
    },
    {
      name: 'decline',
      keywords: ['no', 'nope', "don't", 'do not', 'cancel', 'wrong'],
      tool: { repeat: 'confirmation' },
      reply: 'Okay. What else can I do for you?',
    },
    {
      name: 'verify',
      keywords: ['my code', 'code is', 'pin', 'passcode'],
      tool: { name: 'verify_caller', arguments: { code: '{number}' } },
      ask: 'Please say your four-digit code, one digit at a time.',
      followUp: ['four-digit code', 'your code'],
      reply: "I can't check codes on this call.",
    },
    {
      name: 'open_case',
      keywords: ['complaint', 'complain', 'case', 'refund', 'broken', 'damaged', 'problem', 'call me back', 'callback'],
      tool: { name: 'create_case', arguments: { category: 'other', summary: '{heard}' } },
      reply: "I can't open cases on this call, but I'm happy to help with what I can.",
    },
    {
      name: 'opening_hours',
      keywords: ['hours', 'open', 'opening', 'opens', 'close', 'closing', 'closes', 'closed', 'what time', 'weekend', 'saturday', 'sunday'],
      tool: { name: 'opening_hours' },
      reply: "I don't have the opening hours here, sorry.",
    },
    {
      name: 'human',
      keywords: ['human', 'person', 'people', 'agent', 'representative', 'operator', 'someone', 'somebody', 'real person', 'talk to', 'speak to', 'manager'],
      tool: { name: 'transfer_to_human', arguments: { reason: 'asked for a person', summary: 'You asked to talk to a person.' } },
      reply: "I'm sorry, there's no one I can connect you with on this call, but I'm happy to keep helping.",
    },
    {
      name: 'goodbye',
      keywords: ['bye', 'goodbye', 'good bye', "that's all", 'that is all', 'nothing else', 'hang up'],
      tool: { name: 'end_call' },
      afterTool: 'Thanks for calling. Goodbye!',
      reply: 'Thanks for calling. Goodbye!',
    },
    {
      name: 'greeting',
      keywords: ['hello', 'hi', 'hey', 'good morning', 'good afternoon', 'good evening'],
      reply: 'Hello! How can I help you today?',
    },
  ],
};
