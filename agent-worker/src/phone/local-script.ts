import { DEFAULT_SCRIPT, type DialogueScript } from '@voice-widget/local-realtime';
import { END_CALL_TOOL } from '../tools/end-call.ts';
import { TRANSFER_TOOL } from '../tools/transfer.ts';

/**
 * The offline model's dialogue script for phone calls (only with the local model; OpenAI reads the
 * plain instructions): the front-desk script, where asking for a person calls `transfer_to_human`
 * and saying goodbye calls `end_call`, and tool replies speak the tool's `say` field.
 */
export function phoneLocalScript(base: DialogueScript = DEFAULT_SCRIPT): DialogueScript {
  return {
    ...base,
    toolResult: '{output.say}',
    intents: base.intents.map((intent) => {
      if (intent.name === 'human') {
        return { ...intent, tool: { name: TRANSFER_TOOL, arguments: { summary: 'You asked to talk to a person.' } }, afterTool: '{output.say}' };
      }
      if (intent.name === 'goodbye') return { ...intent, tool: { name: END_CALL_TOOL }, afterTool: intent.reply ?? 'Goodbye!' };
      return intent;
    }),
  };
}

/** The script as a fenced block the local model reads from the session instructions. */
export function localScriptBlock(script: DialogueScript): string {
  return `\n\`\`\`local-realtime-script\n${JSON.stringify(script)}\n\`\`\`\n`;
}
