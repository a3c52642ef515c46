import { describe, expect, it } from 'vitest';
import { applySessionUpdate, defaultSessionConfig, renderBetaSession, renderSession } from './session-config.ts';

const base = defaultSessionConfig('sess_1', 'gpt-realtime');

describe('session config', () => {
  it('defaults to server VAD (0.5 / 300 ms / 500 ms), audio out, no transcription', () => {
    expect(base.turn_detection).toEqual({ type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500, create_response: true, interrupt_response: true, idle_timeout_ms: null });
    expect(base.transcription).toBeNull();
    expect(base.output_modalities).toEqual(['audio']);
  });

  it('merges the GA shape the LiveKit plugin sends, filling VAD defaults', () => {
    const next = applySessionUpdate(base, {
      type: 'realtime',
      output_modalities: ['audio'],
      audio: {
        input: { format: { type: 'audio/pcm', rate: 24_000 }, transcription: { model: 'gpt-4o-mini-transcribe' }, turn_detection: { type: 'semantic_vad', eagerness: 'high' } },
        output: { voice: 'cedar', speed: 1.2 },
      },
      tool_choice: 'auto',
      instructions: 'Be brief.',
    });
    expect(next).toMatchObject({ voice: 'cedar', speed: 1.2, instructions: 'Be brief.', transcription: { model: 'gpt-4o-mini-transcribe' } });
    expect(next.turn_detection).toEqual({ type: 'semantic_vad', eagerness: 'high', create_response: true, interrupt_response: true });
  });

  it('leaves fields not in the update alone, and null turns detection off', () => {
    const withTools = applySessionUpdate(base, { tools: [{ name: 'f', parameters: { type: 'object' } }] });
    const manual = applySessionUpdate(withTools, { audio: { input: { turn_detection: null } } });
    expect(manual.turn_detection).toBeNull();
    expect(manual.tools).toEqual([{ name: 'f', type: 'function', parameters: { type: 'object' } }]);
  });

  it('accepts the beta flat shape', () => {
    const next = applySessionUpdate(base, { modalities: ['text'], voice: 'alloy', turn_detection: null, input_audio_transcription: { model: 'whisper-1' }, input_audio_format: 'pcm16' });
    expect(next).toMatchObject({ output_modalities: ['text'], voice: 'alloy', turn_detection: null, transcription: { model: 'whisper-1' } });
  });

  it('rejects unsupported formats and transcription-only sessions without applying anything', () => {
    expect(() => applySessionUpdate(base, { voice: 'ash', audio: { input: { format: { type: 'audio/pcmu' } } } })).toThrow(/audio\/pcm/);
    expect(() => applySessionUpdate(base, { output_audio_format: 'g711_ulaw' })).toThrow(/pcm16/);
    expect(() => applySessionUpdate(base, { audio: { output: { format: { type: 'audio/pcm', rate: 16_000 } } } })).toThrow(/24000/);
    expect(() => applySessionUpdate(base, { type: 'transcription' })).toThrow(/transcription/);
  });

  it('renders the GA and beta session resources', () => {
    expect(renderSession(base)).toMatchObject({ type: 'realtime', object: 'realtime.session', audio: { input: { format: { type: 'audio/pcm', rate: 24_000 } }, output: { voice: 'marin' } } });
    expect(renderBetaSession(base)).toMatchObject({ modalities: ['text', 'audio'], input_audio_format: 'pcm16', turn_detection: { type: 'server_vad' } });
  });
});
