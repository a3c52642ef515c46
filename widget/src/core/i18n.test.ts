import { describe, expect, it } from 'vitest';
import { LANGUAGES, pickLanguage, resolveStrings } from './i18n.ts';

describe('i18n', () => {
  it('ships English and German', () => {
    expect(LANGUAGES).toEqual(expect.arrayContaining(['en', 'de']));
  });

  it('picks the first shipped language, by exact tag or its base, else English', () => {
    expect(pickLanguage(['de-AT', 'en'])).toBe('de');
    expect(pickLanguage(['DE'])).toBe('de');
    expect(pickLanguage([undefined, 'fr-FR', 'de'])).toBe('de');
    expect(pickLanguage(['fr', 'ja'])).toBe('en');
    expect(pickLanguage([])).toBe('en');
  });

  it('translates and falls back to English for keys a language lacks', () => {
    const de = resolveStrings('de');
    expect(de.end).toBe('Auflegen');
    expect(de.p50).toBe('P50'); // not in the German table: English
    expect(resolveStrings('xx').end).toBe('End call');
  });

  it('applies overrides on top of any language, ignoring unknown keys and empty values', () => {
    const s = resolveStrings('de', { talk: 'Frag uns', end: '', nonsense: 'x', retry: 42 });
    expect(s.talk).toBe('Frag uns');
    expect(s.end).toBe('Auflegen');
    expect(s.retry).toBe('Erneut versuchen');
    expect('nonsense' in s).toBe(false);
  });

  it('has every English key translated to German except the ones that read the same', () => {
    const en = resolveStrings('en');
    const de = resolveStrings('de');
    const same = Object.keys(en).filter((k) => en[k as keyof typeof en] === de[k as keyof typeof de]);
    expect(same.sort()).toEqual(['p50', 'p95', 'stageAgentOut']);
  });
});
