import type { Logger } from 'pino';
import { WIRE_SAMPLE_RATE, encodePcm16Base64, samplesToMs } from '../audio/pcm.ts';
import type { FunctionCallItem, MessageItem, WireItem } from '../protocol/items.ts';
import { type ResponseResource, type ResponseStatus, type ResponseUsage, type ServerEvent, serverEvent } from '../protocol/server-events.ts';
import type { CallContext, ReplyPlan } from '../responder/responder.ts';
import { capText, clauseLeads, splitSentences } from '../tts/sentences.ts';
import type { SpeechSynthesizer } from '../tts/synthesizer.ts';
import { newId } from '../util/ids.ts';
import { sleep } from '../util/sleep.ts';
import type { Conversation, ItemMeta } from './conversation.ts';

/**
 * Streams one response: `response.created`, then per output item `output_item.added` →
 * `content_part.added` → transcript and audio deltas (audio in ≤100 ms base64 chunks, paced to stay
 * at most `leadMs` ahead of real time) → `…done` events, then `response.done` with status and usage.
 * `cancel()` ends it at once: no delta follows, the open item is closed as `incomplete` and
 * `response.done` carries status `cancelled`.
 */

export interface ResponseDeps {
  send(event: ServerEvent): void;
  /** Where output items go; null for an out-of-band response (`conversation: "none"`). */
  conversation: Conversation | null;
  synthesizer: Pick<SpeechSynthesizer, 'stream' | 'prefetch'> & Partial<Pick<SpeechSynthesizer, 'isCached'>>;
  log: Logger;
  /**
   * Emulated model time-to-first-audio, ms (the `--ttfa-ms` benchmark knob): the first output item
   * goes out no earlier than this after `response.created`. Work done meanwhile (waiting for the
   * transcript, synthesis) overlaps it, as a cloud model's own processing is part of its TTFA.
   */
  ttfaMs: number;
  /** How far audio may run ahead of real time, ms (`Infinity`: as fast as synthesized). */
  leadMs: number;
  /** Longest spoken text, characters. */
  maxReplyChars: number;
  /** Called when the first audio delta has been sent. */
  onFirstAudio?: (atMs: number) => void;
  /** Called for each function call the response makes. */
  onToolCall?: (callId: string, context: CallContext) => void;
}

export interface ResponseOptions {
  id: string;
  conversationId: string | null;
  voice: string;
  /** Speaking rate multiplier, 0.25–1.5. */
  speed: number;
  modalities: ('audio' | 'text')[];
  metadata: Record<string, string> | null;
  maxOutputTokens: number | 'inf';
  /** Estimated input tokens (conversation and instructions), for `usage`. */
  inputTokens: { text: number; audio: number };
}

/** Largest audio delta, samples (100 ms at 24 kHz). */
const MAX_DELTA_SAMPLES = WIRE_SAMPLE_RATE / 10;

interface OpenMessage {
  item: MessageItem;
  outputIndex: number;
  audio: boolean;
  transcript: string;
  meta: ItemMeta;
}

export class ResponseRunner {
  readonly #deps: ResponseDeps;
  readonly #opts: ResponseOptions;
  readonly #output: WireItem[] = [];
  readonly #abort = new AbortController();
  #open: OpenMessage | null = null;
  #status: ResponseStatus = 'in_progress';
  #audioMs = 0;
  #textChars = 0;
  #firstAudioAt: number | null = null;
  #begunAt = performance.now();

  constructor(deps: ResponseDeps, opts: ResponseOptions) {
    this.#deps = deps;
    this.#opts = opts;
  }

  get id(): string {
    return this.#opts.id;
  }

  /** True once `response.done` has been sent. */
  get finished(): boolean {
    return this.#status !== 'in_progress';
  }

  /** `in_progress` until `response.done`, then its status. */
  get status(): ResponseStatus {
    return this.#status;
  }

  /** True while this response is still producing the item `itemId`. */
  ownsItem(itemId: string): boolean {
    return !this.finished && this.#output.some((i) => i.id === itemId);
  }

  /** `performance.now()` of the first audio delta, or null. */
  get firstAudioAt(): number | null {
    return this.#firstAudioAt;
  }

  /** Sends `response.created`. */
  begin(): void {
    this.#begunAt = performance.now();
    this.#deps.send(serverEvent('response.created', { response: this.#resource() }));
  }

