import { afterEach, describe, expect, it, vi } from 'vitest';
import { WidgetError } from '../core/errors.ts';
import { resolveOptions } from '../core/options.ts';
import { requestSession } from './session-request.ts';

const { options } = resolveOptions({ agent: 'acme' }, 'http://127.0.0.1:1');
const reply = (status: number, body: unknown) => vi.fn(async () => new Response(JSON.stringify(body), { status }));

describe('requestSession refused by the server', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('keeps the server’s message for the caller on 4xx (the 11th call of an agent capped at 10)', async () => {
    const message = 'All lines of this assistant are busy right now. Please try again in a minute.';
    vi.stubGlobal('fetch', reply(429, { error: { code: 'agent_busy', message } }));
    const err = await requestSession(options, 'en').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WidgetError);
    expect(err).toMatchObject({ code: 'session_refused', retryable: true, serverMessage: message });
  });

  it('shows no server text on 5xx or a body without a message (only the widget’s own string)', async () => {
    vi.stubGlobal('fetch', reply(502, { error: { code: 'upstream_unavailable', message: 'the media server is unavailable, try again' } }));
    expect(await requestSession(options, 'en').catch((e: unknown) => e)).toMatchObject({ retryable: true, serverMessage: undefined });
    vi.stubGlobal('fetch', reply(403, { nope: true }));
    expect(await requestSession(options, 'en').catch((e: unknown) => e)).toMatchObject({ retryable: false, serverMessage: undefined });
  });
});
