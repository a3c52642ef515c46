import type { Logger } from 'pino';
import { RECOGNIZER_SAMPLE_RATE, decodePcm16Base64, float32ToInt16, int16ToFloat32, samplesToMs } from '../audio/pcm.ts';
import { Resampler } from '../audio/resampler.ts';
import { type RecognizerSource, TurnRecognizer } from '../asr/turn-recognizer.ts';
import { RealtimeProtocolError } from '../errors.ts';
import type { Limits } from '../limits.ts';
import type { ClientEvent, ClientEventOf, ItemCreate, ResponseCreatePayload } from '../protocol/client-events.ts';
import { itemFromClient, itemText, type WireItem } from '../protocol/items.ts';
import { parseClientEvent } from '../protocol/parse.ts';
import { type ServerEvent, serverEvent, toBeta } from '../protocol/server-events.ts';
import { type CallContext, planReply, type ReplyPlan } from '../responder/responder.ts';
import { type DialogueScript, scriptFromInstructions } from '../responder/script.ts';
import type { SpeechSynthesizer } from '../tts/synthesizer.ts';
import { newId } from '../util/ids.ts';
import type { SpeechScorer } from '../vad/voice-activity.ts';
import { Conversation, type ItemMeta } from './conversation.ts';
import { type CommittedTurn, InputAudio } from './input-audio.ts';
import { ResponseRunner } from './response-runner.ts';
import { type SessionConfig, applySessionUpdate, defaultSessionConfig, renderBetaSession, renderSession } from './session-config.ts';
import { prefetchScript } from './prefetch.ts';
import { truncateAudioItem } from './truncate.ts';
import { sleep } from '../util/sleep.ts';

/** Timing of one response, reported through `start({ onTiming })` and the log. */
export interface ResponseTiming {
  sessionId: string;
  responseId: string;
  /** What asked for the response: the VAD's end of turn, or a client `response.create`. */
  trigger: 'speech_stopped' | 'response.create';
  /** Why the responder said what it said (`verbatim`, `intent`, `fallback`, …) or `tool_call`. */
  reason: string;
  /** From the end of the caller's turn (VAD `speech_stopped` or client commit) to the first audio delta sent, ms; includes `ttfaMs`. Null without a preceding turn or audio. */
  turnEndToFirstAudioMs: number | null;
  /** From the trigger (speech_stopped or response.create received) to the first audio delta sent, ms; null without audio. */
  requestToFirstAudioMs: number | null;
  /** Part of that spent waiting for the transcript, ms. */
  transcriptWaitMs: number;
  /** The configured fixed extra delay, ms. */
  ttfaMs: number;
  status: string;
}

export interface ConnectionDeps {
  /** Sends one text frame to the client. */
  send(text: string): void;
  vad: SpeechScorer;
  recognizers: RecognizerSource;
  synthesizer: Pick<SpeechSynthesizer, 'stream' | 'prefetch'>;
  /** Script used when the session instructions carry none. */
  script: DialogueScript;
  limits: Limits;
  ttfaMs: number;
  leadMs: number;
  log: Logger;
  /** Model name from the URL (`?model=`). */
  model: string;
  /** Client asked for beta event names (`OpenAI-Beta: realtime=v1`). */
  beta: boolean;
  onTiming?: (timing: ResponseTiming) => void;
}

/** Longest a response waits for a user transcript before answering without it, ms. */
const TRANSCRIPT_WAIT_LIMIT_MS = 10_000;

/**
 * One client session. Client events are handled strictly in arrival order (a queue), each bad one
 * answered with an `error` event; responses stream on their own so `response.cancel` and barge-in
 * act immediately.
 */
export class RealtimeConnection {
  readonly id = newId('sess_');
  readonly #deps: ConnectionDeps;
  readonly #log: Logger;
  readonly #conversationId = newId('conv_');
  readonly #conversation: Conversation;
  readonly #input: InputAudio;
  readonly #calls = new Map<string, CallContext>();
  #config: SessionConfig;
  #script: DialogueScript;
  #active: ResponseRunner | null = null;
  /** `performance.now()` of the latest end of a caller turn (speech_stopped or commit). */
  #lastTurnEndAt: number | null = null;
  #queue: Promise<void> = Promise.resolve();
  #pending = 0;
  #closed = false;

