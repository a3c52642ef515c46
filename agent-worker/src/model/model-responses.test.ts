import { describe, expect, it } from 'vitest';
import { ModelResponses } from './model-responses.ts';

describe('ModelResponses', () => {
  it('is busy from response.create sent until response.done received', async () => {
    const r = new ModelResponses();
    expect(r.active).toBe(false);
    r.onClientEvent({ type: 'response.create' });
    expect(r.active).toBe(true); // asked, not yet created
    r.onServerEvent({ type: 'response.created', response: { id: 'a' } });
    expect(r.active).toBe(true);
    let idle = false;
    void r.idle(5_000).then(() => (idle = true));
    await Promise.resolve();
    expect(idle).toBe(false);
    r.onServerEvent({ type: 'response.done', response: { id: 'a', status: 'cancelled' } });
    await Promise.resolve();
    expect(idle).toBe(true);
    expect(r.active).toBe(false);
  });

  it('counts a refused response.create as settled', () => {
    const r = new ModelResponses();
    r.onClientEvent({ type: 'response.create' });
    r.onServerEvent({ type: 'error' });
    expect(r.active).toBe(false);
  });

  it('gives up waiting after the timeout', async () => {
    const r = new ModelResponses();
    r.onServerEvent({ type: 'response.created', response: { id: 'stuck' } });
    const t0 = Date.now();
    await r.idle(30);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
  });
});
