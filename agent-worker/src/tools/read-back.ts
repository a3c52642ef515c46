/**
 * What the agent reads back before a state change, worded from the arguments by code (not by the
 * model), so the caller hears exactly what will be applied.
 */

/** Digits read one by one ("1042" → "1 0 4 2"): how callers expect order numbers read back. */
export const spellDigits = (s: string): string => (/^\d{3,}$/.test(s) ? s.split('').join(' ') : s);

const CATEGORY_WORDS: Record<string, string> = {
  order: 'an order',
  delivery: 'a delivery',
  return: 'a return',
  billing: 'billing',
  callback: 'a call back',
  other: 'your request',
};

/** The read-back sentence of a state-changing tool call. */
export function readBack(tool: string, args: Record<string, unknown>): string {
  const str = (k: string) => String(args[k] ?? '').trim();
  switch (tool) {
    case 'update_shipping_address':
      return `To confirm: I'll change the delivery address of order ${spellDigits(str('order_id'))} to ${str('address')}.`;
    case 'create_case':
      return `To confirm: I'll open a case about ${CATEGORY_WORDS[str('category')] ?? 'your request'}: ${str('summary')}`.replace(/([^.!?])$/, '$1.');
    default: {
      const parts = Object.entries(args).map(([k, v]) => `${k.replace(/_/g, ' ')} ${typeof v === 'string' ? v : JSON.stringify(v)}`);
      return `To confirm: I'll ${tool.replace(/_/g, ' ')}${parts.length ? ` with ${parts.join(', ')}` : ''}.`;
    }
  }
}
