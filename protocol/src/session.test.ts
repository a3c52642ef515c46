import { describe, expect, it } from 'vitest';
import { parseDispatchMetadata } from './session.ts';

describe('parseDispatchMetadata (a job metadata string)', () => {
  it('parses a dispatch rule’s metadata, a resume marker included', () => {
    expect(parseDispatchMetadata('{"agent":"acme","channel":"phone","transferTo":"tel:+15550199"}')).toEqual({
      ok: true,
      value: { agent: 'acme', channel: 'phone', transferTo: 'tel:+15550199' },
    });
    const resumed = parseDispatchMetadata('{"agent":"acme","channel":"web","resume":{"lostAtMs":1700000000000,"attempt":1}}');
    expect(resumed.ok && resumed.value.resume).toEqual({ lostAtMs: 1_700_000_000_000, attempt: 1 });
  });

  it('says why a string is not metadata, and never throws', () => {
    expect(parseDispatchMetadata('not json')).toEqual({ ok: false, error: 'invalid JSON' });
    const wrong = parseDispatchMetadata('{"agent":"acme","channel":"fax"}');
    expect(wrong.ok).toBe(false);
    expect(!wrong.ok && wrong.error).toMatch(/channel/);
  });
});
