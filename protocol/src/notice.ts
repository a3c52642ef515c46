import { z } from 'zod';

/**
 * Agent → page notices that are not replies to an RPC (the page's `lk.chat` text has no reply
 * channel): published reliably on {@link NOTICE_TOPIC} to the participant concerned.
 */

/** LiveKit data topic of {@link AgentNotice} messages. */
export const NOTICE_TOPIC = 'voice.notice';

/** What the notice is about. */
export const NoticeCode = z.enum(['rate_limited', 'text_too_long']);
export type NoticeCode = z.infer<typeof NoticeCode>;

export const AgentNotice = z
  .object({
    type: z.literal('notice'),
    code: NoticeCode,
    /** Human-readable explanation (English), shown by the widget. */
    message: z.string().max(300),
  })
  .strict();
export type AgentNotice = z.infer<typeof AgentNotice>;
