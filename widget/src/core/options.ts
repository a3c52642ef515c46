import { PAGE_HINT_DEFAULTS } from '@voice-widget/protocol/hint-timing';
import { AGENT_SLUG_PATTERN, DEMO_SLUG_PATTERN, LANGUAGE_TAG_PATTERN } from '@voice-widget/protocol/slug';
import type { BargeInOptions, MountOptions, Position, StringKey, Theme } from '../api.ts';

/** Attributes of `<voice-agent>` (and `data-*` of the script tag), one per option. */
export const ATTRIBUTES = [
  'agent',
  'server',
  'lang',
  'theme',
  'floating',
  'position',
  'show-latency',
  'show-captions',
  'agent-join-timeout-ms',
  'vad-redemption-ms',
  'barge-in-min-speech-ms',
  'barge-in-min-level-dbfs',
  'barge-in-duck-gain',
  'strings',
  'demo',
  'lead-name',
  'lead-email',
  'identity',
] as const;
export type Attribute = (typeof ATTRIBUTES)[number];

/** Options after validation, every default filled in. */
export interface ResolvedOptions {
  agent: string;
  server: string;
  lang: string | undefined;
  strings: Partial<Record<StringKey, string>>;
  theme: Theme;
  floating: boolean;
  position: Position;
  showLatency: boolean;
  showCaptions: boolean;
  agentJoinTimeoutMs: number;
  vadRedemptionMs: number;
  bargeIn: Required<BargeInOptions>;
  /** Public demo-link slug: the server applies that link's budgets. */
  demo: string | undefined;
  /** Visitor's name and e-mail, for demo links with lead capture. */
  lead: { name: string; email: string } | undefined;
  /** Signed identity (a JWT the host site's server signed with the agent's secret): the call starts verified. */
  identity: string | undefined;
}

/** Result of {@link resolveOptions}: usable options, and what was wrong (bad values fall back to defaults). */
export interface OptionsResult {
  options: ResolvedOptions;
  problems: string[];
  /** Without a valid agent no call can start. */
  fatal: boolean;
}

export const DEFAULT_BARGE_IN: Required<BargeInOptions> = { minSpeechMs: 250, minLevelDbfs: -50, duckGain: 0.3 };

const THEMES: readonly Theme[] = ['light', 'dark', 'auto'];
const POSITIONS: readonly Position[] = ['bottom-right', 'bottom-left'];

/**
 * Validates options from `mount()` or from attributes. Never throws: a bad value is reported in
 * `problems` and replaced by its default; a missing or malformed agent makes the result `fatal`.
 * `defaultServer` is the origin the widget was loaded from.
 */
