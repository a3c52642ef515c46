import type { ErrorCode, StringKey } from '../api.ts';

/** Every failure the widget reports: a code, a user-facing string key, and whether retrying can help. */
export class WidgetError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly stringKey: StringKey,
    readonly retryable: boolean,
    detail?: string,
    /** The server's message for the caller (why it refused the session), shown as it is. */
    readonly serverMessage?: string,
  ) {
    super(detail ?? code);
    this.name = 'WidgetError';
  }
  static micDenied = () => new WidgetError('mic_denied', 'micDenied', false);
  static micMissing = () => new WidgetError('mic_missing', 'micMissing', false);
  static micFailed = (detail?: string) => new WidgetError('mic_failed', 'micFailed', true, detail);
  static agentTimeout = (ms: number) => new WidgetError('agent_timeout', 'agentTimeout', true, `agent did not join within ${ms} ms`);
  static connectionLost = (detail?: string) => new WidgetError('connection_lost', 'connectionLost', true, detail);
  static sessionRefused = (detail: string, retryable: boolean, serverMessage?: string) =>
    new WidgetError('session_refused', 'sessionRefused', retryable, detail, serverMessage);
  /** The agent did not take a typed message (too fast, too long); the call goes on. */
  static messageRefused = (agentMessage: string) => new WidgetError('message_refused', 'messageRefused', true, agentMessage, agentMessage);
  static misconfigured = (detail: string) => new WidgetError('misconfigured', 'misconfigured', false, detail);

  /** Wraps anything thrown into a WidgetError (unknown failures are `internal`, retryable). */
  static from(err: unknown): WidgetError {
    if (err instanceof WidgetError) return err;
    return new WidgetError('internal', 'error', true, err instanceof Error ? err.message : String(err));
  }
}

/** Classifies a getUserMedia failure (DOMException name) as denied, missing or other. */
export function micError(err: unknown): WidgetError {
  const name = (err as { name?: string } | null)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') return WidgetError.micDenied();
  if (name === 'NotFoundError' || name === 'DevicesNotFoundError' || name === 'OverconstrainedError') return WidgetError.micMissing();
  return WidgetError.micFailed(err instanceof Error ? err.message : String(err));
}