  /** Produces the planned output, then `response.done` (unless cancelled meanwhile). */
  async run(plan: ReplyPlan): Promise<void> {
    try {
      await sleep(Math.max(0, this.#deps.ttfaMs - (performance.now() - this.#begunAt)), this.#abort.signal);
      if (plan.kind === 'say') {
        await this.#speak(plan.text);
      } else {
        if (plan.preamble) await this.#speak(plan.preamble);
        this.#functionCall(plan);
      }
      this.#finish('completed');
    } catch (e) {
      this.#deps.log.error({ err: e, responseId: this.id }, 'response failed');
      this.fail('server_error', 'response_failed');
    }
  }

  /** Ends the response now with status `cancelled`; false if it had already finished. */
  cancel(reason: 'turn_detected' | 'client_cancelled'): boolean {
    if (this.finished) return false;
    this.#closeOpen('incomplete');
    this.#finish('cancelled', { type: 'cancelled', reason });
    return true;
  }

  /** Ends the response now with status `failed`. */
  fail(type: string, code: string): void {
    if (this.finished) return;
    this.#closeOpen('incomplete');
    this.#finish('failed', { type: 'failed', error: { type, code } });
  }

  #send(event: ServerEvent): void {
    if (!this.finished) this.#deps.send(event);
  }

  #addItem(item: WireItem): number {
    const outputIndex = this.#output.length;
    this.#output.push(item);
    this.#send(serverEvent('response.output_item.added', { response_id: this.id, output_index: outputIndex, item }));
    return outputIndex;
  }

