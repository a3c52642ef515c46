/**
 * The greeting every call starts with. It discloses that the caller is talking to an AI and that
 * a person is available — a legal requirement in several places (e.g. California SB 1001, the EU
 * AI Act art. 50) and what callers expect.
 */
export function greetingText(company: string): string {
  return `Hi, I'm an AI assistant for ${company}. You can ask for a person at any time. How can I help?`;
}

/**
 * Instructions for `generateReply` that make the model speak `text` word for word.
 * OpenAI's models follow this phrasing; the local model speaks the quoted text verbatim
 * (local-realtime/src/responder/verbatim.ts).
 */
export function sayExactly(text: string): string {
  return `Say exactly: "${text}"`;
}

/** System instructions of the assistant. */
export function assistantInstructions(company: string): string {
  return [
    `You are a friendly voice assistant for ${company}. Keep answers short: one or two sentences.`,
    'You are an AI, and say so if asked. If the caller asks for a human, offer to transfer them.',
    'Speak in the language the caller uses.',
  ].join(' ');
}
