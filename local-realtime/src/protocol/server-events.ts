import type { WireContent, WireItem } from './items.ts';

/**
 * Server → client events, GA names. One map from event type to payload gives the union and a
 * typed constructor; `toBeta()` renames for clients that ask for the beta protocol
 * (`OpenAI-Beta: realtime=v1`), using the aliases the LiveKit plugin also accepts.
 */

export interface ErrorBody {
  type: 'invalid_request_error' | 'server_error';
  code: string;
  message: string;
  param: string | null;
  event_id: string | null;
}

export interface ResponseUsage {
  total_tokens: number;
  input_tokens: number;
  output_tokens: number;
  input_token_details: {
    text_tokens: number;
    audio_tokens: number;
    image_tokens: number;
    cached_tokens: number;
    cached_tokens_details: { text_tokens: number; audio_tokens: number; image_tokens: number };
  };
  output_token_details: { text_tokens: number; audio_tokens: number };
}

export type ResponseStatus = 'in_progress' | 'completed' | 'cancelled' | 'incomplete' | 'failed';

export interface ResponseResource {
  id: string;
  object: 'realtime.response';
  status: ResponseStatus;
  status_details: null | { type: ResponseStatus; reason?: string; error?: { type: string; code: string } };
  output: WireItem[];
  conversation_id: string | null;
  output_modalities: ('audio' | 'text')[];
  max_output_tokens: number | 'inf';
  audio: { output: { format: { type: 'audio/pcm'; rate: number }; voice: string } };
  usage: ResponseUsage | null;
  metadata: Record<string, string> | null;
}

export type ContentPartPayload =
  | { type: 'audio'; transcript: string }
  | { type: 'text'; text: string };

interface PartRef {
  response_id: string;
  item_id: string;
  output_index: number;
  content_index: number;
}

export interface ServerEventMap {
  error: { error: ErrorBody };
  'session.created': { session: object };
  'session.updated': { session: object };
  'input_audio_buffer.committed': { previous_item_id: string | null; item_id: string };
  'input_audio_buffer.cleared': Record<never, never>;
  'input_audio_buffer.speech_started': { audio_start_ms: number; item_id: string };
  'input_audio_buffer.speech_stopped': { audio_end_ms: number; item_id: string };
  'conversation.item.added': { previous_item_id: string | null; item: WireItem };
  'conversation.item.done': { previous_item_id: string | null; item: WireItem };
  'conversation.item.retrieved': { item: WireItem };
  'conversation.item.deleted': { item_id: string };
  'conversation.item.truncated': { item_id: string; content_index: number; audio_end_ms: number };
  'conversation.item.input_audio_transcription.delta': { item_id: string; content_index: number; delta: string };
  'conversation.item.input_audio_transcription.completed': {
    item_id: string;
    content_index: number;
    transcript: string;
    usage: { type: 'duration'; seconds: number };
  };
  'conversation.item.input_audio_transcription.failed': {
    item_id: string;
    content_index: number;
    error: { type: string; code: string; message: string; param: null };
  };
  'response.created': { response: ResponseResource };
  'response.done': { response: ResponseResource };
  'response.output_item.added': { response_id: string; output_index: number; item: WireItem };
  'response.output_item.done': { response_id: string; output_index: number; item: WireItem };
  'response.content_part.added': PartRef & { part: ContentPartPayload };
  'response.content_part.done': PartRef & { part: ContentPartPayload };
  'response.output_audio.delta': PartRef & { delta: string };
  'response.output_audio.done': PartRef;
  'response.output_audio_transcript.delta': PartRef & { delta: string };
  'response.output_audio_transcript.done': PartRef & { transcript: string };
  'response.output_text.delta': PartRef & { delta: string };
  'response.output_text.done': PartRef & { text: string };
  'response.function_call_arguments.delta': { response_id: string; item_id: string; output_index: number; call_id: string; delta: string };
  'response.function_call_arguments.done': {
    response_id: string;
    item_id: string;
    output_index: number;
    call_id: string;
    name: string;
    arguments: string;
  };
}

export type ServerEventType = keyof ServerEventMap;
export type ServerEvent = { [K in ServerEventType]: { type: K } & ServerEventMap[K] }[ServerEventType];
export type ServerEventOf<K extends ServerEventType> = { type: K } & ServerEventMap[K];

/** Builds a typed server event (the connection adds `event_id` when sending). */
export function serverEvent<K extends ServerEventType>(type: K, body: ServerEventMap[K]): ServerEventOf<K> {
  return { type, ...body } as ServerEventOf<K>;
}

const BETA_NAMES: Partial<Record<ServerEventType, string>> = {
  'conversation.item.added': 'conversation.item.created',
  'response.output_audio.delta': 'response.audio.delta',
  'response.output_audio.done': 'response.audio.done',
  'response.output_audio_transcript.delta': 'response.audio_transcript.delta',
  'response.output_audio_transcript.done': 'response.audio_transcript.done',
  'response.output_text.delta': 'response.text.delta',
  'response.output_text.done': 'response.text.done',
};

/** GA-only events with no beta counterpart: not sent to beta clients. */
const GA_ONLY: ReadonlySet<ServerEventType> = new Set(['conversation.item.done']);

function betaContent(c: WireContent): object {
  if (c.type === 'output_audio') return { ...c, type: 'audio' };
  if (c.type === 'output_text') return { ...c, type: 'text' };
  return c;
}

function betaItem(item: WireItem): object {
  return item.type === 'message' ? { ...item, content: item.content.map(betaContent) } : item;
}

/** The event as a beta client expects it, or null when beta has no such event. */
export function toBeta(event: ServerEvent): Record<string, unknown> | null {
  if (GA_ONLY.has(event.type)) return null;
  const out: Record<string, unknown> = { ...event, type: BETA_NAMES[event.type] ?? event.type };
  if ('item' in event) out.item = betaItem(event.item);
  if ('response' in event) out.response = { ...event.response, output: event.response.output.map(betaItem) };
  return out;
}
