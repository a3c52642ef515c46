/**
 * Limits that protect the server from bad or hostile clients. Each breach answers with an `error`
 * event (code in brackets) and the connection stays usable, except where noted.
 * Documented in README.md ("Limits"); override per server with `start({ limits })`.
 */
export interface Limits {
  /**
   * Largest client message, bytes of JSON text. Enforced by the WebSocket reader from the frame
   * header (ws `maxPayload`), before any of the payload is buffered: a larger message closes that
   * connection with code 1009. 2 MiB ≈ 32 s of base64 audio.
   */
  maxMessageBytes: number;
  /** Most uncommitted input audio kept, ms of PCM16 24 kHz [`input_audio_buffer_full`]; further audio is dropped until commit/clear/end of speech. */
  maxInputBufferMs: number;
  /** Most items in one conversation [`conversation_full`]. */
  maxConversationItems: number;
  /** Most client events waiting to be processed on one connection [`event_queue_full`]. */
  maxPendingEvents: number;
  /** Bytes of client messages waiting to be processed on one connection before the server stops reading its socket (TCP backpressure; nothing is dropped). */
  maxPendingBytes: number;
  /** Bytes of server events a client may leave unread; beyond it the connection is closed (code 1008): a client that does not read cannot make the server buffer replies without end. */
  maxSendBufferBytes: number;
  /** Longest reply text spoken, characters; longer text is cut at a sentence or word boundary. */
  maxReplyChars: number;
  /** Most concurrent WebSocket sessions; more are refused with HTTP 503. */
  maxSessions: number;
  /** Most recognizer (PocketSphinx) processes alive at once on the server, idle ones included [`recognizer_busy`]. */
  maxRecognizers: number;
  /** Most recognizer processes one session may have decoding at once (a turn, a finishing turn, audio items) [`recognizer_busy`]. */
  maxRecognizersPerSession: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxMessageBytes: 2 * 1024 * 1024,
  maxInputBufferMs: 60_000,
  maxConversationItems: 1_000,
  maxPendingEvents: 2_000,
  maxPendingBytes: 8 * 1024 * 1024,
  maxSendBufferBytes: 16 * 1024 * 1024,
  maxReplyChars: 2_000,
  maxSessions: 16,
  maxRecognizers: 16,
  maxRecognizersPerSession: 3,
});
