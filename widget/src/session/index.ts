/** The lazily loaded call machinery (livekit-client, VAD): loaded on hover, focus or click. */
import type { CallDeps, CallModule } from '../core/call.ts';
import { readSession } from './session-request.ts';
import { VoiceSession } from './voice-session.ts';

export const createCall: CallModule['createCall'] = (deps: CallDeps) => new VoiceSession(deps);
export const readSessionResponse: CallModule['readSessionResponse'] = readSession;
