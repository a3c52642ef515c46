import type { voice } from '@livekit/agents';
import type { Room, TextStreamReader } from '@livekit/rtc-node';
import { type AgentNotice, NOTICE_TOPIC, type NoticeCode } from '@voice-widget/protocol';
import type { Logger } from 'pino';
import { type CallerLimits, MAX_CHAT_CHARS } from '../guard/caller-limits.ts';
import { interruptIfAllowed } from './interrupt.ts';

/** LiveKit's chat topic (what the widget's text input sends). */
export const CHAT_TOPIC = 'lk.chat';

const MESSAGES: Record<NoticeCode, string> = {
  rate_limited: 'You are sending messages too fast; that one was not read. Please wait a moment.',
  text_too_long: `That message is too long (more than ${MAX_CHAT_CHARS} characters); it was not read.`,
};

const encoder = new TextEncoder();

/**
 * Reads the caller's typed messages (`lk.chat` text streams) in place of the session's own
 * handler (start the session with `inputOptions.textEnabled: false`), so each is checked first:
 * a participant over its chat rate, or a message over {@link MAX_CHAT_CHARS} (read incrementally
 * and abandoned at the cap, never buffered whole), gets a notice on {@link NOTICE_TOPIC} and a
 * log line; the call goes on. An accepted message goes to `deliver`; by default it interrupts
 * the agent and is answered, as LiveKit's default handler does.
 */
export function handleChatInput(
  room: Room,
  session: voice.AgentSession,
  limits: CallerLimits,
  log: Logger,
  deliver: (text: string) => void = (text) => {
    interruptIfAllowed(session);
    session.generateReply({ userInput: text });
  },
): void {
  const notify = (identity: string, code: NoticeCode) => {
    const notice: AgentNotice = { type: 'notice', code, message: MESSAGES[code] };
    room.localParticipant
      ?.publishData(encoder.encode(JSON.stringify(notice)), { reliable: true, topic: NOTICE_TOPIC, destination_identities: [identity] })
      .catch((err: Error) => log.warn({ err: err.message }, 'notice not sent'));
  };
  room.registerTextStreamHandler(CHAT_TOPIC, (reader, { identity }) => {
    void read(reader, identity).catch((err: Error) => log.warn({ err: err.message }, 'chat message not read'));
  });
  async function read(reader: TextStreamReader, identity: string): Promise<void> {
    if (!limits.allow(identity, 'chat')) {
      await reader.close();
      notify(identity, 'rate_limited');
      return;
    }
    let text = '';
    for await (const chunk of reader) {
      text += chunk;
      if (text.length > MAX_CHAT_CHARS) break; // leaving the loop closes the stream
    }
    if (text.length > MAX_CHAT_CHARS) {
      log.warn({ caller: identity, chars: `>${MAX_CHAT_CHARS}` }, 'chat message too long; not read');
      notify(identity, 'text_too_long');
      return;
    }
    if (!text.trim()) return;
    log.info({ caller: identity, chars: text.length, pii: { text } }, 'chat message');
    deliver(text);
  }
}
