import {
  type AuditEvent,
  type ToolPolicy,
  type ToolResult,
  type ToolRunRequest,
  type ToolRunResponse,
  VERIFY_TOOL,
  type VerifiedCaller,
  type VerifyRequest,
  type VerifyResponse,
} from '@voice-widget/protocol';
import type { ApiResult } from '../server-api/client.ts';
import type { ConversationLog, LogMark } from './conversation-log.ts';
import { classifyConfirmation } from './confirmation.ts';
import { idempotencyKey } from './idempotency.ts';
import { readBack, spellDigits } from './read-back.ts';

/**
 * The deterministic guard between the model and every tool: the model proposes a call, this code
 * decides. In order, for each proposed call:
 * 1. **enabled**: only tools this call was given run (`tool_not_enabled`);
 * 2. **verification**: tools that reveal account data refuse until the caller is verified — a
 *    signed identity on the web, a code checked by the server on the phone (`not_verified`);
 *    caller ID is never proof;
 * 3. **scope**: an `order_id` must be one of the verified caller's own orders (`out_of_scope`);
 * 4. **confirmation**: a state change runs only when the caller's *next* turn after the agent read
 *    it back is a plain yes or keypad 1 (`confirmation_required`, then `declined`/`not_confirmed`);
 *    the guard reads that turn from the conversation, not the model's word;
 * 5. **idempotency**: a state change carries a key from call + tool + arguments, so a repeat is
 *    never applied twice (the server keeps the first result).
 * Every refusal and confirmation request is reported to the audit trail; the server writes the
 * entries of the tools it runs. The outcome goes back to the model with `say`, a sentence it can
 * speak as is (the offline model does).
 */

/** What the model gets back from a guarded tool call. */
export interface ToolOutcome {
  status: 'ok' | 'refused' | 'confirmation_required' | 'failed';
  /** Stable code of a refusal or failure (`not_verified`, `out_of_scope`, `declined`, …). */
  reason?: string;
  /** A sentence to say to the caller. */
  say: string;
  /** The tool's data, when it ran. */
  data?: Record<string, unknown>;
}

/** The server's tool, verification and audit API as the guard uses it (server-api/client.ts). */
export interface GuardServer {
  runTool(name: string, body: ToolRunRequest): Promise<ApiResult<ToolRunResponse>>;
  verify(body: VerifyRequest): Promise<ApiResult<VerifyResponse>>;
}

export interface GuardOptions {
  room: string;
  channel: 'web' | 'phone';
  /** The tools this call was given, by name, with their policies (including `verify_caller` when offered). */
  tools: ReadonlyMap<string, ToolPolicy>;
  /** The caller as the server established them at the start (a web caller's signed identity), or null. */
  caller: VerifiedCaller | null;
  /** A person can take the call on this channel (what a refusal may offer). */
  handoffAvailable: boolean;
  log: ConversationLog;
  /** Null without a server: server-side tools then fail closed. */
  server: GuardServer | null;
  /** Receives the decisions the server does not record itself. */
  audit: (event: AuditEvent) => void;
  now?: () => number;
  /** How long a repeated state-change call waits for the caller's answer to reach the conversation, ms. */
  confirmWaitMs?: number;
}

/** A state change read back to the caller, waiting for their next turn. */
interface PendingChange {
  tool: string;
  key: string;
  /** Where the read-back was asked for: the answer is the caller's first turn after the agent said it. */
  mark: LogMark;
}

/** Runs an agent-side tool once the guard allowed it. */
export type LocalExecute = () => Promise<ToolResult>;

export class ToolGuard {
  #caller: VerifiedCaller | null;
  #locked = false;
  #awaitingCode = false;
  /** The call refused for want of verification: run again once the caller is verified. */
  #deferred: { tool: string; args: Record<string, unknown> } | null = null;
  #pending: PendingChange | null = null;
  readonly #now: () => number;

  constructor(private readonly opts: GuardOptions) {
    this.#caller = opts.caller;
    this.#now = opts.now ?? Date.now;
  }

  /** The verified caller, or null. */
  get caller(): VerifiedCaller | null {
    return this.#caller;
  }

  /** Wrong codes used up: no account data on this call. */
  get locked(): boolean {
    return this.#locked;
  }

  /** The agent asked a phone caller for their code and has not got a right one (keypad digits are the code). */
  get awaitingCode(): boolean {
    return this.#awaitingCode && !this.#caller && !this.#locked;
  }

