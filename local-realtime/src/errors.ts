/**
 * Every protocol error the server reports, as an `error` server event
 * `{type:'error', error:{type, code, message, param, event_id}}`. One class, static factories,
 * so codes stay stable and greppable. None of them closes the connection.
 */

export type ErrorType = 'invalid_request_error' | 'server_error';

export class RealtimeProtocolError extends Error {
  readonly type: ErrorType;
  readonly code: string;
  readonly param: string | null;
  /** `event_id` of the client event that caused it, when known. */
  eventId: string | null;

  constructor(code: string, message: string, opts: { type?: ErrorType; param?: string | null; eventId?: string | null } = {}) {
    super(message);
    this.name = 'RealtimeProtocolError';
    this.code = code;
    this.type = opts.type ?? 'invalid_request_error';
    this.param = opts.param ?? null;
    this.eventId = opts.eventId ?? null;
  }

  static invalidJson(detail: string): RealtimeProtocolError {
    return new RealtimeProtocolError('invalid_json', `Message is not valid JSON: ${detail}`);
  }
  static binaryUnsupported(): RealtimeProtocolError {
    return new RealtimeProtocolError('binary_message_unsupported', 'Binary WebSocket messages are not supported; send JSON text events.');
  }
  static missingType(): RealtimeProtocolError {
    return new RealtimeProtocolError('missing_event_type', 'Event must be a JSON object with a string "type".', { param: 'type' });
  }
  static unknownEventType(type: string): RealtimeProtocolError {
    return new RealtimeProtocolError('unknown_event_type', `Unknown client event type "${type.slice(0, 100)}".`, { param: 'type' });
  }
  static invalidEvent(type: string, param: string, detail: string): RealtimeProtocolError {
    return new RealtimeProtocolError('invalid_event', `Invalid "${type}" event: ${param ? `${param}: ` : ''}${detail}`, { param });
  }
  static invalidBase64(): RealtimeProtocolError {
    return new RealtimeProtocolError('invalid_audio_base64', 'input_audio_buffer.append: "audio" is not valid (padded, canonical) base64.', { param: 'audio' });
  }
  static oddAudioLength(): RealtimeProtocolError {
    return new RealtimeProtocolError('invalid_audio_length', 'input_audio_buffer.append: audio has an odd number of bytes; PCM16 needs 2 bytes per sample.', { param: 'audio' });
  }
  static bufferFull(maxMs: number): RealtimeProtocolError {
    return new RealtimeProtocolError('input_audio_buffer_full', `Input audio buffer holds the maximum of ${maxMs} ms; audio dropped until commit, clear or end of speech.`, { param: 'audio' });
  }
  static commitEmpty(ms: number): RealtimeProtocolError {
    return new RealtimeProtocolError('input_audio_buffer_commit_empty', `Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has ${ms.toFixed(2)}ms of audio.`);
  }
  static itemNotFound(id: string, param = 'item_id'): RealtimeProtocolError {
    return new RealtimeProtocolError('item_not_found', `Item with item_id "${id.slice(0, 100)}" not found.`, { param });
  }
  static itemExists(id: string): RealtimeProtocolError {
    return new RealtimeProtocolError('item_already_exists', `Item with id "${id.slice(0, 100)}" already exists.`, { param: 'item.id' });
  }
  static conversationFull(max: number): RealtimeProtocolError {
    return new RealtimeProtocolError('conversation_full', `Conversation already holds the maximum of ${max} items; delete some first.`);
  }
  static truncateInvalid(message: string, param: string): RealtimeProtocolError {
    return new RealtimeProtocolError('invalid_truncate', message, { param });
  }
  static activeResponse(responseId: string): RealtimeProtocolError {
    return new RealtimeProtocolError('conversation_already_has_active_response', `Conversation already has an active response in progress: ${responseId}. Wait until the response is finished before creating a new one.`);
  }
  static noActiveResponse(): RealtimeProtocolError {
    // The message prefix matters: the LiveKit plugin ignores errors starting with "Cancellation failed".
    return new RealtimeProtocolError('response_cancel_not_active', 'Cancellation failed: no active response found.');
  }
  static unsupported(param: string, detail: string): RealtimeProtocolError {
    return new RealtimeProtocolError('unsupported_value', `${param}: ${detail}`, { param });
  }
  static invalidScript(detail: string): RealtimeProtocolError {
    return new RealtimeProtocolError('invalid_script', `Dialogue script in the instructions is invalid, keeping the previous one: ${detail}`, { param: 'session.instructions' });
  }
  static queueFull(max: number): RealtimeProtocolError {
    return new RealtimeProtocolError('event_queue_full', `More than ${max} client events are waiting to be processed; event dropped.`);
  }
  /** No recognizer process could be had for a turn (`scope`: this session's cap, or the server's); the turn goes on untranscribed from that point. */
  static recognizerBusy(scope: 'session' | 'server', max: number): RealtimeProtocolError {
    const who = scope === 'session' ? `this session already has ${max} recognizers decoding` : `the server already runs ${max} recognizer processes`;
    return new RealtimeProtocolError('recognizer_busy', `Speech recognition is at capacity (${who}); audio from here on in this turn is not transcribed. The session goes on.`, { type: 'server_error' });
  }
  static internal(detail: string): RealtimeProtocolError {
    return new RealtimeProtocolError('server_error', `Internal error: ${detail}`, { type: 'server_error' });
  }
}
