import type { Logger } from 'pino';
import { RealtimeProtocolError } from '../errors.ts';
import type { Limits } from '../limits.ts';
import type { ResponseCreatePayload } from '../protocol/client-events.ts';
import { itemFromClient, itemText, type WireItem } from '../protocol/items.ts';
import type { ServerEvent } from '../protocol/server-events.ts';
import { type CallContext, planReply, type ReplyPlan } from '../responder/responder.ts';
import type { DialogueScript } from '../responder/script.ts';
import type { SpeechSynthesizer } from '../tts/synthesizer.ts';
import { newId } from '../util/ids.ts';
import { sleep } from '../util/sleep.ts';
import type { Conversation } from './conversation.ts';
import { ResponseRunner } from './response-runner.ts';
import type { SessionConfig } from './session-config.ts';

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
  /** False when the reply was planned at its deadline on the words recognized so far, before every transcript was final. */
  transcriptComplete: boolean;
  /** The configured fixed extra delay, ms. */
  ttfaMs: number;
  status: string;
}

export interface ResponsesDeps {
  sessionId: string;
  conversationId: string;
  conversation: Conversation;
  synthesizer: Pick<SpeechSynthesizer, 'stream' | 'prefetch'> & { readonly firstChunkMs?: number };
  log: Logger;
  limits: Pick<Limits, 'maxReplyChars'>;
  ttfaMs: number;
  /** Shortest a reply waits for a pending transcript, ms, even when `ttfaMs` leaves less (see `decisionBudgetMs`). */
  minTranscriptWaitMs: number;
  leadMs: number;
  send(event: ServerEvent): void;
  /** Current session settings and script (they change with `session.update`). */
  config(): SessionConfig;
  script(): DialogueScript;
  onTiming?: (timing: ResponseTiming) => void;
}

/**
 * How long after `response.created` a reply may wait for the caller's transcript before it is
 * planned on the words recognized so far, ms: the emulated time to first audio less what
 * synthesizing a sentence that is not cached takes (at most half of it), so the first audio still
 * goes out at `ttfaMs`; never less than `minMs` (with `ttfaMs` 0 the recognizer still gets that
 * long). A cloud model's time to first audio does not depend on how hard the speech was to
 * recognize; this keeps the stand-in's the same (issue 14).
 */
export function decisionBudgetMs(ttfaMs: number, synthesisMs: number, minMs: number): number {
  return Math.max(ttfaMs - Math.min(synthesisMs, ttfaMs / 2), minMs);
}

/**
 * The responses of one session: at most one active at a time, each planned by the responder once
 * the transcripts it depends on are known, streamed by a `ResponseRunner`, and timed from the end
 * of the caller's turn to its first audio delta.
 */
export class Responses {
  readonly #deps: ResponsesDeps;
  /** Tool calls made in this session, by `call_id`, to word the reply to their output. */
  readonly #calls = new Map<string, CallContext>();
  #active: ResponseRunner | null = null;
  /** `performance.now()` of the latest end of a caller turn not yet answered. */
  #turnEndAt: number | null = null;

  constructor(deps: ResponsesDeps) {
    this.#deps = deps;
  }

  /** The response in progress, if any. */
  get active(): ResponseRunner | null {
    return this.#active;
  }

  /** Records the end of a caller turn (VAD speech_stopped or client commit); the next response is timed from it. */
  markTurnEnd(): void {
    this.#turnEndAt = performance.now();
  }

  /** Cancels the active response (if `responseId` is given, only that one); false when there was none. */
  cancel(reason: 'turn_detected' | 'client_cancelled', responseId?: string): boolean {
    const active = this.#active;
    if (!active || (responseId && responseId !== active.id)) return false;
    active.cancel(reason);
    this.#active = null;
    return true;
  }

