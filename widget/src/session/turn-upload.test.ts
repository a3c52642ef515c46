import { describe, expect, it } from 'vitest';
import { type TurnLatency, TurnUpload } from '@voice-widget/protocol';
import { turnUploader } from './turn-upload.ts';

const turn: TurnLatency = {
  index: 0,
  speechEndAt: 1_700_000_001_000,
  playStartAt: 1_700_000_001_700,
  perceivedMs: 700,
  overlap: false,
  stages: null,
  endOfTurnSource: null,
  clockUncertaintyMs: null,
};

describe('turn upload', () => {
  it('POSTs the turn to the call with the caller token, in the schema the server parses', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const fake = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response('{"stored":true}', { status: 201 });
    }) as unknown as typeof fetch;
    const upload = turnUploader({ serverUrl: 'http://127.0.0.1:8787', room: 'web_abc', token: 'jwt' }, fake);
    expect(await upload(turn)).toBe(true);
    expect(calls[0]!.url).toBe('http://127.0.0.1:8787/api/sessions/web_abc/turns');
    expect((calls[0]!.init.headers as Record<string, string>).Authorization).toBe('Bearer jwt');
    expect(TurnUpload.parse(JSON.parse(calls[0]!.init.body as string))).toEqual(turn);
  });

  it('never throws: a refused or failed upload resolves false', async () => {
    const refused = (async () => new Response('{}', { status: 403 })) as unknown as typeof fetch;
    const offline = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    expect(await turnUploader({ serverUrl: 'http://x', room: 'r', token: 't' }, refused)(turn)).toBe(false);
    expect(await turnUploader({ serverUrl: 'http://x', room: 'r', token: 't' }, offline)(turn)).toBe(false);
  });
});
