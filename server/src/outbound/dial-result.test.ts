import { describe, expect, it } from 'vitest';
import { classifyDialError } from './dial-result.ts';

/** The errors livekit-server-sdk 2.19 threw against livekit-sip v1.8.0 on loopback (busy: SIPp answering 486; no answer: 180, then our CANCEL). */
const busy = Object.assign(new Error('SIP call failed: 486 Busy Here (resource_exhausted)'), {
  name: 'SipCallError',
  code: 'resource_exhausted',
  status: 429,
  metadata: { sip_status_code: '486', sip_status: 'Busy Here' },
  sipStatusCode: 486,
  sipStatus: 'Busy Here',
});
const timedOut = Object.assign(new Error('twirp error unknown: sip request timed out'), { code: 'canceled', status: 408 });

describe('classifyDialError', () => {
  it('486/600/603 → busy, with the SIP status kept', () => {
    expect(classifyDialError(busy, true)).toEqual({ status: 'busy', sipStatusCode: 486, sipStatus: 'Busy Here', reason: null });
    expect(classifyDialError({ metadata: { sip_status_code: '603', sip_status: 'Decline' } }, false).status).toBe('busy');
  });

  it('the ring timeout → no answer when it rang, else a failure with no response', () => {
    expect(classifyDialError(timedOut, true)).toMatchObject({ status: 'no_answer', sipStatusCode: null });
    expect(classifyDialError(timedOut, false)).toMatchObject({ status: 'failed', reason: 'no_response' });
    expect(classifyDialError({ metadata: { sip_status_code: '480', sip_status: 'Temporarily Unavailable' } }, false)).toMatchObject({ status: 'no_answer', sipStatusCode: 480 });
  });

  it('other SIP codes and errors without one → failed', () => {
    expect(classifyDialError({ sipStatusCode: 404, sipStatus: 'Not Found' }, false)).toEqual({ status: 'failed', sipStatusCode: 404, sipStatus: 'Not Found', reason: null });
    expect(classifyDialError(new Error('fetch failed'), false)).toEqual({ status: 'failed', sipStatusCode: null, sipStatus: null, reason: 'dial_error' });
    expect(classifyDialError(undefined, false).status).toBe('failed');
    expect(classifyDialError({ sipStatusCode: 200 }, false).sipStatusCode).toBeNull(); // not a failure code
  });
});
