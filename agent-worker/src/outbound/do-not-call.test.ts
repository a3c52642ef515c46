import { describe, expect, it } from 'vitest';
import { doNotCallPhrase } from './do-not-call.ts';

describe('doNotCallPhrase', () => {
  it.each([
    "Please don't call me again.",
    'please do not call me again',
    'Don’t call this number anymore',
    "don't call me",
    'Stop calling me, thanks',
    'can you take me off your list',
    'remove my number from your calling list please',
    'put me on your do-not-call list',
    'I want to be on the do not call list',
    'never call here again',
    'unsubscribe me',
  ])('matches “%s”', (text) => {
    expect(doNotCallPhrase(text)).not.toBeNull();
  });

  it.each([
    'call me back tomorrow',
    "don't call me before five",
    "I don't mind if you call me again",
    'who is this calling',
    'yes now is a good time',
    'please call me again next week',
    '',
  ])('does not match “%s”', (text) => {
    expect(doNotCallPhrase(text)).toBeNull();
  });
});
