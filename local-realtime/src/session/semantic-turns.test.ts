import { describe, expect, it } from 'vitest';
import { pauseMsFor, silenceMsFor, soundsUnfinished } from './semantic-turns.ts';
import { withVadDefaults } from './session-config.ts';

describe('silenceMsFor', () => {
  it('uses silence_duration_ms for server_vad', () => {
    expect(silenceMsFor(withVadDefaults({ type: 'server_vad', silence_duration_ms: 321 }), 'and')).toBe(321);
  });

  it('waits longer in semantic mode when the words so far sound unfinished', () => {
    const medium = withVadDefaults({ type: 'semantic_vad', eagerness: 'medium' });
    expect(silenceMsFor(medium, 'where is my order')).toBe(400);
    expect(silenceMsFor(medium, 'I would like to check on my')).toBe(1_600);
    expect(silenceMsFor(medium, null)).toBe(400);
    expect(silenceMsFor(withVadDefaults({ type: 'semantic_vad', eagerness: 'high' }), 'um')).toBe(1_250);
  });
});

describe('soundsUnfinished', () => {
  it('looks at the last word only', () => {
    expect(soundsUnfinished('the store and')).toBe(true);
    expect(soundsUnfinished('and the store')).toBe(false);
    expect(soundsUnfinished('')).toBe(false);
  });
});

describe('pauseMsFor', () => {
  it('speculates after 150 ms, or early enough to finish before a short end-of-turn silence', () => {
    expect(pauseMsFor(500)).toBe(150);
    expect(pauseMsFor(200)).toBe(100);
    expect(pauseMsFor(50)).toBe(0);
  });
});
