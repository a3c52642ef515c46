import { describe, expect, it } from 'vitest';
import { capText, clauseLeads, fixedLead, splitSentences } from './sentences.ts';

describe('splitSentences', () => {
  it('splits on sentence punctuation and keeps closing quotes with their sentence', () => {
    expect(splitSentences(`Hi, I'm an AI assistant for Acme. You can ask for a person at any time!  Okay?`)).toEqual([
      "Hi, I'm an AI assistant for Acme.",
      'You can ask for a person at any time!',
      'Okay?',
    ]);
    expect(splitSentences('She said "go." Then left')).toEqual(['She said "go."', 'Then left']);
  });

  it('returns nothing for blank text and the whole text when there is no punctuation', () => {
    expect(splitSentences('  \n ')).toEqual([]);
    expect(splitSentences('no punctuation here')).toEqual(['no punctuation here']);
  });
});

describe('capText', () => {
  it('cuts at a sentence boundary, else a word boundary', () => {
    expect(capText('One two three. Four five six seven.', 20)).toBe('One two three.');
    expect(capText('alpha beta gamma delta', 13)).toBe('alpha beta');
    expect(capText('short', 20)).toBe('short');
  });

  it('finds the fixed opening clause of a template, and where a sentence can be split', () => {
    expect(fixedLead('Got it, you said {heard}.')).toBe('Got it,');
    expect(fixedLead('I heard: {heard}.')).toBe('I heard:');
    expect(fixedLead('{output}.')).toBeNull();
    expect(fixedLead('You said {heard}.')).toBeNull();
    expect(clauseLeads('Okay, so, you said go.')).toEqual(['Okay, so,', 'Okay,']);
  });
});
