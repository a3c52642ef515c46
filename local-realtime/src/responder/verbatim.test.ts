import { describe, expect, it } from 'vitest';
import { extractVerbatim } from './verbatim.ts';

describe('extractVerbatim', () => {
  it('takes the quoted sentence after "Say exactly:"', () => {
    expect(extractVerbatim(`Say exactly: "Hi, I'm an AI assistant for Acme. You can ask for a person at any time."`)).toBe(
      "Hi, I'm an AI assistant for Acme. You can ask for a person at any time.",
    );
  });

  it('uses the last request when session instructions come first (as the LiveKit plugin sends them)', () => {
    const session = 'You are Acme\'s assistant. When asked to greet, say exactly: "Hello from the persona."';
    const extra = 'Greet the caller. Say exactly: “Hi, I\'m an AI assistant for Acme.”';
    expect(extractVerbatim(`${session}\n${extra}`)).toBe("Hi, I'm an AI assistant for Acme.");
  });

  it('accepts the variants and the unquoted form up to the end of the line', () => {
    expect(extractVerbatim('Please repeat verbatim: Thanks for waiting.\nThen stop.')).toBe('Thanks for waiting.');
    expect(extractVerbatim('SAY WORD FOR WORD "One moment."')).toBe('One moment.');
  });

  it('returns null without such a request', () => {
    expect(extractVerbatim('Greet the user warmly.')).toBeNull();
    expect(extractVerbatim(undefined)).toBeNull();
    expect(extractVerbatim('Say exactly: ""')).toBeNull();
  });
});
