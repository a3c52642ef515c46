import { RealtimeProtocolError } from '../errors.ts';
import type { FunctionTool, SessionUpdatePayload, ToolChoice, TurnDetection } from '../protocol/client-events.ts';
import { WIRE_SAMPLE_RATE } from '../audio/pcm.ts';

/**
 * A session's settings, in wire (snake_case) shapes with every default filled in, so the same
 * object feeds the logic and `session.created/updated`. `applySessionUpdate` merges a GA or beta
 * `session.update` payload; unsupported values reject the whole update, like the cloud API.
 */

export type ServerVadConfig = {
  type: 'server_vad';
  threshold: number;
  prefix_padding_ms: number;
  silence_duration_ms: number;
  create_response: boolean;
  interrupt_response: boolean;
  idle_timeout_ms: number | null;
};
export type SemanticVadConfig = {
  type: 'semantic_vad';
  eagerness: 'low' | 'medium' | 'high' | 'auto';
  create_response: boolean;
  interrupt_response: boolean;
};
export type TurnDetectionConfig = ServerVadConfig | SemanticVadConfig;

export interface TranscriptionConfig {
  model: string;
  language?: string;
  prompt?: string;
}

export interface SessionConfig {
  id: string;
  model: string;
  instructions: string;
  output_modalities: ('audio' | 'text')[];
  voice: string;
  /** Speaking rate multiplier, 0.25–1.5. */
  speed: number;
  transcription: TranscriptionConfig | null;
  /** `null`: manual turns (client commits and asks for responses). */
  turn_detection: TurnDetectionConfig | null;
  noise_reduction: { type?: string } | null;
  tools: FunctionTool[];
  tool_choice: ToolChoice;
  max_output_tokens: number | 'inf';
}

/** Server VAD defaults: threshold 0.5, 300 ms prefix padding, 500 ms silence (the cloud API's defaults). */
export function withVadDefaults(td: TurnDetection): TurnDetectionConfig {
  if (td.type === 'server_vad') {
    return {
      type: 'server_vad',
      threshold: td.threshold ?? 0.5,
      prefix_padding_ms: td.prefix_padding_ms ?? 300,
      silence_duration_ms: td.silence_duration_ms ?? 500,
      create_response: td.create_response ?? true,
      interrupt_response: td.interrupt_response ?? true,
      idle_timeout_ms: td.idle_timeout_ms ?? null,
    };
  }
  return {
    type: 'semantic_vad',
    eagerness: td.eagerness ?? 'auto',
    create_response: td.create_response ?? true,
    interrupt_response: td.interrupt_response ?? true,
  };
}

export function defaultSessionConfig(id: string, model: string): SessionConfig {
  return {
    id,
    model,
    instructions: '',
    output_modalities: ['audio'],
    voice: 'marin',
    speed: 1,
    transcription: null,
    turn_detection: withVadDefaults({ type: 'server_vad' }),
    noise_reduction: null,
    tools: [],
    tool_choice: 'auto',
    max_output_tokens: 'inf',
  };
}

function checkFormat(format: unknown, param: string): void {
  if (format === undefined) return;
  if (typeof format === 'string') {
    if (format !== 'pcm16') throw RealtimeProtocolError.unsupported(param, `only "pcm16" (PCM16 mono 24 kHz) is supported, got "${format}"`);
    return;
  }
  const f = format as { type: string; rate?: number };
  if (f.type !== 'audio/pcm' || (f.rate !== undefined && f.rate !== WIRE_SAMPLE_RATE)) {
    throw RealtimeProtocolError.unsupported(param, `only {type:"audio/pcm", rate:24000} is supported, got ${JSON.stringify(format).slice(0, 100)}`);
  }
}

/** Returns the merged config; throws `RealtimeProtocolError` (nothing applied) on unsupported values. */
export function applySessionUpdate(current: SessionConfig, s: SessionUpdatePayload): SessionConfig {
  if (s.type === 'transcription') throw RealtimeProtocolError.unsupported('session.type', 'transcription-only sessions are not supported; use "realtime"');
  checkFormat(s.audio?.input?.format, 'session.audio.input.format');
  checkFormat(s.audio?.output?.format, 'session.audio.output.format');
  checkFormat(s.input_audio_format, 'session.input_audio_format');
  checkFormat(s.output_audio_format, 'session.output_audio_format');
  const next: SessionConfig = { ...current };
  if (s.model !== undefined) next.model = s.model;
  if (s.instructions !== undefined) next.instructions = s.instructions;
  const modalities = s.output_modalities ?? s.modalities;
  if (modalities !== undefined) next.output_modalities = modalities.includes('audio') ? ['audio'] : ['text'];
  const voice = s.audio?.output?.voice ?? s.voice;
  if (voice !== undefined) next.voice = voice;
  const speed = s.audio?.output?.speed ?? s.speed;
  if (speed !== undefined) next.speed = speed;
  const transcription = s.audio?.input?.transcription !== undefined ? s.audio.input.transcription : s.input_audio_transcription;
  if (transcription !== undefined) {
    next.transcription = transcription === null ? null : { ...transcription, model: transcription.model ?? 'pocketsphinx' };
  }
  const td = s.audio?.input?.turn_detection !== undefined ? s.audio.input.turn_detection : s.turn_detection;
  if (td !== undefined) next.turn_detection = td === null ? null : withVadDefaults(td);
  if (s.audio?.input?.noise_reduction !== undefined) next.noise_reduction = s.audio.input.noise_reduction;
  if (s.tools !== undefined) next.tools = s.tools.map((t) => ({ ...t, type: 'function' as const }));
  if (s.tool_choice !== undefined) next.tool_choice = s.tool_choice;
  const maxTokens = s.max_output_tokens ?? s.max_response_output_tokens;
  if (maxTokens !== undefined) next.max_output_tokens = maxTokens;
  return next;
}

const PCM = { type: 'audio/pcm', rate: WIRE_SAMPLE_RATE } as const;

/** The GA `session` resource sent in `session.created` / `session.updated`. */
export function renderSession(c: SessionConfig): object {
  return {
    type: 'realtime',
    object: 'realtime.session',
    id: c.id,
    model: c.model,
    output_modalities: c.output_modalities,
    instructions: c.instructions,
    tools: c.tools,
    tool_choice: c.tool_choice,
    max_output_tokens: c.max_output_tokens,
    tracing: null,
    truncation: 'auto',
    prompt: null,
    expires_at: 0,
    audio: {
      input: { format: PCM, transcription: c.transcription, noise_reduction: c.noise_reduction, turn_detection: c.turn_detection },
      output: { format: PCM, voice: c.voice, speed: c.speed },
    },
  };
}

/** The beta (flat) `session` resource, for clients connected with `OpenAI-Beta: realtime=v1`. */
export function renderBetaSession(c: SessionConfig): object {
  return {
    id: c.id,
    object: 'realtime.session',
    model: c.model,
    modalities: c.output_modalities.includes('audio') ? ['text', 'audio'] : ['text'],
    instructions: c.instructions,
    voice: c.voice,
    speed: c.speed,
    input_audio_format: 'pcm16',
    output_audio_format: 'pcm16',
    input_audio_transcription: c.transcription,
    turn_detection: c.turn_detection,
    tools: c.tools,
    tool_choice: c.tool_choice,
    max_response_output_tokens: c.max_output_tokens,
  };
}
