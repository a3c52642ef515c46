import { voice } from '@livekit/agents';
import type { BargeIn, CallOutcome, CallRecordUpload, LiveLine, Speaker } from '@voice-widget/protocol';

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
 * Collects what the server keeps about a call — transcript of every side, barge-ins, outcome — from
 * the agent session's events and, after a hand-off, from the note-taker. Each line gets the call's
 * next `seq` and goes to `onLine` at once (the live transcript, `POST /api/calls/:room/live`); the
 * record uploaded at the end carries the same numbers. Plain data in, one {@link CallRecordUpload}
 * out, so it is tested without a room.
 */
export class CallRecorder {
  readonly transcript: LiveLine[] = [];
  readonly bargeIns: BargeIn[] = [];
  #outcome: CallOutcome | null = null;

  /**
   * @param onLine receives each line as it is added (the live transcript)
   * @param firstSeq the first line's `seq` (a worker resuming a call continues the numbering)
   * @param earlier who spoke in the lines stored before this recorder started, in order (a resumed
   *   call): they count for the outcome, not in the uploaded transcript
   */
  constructor(
    private readonly onLine: (line: LiveLine) => void = () => {},
    private readonly firstSeq = 0,
    private readonly earlier: readonly Speaker[] = [],
  ) {}

  /** A conversation item was committed (`conversation_item_added`). */
  handleItem(item: ItemLike): void {
    if (item.type !== undefined && item.type !== 'message') return;
    if (item.role !== 'user' && item.role !== 'assistant') return;
    this.addLine(item.role === 'user' ? 'caller' : 'agent', item.textContent ?? '', item.createdAt, item.interrupted);
    if (item.role === 'assistant' && item.interrupted && item.textContent?.trim()) this.handleBargeIn(Math.round(item.createdAt));
  }

  /** One utterance of `speaker` that started at `atMs` (ms since epoch); empty text is ignored. */
  addLine(speaker: Speaker, text: string, atMs: number, interrupted = false): void {
    const trimmed = text.trim();
    if (!trimmed || this.transcript.length >= 2_000) return;
    const line: LiveLine = {
      seq: this.firstSeq + this.transcript.length,
      speaker,
      text: trimmed.slice(0, 4000),
      atMs: Math.round(atMs),
      ...(interrupted ? { interrupted: true } : {}),
    };
    this.transcript.push(line);
    this.onLine(line);
  }

  /** A person took the call over (warm hand-off): the call is `transferred`. */
  markTransferred(): void {
    this.#outcome = 'transferred';
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
    const speakers = [...this.earlier, ...this.transcript.map((t) => t.speaker)];
    const lastCaller = speakers.lastIndexOf('caller');
    const answered = lastCaller >= 0 && speakers.slice(lastCaller).includes('agent');
    return {
      outcome: this.#outcome ?? (answered ? 'completed' : 'abandoned'),
      endedAtMs: Math.round(endedAtMs),
      transcript: this.transcript,
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
