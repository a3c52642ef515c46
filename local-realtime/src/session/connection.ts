import type { Logger } from 'pino';
import { RECOGNIZER_SAMPLE_RATE, decodePcm16Base64, float32ToInt16, int16ToFloat32 } from '../audio/pcm.ts';
import { Resampler } from '../audio/resampler.ts';
import { type RecognizerSource, TurnRecognizer } from '../asr/turn-recognizer.ts';
import { RealtimeProtocolError } from '../errors.ts';
import type { Limits } from '../limits.ts';
import type { ClientEvent, ClientEventOf, ItemCreate } from '../protocol/client-events.ts';
import { itemFromClient, type WireItem } from '../protocol/items.ts';
import { parseClientEvent } from '../protocol/parse.ts';
import { type ServerEvent, serverEvent, toBeta } from '../protocol/server-events.ts';
import { type DialogueScript, scriptFromInstructions } from '../responder/script.ts';
import type { SpeechSynthesizer } from '../tts/synthesizer.ts';
import { newId } from '../util/ids.ts';
import type { SpeechScorer } from '../vad/voice-activity.ts';
import { Conversation, type ItemMeta } from './conversation.ts';
import { type CommittedTurn, InputAudio } from './input-audio.ts';
import { Responses, type ResponseTiming } from './responses.ts';
import { type SessionConfig, applySessionUpdate, defaultSessionConfig, renderBetaSession, renderSession } from './session-config.ts';
import { prefetchScript } from './prefetch.ts';
import { truncateAudioItem } from './truncate.ts';

export interface ConnectionDeps {
  /** Sends one text frame to the client. */
  send(text: string): void;
  vad: SpeechScorer;
  recognizers: RecognizerSource;
  synthesizer: Pick<SpeechSynthesizer, 'stream' | 'prefetch'> & { readonly firstChunkMs?: number };
  /** Script used when the session instructions carry none. */
  script: DialogueScript;
  limits: Limits;
  ttfaMs: number;
  /** Shortest a reply waits for a pending transcript, ms (`StartOptions.minTranscriptWaitMs`). */
  minTranscriptWaitMs: number;
  leadMs: number;
  log: Logger;
  /** Model name from the URL (`?model=`). */
  model: string;
  /** Client asked for beta event names (`OpenAI-Beta: realtime=v1`). */
  beta: boolean;
  onTiming?: (timing: ResponseTiming) => void;
  /** Called after each client message is handled, with the bytes of messages still waiting. */
  onProcessed?: (pendingBytes: number) => void;
  /** Cloud stand-in (`--no-asr`): every user turn and audio item is heard as this text, with no recognizer run. */
  fixedTranscript?: string;
}

/**
 * One client session. Client events are handled strictly in arrival order (a queue), each bad one
 * answered with an `error` event; responses stream on their own so `response.cancel` and barge-in
 * act immediately.
 */
export class RealtimeConnection {
  readonly id = newId('sess_');
  readonly #deps: ConnectionDeps;
  readonly #log: Logger;
  readonly #conversation: Conversation;
  readonly #input: InputAudio;
  readonly #responses: Responses;
  #config: SessionConfig;
  #script: DialogueScript;
  #queue: Promise<void> = Promise.resolve();
  #pending = 0;
  #pendingBytes = 0;
  #closed = false;

