import { describe, expect, it } from 'vitest';
import { CueMatcher, normalizeTranscript } from './cues.ts';

describe('CueMatcher', () => {
  it('finds machine phrases across snippets, once each', () => {
    const m = new CueMatcher();
    expect(m.push("Hi, you've reached")).toEqual(["you've reached"]);
    expect(m.push('Mary. Please leave a')).toEqual([]);
    expect(m.push('MESSAGE after the tone.')).toEqual(['leave a message', 'after the tone']);
    expect(m.push('leave a message')).toEqual([]);
  });

  it('does not match a phrase inside other words or a person\'s answer', () => {
    const m = new CueMatcher();
    expect(m.push('Hello? Who is this? I got your message, can you call me back')).toEqual([]);
    expect(new CueMatcher(['at the tone']).push('what the tonic')).toEqual([]);
  });

  it('normalises case, curly apostrophes and punctuation', () => {
    expect(normalizeTranscript('You’ve  REACHED, the—Voicemail!')).toBe(" you've reached the voicemail ");
    expect(new CueMatcher().push('You’ve reached the voicemail')).toEqual(['voicemail', "you've reached"]);
  });

  it('keeps matching in a long call without growing without bound', () => {
    const m = new CueMatcher();
    for (let i = 0; i < 500; i++) m.push('blah blah blah');
    expect(m.push('not available')).toEqual(['not available']);
  });
});
