/**
 * Maps OpenAI voice names to eSpeak NG voices (American English with a voice variant), and the
 * `speed` multiplier to eSpeak's words per minute. A voice written `espeak:<name>` (e.g.
 * `espeak:en-gb+m3`) is passed to eSpeak NG as is.
 */

const VARIANTS: Record<string, string> = {
  alloy: 'en-us+f3',
  ash: 'en-us+m3',
  ballad: 'en-us+m5',
  coral: 'en-us+f2',
  echo: 'en-us+m1',
  sage: 'en-us+f4',
  shimmer: 'en-us+f5',
  verse: 'en-us+m7',
  marin: 'en-us+f1',
  cedar: 'en-us+m2',
};

/** eSpeak NG's default rate, words per minute, used for speed 1. */
export const BASE_WPM = 175;

/** The eSpeak NG `-v` argument for an OpenAI voice name; unknown names get a stable variant. */
export function espeakVoice(voice: string): string {
  if (voice.startsWith('espeak:')) {
    const name = voice.slice('espeak:'.length);
    if (/^[A-Za-z0-9_+\-]{1,60}$/.test(name)) return name;
  }
  const known = VARIANTS[voice.toLowerCase()];
  if (known) return known;
  let h = 0;
  for (const ch of voice) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `en-us+${h % 2 ? 'f' : 'm'}${(h % 4) + 1}`;
}

/** eSpeak NG `-s` (words per minute) for a speed multiplier (0.25–1.5), clamped to 80–450. */
export function espeakWpm(speed: number): number {
  return Math.min(450, Math.max(80, Math.round(BASE_WPM * speed)));
}