export function resolveOptions(input: unknown, defaultServer: string): OptionsResult {
  const raw = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const problems: string[] = [];
  const bad = (name: string, why: string) => problems.push(`${name}: ${why}`);

  const agent = typeof raw.agent === 'string' ? raw.agent.trim() : '';
  const fatal = !AGENT_SLUG_PATTERN.test(agent);
  if (fatal) bad('agent', agent ? `"${agent}" is not a lowercase slug (a-z, 0-9, -)` : 'required');

  let server = defaultServer;
  if (raw.server !== undefined) {
    try {
      const url = new URL(String(raw.server));
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error();
      server = url.origin;
    } catch {
      bad('server', `"${String(raw.server)}" is not an http(s) URL`);
    }
  }

  let lang: string | undefined;
  if (raw.lang !== undefined) {
    if (typeof raw.lang === 'string' && LANGUAGE_TAG_PATTERN.test(raw.lang)) lang = raw.lang;
    else bad('lang', `"${String(raw.lang)}" is not a language tag like "en" or "de-DE"`);
  }

  const oneOf = <T extends string>(name: string, list: readonly T[], fallback: T): T => {
    const v = raw[name];
    if (v === undefined) return fallback;
    if (list.includes(v as T)) return v as T;
    bad(name, `must be one of ${list.join(', ')}`);
    return fallback;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const v = raw[name];
    if (v === undefined) return fallback;
    if (typeof v === 'boolean') return v;
    bad(name, 'must be true or false');
    return fallback;
  };
  const num = (obj: Record<string, unknown>, name: string, label: string, min: number, max: number, fallback: number): number => {
    const v = obj[name];
    if (v === undefined) return fallback;
    if (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max) return v;
    bad(label, `must be a number from ${min} to ${max}`);
    return fallback;
  };

  const strings: Partial<Record<StringKey, string>> = {};
  if (raw.strings !== undefined) {
    if (raw.strings && typeof raw.strings === 'object' && !Array.isArray(raw.strings)) {
      for (const [k, v] of Object.entries(raw.strings)) {
        if (typeof v === 'string') strings[k as StringKey] = v;
        else bad(`strings.${k}`, 'must be a string');
      }
    } else bad('strings', 'must be an object of string keys to strings');
  }

  let demo: string | undefined;
  if (raw.demo !== undefined) {
    if (typeof raw.demo === 'string' && DEMO_SLUG_PATTERN.test(raw.demo)) demo = raw.demo;
    else bad('demo', 'is not a demo-link slug');
  }
  let lead: ResolvedOptions['lead'];
  if (raw.leadName !== undefined || raw.leadEmail !== undefined) {
    const name = typeof raw.leadName === 'string' ? raw.leadName.trim() : '';
    const email = typeof raw.leadEmail === 'string' ? raw.leadEmail.trim() : '';
    if (name && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) lead = { name, email };
    else bad('lead', 'needs leadName and a valid leadEmail');
  }

  let identity: string | undefined;
  if (raw.identity !== undefined) {
    if (typeof raw.identity === 'string' && raw.identity.length <= 4096 && /^[\w-]+\.[\w-]+\.[\w-]+$/.test(raw.identity)) identity = raw.identity;
    else bad('identity', 'is not a signed identity (a JWT: header.payload.signature)');
  }

  const b = (raw.bargeIn && typeof raw.bargeIn === 'object' ? raw.bargeIn : {}) as Record<string, unknown>;
  return {
    fatal,
    problems,
    options: {
      agent,
      server,
      lang,
      strings,
      theme: oneOf('theme', THEMES, 'auto'),
      floating: bool('floating', false),
      position: oneOf('position', POSITIONS, 'bottom-right'),
      showLatency: bool('showLatency', true),
      showCaptions: bool('showCaptions', true),
      agentJoinTimeoutMs: num(raw, 'agentJoinTimeoutMs', 'agentJoinTimeoutMs', 1_000, 120_000, 15_000),
      vadRedemptionMs: num(raw, 'vadRedemptionMs', 'vadRedemptionMs', 100, 3_000, PAGE_HINT_DEFAULTS.redemptionMs),
      bargeIn: {
        minSpeechMs: num(b, 'minSpeechMs', 'bargeIn.minSpeechMs', 64, 2_000, DEFAULT_BARGE_IN.minSpeechMs),
        minLevelDbfs: num(b, 'minLevelDbfs', 'bargeIn.minLevelDbfs', -90, 0, DEFAULT_BARGE_IN.minLevelDbfs),
        duckGain: num(b, 'duckGain', 'bargeIn.duckGain', 0, 1, DEFAULT_BARGE_IN.duckGain),
      },
      demo,
      lead,
      identity,
    },
  };
}

/**
 * Reads the options from attributes (`get(name)` returns the attribute's value or null):
 * numbers are parsed, boolean attributes are true when present unless `"false"`, `strings` is JSON.
 * Unparseable values are passed on as-is so {@link resolveOptions} reports them.
 */
export function optionsFromAttributes(get: (name: Attribute) => string | null): Partial<MountOptions> {
  const out: Record<string, unknown> = {};
  const bargeIn: Record<string, unknown> = {};
  const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  for (const name of ATTRIBUTES) {
    const v = get(name);
    if (v === null) continue;
    if (name === 'floating' || name === 'show-latency' || name === 'show-captions') out[camel(name)] = v !== 'false';
    else if (name === 'strings') {
      try {
        out.strings = JSON.parse(v);
      } catch {
        out.strings = v;
      }
    } else if (name.startsWith('barge-in-')) bargeIn[camel(name.slice(9))] = v.trim() === '' ? v : Number(v);
    else if (name.endsWith('-ms')) out[camel(name)] = v.trim() === '' ? v : Number(v);
    else out[camel(name)] = v;
  }
  if (Object.keys(bargeIn).length) out.bargeIn = bargeIn;
  return out as Partial<MountOptions>;
}