  /** Cancels the active response if it is still producing `itemId` (its audio cannot be truncated while it grows). */
  cancelIfProducing(itemId: string): void {
    if (this.#active?.ownsItem(itemId)) this.cancel('client_cancelled');
  }

  /**
   * Starts a response: `response.created` goes out at once, the plan once transcripts are in.
   * Throws `conversation_already_has_active_response` or `item_not_found` (bad `input` reference).
   */
  start(params: ResponseCreatePayload | undefined, trigger: ResponseTiming['trigger']): void {
    if (this.#active) throw RealtimeProtocolError.activeResponse(this.#active.id);
    const { conversation } = this.#deps;
    const receivedAt = performance.now();
    const turnEndAt = this.#turnEndAt;
    this.#turnEndAt = null; // each caller turn is timed against the first response after it
    const config = this.#deps.config();
    const outOfBand = params?.conversation === 'none';
    const input = params?.input?.map((x) => {
      if (x.type !== 'item_reference') return itemFromClient(x, x.id ?? newId('item_'));
      const ref = conversation.get(x.id);
      if (!ref) throw RealtimeProtocolError.itemNotFound(x.id, 'response.input');
      return ref;
    });
    const modalities = params?.output_modalities ?? params?.modalities ?? config.output_modalities;
    const runner = new ResponseRunner(
      {
        send: (e) => this.#deps.send(e),
        conversation: outOfBand ? null : conversation,
        synthesizer: this.#deps.synthesizer,
        log: this.#deps.log,
        ttfaMs: this.#deps.ttfaMs,
        leadMs: this.#deps.leadMs,
        maxReplyChars: this.#deps.limits.maxReplyChars,
        onToolCall: (callId, context) => this.#calls.set(callId, context),
      },
      {
        id: newId('resp_'),
        conversationId: outOfBand ? null : this.#deps.conversationId,
        voice: params?.audio?.output?.voice ?? params?.voice ?? config.voice,
        speed: config.speed,
        modalities: modalities.includes('audio') ? ['audio'] : ['text'],
        metadata: params?.metadata ?? null,
        maxOutputTokens: params?.max_output_tokens ?? config.max_output_tokens,
        inputTokens: this.#estimateInputTokens(input ?? conversation.items(), params?.instructions ?? config.instructions),
      },
    );
    this.#active = runner;
    runner.begin();
    void this.#run(runner, params, input, { trigger, receivedAt, turnEndAt });
  }

  /** While the caller pauses: synthesize the reply the speculative transcript would get, so it is cached when the turn ends. */
  prefetchReplyTo(text: string): void {
    const config = this.#deps.config();
    if (!config.output_modalities.includes('audio')) return;
    const hypothetical: WireItem = { id: 'speculative', object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_audio', transcript: text }] };
    const plan = planReply({
      items: [...this.#deps.conversation.items(), hypothetical],
      tools: config.tools,
      toolChoice: config.tool_choice,
      script: this.#deps.script(),
      calls: this.#calls,
    });
    const say = plan.kind === 'say' ? plan.text : plan.preamble;
    if (say) this.#deps.synthesizer.prefetch(say, config.voice, config.speed, { now: true });
  }

  async #run(
    runner: ResponseRunner,
    params: ResponseCreatePayload | undefined,
    input: WireItem[] | undefined,
    t: { trigger: ResponseTiming['trigger']; receivedAt: number; turnEndAt: number | null },
  ): Promise<void> {
    const { log } = this.#deps;
    let reason = 'none';
    let transcriptWaitMs = 0;
    let transcriptComplete = true;
    try {
      const budget = decisionBudgetMs(this.#deps.ttfaMs, this.#deps.synthesizer.firstChunkMs ?? 0, this.#deps.minTranscriptWaitMs);
      await this.#awaitTranscripts(input ?? this.#deps.conversation.items(), t.receivedAt + budget);
      transcriptWaitMs = performance.now() - t.receivedAt;
      if (runner.finished) return;
      // Read after the wait: items added meanwhile count, and late transcripts give what is known.
      const current = input ?? this.#deps.conversation.items();
      const items = current.map((i) => this.#withKnownWords(i));
      transcriptComplete = items.every((i, k) => i === current[k]);
      const config = this.#deps.config();
      const plan: ReplyPlan = planReply({
        instructions: params?.instructions ?? null,
        items,
        tools: params?.tools ?? config.tools,
        toolChoice: params?.tool_choice ?? config.tool_choice,
        script: this.#deps.script(),
        calls: this.#calls,
      });
      reason = plan.kind === 'say' ? plan.reason : 'tool_call';
      const said = plan.kind === 'say' ? plan.text : `${plan.preamble ?? ''} → ${plan.tool}(${plan.arguments})`;
      setImmediate(() => log.info({ responseId: runner.id, reason, transcriptComplete, pii: { reply: said } }, 'reply planned')); // off the reply path
      await runner.run(plan);
    } catch (e) {
      log.error({ err: e, responseId: runner.id }, 'response failed');
      runner.fail('server_error', 'internal_error');
    } finally {
      if (this.#active === runner) this.#active = null;
    }
    const first = runner.firstAudioAt;
    const timing: ResponseTiming = {
      sessionId: this.#deps.sessionId,
      responseId: runner.id,
      trigger: t.trigger,
      reason,
      turnEndToFirstAudioMs: first !== null && t.turnEndAt !== null ? round(first - t.turnEndAt) : null,
      requestToFirstAudioMs: first !== null ? round(first - t.receivedAt) : null,
      transcriptWaitMs: round(transcriptWaitMs),
      transcriptComplete,
      ttfaMs: this.#deps.ttfaMs,
      status: runner.status,
    };
    log.info({ timing }, 'response timing');
    this.#deps.onTiming?.(timing);
  }

  /** Waits until every user item in `items` has its transcript, or until `deadline` (`performance.now()` ms). */
  async #awaitTranscripts(items: readonly WireItem[], deadline: number): Promise<void> {
    const pending = items.map((i) => this.#deps.conversation.meta(i.id)?.transcript).filter((p) => p !== undefined);
    if (pending.length === 0) return;
    const limit = new AbortController();
    await Promise.race([Promise.allSettled(pending), sleep(deadline - performance.now(), limit.signal)]);
    limit.abort();
  }

  /** `item`, or for a user audio item whose transcript is still pending, a copy holding the words recognized so far. */
  #withKnownWords(item: WireItem): WireItem {
    if (item.type !== 'message' || item.role !== 'user') return item;
    const at = item.content.findIndex((c) => c.type === 'input_audio' && c.transcript === null);
    if (at < 0) return item;
    const partial = this.#deps.conversation.meta(item.id)?.partialTranscript?.() ?? '';
    return { ...item, content: item.content.map((c, i) => (i === at ? { type: 'input_audio' as const, transcript: partial } : c)) };
  }

  /** Input token estimate for `usage`: 4 characters a text token, 10 audio tokens a second. */
  #estimateInputTokens(items: readonly WireItem[], instructions: string): { text: number; audio: number } {
    let chars = instructions.length;
    let audioMs = 0;
    for (const item of items) {
      chars += itemText(item).length + (item.type === 'function_call' ? item.arguments.length : item.type === 'function_call_output' ? item.output.length : 0);
      if (item.type === 'message' && item.role === 'user') audioMs += this.#deps.conversation.meta(item.id)?.audioMs ?? 0;
    }
    return { text: Math.ceil(chars / 4), audio: Math.ceil(audioMs / 100) };
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
