import type { JobContext, voice } from '@livekit/agents';
import type { TurnSourceRequest } from '@voice-widget/protocol';
import type { Logger } from 'pino';
import { CallerLimits, reportRefusals } from '../guard/caller-limits.ts';
import { TIME_LIMIT_GOODBYE, watchCallEnding } from './call-ending.ts';
import { handleChatInput } from './chat-input.ts';
import { interruptIfAllowed } from './interrupt.ts';
import { sayExactly } from './prompts.ts';
import { registerRpcMethods } from './rpc.ts';

/** The page's end-of-turn hints (fast profile): the EndOfTurnController's two entry points. */
export interface TurnHints {
  onHint(speechEndMs: number, final: boolean): boolean;
  onSpeechResumed(): boolean;
}

/**
 * Everything a caller can make the agent do, in one place, once the session runs: the page's RPC
 * methods and typed messages behind per-participant rate limits (guard/caller-limits.ts, one log
 * line per second of refusals), and the goodbye when the server announces the call's time limit
 * in the room's metadata — after which hints start no new turn and the goodbye cannot be
 * interrupted (the server deletes the room a few seconds later).
 */
export function wireCallerInput(
  ctx: JobContext,
  session: voice.AgentSession,
  log: Logger,
  opts: {
    turns?: TurnHints;
    turnSource?: (source: TurnSourceRequest['source']) => boolean;
    /** Where an accepted typed message goes (default: answered by the model). */
    typed?: (text: string) => void;
    /** The call's caller limits, when other handlers spend from them too (default: new ones). */
    limits?: CallerLimits;
    /** Stops the cached greeting while it plays outside the session (barge-in). */
    stopGreeting?: () => boolean;
  },
): void {
  const limits = opts.limits ?? new CallerLimits();
  const stopReporting = reportRefusals(limits, log);
  let ending = false;
  const turns = opts.turns && {
    onHint: (speechEndMs: number, final: boolean) => !ending && opts.turns!.onHint(speechEndMs, final),
    onSpeechResumed: () => !ending && opts.turns!.onSpeechResumed(),
  };
  registerRpcMethods(ctx.room, session, log, turns, opts.turnSource, limits, opts.stopGreeting);
  handleChatInput(ctx.room, session, limits, log, opts.typed);
  const stopWatching = watchCallEnding(ctx.room, (notice) => {
    ending = true;
    log.info({ reason: notice.reason, inMs: notice.endsAt - Date.now() }, 'the server ends the call: goodbye');
    opts.stopGreeting?.();
    interruptIfAllowed(session);
    session.generateReply({ instructions: sayExactly(TIME_LIMIT_GOODBYE), allowInterruptions: false });
  });
  ctx.addShutdownCallback(async () => {
    stopReporting();
    stopWatching();
  });
}
