import type { FunctionTool, ToolChoice } from '../protocol/client-events.ts';
import { itemText, type WireItem } from '../protocol/items.ts';
import { CONTEXT_TURNS, type DialogueScript, type ScriptIntent, type ToolSpec } from './script.ts';
import { extractNumber, keywordScore, parseOutput, renderTemplate, words } from './text.ts';
import { buildToolArguments } from './tool-args.ts';
import { extractVerbatim } from './verbatim.ts';

/**
 * The deterministic "model": decides what a response says or which tool it calls, from the
 * response instructions, the conversation and the dialogue script. Pure: same input, same plan.
 */

/** What the server remembers about a tool call it made, to word the reply once the output arrives. */
export interface CallContext {
  intent: string;
  afterTool: string | null;
  heard: string;
  number: string | null;
  args: Record<string, unknown>;
}

export interface ResponderInput {
  /** Instructions of this `response.create` (the plugin sends session + per-reply instructions). */
  instructions?: string | null;
  /** Conversation in order; user audio items carry their transcripts. */
  items: readonly WireItem[];
  tools: readonly FunctionTool[];
  toolChoice: ToolChoice;
  script: DialogueScript;
  /** Tool calls this session made, by `call_id`. */
  calls: ReadonlyMap<string, CallContext>;
}

export type ReplyReason = 'verbatim' | 'greeting' | 'intent' | 'ask' | 'fallback' | 'no_speech' | 'tool_result';

export type ReplyPlan =
  | { kind: 'say'; text: string; reason: ReplyReason; intent: string | null }
  | { kind: 'call'; preamble: string | null; tool: string; arguments: string; context: CallContext };

/** The best-matching intent for `heard` (most matched keyword words; earlier intent on a tie), or null. */
export function matchIntent(script: DialogueScript, heard: string): ScriptIntent | null {
  const tokens = words(heard);
  let best: ScriptIntent | null = null;
  let bestScore = 0;
  for (const intent of script.intents) {
    const score = intent.keywords.reduce((sum, k) => sum + keywordScore(tokens, k), 0);
    if (score > bestScore) {
      best = intent;
      bestScore = score;
    }
  }
  return best;
}

function forcedToolName(choice: ToolChoice): string | null {
  if (typeof choice === 'object') return choice.name;
  return ['auto', 'none', 'required'].includes(choice) ? null : choice;
}

function findTool(tools: readonly FunctionTool[], spec: ToolSpec): FunctionTool | null {
  const byName = spec.name ? tools.find((t) => t.name.toLowerCase() === spec.name!.toLowerCase()) : undefined;
  if (byName) return byName;
  if (spec.match) {
    const re = new RegExp(spec.match, 'i');
    return tools.find((t) => re.test(t.name)) ?? null;
  }
  return null;
}

function say(text: string, reason: ReplyReason, intent: ScriptIntent | null = null): ReplyPlan {
  return { kind: 'say', text, reason, intent: intent?.name ?? null };
}

function afterToolOutput(input: ResponderInput, item: Extract<WireItem, { type: 'function_call_output' }>): ReplyPlan {
  const ctx = input.calls.get(item.call_id);
  const vars = { heard: ctx?.heard ?? '', number: ctx?.number ?? '', args: ctx?.args ?? {}, output: parseOutput(item.output) };
  if (ctx?.afterTool) {
    const r = renderTemplate(ctx.afterTool, vars);
    if (r.missing.length === 0) return say(r.text, 'tool_result');
  }
  return say(renderTemplate(input.script.toolResult ?? '{output}', vars).text || 'Done.', 'tool_result');
}

/**
 * The call that last asked for the caller's confirmation — the newest tool output with
 * `"status": "confirmation_required"` — as its name and arguments, or null.
 */
function callAwaitingConfirmation(items: readonly WireItem[]): { name: string; arguments: string } | null {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i]!;
    if (item.type !== 'function_call_output') continue;
    const out = parseOutput(item.output) as { status?: unknown } | string;
    if (typeof out !== 'object' || out?.status !== 'confirmation_required') return null;
    const call = items.find((c): c is Extract<WireItem, { type: 'function_call' }> => c.type === 'function_call' && c.call_id === item.call_id);
    return call ? { name: call.name, arguments: call.arguments } : null;
  }
  return null;
}

