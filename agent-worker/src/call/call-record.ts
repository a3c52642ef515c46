import { voice } from '@livekit/agents';
import type { BargeIn, CallOutcome, CallRecordUpload, TranscriptEntry } from '@voice-widget/protocol';

/** Tool whose call means the caller was handed to a person. */
export const TRANSFER_TOOL = 'transfer_to_human';

/** The parts of chat items the recorder reads (ChatMessage / FunctionCall / FunctionCallOutput). */
interface ItemLike {
  type?: string;
  role?: string;
  textContent?: string;
  interrupted?: boolean;
  createdAt: number;
}

/**
 * Collects what the server keeps about a call — transcript of both sides, barge-ins, outcome — from the agent session's events. Plain data in, one {@link CallRecordUpload} out, so
 * it is tested without a room.
 */
export class CallRecorder {
  readonly transcript: TranscriptEntry[] = [];
  readonly bargeIns: BargeIn[] = [];
  #outcome: CallOutcome | null = null;

  /** A conversation item was committed (`conversation_item_added`). */
  handleItem(item: ItemLike): void {
    if (item.type !== undefined && item.type !== 'message') return;
    if (item.role !== 'user' && item.role !== 'assistant') return;
    const text = item.textContent?.trim();
    if (!text) return;
    this.transcript.push({
      speaker: item.role === 'user' ? 'caller' : 'agent',
      text: text.slice(0, 4000),
      atMs: Math.round(item.createdAt),
      ...(item.interrupted ? { interrupted: true } : {}),
    });
    if (item.role === 'assistant' && item.interrupted) this.handleBargeIn(Math.round(item.createdAt));
  }

  /**
   * Tools ran (`function_tools_executed`; outputs pair with calls by index): a hand-off that went
   * through (`"transferred": true` in its output) marks the call `transferred`. The audit trail of
   * tool calls is written as they run (tools/), not here.
   */
  handleTools(calls: { name: string }[], outputs: { output: string }[]): void {
    calls.forEach((c, i) => {
      if (c.name === TRANSFER_TOOL && /"transferred"\s*:\s*true/.test(outputs[i]?.output ?? '')) this.#outcome = 'transferred';
    });
  }

  /** The caller talked over the agent (page RPC or an interrupted reply), ms since epoch. */
  handleBargeIn(atMs: number): void {
    const last = this.bargeIns.at(-1);
    if (last && Math.abs(last.atMs - atMs) < 500) return; // the same barge-in seen twice
    this.bargeIns.push({ atMs });
  }

  /** The session failed (model or media error). */
  markError(): void {
    this.#outcome = 'error';
  }

  /**
   * The record to upload. Outcome: `transferred` or `error` when marked; else `completed` when the
   * caller said something and the agent answered after it, else `abandoned`.
   */
  build(endedAtMs: number): CallRecordUpload {
    const lastCaller = this.transcript.findLastIndex((t) => t.speaker === 'caller');
    const answered = lastCaller >= 0 && this.transcript.slice(lastCaller).some((t) => t.speaker === 'agent');
    return {
      outcome: this.#outcome ?? (answered ? 'completed' : 'abandoned'),
      endedAtMs: Math.round(endedAtMs),
      transcript: this.transcript.slice(0, 2000),
      bargeIns: this.bargeIns.slice(0, 2000),
    };
  }
}

/** Subscribes `recorder` to the session's conversation, tool and error events. */
export function attachCallRecorder(session: voice.AgentSession, recorder: CallRecorder): void {
  const E = voice.AgentSessionEventTypes;
  session.on(E.ConversationItemAdded, (ev) => recorder.handleItem(ev.item as ItemLike));
  session.on(E.FunctionToolsExecuted, (ev) => recorder.handleTools(ev.functionCalls, ev.functionCallOutputs));
  session.on(E.Error, (ev) => {
    if (!(ev.error as { recoverable?: boolean }).recoverable) recorder.markError();
  });
}