  constructor(deps: ConnectionDeps) {
    this.#deps = deps;
    this.#log = deps.log.child({ session: this.id });
    this.#config = defaultSessionConfig(this.id, deps.model);
    this.#script = deps.script;
    this.#conversation = new Conversation(deps.limits.maxConversationItems);
    this.#input = new InputAudio(deps.vad, deps.recognizers, this.#config.turn_detection, deps.limits.maxInputBufferMs);
    this.#responses = new Responses({
      sessionId: this.id,
      conversationId: newId('conv_'),
      conversation: this.#conversation,
      synthesizer: deps.synthesizer,
      log: this.#log,
      limits: deps.limits,
      ttfaMs: deps.ttfaMs,
      minTranscriptWaitMs: deps.minTranscriptWaitMs,
      leadMs: deps.leadMs,
      send: (e) => this.#send(e),
      config: () => this.#config,
      script: () => this.#script,
      onTiming: deps.onTiming,
    });
    this.#input.onSpeculativeTranscript = (text) => {
      if (!this.#closed) this.#responses.prefetchReplyTo(text);
    };
    this.#sendSession('session.created');
    prefetchScript(deps.synthesizer, this.#script, this.#config);
  }

  /** Bytes of client messages received and not yet handled. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /** Handles one WebSocket message (text or binary), in order with the previous ones. Never throws. */
  receive(data: Buffer | string, isBinary: boolean): void {
    if (this.#closed) return;
    if (this.#pending >= this.#deps.limits.maxPendingEvents) {
      this.#sendError(RealtimeProtocolError.queueFull(this.#deps.limits.maxPendingEvents));
      return;
    }
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    this.#pending++;
    this.#pendingBytes += bytes;
    this.#queue = this.#queue
      .then(() => this.#process(data, isBinary))
      .catch((e: unknown) => {
        this.#log.error({ err: e }, 'unexpected error handling a client event');
        this.#sendError(RealtimeProtocolError.internal('unexpected error; see server log'));
      })
      .finally(() => {
        this.#pending--;
        this.#pendingBytes -= bytes;
        this.#deps.onProcessed?.(this.#pendingBytes);
      });
  }

  /** The client went away: stop the reply and the recognizer. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#responses.cancel('client_cancelled');
    this.#input.close();
  }

  async #process(data: Buffer | string, isBinary: boolean): Promise<void> {
    if (this.#closed) return;
    if (isBinary) return this.#sendError(RealtimeProtocolError.binaryUnsupported());
    const parsed = parseClientEvent(typeof data === 'string' ? data : data.toString('utf8'));
    if (!parsed.ok) return this.#sendError(parsed.error);
    try {
      await this.#handle(parsed.event);
    } catch (e) {
      if (!(e instanceof RealtimeProtocolError)) throw e;
      e.eventId ??= parsed.event.event_id ?? null;
      this.#sendError(e);
    }
  }

  async #handle(event: ClientEvent): Promise<void> {
    switch (event.type) {
      case 'session.update':
        return this.#sessionUpdate(event);
      case 'input_audio_buffer.append':
        return this.#append(event);
      case 'input_audio_buffer.commit': {
        const turn = this.#input.commit();
        if (!turn) throw RealtimeProtocolError.commitEmpty(this.#input.bufferedMs);
        this.#responses.markTurnEnd();
        return this.#commitTurn(turn);
      }
      case 'input_audio_buffer.clear':
        this.#input.clear();
        return this.#send(serverEvent('input_audio_buffer.cleared', {}));
      case 'conversation.item.create':
        return this.#createItem(event.item, event.previous_item_id);
      case 'conversation.item.retrieve': {
        const item = this.#conversation.get(event.item_id);
        if (!item) throw RealtimeProtocolError.itemNotFound(event.item_id);
        return this.#send(serverEvent('conversation.item.retrieved', { item }));
      }
      case 'conversation.item.delete':
        this.#conversation.delete(event.item_id);
        return this.#send(serverEvent('conversation.item.deleted', { item_id: event.item_id }));
      case 'conversation.item.truncate':
        return this.#truncate(event);
      case 'response.create':
        return this.#responses.start(event.response ?? undefined, 'response.create');
      case 'response.cancel':
        if (!this.#responses.cancel('client_cancelled', event.response_id)) throw RealtimeProtocolError.noActiveResponse();
        return;
    }
  }

  #sessionUpdate(event: ClientEventOf<'session.update'>): void {
    const next = applySessionUpdate(this.#config, event.session);
    const previous = this.#config;
    this.#config = next;
    if (event.session.instructions !== undefined) {
      const found = scriptFromInstructions(next.instructions);
      if (!found.found) this.#script = this.#deps.script;
      else if ('script' in found) this.#script = found.script;
      else this.#sendError(Object.assign(RealtimeProtocolError.invalidScript(found.error), { eventId: event.event_id ?? null }));
    }
    if (JSON.stringify(previous.turn_detection) !== JSON.stringify(next.turn_detection)) this.#input.configure(next.turn_detection);
    this.#sendSession('session.updated');
    prefetchScript(this.#deps.synthesizer, this.#script, this.#config);
  }

  async #append(event: ClientEventOf<'input_audio_buffer.append'>): Promise<void> {
    const decoded = decodePcm16Base64(event.audio);
    if (!decoded.ok) throw decoded.reason === 'invalid_base64' ? RealtimeProtocolError.invalidBase64() : RealtimeProtocolError.oddAudioLength();
    const td = this.#config.turn_detection;
    for (const e of await this.#input.append(decoded.samples)) {
      if (e.type === 'buffer_full') {
        this.#sendError(Object.assign(RealtimeProtocolError.bufferFull(this.#deps.limits.maxInputBufferMs), { eventId: event.event_id ?? null }));
      } else if (e.type === 'recognizer_busy') {
        this.#log.warn({ code: e.error.code }, 'no recognizer for part of a turn');
        this.#sendError(e.error);
      } else if (e.type === 'speech_started') {
        this.#send(serverEvent('input_audio_buffer.speech_started', { audio_start_ms: e.audioStartMs, item_id: e.itemId }));
        if (td?.interrupt_response && this.#responses.cancel('turn_detected')) this.#log.debug('barge-in: response cancelled');
      } else if (e.type === 'speech_stopped') {
        this.#responses.markTurnEnd();
        this.#send(serverEvent('input_audio_buffer.speech_stopped', { audio_end_ms: e.audioEndMs, item_id: e.itemId }));
        this.#commitTurn(e.turn);
        if (td?.create_response) {
          if (this.#responses.active) this.#log.debug('end of turn while a response is active: no new response');
          else this.#responses.start(undefined, 'speech_stopped');
        }
      }
    }
  }

  /** Makes a closed turn a user item: committed → item added → transcription events when recognized. */
  #commitTurn(turn: CommittedTurn): void {
    const previous = this.#conversation.lastId();
    const item: WireItem = { id: turn.itemId, object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_audio', transcript: null }] };
    const fixed = this.#deps.fixedTranscript;
    if (fixed !== undefined) turn.recognizer.abort();
    const recognized = (fixed !== undefined ? Promise.resolve(fixed) : turn.recognizer.finish()).then(
      (text) => ({ ok: true as const, text }),
      (error: unknown) => ({ ok: false as const, text: '', error }),
    );
    const meta: ItemMeta = { audioMs: turn.durationMs, spans: [], transcript: recognized.then((r) => r.text), partialTranscript: () => turn.recognizer.partial() };
    try {
      this.#conversation.insert(item, undefined, meta);
    } catch (e) {
      turn.recognizer.abort();
      throw e;
    }
    this.#send(serverEvent('input_audio_buffer.committed', { previous_item_id: previous, item_id: item.id }));
    this.#send(serverEvent('conversation.item.added', { previous_item_id: previous, item }));
    void recognized.then((r) => {
      if (item.type === 'message' && item.content[0]?.type === 'input_audio') item.content[0].transcript = r.text;
      setImmediate(() => this.#log.info({ itemId: item.id, audioMs: Math.round(turn.durationMs), pii: { transcript: r.text } }, 'user turn transcribed')); // off the reply path
      if (this.#config.transcription) {
        const ref = { item_id: item.id, content_index: 0 };
        if (!r.ok) {
          this.#log.error({ err: r.error }, 'transcription failed');
          this.#send(serverEvent('conversation.item.input_audio_transcription.failed', { ...ref, error: { type: 'server_error', code: 'transcription_failed', message: String((r.error as Error)?.message ?? r.error), param: null } }));
        } else {
          if (r.text) this.#send(serverEvent('conversation.item.input_audio_transcription.delta', { ...ref, delta: r.text }));
          this.#send(serverEvent('conversation.item.input_audio_transcription.completed', { ...ref, transcript: r.text, usage: { type: 'duration', seconds: Math.round(turn.durationMs) / 1000 } }));
        }
      }
      this.#send(serverEvent('conversation.item.done', { previous_item_id: this.#conversation.previousId(item.id), item }));
    });
  }

  #createItem(create: ItemCreate, previousItemId: string | null | undefined): void {
    const id = create.id ?? newId('item_');
    if (this.#conversation.get(id)) throw RealtimeProtocolError.itemExists(id);
    const item = itemFromClient(create, id);
    const meta: ItemMeta = { audioMs: 0, spans: [] };
    if (create.type === 'message' && create.role === 'user') {
      const audioPart = create.content.findIndex((c) => c.type === 'input_audio' && c.audio && !c.transcript);
      const part = create.content[audioPart];
      if (part?.type === 'input_audio' && typeof part.audio === 'string') {
        const decoded = decodePcm16Base64(part.audio);
        if (!decoded.ok) throw decoded.reason === 'invalid_base64' ? RealtimeProtocolError.invalidBase64() : RealtimeProtocolError.oddAudioLength();
        meta.transcript = this.#transcribe(decoded.samples).then((text) => {
          const c = item.type === 'message' ? item.content[audioPart] : undefined;
          if (c?.type === 'input_audio') c.transcript = text;
          return text;
        });
      }
    }
    const previous = this.#conversation.insert(item, previousItemId, meta);
    this.#send(serverEvent('conversation.item.added', { previous_item_id: previous, item }));
    this.#send(serverEvent('conversation.item.done', { previous_item_id: previous, item }));
  }

  /** Transcribes a whole PCM16 24 kHz clip (audio sent inside `conversation.item.create`). */
  #transcribe(samples24k: Int16Array): Promise<string> {
    if (this.#deps.fixedTranscript !== undefined) return Promise.resolve(this.#deps.fixedTranscript);
    const recognizer = new TurnRecognizer(this.#deps.recognizers, (error) => {
      this.#log.warn({ code: error.code }, 'no recognizer for an audio item');
      this.#sendError(error);
    });
    const resampler = new Resampler(24_000, RECOGNIZER_SAMPLE_RATE);
    recognizer.write(float32ToInt16(resampler.push(int16ToFloat32(samples24k))));
    recognizer.write(float32ToInt16(resampler.flush()));
    return recognizer.finish().catch(() => '');
  }

  #truncate(event: ClientEventOf<'conversation.item.truncate'>): void {
    const item = this.#conversation.get(event.item_id);
    const meta = this.#conversation.meta(event.item_id);
    if (!item || !meta) throw RealtimeProtocolError.itemNotFound(event.item_id);
    this.#responses.cancelIfProducing(item.id);
    truncateAudioItem(item, meta, event.content_index, event.audio_end_ms);
    this.#send(serverEvent('conversation.item.truncated', { item_id: item.id, content_index: event.content_index, audio_end_ms: event.audio_end_ms }));
  }

  #sendSession(type: 'session.created' | 'session.updated'): void {
    const session = this.#deps.beta ? renderBetaSession(this.#config) : renderSession(this.#config);
    this.#send(serverEvent(type, { session }));
  }

  #sendError(e: RealtimeProtocolError): void {
    this.#log.debug({ code: e.code, param: e.param }, `client error: ${e.message.slice(0, 200)}`);
    this.#send(serverEvent('error', { error: { type: e.type, code: e.code, message: e.message, param: e.param, event_id: e.eventId } }));
  }

  #send(event: ServerEvent): void {
    if (this.#closed) return;
    const body = this.#deps.beta ? toBeta(event) : event;
    if (!body) return;
    this.#deps.send(JSON.stringify({ event_id: newId('event_'), ...body }));
  }
}
