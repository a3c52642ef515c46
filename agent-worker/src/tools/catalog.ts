import type { BuiltinTool } from '@voice-widget/protocol';

/**
 * What the model is told about each built-in tool. The rules in these texts are enforced by the
 * guard (guard.ts), not by the model's compliance: the text only helps the model use them well.
 */
export const TOOL_DESCRIPTIONS: Record<BuiltinTool | 'verify_caller', string> = {
  get_order_status:
    "Look up the status of one of the caller's orders by its number. Works only for a verified caller and their own orders. The result's \"say\" is the answer to speak.",
  update_shipping_address:
    'Change the delivery address of one of the caller\'s orders. The first call returns status "confirmation_required" with a read-back in "say": speak it and wait. If the caller then says yes, call this tool again with exactly the same arguments; if not, do not.',
  create_case:
    'Open a support case for the caller (a complaint, a return, a request a person must handle, or a call back). Like other changes it is read back first: speak "say", and call again with the same arguments if the caller agrees.',
  opening_hours: 'Get the opening hours to tell the caller.',
  transfer_to_human:
    'Hand the caller to a person. Use when the caller asks for a human, a person or an agent, or presses 0. Give the reason and a one-sentence summary for the caller. The result\'s "say" is what happens next (their place in the queue, a callback, or the transfer): say it, and keep helping while they wait.',
  end_call: 'End the call when the caller is done.',
  verify_caller:
    'Check the code a phone caller says to prove who they are (their four-digit code, or the last four digits of their account number). Pass only the digits.',
};

/** One line per enabled ability for the instructions (what the agent can do on this call). */
export const TOOL_ABILITIES: Record<BuiltinTool, string> = {
  get_order_status: 'tell a verified caller the status of their own orders (get_order_status)',
  update_shipping_address: "change the delivery address of a verified caller's order, after reading it back and hearing a yes (update_shipping_address)",
  create_case: 'open a support case for the caller (create_case)',
  opening_hours: 'tell the opening hours (opening_hours)',
  transfer_to_human: 'hand the caller to a person (transfer_to_human)',
  end_call: 'end the call when the caller is done (end_call)',
};
