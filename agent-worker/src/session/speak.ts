import type { voice } from '@livekit/agents';
import { sayExactly } from './prompts.ts';

/** Longest wait for a sentence to be generated and played out, ms. */
export const SAY_TIMEOUT_MS = 20_000;
/** Longest wait for an interrupted reply to stop, ms. */
const INTERRUPT_TIMEOUT_MS = 2_000;

const within = (p: Promise<unknown>, ms: number) =>
  Promise.race([p.catch(() => {}), new Promise<void>((r) => setTimeout(r, ms).unref?.())]);

/**
 * Says `text` word for word (no tool may run meanwhile) and resolves once it has played out, or
 * after {@link SAY_TIMEOUT_MS}. With `interrupt`, whatever the agent is saying stops first and
 * the caller cannot talk this sentence away. Never rejects (a closed session just resolves).
 */
export async function sayAndWait(session: voice.AgentSession, text: string, opts: { interrupt?: boolean } = {}): Promise<void> {
  try {
    if (opts.interrupt) await within(session.interrupt().await, INTERRUPT_TIMEOUT_MS);
    const handle = session.generateReply({ instructions: sayExactly(text), toolChoice: 'none', allowInterruptions: !opts.interrupt });
    await within(handle.waitForPlayout(), SAY_TIMEOUT_MS);
  } catch {
    /* the session is closing */
  }
}
