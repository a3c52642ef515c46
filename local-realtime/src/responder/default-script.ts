import type { DialogueScript } from './script.ts';

/**
 * The script used unless one is given: a small shop's front desk. Keywords are broad because
 * PocketSphinx often gets single words wrong; the fallback repeats what was heard so a caller (or a
 * test) can see what the recognizer understood.
 */
export const DEFAULT_SCRIPT: DialogueScript = {
  greeting: "Hi, I'm an AI assistant. You can ask about an order or our opening hours, or ask for a person at any time.",
  fallback: "Sorry, I'm not sure I understood. I heard: {heard}. Could you rephrase that?",
  noSpeech: "Sorry, I didn't catch that. Could you say it again?",
  toolResult: 'Here is what I found: {output}.',
  intents: [
    {
      name: 'order_status',
      keywords: ['order', 'orders', 'ordered', 'package', 'parcel', 'deliver*', 'shipment', 'shipping', 'shipped', 'tracking', 'track'],
      tool: { match: 'order' },
      preamble: 'Let me check that order for you.',
      ask: 'Sure. What is your order number?',
      afterTool: 'Here is what I found about order {number}: {output}.',
      reply: "I can't look up orders from here, but a person can help you with that.",
    },
    {
      name: 'opening_hours',
      keywords: ['hours', 'open', 'opening', 'opens', 'close', 'closing', 'closes', 'closed', 'what time', 'weekend', 'saturday', 'sunday'],
      reply: "We're open Monday to Friday from nine a.m. to six p.m., and Saturday from ten to two.",
    },
    {
      name: 'human',
      keywords: ['human', 'person', 'people', 'agent', 'representative', 'operator', 'someone', 'somebody', 'real person', 'talk to', 'speak to', 'manager'],
      reply: "Of course. I'll connect you with a person now. Please stay on the line.",
    },
    {
      name: 'goodbye',
      keywords: ['bye', 'goodbye', 'good bye', "that's all", 'that is all', 'nothing else', 'hang up'],
      reply: 'Thanks for calling. Goodbye!',
    },
    {
      name: 'greeting',
      keywords: ['hello', 'hi', 'hey', 'good morning', 'good afternoon', 'good evening'],
      reply: 'Hello! How can I help you today?',
    },
  ],
};