/** The intent whose question the agent's last reply asked (its `followUp` phrases), or null. */
function followUpIntent(script: DialogueScript, items: readonly WireItem[]): ScriptIntent | null {
  const lastAgent = [...items].reverse().find((i) => i.type === 'message' && i.role === 'assistant');
  const said = lastAgent ? itemText(lastAgent).toLowerCase() : '';
  if (!said) return null;
  return script.intents.find((i) => i.followUp?.some((p) => said.includes(p.toLowerCase()))) ?? null;
}

/**
 * The newest number in the caller's turns before the current one (at most {@link CONTEXT_TURNS}
 * back, across whatever the agent said between), or null.
 */
function numberFromContext(items: readonly WireItem[]): string | null {
  let i = items.length - 1;
  while (i >= 0 && items[i]!.type === 'message' && (items[i] as { role?: string }).role === 'user') i--; // the current turn
  let turns = 0;
  for (; i >= 0 && turns < CONTEXT_TURNS; i--) {
    const item = items[i]!;
    if (item.type !== 'message' || item.role !== 'user') continue;
    turns++;
    const n = extractNumber(itemText(item));
    if (n) return n;
  }
  return null;
}

function callTool(tool: FunctionTool, spec: ToolSpec | undefined, intent: ScriptIntent | null, heard: string, items: readonly WireItem[] = []): ReplyPlan {
  const number = extractNumber(heard) ?? (intent?.numberFromContext ? numberFromContext(items) : null);
  const { args, missing } = buildToolArguments(spec, tool, { heard, number });
  if (missing.length > 0 && intent?.ask) return say(intent.ask, 'ask', intent);
  return {
    kind: 'call',
    preamble: intent?.preamble ?? null,
    tool: tool.name,
    arguments: JSON.stringify(args),
    context: { intent: intent?.name ?? 'tool_choice', afterTool: intent?.afterTool ?? null, heard, number, args },
  };
}

function answerUser(input: ResponderInput, heard: string): ReplyPlan {
  const { script, tools, toolChoice } = input;
  const intent = matchIntent(script, heard) ?? followUpIntent(script, input.items);
  const forced = forcedToolName(toolChoice);
  if (forced) {
    const tool = tools.find((t) => t.name === forced);
    if (tool) return callTool(tool, intent?.tool, intent, heard, input.items);
  }
  if (toolChoice !== 'none' && intent?.tool?.repeat === 'confirmation') {
    const pending = callAwaitingConfirmation(input.items);
    const tool = pending ? tools.find((t) => t.name === pending.name) : undefined;
    if (pending && tool) {
      let args: Record<string, unknown> = {};
      try {
        args = JSON.parse(pending.arguments) as Record<string, unknown>;
      } catch {
        /* the client decides on whatever it gets */
      }
      return {
        kind: 'call',
        preamble: null,
        tool: tool.name,
        arguments: pending.arguments,
        context: { intent: intent.name, afterTool: intent.afterTool ?? null, heard, number: extractNumber(heard), args },
      };
    }
  }
  if (toolChoice !== 'none' && intent?.tool?.repeat === undefined) {
    const tool = intent?.tool ? findTool(tools, intent.tool) : null;
    if (tool) return callTool(tool, intent!.tool, intent, heard, input.items);
    if (toolChoice === 'required' && tools[0]) return callTool(tools[0], undefined, intent, heard);
  }
  if (words(heard).length === 0) return say(script.noSpeech ?? script.fallback.replace(/\{heard\}/g, 'nothing'), 'no_speech');
  const vars = { heard, number: extractNumber(heard) ?? '' };
  if (intent?.reply) return say(renderTemplate(intent.reply, vars).text, 'intent', intent);
  return say(renderTemplate(script.fallback, vars).text, 'fallback');
}

/** Decides the reply. */
export function planReply(input: ResponderInput): ReplyPlan {
  const verbatim = extractVerbatim(input.instructions);
  if (verbatim) return say(verbatim, 'verbatim');
  const last = input.items.at(-1);
  if (last?.type === 'function_call_output') return afterToolOutput(input, last);
  if (last?.type === 'message' && last.role === 'user') return answerUser(input, trailingUserText(input.items));
  return say(input.script.greeting, 'greeting');
}

/**
 * The caller's words since the agent last spoke: a sentence can arrive as several user items
 * (a client that ended the turn at a pause, withdrew its reply, and committed the rest).
 */
function trailingUserText(items: ResponderInput['items']): string {
  const parts: string[] = [];
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i]!;
    if (item.type !== 'message' || item.role !== 'user') break;
    parts.unshift(itemText(item));
  }
  return parts.filter((p) => p.trim()).join(' ');
}