  /** A state change was read back and waits for the caller's yes or no (the keypad maps 1/2 to it). */
  get awaitingConfirmation(): boolean {
    return this.#pending !== null && this.opts.log.answerAfter(this.#pending.mark) === undefined;
  }

  /**
   * Decides a call the model proposed and, when allowed, runs it: server-side tools through the
   * server (with the idempotency key and the confirming turn), agent-side tools through `local`.
   * Never throws: every failure is an outcome the agent can say.
   */
  async run(tool: string, args: Record<string, unknown>, local?: LocalExecute): Promise<ToolOutcome> {
    const atMs = this.#now();
    const refuse = (reason: string, say: string): ToolOutcome => {
      this.#audit({ tool, args, decision: 'refused', reason, atMs });
      return { status: 'refused', reason, say };
    };
    const policy = this.opts.tools.get(tool);
    if (!policy) return refuse('tool_not_enabled', "I'm sorry, I can't do that on this call.");
    if (tool === VERIFY_TOOL) return this.verify(String(args.code ?? ''), 'speech');
    if (policy.requiresVerified && !this.#caller) {
      this.#deferred = { tool, args };
      return refuse('not_verified', this.#verifyFirst());
    }
    const order = typeof args.order_id === 'string' ? args.order_id.trim() : null;
    if (order !== null && policy.requiresVerified && !this.#caller!.orders.includes(order)) {
      return refuse('out_of_scope', `I can't find order ${spellDigits(order)} among your orders. Could you check the number?`);
    }

    let confirmation: ToolRunRequest['confirmation'];
    let key: string | undefined;
    if (policy.changesState) {
      key = idempotencyKey(this.opts.room, tool, args);
      const decided = await this.#confirmation(tool, key, args, atMs);
      if ('outcome' in decided) return decided.outcome;
      confirmation = decided.confirmation;
    }

    if (policy.runsOn === 'agent') {
      if (!local) return refuse('not_available', "I'm sorry, I can't do that right now.");
      const t0 = this.#now();
      try {
        const result = await local();
        this.#audit({ tool, args, decision: 'allowed', result: JSON.stringify(result), durationMs: this.#now() - t0, atMs });
        return { status: 'ok', say: result.say, data: result };
      } catch (err) {
        this.#audit({ tool, args, decision: 'failed', reason: 'agent_error', durationMs: this.#now() - t0, atMs });
        return { status: 'failed', reason: 'agent_error', say: "Sorry, that didn't work just now." };
      }
    }
    if (!this.opts.server) return { status: 'failed', reason: 'no_server', say: "Sorry, I can't reach our systems right now." };
    const res = await this.opts.server.runTool(tool, { args, atMs, ...(key ? { idempotencyKey: key } : {}), ...(confirmation ? { confirmation } : {}) });
    if (res.ok) {
      if (key) this.#pending = null;
      return { status: 'ok', say: res.value.result.say, data: res.value.result };
    }
    // The server refused (and recorded it): the same checks, on the data it holds.
    if (res.code === 'not_verified') return { status: 'refused', reason: res.code, say: this.#verifyFirst() };
    if (res.code === 'out_of_scope') return { status: 'refused', reason: res.code, say: "I can't find that among your records. Could you check it?" };
    if (res.status && res.status < 500 && res.code) return { status: 'refused', reason: res.code, say: "I'm sorry, I can't do that." };
    return { status: 'failed', reason: 'unavailable', say: "Sorry, that didn't go through just now. Nothing was changed; shall I try again?" };
  }

  /**
   * Checks a phone caller's code with the server (`via` speech or keypad). After
   * `MAX_VERIFY_ATTEMPTS` wrong codes the call is locked; the refusal offers a person only when
   * one can take the call.
   */
  async verify(code: string, via: VerifyRequest['via']): Promise<ToolOutcome> {
    const atMs = this.#now();
    if (this.#caller) return { status: 'ok', say: `You're already verified, ${firstName(this.#caller.name)}.` };
    if (this.opts.channel !== 'phone') {
      this.#audit({ tool: VERIFY_TOOL, args: { via }, decision: 'refused', reason: 'phone_only', atMs });
      return { status: 'refused', reason: 'phone_only', say: this.#verifyFirst() };
    }
    if (this.#locked) return { status: 'refused', reason: 'verification_locked', say: this.#lockedSay() };
    this.#awaitingCode = true;
    if (!/^\d{4,8}$/.test(code)) return { status: 'refused', reason: 'invalid_code', say: 'Please say or type your four-digit code, one digit at a time.' };
    const res = this.opts.server ? await this.opts.server.verify({ code, via }) : null;
    if (!res?.ok) return { status: 'failed', reason: 'unavailable', say: "Sorry, I can't check codes right now." };
    const v = res.value;
    if (v.verified && v.caller) {
      this.#caller = v.caller;
      const thanks = `Thank you, ${firstName(v.caller.name)}, you're verified.`;
      // Pick up the request verification interrupted: the guard runs it again, with every check.
      const deferred = this.#deferred;
      this.#deferred = null;
      const next = deferred ? await this.run(deferred.tool, deferred.args) : null;
      return { status: 'ok', say: next ? `${thanks} ${next.say}` : `${thanks} How can I help?`, data: { verified: true, ...(next ? { next } : {}) } };
    }
    this.#locked = v.locked;
    if (v.locked) return { status: 'refused', reason: 'verification_locked', say: this.#lockedSay() };
    const tries = v.attemptsLeft === 1 ? 'one more try' : `${v.attemptsLeft} more tries`;
    return { status: 'refused', reason: 'wrong_code', say: `Sorry, that code doesn't match. You have ${tries}.` };
  }

  /** Confirmation of a state change: the read-back now, or the caller's answer to an earlier one. */
  async #confirmation(
    tool: string,
    key: string,
    args: Record<string, unknown>,
    atMs: number,
  ): Promise<{ outcome: ToolOutcome } | { confirmation: NonNullable<ToolRunRequest['confirmation']> }> {
    const pending = this.#pending;
    if (pending && pending.key === key) {
      // A clear yes or no said (or typed) over the read-back's last words is an answer too.
      const answer = await this.opts.log.waitAnswerAfter(pending.mark, this.opts.confirmWaitMs ?? 3_000, (t) => classifyConfirmation(t) !== 'unclear');
      if (answer) {
        const verdict = classifyConfirmation(answer.text);
        if (verdict === 'yes') return { confirmation: { text: answer.text, atMs: answer.atMs } };
        this.#pending = null;
        const reason = verdict === 'no' ? 'declined' : 'not_confirmed';
        this.#audit({ tool, args, decision: 'refused', reason, confirmation: { text: answer.text, atMs: answer.atMs }, atMs });
        return {
          outcome: {
            status: 'refused',
            reason,
            say: verdict === 'no' ? "Okay, I won't change anything." : "I didn't get a clear yes, so I haven't changed anything.",
          },
        };
      }
      // Asked again before the caller answered: the read-back stands.
    }
    this.#pending = { tool, key, mark: this.opts.log.mark() };
    // (No key on this entry: the key names the change the server applies, once.)
    this.#audit({ tool, args, decision: 'confirmation_requested', atMs });
    const keys = this.opts.channel === 'phone' ? ' Say yes or no, or press 1 for yes and 2 for no.' : ' Please say yes or no.';
    return { outcome: { status: 'confirmation_required', say: `${readBack(tool, args)} Shall I go ahead?${keys}` } };
  }

  #verifyFirst(): string {
    this.#awaitingCode = this.opts.channel === 'phone';
    if (this.opts.channel === 'web') {
      return "I can only share account details once you're signed in on our website. Is there anything else I can help with?";
    }
    if (this.#locked) return this.#lockedSay();
    return 'Before I can look at your account, I need to verify you. Please say or type your four-digit code.';
  }

  #lockedSay(): string {
    const person = this.opts.handoffAvailable ? ' I can connect you with a person who can help.' : '';
    return `I'm sorry, I can't verify you on this call, so I can't share or change account details.${person}`;
  }

  #audit(e: { tool: string; args: Record<string, unknown>; decision: AuditEvent['decision']; reason?: string; result?: string; durationMs?: number; confirmation?: AuditEvent['confirmation']; atMs: number }): void {
    const { args, ...rest } = e;
    this.opts.audit({ ...rest, args: JSON.stringify(args).slice(0, 4_000) } as AuditEvent);
  }
}

const firstName = (name: string) => name.trim().split(/\s+/)[0] ?? name;
