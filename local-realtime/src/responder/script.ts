import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/**
 * The dialogue script: what the local model says. JSON, validated strictly so a typo is reported
 * instead of silently ignored. Loaded from a file (`--script`, `start({script})`) or from the
 * session instructions inside a fenced block:
 *
 *     ```local-realtime-script
 *     { "greeting": "…", "fallback": "…", "intents": [ … ] }
 *     ```
 *
 * Placeholders in reply texts: `{heard}` (the caller's words), `{number}` (first number heard, as
 * digits), `{args.<name>}` (arguments of the tool call), `{output}` / `{output.<path>}` (the tool's
 * output, JSON fields when it is JSON). See README.md for the full reference.
 */

const Reply = z.string().min(1).max(2_000);

/** An argument taken from the caller's words by a regular expression's first group (case-insensitive). */
export const CaptureArg = z.strictObject({ capture: z.string().min(1).max(200) });

export const ToolSpec = z.strictObject({
  /** Exact tool name (case-insensitive) among the session's tools. */
  name: z.string().min(1).optional(),
  /** Regular expression (case-insensitive) a tool name must match, e.g. `"order"`. Used when `name` is absent or not found. */
  match: z.string().min(1).optional(),
  /**
   * Argument templates or `{capture}` patterns; when absent, arguments are filled from the tool's
   * JSON schema (numbers and ids from `{number}`, other strings from `{heard}`).
   */
  arguments: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), CaptureArg])).optional(),
  /**
   * `"confirmation"`: call again, with the same arguments, the tool whose last output asked for the
   * caller's confirmation (`"status": "confirmation_required"`) — the caller's answer is in the
   * conversation, and the client decides what it means. Without such an output the intent replies.
   */
  repeat: z.literal('confirmation').optional(),
});
export type ToolSpec = z.infer<typeof ToolSpec>;

/** How many of the caller's earlier turns `numberFromContext` looks back over. */
export const CONTEXT_TURNS = 4;

export const ScriptIntent = z
  .strictObject({
    name: z.string().min(1).max(64),
    /** Words or phrases matched on the transcript; `deliver*` matches by prefix. More matched words win. */
    keywords: z.array(z.string().min(1).max(100)).min(1).max(100),
    /** Spoken when the intent matches and no tool call is made. */
    reply: Reply.optional(),
    /** Call one of the session's tools instead of replying directly. */
    tool: ToolSpec.optional(),
    /** Spoken in the same response, before the tool call. */
    preamble: Reply.optional(),
    /** Spoken instead of calling the tool when a required argument came out empty (e.g. no number heard). */
    ask: Reply.optional(),
    /** Spoken once the tool's output arrives (`{output…}`, `{args…}`); falls back to the script's `toolResult` if a placeholder is empty. */
    afterTool: Reply.optional(),
    /**
     * Phrases of the agent's previous reply (case-insensitive) after which a caller turn that
     * matches no keyword belongs to this intent: the answer to its question (slot filling, e.g.
     * "order number" → the caller just says the digits).
     */
    followUp: z.array(z.string().min(1).max(100)).max(20).optional(),
    /**
     * A turn that names no number takes the newest one the caller said in the last
     * {@link CONTEXT_TURNS} turns of the conversation (a follow-up question about the same order:
     * "and when will it arrive?"). Off unless set: a code must never be taken from an earlier turn.
     */
    numberFromContext: z.boolean().optional(),
  })
  .refine((i) => i.reply !== undefined || i.tool !== undefined, { message: 'an intent needs a "reply" or a "tool"' });
export type ScriptIntent = z.infer<typeof ScriptIntent>;

export const DialogueScript = z.strictObject({
  /** Spoken for a response with nothing to answer yet (the session's first turn). */
  greeting: Reply,
  /** Spoken when no intent matches; should use `{heard}`. */
  fallback: Reply,
  /** Spoken when the caller's turn contained no recognizable words. */
  noSpeech: Reply.optional(),
  /** Spoken after a tool output when the intent has no usable `afterTool` (`{output}`). */
  toolResult: Reply.optional(),
  intents: z.array(ScriptIntent).max(200),
});
export type DialogueScript = z.infer<typeof DialogueScript>;

const FENCE = /```local-realtime-script[ \t]*\r?\n([\s\S]*?)```/;

export type ScriptFromInstructions = { found: false } | { found: true; script: DialogueScript } | { found: true; error: string };

/** Looks for a ```local-realtime-script fenced block in the instructions and validates it. */
export function scriptFromInstructions(instructions: string): ScriptFromInstructions {
  const m = FENCE.exec(instructions);
  if (!m) return { found: false };
  return parseScript(m[1]!);
}

/** Parses and validates script JSON text. */
export function parseScript(json: string): { found: true; script: DialogueScript } | { found: true; error: string } {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (e) {
    return { found: true, error: `not valid JSON: ${(e as Error).message}` };
  }
  const r = DialogueScript.safeParse(data);
  if (!r.success) {
    const i = r.error.issues[0]!;
    return { found: true, error: `${i.path.map(String).join('.') || '(root)'}: ${i.message}` };
  }
  const validRegex = (re: string) => {
    try {
      new RegExp(re, 'i');
      return true;
    } catch {
      return false;
    }
  };
  for (const intent of r.data.intents) {
    if (intent.tool?.match && !validRegex(intent.tool.match)) {
      return { found: true, error: `intents.${intent.name}.tool.match is not a valid regular expression` };
    }
    for (const [arg, v] of Object.entries(intent.tool?.arguments ?? {})) {
      if (typeof v === 'object' && !validRegex(v.capture)) return { found: true, error: `intents.${intent.name}.tool.arguments.${arg}.capture is not a valid regular expression` };
    }
  }
  return { found: true, script: r.data };
}

/** Reads and validates a script file; throws with the file name and the first problem. */
export async function loadScriptFile(path: string): Promise<DialogueScript> {
  const r = parseScript(await readFile(path, 'utf8'));
  if ('error' in r) throw new Error(`dialogue script ${path}: ${r.error}`);
  return r.script;
}
