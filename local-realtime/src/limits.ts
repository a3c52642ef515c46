/**
 * Limits that protect the server from bad or hostile clients. Each breach answers with an `error`
 * event (code in brackets) and the connection stays usable, except where noted.
 * Documented in README.md ("Limits"); override per server with `start({ limits })`.
 */
export interface Limits {
  /** Largest client message accepted, bytes of JSON text [`message_too_large`]. 2 MiB ≈ 32 s of base64 audio. */
  maxMessageBytes: number;
  /** Transport cap, bytes: a larger WebSocket frame closes the connection with code 1009 (cannot be read safely). */
  maxFrameBytes: number;
  /** Most uncommitted input audio kept, ms of PCM16 24 kHz [`input_audio_buffer_full`]; further audio is dropped until commit/clear/end of speech. */
  maxInputBufferMs: number;
  /** Most items in one conversation [`conversation_full`]. */
  maxConversationItems: number;
  /** Most client events waiting to be processed on one connection [`event_queue_full`]. */
  maxPendingEvents: number;
  /** Longest reply text spoken, characters; longer text is cut at a sentence or word boundary. */
  maxReplyChars: number;
  /** Most concurrent WebSocket sessions; more are refused with HTTP 503. */
  maxSessions: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxMessageBytes: 2 * 1024 * 1024,
  maxFrameBytes: 16 * 1024 * 1024,
  maxInputBufferMs: 60_000,
  maxConversationItems: 1_000,
  maxPendingEvents: 2_000,
  maxReplyChars: 2_000,
  maxSessions: 16,
});