  constructor(deps: ConnectionDeps) {
    this.#deps = deps;
    this.#log = deps.log.child({ session: this.id });
    this.#config = defaultSessionConfig(this.id, deps.model);
    this.#script = deps.script;
    this.#conversation = new Conversation(deps.limits.maxConversationItems);
    this.#input = new InputAudio(deps.vad, deps.recognizers, this.#config.turn_detection, deps.limits.maxInputBufferMs);
    this.#input.onSpeculativeTranscript = (text) => this.#prefetchReplyTo(text);
    this.#sendSession('session.created');
    prefetchScript(deps.synthesizer, this.#script, this.#config);
  }

  /** Handles one WebSocket message (text or binary), in order with the previous ones. Never throws. */
  receive(data: Buffer | string, isBinary: boolean): void {
    if (this.#closed) return;
    if (this.#pending >= this.#deps.limits.maxPendingEvents) {
      this.#sendError(RealtimeProtocolError.queueFull(this.#deps.limits.maxPendingEvents));
      return;
    }
    this.#pending++;
    this.#queue = this.#queue
      .then(() => this.#process(data, isBinary))
      .catch((e: unknown) => {
        this.#log.error({ err: e }, 'unexpected error handling a client event');
        this.#sendError(RealtimeProtocolError.internal('unexpected error; see server log'));
      })
      .finally(() => this.#pending--);
  }

  /** The client went away: stop the reply and the recognizer. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#active?.cancel('client_cancelled');
    this.#active = null;
    this.#input.close();
  }

  async #process(data: Buffer | string, isBinary: boolean): Promise<void> {
    if (this.#closed) return;
    if (isBinary) return this.#sendError(RealtimeProtocolError.binaryUnsupported());
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    if (bytes > this.#deps.limits.maxMessageBytes) return this.#sendError(RealtimeProtocolError.messageTooLarge(bytes, this.#deps.limits.maxMessageBytes));
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
        this.#lastTurnEndAt = performance.now();
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
        if (this.#active) throw RealtimeProtocolError.activeResponse(this.#active.id);
        return this.#startResponse(event.response ?? undefined, 'response.create', event.event_id);
      case 'response.cancel':
        if (!this.#active || (event.response_id && event.response_id !== this.#active.id)) throw RealtimeProtocolError.noActiveResponse();
        this.#active.cancel('client_cancelled');
        this.#active = null;
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
      } else if (e.type === 'speech_started') {
        this.#send(serverEvent('input_audio_buffer.speech_started', { audio_start_ms: e.audioStartMs, item_id: e.itemId }));
        if (this.#active && td?.interrupt_response) {
          this.#log.debug({ responseId: this.#active.id }, 'barge-in: cancelling the response');
          this.#active.cancel('turn_detected');
          this.#active = null;
        }
      } else if (e.type === 'speech_stopped') {
        this.#lastTurnEndAt = performance.now();
        this.#send(serverEvent('input_audio_buffer.speech_stopped', { audio_end_ms: e.audioEndMs, item_id: e.itemId }));
        this.#commitTurn(e.turn);
        if (td?.create_response) {
          if (this.#active) this.#log.debug('end of turn while a response is active: no new response');
          else this.#startResponse(undefined, 'speech_stopped');
        }
      }
    }
  }

  /** Makes a closed turn a user item: committed → item added → transcription events when recognized. */
  #commitTurn(turn: CommittedTurn): void {
    const previous = this.#conversation.lastId();
    const item: WireItem = { id: turn.itemId, object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_audio', transcript: null }] };
    const recognized = turn.recognizer.finish().then(
      (text) => ({ ok: true as const, text }),
      (error: unknown) => ({ ok: false as const, text: '', error }),
    );
    const meta: ItemMeta = { audioMs: turn.durationMs, spans: [], transcript: recognized.then((r) => r.text) };
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
    const recognizer = new TurnRecognizer(this.#deps.recognizers);
    const resampler = new Resampler(24_000, RECOGNIZER_SAMPLE_RATE);
    recognizer.write(float32ToInt16(resampler.push(int16ToFloat32(samples24k))));
    recognizer.write(float32ToInt16(resampler.flush()));
    return recognizer.finish().catch(() => '');
  }

  #truncate(event: ClientEventOf<'conversation.item.truncate'>): void {
    const item = this.#conversation.get(event.item_id);
    const meta = this.#conversation.meta(event.item_id);
    if (!item || !meta) throw RealtimeProtocolError.itemNotFound(event.item_id);
    const active = this.#active;
    if (active?.ownsItem(item.id)) {
      active.cancel('client_cancelled'); // cannot cut audio that is still being produced
      this.#active = null;
    }
    truncateAudioItem(item, meta, event.content_index, event.audio_end_ms);
    this.#send(serverEvent('conversation.item.truncated', { item_id: item.id, content_index: event.content_index, audio_end_ms: event.audio_end_ms }));
  }

  /** Starts a response; `response.created` goes out before the transcript is awaited. */
  #startResponse(params: ResponseCreatePayload | undefined, trigger: ResponseTiming['trigger'], eventId?: string): void {
    const receivedAt = performance.now();
    const turnEndAt = this.#lastTurnEndAt;
    this.#lastTurnEndAt = null; // each caller turn is timed against the first response after it
    const config = this.#config;
    const outOfBand = params?.conversation === 'none';
    const input = params?.input?.map((x) => {
      if (x.type !== 'item_reference') return itemFromClient(x, x.id ?? newId('item_'));
      const ref = this.#conversation.get(x.id);
      if (!ref) throw Object.assign(RealtimeProtocolError.itemNotFound(x.id, 'response.input'), { eventId: eventId ?? null });
      return ref;
    });
    const modalities = params?.output_modalities ?? params?.modalities ?? config.output_modalities;
    const runner = new ResponseRunner(
      {
        send: (e) => this.#send(e),
        conversation: outOfBand ? null : this.#conversation,
        synthesizer: this.#deps.synthesizer,
        log: this.#log,
        ttfaMs: this.#deps.ttfaMs,
        leadMs: this.#deps.leadMs,
        maxReplyChars: this.#deps.limits.maxReplyChars,
        onToolCall: (callId, context) => this.#calls.set(callId, context),
      },
      {
        id: newId('resp_'),
        conversationId: outOfBand ? null : this.#conversationId,
        voice: params?.audio?.output?.voice ?? params?.voice ?? config.voice,
        speed: config.speed,
        modalities: modalities.includes('audio') ? ['audio'] : ['text'],
        metadata: params?.metadata ?? null,
        maxOutputTokens: params?.max_output_tokens ?? config.max_output_tokens,
        inputTokens: this.#estimateInputTokens(input ?? this.#conversation.items(), params?.instructions),
      },
    );
    this.#active = runner;
    runner.begin();
    void this.#runResponse(runner, params, input, { trigger, receivedAt, turnEndAt });
  }

  async #runResponse(
    runner: ResponseRunner,
    params: ResponseCreatePayload | undefined,
    input: WireItem[] | undefined,
    t: { trigger: ResponseTiming['trigger']; receivedAt: number; turnEndAt: number | null },
  ): Promise<void> {
    let reason = 'none';
    let transcriptWaitMs = 0;
    try {
      const items = input ?? this.#conversation.items();
      await this.#awaitTranscripts(items);
      transcriptWaitMs = performance.now() - t.receivedAt;
      if (runner.finished) return;
      const plan: ReplyPlan = planReply({
        instructions: params?.instructions ?? null,
        items,
        tools: params?.tools ?? this.#config.tools,
        toolChoice: params?.tool_choice ?? this.#config.tool_choice,
        script: this.#script,
        calls: this.#calls,
      });
      reason = plan.kind === 'say' ? plan.reason : 'tool_call';
      const said = plan.kind === 'say' ? plan.text : `${plan.preamble ?? ''} → ${plan.tool}(${plan.arguments})`;
      setImmediate(() => this.#log.info({ responseId: runner.id, reason, pii: { reply: said } }, 'reply planned')); // off the reply path
      await runner.run(plan);
    } catch (e) {
      this.#log.error({ err: e, responseId: runner.id }, 'response failed');
      runner.fail('server_error', 'internal_error');
    } finally {
      if (this.#active === runner) this.#active = null;
    }
    const first = runner.firstAudioAt;
    const timing: ResponseTiming = {
      sessionId: this.id,
      responseId: runner.id,
      trigger: t.trigger,
      reason,
      turnEndToFirstAudioMs: first !== null && t.turnEndAt !== null ? round(first - t.turnEndAt) : null,
      requestToFirstAudioMs: first !== null ? round(first - t.receivedAt) : null,
      transcriptWaitMs: round(transcriptWaitMs),
      ttfaMs: this.#deps.ttfaMs,
      status: runner.status,
    };
    this.#log.info({ timing }, 'response timing');
    this.#deps.onTiming?.(timing);
  }

  /** Waits (bounded) until every user item in `items` has its transcript. */
  async #awaitTranscripts(items: readonly WireItem[]): Promise<void> {
    const pending = items.map((i) => this.#conversation.meta(i.id)?.transcript).filter((p) => p !== undefined);
    if (pending.length === 0) return;
    const limit = new AbortController();
    await Promise.race([Promise.allSettled(pending), sleep(TRANSCRIPT_WAIT_LIMIT_MS, limit.signal)]);
    limit.abort();
  }

  /** Input token estimate for `usage`: 4 characters a text token, 10 audio tokens a second. */
  #estimateInputTokens(items: readonly WireItem[], instructions: string | undefined): { text: number; audio: number } {
    let chars = (instructions ?? this.#config.instructions).length;
    let audioMs = 0;
    for (const item of items) {
      chars += itemText(item).length + (item.type === 'function_call' ? item.arguments.length : item.type === 'function_call_output' ? item.output.length : 0);
      if (item.type === 'message' && item.role === 'user') audioMs += this.#conversation.meta(item.id)?.audioMs ?? 0;
    }
    return { text: Math.ceil(chars / 4), audio: Math.ceil(audioMs / 100) };
  }

  /** While the caller pauses: synthesize the reply the speculative transcript would get, so it is cached when the turn ends. */
  #prefetchReplyTo(text: string): void {
    if (this.#closed || !this.#config.output_modalities.includes('audio')) return;
    const hypothetical: WireItem = { id: 'speculative', object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_audio', transcript: text }] };
    const plan = planReply({
      items: [...this.#conversation.items(), hypothetical],
      tools: this.#config.tools,
      toolChoice: this.#config.tool_choice,
      script: this.#script,
      calls: this.#calls,
    });
    const say = plan.kind === 'say' ? plan.text : plan.preamble;
    if (say) this.#deps.synthesizer.prefetch(say, this.#config.voice, this.#config.speed, { now: true });
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

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
