import type { StringKey } from '../api.ts';

/** Every UI string, per language. English is complete; other languages fall back to it key by key. */
export type Strings = Record<StringKey, string>;

const en: Strings = {
  talk: 'Talk to our assistant',
  end: 'End call',
  retry: 'Try again',
  mute: 'Mute microphone',
  unmute: 'Unmute microphone',
  send: 'Send',
  typePlaceholder: 'Type a message…',
  typeLabel: 'Message to the assistant',
  idle: 'Ready',
  connecting: 'Connecting…',
  listening: 'Listening',
  thinking: 'Thinking…',
  speaking: 'Speaking',
  reconnecting: 'Connection lost, reconnecting…',
  ended: 'Call ended',
  error: 'Something went wrong.',
  you: 'You',
  agent: 'Assistant',
  interrupted: '(interrupted)',
  captions: 'Conversation',
  latency: 'Response time',
  lastTurn: 'Last',
  p50: 'P50',
  p95: 'P95',
  turns: 'Turns',
  stages: 'Last turn by stage',
  stageEndpointing: 'End of speech',
  stageModel: 'Model',
  stageAgentOut: 'Agent',
  stageNetwork: 'Network and playout',
  micDenied: 'Microphone blocked. Allow it in your browser’s site settings, or type below.',
  micMissing: 'No microphone found. You can type your questions below.',
  micFailed: 'The microphone could not be started. You can type your questions below.',
  agentTimeout: 'The assistant did not answer. Please try again.',
  connectionLost: 'The connection was lost.',
  sessionRefused: 'The assistant is not available right now.',
  messageRefused: 'The assistant did not read your message.',
  misconfigured: 'This widget is not set up correctly.',
  close: 'Close',
  talkingTo: 'Talking to',
  aiAssistant: 'AI assistant',
  person: 'Person',
};

const de: Partial<Strings> = {
  talk: 'Mit unserem Assistenten sprechen',
  end: 'Auflegen',
  retry: 'Erneut versuchen',
  mute: 'Mikrofon stummschalten',
  unmute: 'Mikrofon einschalten',
  send: 'Senden',
  typePlaceholder: 'Nachricht eingeben…',
  typeLabel: 'Nachricht an den Assistenten',
  idle: 'Bereit',
  connecting: 'Verbinde…',
  listening: 'Hört zu',
  thinking: 'Denkt nach…',
  speaking: 'Spricht',
  reconnecting: 'Verbindung unterbrochen, verbinde neu…',
  ended: 'Gespräch beendet',
  error: 'Etwas ist schiefgelaufen.',
  you: 'Sie',
  agent: 'Assistent',
  interrupted: '(unterbrochen)',
  captions: 'Gespräch',
  latency: 'Antwortzeit',
  lastTurn: 'Zuletzt',
  turns: 'Runden',
  stages: 'Letzte Runde nach Abschnitt',
  stageEndpointing: 'Sprechende',
  stageModel: 'Modell',
  stageAgentOut: 'Agent',
  stageNetwork: 'Netz und Wiedergabe',
  micDenied: 'Mikrofon blockiert. Erlauben Sie es in den Website-Einstellungen oder schreiben Sie unten.',
  micMissing: 'Kein Mikrofon gefunden. Sie können Ihre Fragen unten eintippen.',
  micFailed: 'Das Mikrofon ließ sich nicht starten. Sie können Ihre Fragen unten eintippen.',
  agentTimeout: 'Der Assistent hat nicht geantwortet. Bitte versuchen Sie es erneut.',
  connectionLost: 'Die Verbindung wurde getrennt.',
  sessionRefused: 'Der Assistent ist gerade nicht erreichbar.',
  messageRefused: 'Der Assistent hat Ihre Nachricht nicht gelesen.',
  misconfigured: 'Dieses Widget ist nicht richtig eingerichtet.',
  close: 'Schließen',
  talkingTo: 'Im Gespräch mit',
  aiAssistant: 'KI-Assistent',
  person: 'Mitarbeiter',
};

const CATALOG: Record<string, Partial<Strings>> = { en, de };

/** Languages shipped with the widget. */
export const LANGUAGES = Object.keys(CATALOG);

/**
 * Picks the UI language for `tags` (most preferred first, e.g. the `lang` option, `<html lang>`,
 * `navigator.languages`): the first tag whose language — exact (`de`) or by its base (`de-AT` → `de`)
 * — is shipped; English otherwise.
 */
export function pickLanguage(tags: readonly (string | null | undefined)[]): string {
  for (const tag of tags) {
    if (!tag) continue;
    const lower = tag.toLowerCase();
    if (CATALOG[lower]) return lower;
    const base = lower.split('-')[0]!;
    if (CATALOG[base]) return base;
  }
  return 'en';
}

/**
 * The strings for `lang` with `overrides` on top; each key falls back override → language → English,
 * so a partial translation or override never leaves a hole. Unknown keys and non-string or empty
 * overrides are ignored.
 */
export function resolveStrings(lang: string, overrides: Partial<Record<string, unknown>> = {}): Strings {
  const out: Strings = { ...en, ...CATALOG[pickLanguage([lang])] };
  for (const key of Object.keys(en) as StringKey[]) {
    const v = overrides[key];
    if (typeof v === 'string' && v.trim()) out[key] = v;
  }
  return out;
}
