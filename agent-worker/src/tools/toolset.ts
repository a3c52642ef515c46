import { beta, llm, type voice } from '@livekit/agents';
import { type AgentToolConfig, type BuiltinTool, type ToolResult, ToolArgs, VERIFY_TOOL, toolName } from '@voice-widget/protocol';
import type { z } from 'zod';
import { TOOL_DESCRIPTIONS } from './catalog.ts';
import { END_CALL_TOOL, GOODBYE } from './end-call.ts';
import type { ToolGuard } from './guard.ts';

/** Agent-side implementations of the tools that control the call (not data). */
export interface LocalTools {
  /** How this call hands a caller to a person; absent → `transfer_to_human` is not offered. */
  transfer_to_human?: (args: z.infer<typeof ToolArgs.transfer_to_human>, session: voice.AgentSession) => Promise<ToolResult>;
}

export interface ToolsetOptions {
  /** The tools this call offers (agent-setup.ts decides from the configuration and the channel). */
  tools: readonly AgentToolConfig[];
  /** Offer `verify_caller` (phone calls with tools that need a verified caller). */
  offerVerify: boolean;
  guard: ToolGuard;
  local: LocalTools;
  /** The call ended by `end_call` (for the audit trail). */
  onEndCall?: () => void;
}

/**
 * The LLM tools of one call, every one behind the guard: the model only ever proposes a call, and
 * `guard.run` decides and runs it. Built-in tools take their zod argument schemas from the protocol
 * (the server validates with the same ones); custom tools their JSON Schema. `end_call` is
 * agents-js's own (it waits for the goodbye to play out, then deletes the room → SIP BYE).
 */
export function buildToolset(opts: ToolsetOptions): (llm.FunctionTool<any, any, any> | llm.Toolset)[] {
  const out: (llm.FunctionTool<any, any, any> | llm.Toolset)[] = [];
  const guarded = (name: string, description: string, parameters: z.ZodObject | Record<string, unknown>, local?: (args: any, session: voice.AgentSession) => Promise<ToolResult>) =>
    llm.tool({
      name,
      description,
      parameters: parameters as z.ZodObject,
      execute: async (args: Record<string, unknown>, { ctx }) =>
        opts.guard.run(name, args ?? {}, local ? () => local(args, ctx.session as voice.AgentSession) : undefined),
    });

  for (const t of opts.tools) {
    const name = toolName(t);
    if (typeof t === 'object' && 'description' in t) {
      out.push(guarded(name, t.description, t.parameters));
      continue;
    }
    const builtin = name as BuiltinTool;
    if (builtin === END_CALL_TOOL) {
      out.push(
        beta.createEndCallTool({
          deleteRoom: true,
          ignoreOnEnter: true, // not while greeting
          endInstructions: `Say "${GOODBYE}" and nothing else.`,
          onToolCompleted: () => opts.onEndCall?.(),
        }),
      );
    } else if (builtin === 'transfer_to_human') {
      if (opts.local.transfer_to_human) out.push(guarded(builtin, TOOL_DESCRIPTIONS[builtin], ToolArgs[builtin], opts.local.transfer_to_human));
    } else {
      out.push(guarded(builtin, TOOL_DESCRIPTIONS[builtin], ToolArgs[builtin]));
    }
  }
  if (opts.offerVerify) out.push(guarded(VERIFY_TOOL, TOOL_DESCRIPTIONS[VERIFY_TOOL], ToolArgs[VERIFY_TOOL]));
  return out;
}
