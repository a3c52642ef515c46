import type { OutboundStatus } from '@voice-widget/protocol';

/** How a failed `CreateSIPParticipant` (wait until answered) ended, as we record it. */
export interface DialFailure {
  status: Extract<OutboundStatus, 'busy' | 'no_answer' | 'failed'>;
  sipStatusCode: number | null;
  sipStatus: string | null;
  /** Why, when the SIP status does not say it (`no_response`, `dial_error`); null otherwise. */
  reason: string | null;
}

/** Final SIP responses that mean the callee's line was busy or the callee declined (RFC 3261 §21.4.24, §21.6.1, §21.6.2). */
const BUSY = new Set([486, 600, 603]);
/** …that mean nobody answered: 408 Request Timeout, 480 Temporarily Unavailable, 487 Request Terminated (our CANCEL). */
const NO_ANSWER = new Set([408, 480, 487]);

/**
 * Classifies the error of `SipClient.createSipParticipant(…, { waitUntilAnswered: true })`.
 * livekit-server-sdk throws a `SipCallError` whose `sipStatusCode`/`metadata.sip_status_code` is the
 * callee's final response (486 Busy Here …). When our ring timeout runs out, livekit-sip cancels the
 * INVITE and the error is `sip request timed out` without a SIP status (livekit/sip
 * pkg/sip/outbound.go `sipResponse`, `ErrSIPRequestTimeout`): no answer when the phone rang
 * (`rang`), else nobody responded at all (`failed`, `no_response`). Measured against livekit-sip
 * v1.8.0 on loopback (e2e/tests/outbound-call.test.ts).
 */
export function classifyDialError(err: unknown, rang: boolean): DialFailure {
  const e = (err ?? {}) as { sipStatusCode?: number; sipStatus?: string; metadata?: Record<string, string>; message?: string };
  const rawCode = e.sipStatusCode ?? (e.metadata?.sip_status_code !== undefined ? Number(e.metadata.sip_status_code) : undefined);
  const code = rawCode !== undefined && Number.isInteger(rawCode) && rawCode >= 300 && rawCode < 700 ? rawCode : null;
  const sipStatus = e.sipStatus ?? e.metadata?.sip_status ?? null;
  if (code !== null) {
    if (BUSY.has(code)) return { status: 'busy', sipStatusCode: code, sipStatus, reason: null };
    if (NO_ANSWER.has(code)) return { status: 'no_answer', sipStatusCode: code, sipStatus, reason: null };
    return { status: 'failed', sipStatusCode: code, sipStatus, reason: null };
  }
  if (/sip request timed out/i.test(e.message ?? '')) {
    return rang
      ? { status: 'no_answer', sipStatusCode: null, sipStatus: 'no answer within the ring timeout', reason: null }
      : { status: 'failed', sipStatusCode: null, sipStatus: null, reason: 'no_response' };
  }
  return { status: 'failed', sipStatusCode: null, sipStatus: null, reason: 'dial_error' };
}
