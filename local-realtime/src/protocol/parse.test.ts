import { describe, expect, it } from 'vitest';
import { parseClientEvent } from './parse.ts';

function errorOf(text: string) {
  const r = parseClientEvent(text);
  if (r.ok) throw new Error('expected a parse error');
  return r.error;
}

describe('parseClientEvent', () => {
  it('parses GA events and keeps unknown extra fields', () => {
    const r = parseClientEvent(JSON.stringify({ type: 'session.update', event_id: 'e1', session: { type: 'realtime', tracing: 'auto', audio: { input: { turn_detection: null } } } }));
    expect(r.ok && r.event.type).toBe('session.update');
  });

  it('accepts the beta aliases the LiveKit plugin can send (flat session, assistant "text" content)', () => {
    expect(parseClientEvent(JSON.stringify({ type: 'session.update', session: { modalities: ['text', 'audio'], input_audio_format: 'pcm16', turn_detection: { type: 'server_vad' }, input_audio_transcription: { model: 'whisper-1' } } })).ok).toBe(true);
    expect(parseClientEvent(JSON.stringify({ type: 'conversation.item.create', item: { id: 'a', type: 'message', role: 'assistant', content: [{ type: 'text', text: 'hi' }] } })).ok).toBe(true);
  });

  it('reports malformed JSON, non-objects, missing and unknown types', () => {
    expect(errorOf('{"type":').code).toBe('invalid_json');
    expect(errorOf('"just a string"').code).toBe('missing_event_type');
    expect(errorOf('{"event_id":"x"}')).toMatchObject({ code: 'missing_event_type', eventId: 'x' });
    expect(errorOf('{"type":"response.explode","event_id":"e9"}')).toMatchObject({ code: 'unknown_event_type', eventId: 'e9' });
  });

  it('names the first invalid field of a known event', () => {
    const e = errorOf(JSON.stringify({ type: 'conversation.item.truncate', item_id: 'i', content_index: 0, audio_end_ms: -5 }));
    expect(e).toMatchObject({ code: 'invalid_event', param: 'audio_end_ms' });
    expect(errorOf(JSON.stringify({ type: 'session.update', session: { audio: { output: { speed: 9 } } } })).param).toBe('session.audio.output.speed');
    expect(errorOf(JSON.stringify({ type: 'response.create', response: { metadata: { k: 5 } } })).param).toBe('response.metadata.k');
  });
});
