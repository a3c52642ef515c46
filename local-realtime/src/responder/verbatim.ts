/**
 * The verbatim convention: response instructions containing
 *
 *     Say exactly: "Hi, I'm an AI assistant for Acme. You can ask for a person at any time."
 *
 * are answered by speaking the quoted text word for word. Also accepted: `Say verbatim:`,
 * `Repeat exactly:`, `Speak exactly:`, with "straight" or “curly” double quotes, or without quotes
 * (the rest of the line). The last occurrence wins, because the LiveKit plugin prepends the
 * session instructions to a `generateReply({instructions})` call's own.
 */
const QUOTED = /\b(?:say|speak|repeat)\s+(?:exactly|verbatim|word for word)\s*[:,]?\s*(?:"([^"]*)"|“([^”]*)”)/gi;
const UNQUOTED = /\b(?:say|speak|repeat)\s+(?:exactly|verbatim|word for word)\s*:[ \t]*([^"“\s][^\n]*)/gi;

/** The text to speak verbatim, or null when the instructions hold no such request. */
export function extractVerbatim(instructions: string | undefined | null): string | null {
  if (!instructions) return null;
  let best: { index: number; text: string } | null = null;
  for (const m of instructions.matchAll(QUOTED)) {
    const text = (m[1] ?? m[2] ?? '').trim();
    if (text && (!best || m.index >= best.index)) best = { index: m.index, text };
  }
  for (const m of instructions.matchAll(UNQUOTED)) {
    const text = m[1]!.trim();
    if (text && (!best || m.index > best.index)) best = { index: m.index, text };
  }
  return best?.text ?? null;
}
