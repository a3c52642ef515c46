import { ParticipantKind } from '@livekit/rtc-node';
import { describe, expect, it } from 'vitest';
import { isSipParticipant, sipCaller } from './sip-participant.ts';

describe('SIP participants', () => {
  it('are recognised by kind or by the sip.* attributes livekit-sip sets', () => {
    expect(isSipParticipant({ identity: 'sip_+15550123', kind: ParticipantKind.SIP, attributes: {} })).toBe(true);
    expect(isSipParticipant({ identity: 'x', kind: ParticipantKind.STANDARD, attributes: { 'sip.callID': 'SCL_1' } })).toBe(true);
    expect(isSipParticipant({ identity: 'caller_abc', kind: ParticipantKind.STANDARD, attributes: {} })).toBe(false);
    expect(isSipParticipant({ identity: 'agent', kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'idle' } })).toBe(false);
  });

  it('tell the caller number, the dialled number and the call id', () => {
    const p = { identity: 'sip_+15550123', kind: ParticipantKind.SIP, attributes: { 'sip.phoneNumber': '+15550123', 'sip.trunkPhoneNumber': '+15550100', 'sip.callID': 'SCL_x', 'sip.callStatus': 'active' } };
    expect(sipCaller(p)).toEqual({ identity: 'sip_+15550123', phoneNumber: '+15550123', trunkNumber: '+15550100', callId: 'SCL_x' });
  });
});
