/**
 * Splits reply text into sentences, synthesized one by one: the first sentence's audio can start
 * while later ones are produced, and fixed sentences (a script's greeting) stay cached on their own.
 */
export function splitSentences(text: string): string[] {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (!clean) return [];
  const parts = clean.match(/[^.!?]+(?:[.!?]+["”')\]]*|$)/g) ?? [clean];
  const out: string[] = [];
  for (const raw of parts) {
    const s = raw.trim();
    if (!s) continue;
    // Bare punctuation left over by the split belongs to the previous sentence.
    if (out.length && /^[.!?"”')\]]+$/.test(s)) out[out.length - 1] += s;
    else out.push(s);
  }
  return out;
}

/** Cuts text to at most `maxChars`, at a sentence or word boundary when there is one. */
export function capText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const head = text.slice(0, maxChars);
  const sentenceEnd = Math.max(head.lastIndexOf('. '), head.lastIndexOf('! '), head.lastIndexOf('? '));
  if (sentenceEnd > maxChars / 2) return head.slice(0, sentenceEnd + 1);
  const space = head.lastIndexOf(' ');
  return space > 0 ? head.slice(0, space) : head;
}

/**
 * The fixed opening clause of a template sentence, up to and including the last `,` `;` or `:`
 * before its first placeholder ("Got it, you said {heard}." → "Got it,"), or null. Synthesized
 * ahead of time, it lets a reply start before the rest of its sentence is synthesized.
 */
export function fixedLead(template: string): string | null {
  const at = template.indexOf('{');
  if (at <= 0) return null;
  const head = template.slice(0, at);
  const cut = Math.max(head.lastIndexOf(','), head.lastIndexOf(';'), head.lastIndexOf(':'));
  const lead = cut > 0 ? head.slice(0, cut + 1).trim() : '';
  return lead.length >= 2 ? lead : null;
}

/** Prefixes of `sentence` that end at a `,` `;` or `:` (longest first): where it can be split into two runs of speech. */
export function clauseLeads(sentence: string): string[] {
  const out: string[] = [];
  for (let i = sentence.length - 2; i > 0; i--) if (',;:'.includes(sentence[i]!)) out.push(sentence.slice(0, i + 1).trim());
  return out;
}