  #addToConversation(item: WireItem, meta?: ItemMeta): void {
    const conv = this.#deps.conversation;
    if (!conv) return;
    const previous = conv.insert(item, undefined, meta);
    this.#send(serverEvent('conversation.item.added', { previous_item_id: previous, item }));
  }

  async #speak(text: string): Promise<void> {
    if (this.finished) return;
    const audio = this.#opts.modalities.includes('audio');
    const item: MessageItem = { id: newId('item_'), object: 'realtime.item', type: 'message', status: 'in_progress', role: 'assistant', content: [] };
    const meta: ItemMeta = { audioMs: 0, spans: [] };
    const outputIndex = this.#addItem(item);
    this.#addToConversation(item, meta);
    const open: OpenMessage = { item, outputIndex, audio, transcript: '', meta };
    this.#open = open;
    const ref = { response_id: this.id, item_id: item.id, output_index: outputIndex, content_index: 0 };
    this.#send(serverEvent('response.content_part.added', { ...ref, part: audio ? { type: 'audio', transcript: '' } : { type: 'text', text: '' } }));

    const { synthesizer } = this.#deps;
    const sentences = splitSentences(capText(text, this.#deps.maxReplyChars));
    // A first sentence that is not synthesized yet but opens with a cached clause ("Got it, you said
    // {heard}." → "Got it,") starts with that clause, while the rest is synthesized: the reply's first
    // audio does not wait for eSpeak (the fixed part of the reply goes first).
    if (audio && sentences.length && synthesizer.isCached && !synthesizer.isCached(sentences[0]!, this.#opts.voice, this.#opts.speed)) {
      const first = sentences[0]!;
      const lead = clauseLeads(first).find((c) => synthesizer.isCached!(c, this.#opts.voice, this.#opts.speed));
      if (lead) {
        const rest = first.slice(lead.length).trim();
        synthesizer.prefetch(rest, this.#opts.voice, this.#opts.speed, { now: true });
        sentences.splice(0, 1, lead, rest);
      }
    }
    // Later sentences are synthesized while the first one plays, but only after the first one has
    // started: spawning eSpeak is synchronous work that must not delay the first audio delta.
    if (audio && sentences.length > 1) {
      setImmediate(() => {
        if (!this.finished) synthesizer.prefetch(sentences.slice(1).join(' '), this.#opts.voice, this.#opts.speed, { now: true });
      });
    }
    for (const [i, sentence] of sentences.entries()) {
      const delta = i < sentences.length - 1 ? `${sentence} ` : sentence;
      if (!audio) {
        open.transcript += delta;
        this.#textChars += delta.length;
        this.#send(serverEvent('response.output_text.delta', { ...ref, delta }));
        continue;
      }
      let started = false;
      for await (const chunk of synthesizer.stream(sentence, this.#opts.voice, this.#opts.speed)) {
        for (let at = 0; at < chunk.length; at += MAX_DELTA_SAMPLES) {
          if (this.finished || this.#open !== open) return;
          const piece = chunk.subarray(at, at + MAX_DELTA_SAMPLES);
          if (!started) {
            started = true;
            open.transcript += delta;
            this.#textChars += delta.length;
            open.meta.spans.push({ text: sentence, startMs: open.meta.audioMs, endMs: open.meta.audioMs });
            this.#send(serverEvent('response.output_audio_transcript.delta', { ...ref, delta }));
          }
          await this.#pace();
          if (this.finished || this.#open !== open) return;
          this.#send(serverEvent('response.output_audio.delta', { ...ref, delta: encodePcm16Base64(piece) }));
          const ms = samplesToMs(piece.length);
          this.#audioMs += ms;
          open.meta.audioMs += ms;
          open.meta.spans.at(-1)!.endMs = open.meta.audioMs;
          if (this.#firstAudioAt === null) {
            this.#firstAudioAt = performance.now();
            this.#deps.onFirstAudio?.(this.#firstAudioAt);
          }
        }
      }
    }
    this.#closeOpen('completed');
  }

  /** Waits while the audio sent is more than `leadMs` ahead of real time. */
  async #pace(): Promise<void> {
    if (this.#firstAudioAt === null || !Number.isFinite(this.#deps.leadMs)) return;
    const ahead = this.#audioMs - (performance.now() - this.#firstAudioAt);
    if (ahead > this.#deps.leadMs) await sleep(ahead - this.#deps.leadMs, this.#abort.signal);
  }

  #closeOpen(status: 'completed' | 'incomplete'): void {
    const open = this.#open;
    if (!open) return;
    this.#open = null;
    const transcript = open.transcript.trim();
    const ref = { response_id: this.id, item_id: open.item.id, output_index: open.outputIndex, content_index: 0 };
    if (open.audio) {
      this.#send(serverEvent('response.output_audio.done', ref));
      this.#send(serverEvent('response.output_audio_transcript.done', { ...ref, transcript }));
      this.#send(serverEvent('response.content_part.done', { ...ref, part: { type: 'audio', transcript } }));
      open.item.content = [{ type: 'output_audio', transcript }];
    } else {
      this.#send(serverEvent('response.output_text.done', { ...ref, text: transcript }));
      this.#send(serverEvent('response.content_part.done', { ...ref, part: { type: 'text', text: transcript } }));
      open.item.content = [{ type: 'output_text', text: transcript }];
    }
    open.item.status = status;
    this.#send(serverEvent('response.output_item.done', { response_id: this.id, output_index: open.outputIndex, item: open.item }));
    if (this.#deps.conversation) {
      const previous = this.#deps.conversation.previousId(open.item.id);
      this.#send(serverEvent('conversation.item.done', { previous_item_id: previous, item: open.item }));
    }
  }

  #functionCall(plan: Extract<ReplyPlan, { kind: 'call' }>): void {
    if (this.finished) return;
    const callId = newId('call_');
    const item: FunctionCallItem = { id: newId('item_'), object: 'realtime.item', type: 'function_call', status: 'in_progress', call_id: callId, name: plan.tool, arguments: '' };
    const outputIndex = this.#addItem(item);
    this.#addToConversation(item);
    const ref = { response_id: this.id, item_id: item.id, output_index: outputIndex, call_id: callId };
    this.#send(serverEvent('response.function_call_arguments.delta', { ...ref, delta: plan.arguments }));
    this.#send(serverEvent('response.function_call_arguments.done', { ...ref, name: plan.tool, arguments: plan.arguments }));
    item.arguments = plan.arguments;
    item.status = 'completed';
    this.#textChars += plan.arguments.length;
    this.#send(serverEvent('response.output_item.done', { response_id: this.id, output_index: outputIndex, item }));
    if (this.#deps.conversation) {
      this.#send(serverEvent('conversation.item.done', { previous_item_id: this.#deps.conversation.previousId(item.id), item }));
    }
    this.#deps.onToolCall?.(callId, plan.context);
  }

  #finish(status: Exclude<ResponseStatus, 'in_progress'>, details: ResponseResource['status_details'] = null): void {
    if (this.finished) return;
    this.#abort.abort();
    const resource = { ...this.#resource(), status, status_details: details, usage: this.#usage() };
    this.#deps.send(serverEvent('response.done', { response: resource }));
    this.#status = status;
  }

  /** Token counts are estimates with fixed ratios (text: 4 characters a token; audio: 10 tokens a second in, 20 out). */
  #usage(): ResponseUsage {
    const { text, audio } = this.#opts.inputTokens;
    const outText = Math.ceil(this.#textChars / 4);
    const outAudio = Math.ceil(this.#audioMs / 50);
    return {
      total_tokens: text + audio + outText + outAudio,
      input_tokens: text + audio,
      output_tokens: outText + outAudio,
      input_token_details: {
        text_tokens: text,
        audio_tokens: audio,
        image_tokens: 0,
        cached_tokens: 0,
        cached_tokens_details: { text_tokens: 0, audio_tokens: 0, image_tokens: 0 },
      },
      output_token_details: { text_tokens: outText, audio_tokens: outAudio },
    };
  }

  #resource(): ResponseResource {
    return {
      id: this.id,
      object: 'realtime.response',
      status: 'in_progress',
      status_details: null,
      output: this.#output,
      conversation_id: this.#opts.conversationId,
      output_modalities: this.#opts.modalities,
      max_output_tokens: this.#opts.maxOutputTokens,
      audio: { output: { format: { type: 'audio/pcm', rate: WIRE_SAMPLE_RATE }, voice: this.#opts.voice } },
      usage: null,
      metadata: this.#opts.metadata,
    };
  }
}
