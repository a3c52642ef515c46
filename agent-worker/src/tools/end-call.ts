import { beta, type llm } from '@livekit/agents';

/** Name of the tool that hangs up. */
export const END_CALL_TOOL = 'end_call';

/** What the agent says before the line drops (the local script's goodbye intent says it too). */
export const GOODBYE = 'Thanks for calling. Goodbye!';

/**
 * `end_call`: the agent says goodbye, waits for it to play out, then ends the session and deletes
 * the room — livekit-sip answers that with a SIP BYE, so the caller's line is hung up cleanly.
 * (agents-js's own end-call tool, which handles both model kinds' reply timing.)
 */
export function endCallTool(): llm.Toolset {
  return beta.createEndCallTool({
    deleteRoom: true,
    ignoreOnEnter: true, // not while greeting
    endInstructions: `Say "${GOODBYE}" and nothing else.`,
  });
}
