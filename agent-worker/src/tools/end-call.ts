/** Name of the tool that hangs up (agents-js's `beta.createEndCallTool`, built in toolset.ts). */
export const END_CALL_TOOL = 'end_call';

/** What the agent says before the line drops (the local script's goodbye intent says it too). */
export const GOODBYE = 'Thanks for calling. Goodbye!';
