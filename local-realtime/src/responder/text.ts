/**
 * Text helpers for the responder: normalising transcripts, matching keywords, reading spoken
 * numbers ("one two three four" → "1234", "twenty five" → "25") and filling reply templates.
 */

/** Lowercase words: letters, digits and inner apostrophes; everything else separates words. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/[^a-z0-9']+/g, ' ')
    .split(' ')
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter((w) => w.length > 0);
}

/**
 * How strongly `keyword` occurs in `tokens`: 0 if absent, otherwise its number of words (phrases
 * count more than single words). A trailing `*` matches any word with that prefix (`deliver*`).
 */
export function keywordScore(tokens: readonly string[], keyword: string): number {
  const prefix = keyword.trimEnd().endsWith('*');
  const parts = words(keyword);
  if (parts.length === 0) return 0;
  outer: for (let i = 0; i + parts.length <= tokens.length; i++) {
    for (let j = 0; j < parts.length; j++) {
      const t = tokens[i + j]!;
      const isLast = j === parts.length - 1;
      if (isLast && prefix ? !t.startsWith(parts[j]!) : t !== parts[j]) continue outer;
    }
    return parts.length;
  }
  return 0;
}

const UNITS: Record<string, number> = { zero: 0, oh: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9 };
const TEENS: Record<string, number> = { ten: 10, eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19 };
const TENS: Record<string, number> = { twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };

/**
 * The first number spoken in `text`, as a digit string, or null. Consecutive number words form one
 * number: digits and words concatenate group by group ("one two three" → "123", "twelve thirty four"
 * → "1234"), while tens, hundreds and thousands combine ("twenty five" → "25", "two hundred and
 * five" → "205", "two thousand twenty four" → "2024"). "oh" counts as zero only inside a number.
 */
export function extractNumber(text: string): string | null {
  const tokens = words(text);
  const groups: string[] = [];
  let cur = null as number | null; // value of the group being built (closures assign it)
  let slot = 0; // values below this can still be added to `cur`
  let last = 0; // last atomic value added (what "hundred" multiplies)
  let started = false;
  const close = () => {
    if (cur !== null) groups.push(String(cur));
    cur = null;
    slot = 0;
  };
  const add = (v: number, nextSlot: number) => {
    if (cur !== null && v < slot && cur % slot === 0) cur += v;
    else {
      close();
      cur = v;
    }
    last = v;
    slot = nextSlot;
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (/^\d+$/.test(t)) {
      close();
      groups.push(t);
      started = true;
    } else if (t in UNITS && (t !== 'oh' || started)) {
      add(UNITS[t]!, 0);
      started = true;
    } else if (t in TEENS) {
      add(TEENS[t]!, 0);
      started = true;
    } else if (t in TENS) {
      add(TENS[t]!, 10);
      started = true;
    } else if (t === 'hundred' && started && cur !== null && last < 10) {
      cur = cur - last + last * 100;
      last = 0;
      slot = 100;
    } else if (t === 'thousand' && started && cur !== null && cur < 1000) {
      cur *= 1000;
      last = 0;
      slot = 1000;
    } else if (t === 'and' && started && slot >= 100) {
      continue;
    } else if (started) {
      break;
    }
  }
  close();
  return groups.length ? groups.join('') : null;
}

/** Values a template can use: `{name}` or a dotted path `{output.status}`. */
export type TemplateVars = Record<string, unknown>;

function lookup(vars: TemplateVars, path: string): unknown {
  let v: unknown = vars;
  for (const key of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** A value as words to speak: strings as they are, objects as "key value, key value". */
export function speakable(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(speakable).filter(Boolean).join(', ');
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${k.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase()} ${speakable(v)}`.trim())
    .join(', ');
}

/**
 * Fills `{path}` placeholders from `vars`. Returns the text and the placeholders that had no
 * (or an empty) value; those render as nothing.
 */
export function renderTemplate(template: string, vars: TemplateVars): { text: string; missing: string[] } {
  const missing: string[] = [];
  const text = template
    .replace(/\{([A-Za-z_][\w.]*)\}/g, (_, path: string) => {
      const s = speakable(lookup(vars, path));
      if (!s) missing.push(path);
      return s;
    })
    .replace(/\s+([,.!?])/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
  return { text, missing };
}

/** Parses tool output: JSON when it is JSON, otherwise the raw string. */
export function parseOutput(output: string): unknown {
  try {
    return JSON.parse(output);
  } catch {
    return output;
  }
}
