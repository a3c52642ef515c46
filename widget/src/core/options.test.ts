import { describe, expect, it } from 'vitest';
import { ATTRIBUTES, DEFAULT_BARGE_IN, optionsFromAttributes, resolveOptions } from './options.ts';

const SERVER = 'https://voice.example.com';

describe('options', () => {
  it('fills defaults for a minimal valid config', () => {
    const r = resolveOptions({ agent: 'acme' }, SERVER);
    expect(r.fatal).toBe(false);
    expect(r.problems).toEqual([]);
    expect(r.options).toMatchObject({
      agent: 'acme',
      server: SERVER,
      theme: 'auto',
      floating: false,
      position: 'bottom-right',
      showLatency: true,
      agentJoinTimeoutMs: 15_000,
      vadRedemptionMs: 300,
      bargeIn: DEFAULT_BARGE_IN,
    });
  });

  it('is fatal without a valid agent slug, and says why', () => {
    expect(resolveOptions({}, SERVER)).toMatchObject({ fatal: true, problems: ['agent: required'] });
    const r = resolveOptions({ agent: 'Acme Inc' }, SERVER);
    expect(r.fatal).toBe(true);
    expect(r.problems[0]).toMatch(/not a lowercase slug/);
    expect(resolveOptions(null, SERVER).fatal).toBe(true);
  });

  it('reports bad values and falls back to defaults', () => {
    const r = resolveOptions(
      {
        agent: 'acme',
        server: 'javascript:alert(1)',
        lang: 'english please',
        theme: 'neon',
        floating: 'yes',
        agentJoinTimeoutMs: 5,
        vadRedemptionMs: Number.NaN,
        bargeIn: { minSpeechMs: 10, duckGain: 2 },
        strings: { talk: 7 },
      },
      SERVER,
    );
    expect(r.fatal).toBe(false);
    expect(r.problems.map((p) => p.split(':')[0])).toEqual([
      'server', 'lang', 'strings.talk', 'theme', 'floating', 'agentJoinTimeoutMs', 'vadRedemptionMs', 'bargeIn.minSpeechMs', 'bargeIn.duckGain',
    ]);
    expect(r.options.server).toBe(SERVER);
    expect(r.options.theme).toBe('auto');
    expect(r.options.agentJoinTimeoutMs).toBe(15_000);
    expect(r.options.bargeIn).toEqual(DEFAULT_BARGE_IN);
  });

  it('keeps only the origin of the server URL', () => {
    expect(resolveOptions({ agent: 'a', server: 'http://127.0.0.1:8787/some/path?x' }, SERVER).options.server).toBe('http://127.0.0.1:8787');
  });

  it('reads attributes: numbers, boolean presence, JSON strings', () => {
    const attrs: Record<string, string> = {
      agent: 'acme',
      floating: '',
      'show-latency': 'false',
      'vad-redemption-ms': '450',
      'barge-in-min-speech-ms': '300',
      strings: '{"talk":"Ask us"}',
      lang: 'de',
    };
    const raw = optionsFromAttributes((n) => attrs[n] ?? null);
    expect(raw).toEqual({
      agent: 'acme',
      floating: true,
      showLatency: false,
      vadRedemptionMs: 450,
      bargeIn: { minSpeechMs: 300 },
      strings: { talk: 'Ask us' },
      lang: 'de',
    });
    const r = resolveOptions(raw, SERVER);
    expect(r.problems).toEqual([]);
    expect(r.options.bargeIn.minSpeechMs).toBe(300);
  });

  it('reports unparseable attributes instead of guessing', () => {
    const attrs: Record<string, string> = { agent: 'acme', 'agent-join-timeout-ms': 'soon', strings: '{oops' };
    const r = resolveOptions(optionsFromAttributes((n) => attrs[n] ?? null), SERVER);
    expect(r.problems.map((p) => p.split(':')[0]).sort()).toEqual(['agentJoinTimeoutMs', 'strings']);
  });

  it('lists each attribute once', () => {
    expect(new Set(ATTRIBUTES).size).toBe(ATTRIBUTES.length);
  });
});
