import { describe, expect, it } from 'vitest';
import { transferAnnouncement } from './prompt.ts';

describe('phone prompt', () => {
  it('announces a transfer in one sentence after the summary', () => {
    expect(transferAnnouncement('You want to change the address of order 1042')).toBe(
      "You want to change the address of order 1042. I'm transferring you to a person now; please stay on the line.",
    );
    expect(transferAnnouncement(undefined)).toBe("I'm transferring you to a person now; please stay on the line.");
  });
});
