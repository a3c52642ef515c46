import type { AgentConfigResponse } from '@voice-widget/protocol';
import type { Db } from '../db/client.ts';
import type { AgentRow } from '../repo/agents.ts';
import type { CallRow } from '../repo/calls.ts';
import { fastestModelFirstAudioMs } from '../repo/turns.ts';
import { verifiedCaller } from '../tools/verification.ts';

/**
 * What the agent worker gets about its call at start, wherever it asks (`agent-config`, the phone
 * call start, the outbound context): the configuration version pinned for the call, the call's
 * limit, the caller when a signed identity verified them, and how fast the agent's model was lately.
 */
export async function agentConfigReply(db: Db, call: CallRow, agent: AgentRow): Promise<AgentConfigResponse> {
  return {
    agent: agent.slug,
    version: agent.version,
    config: agent.config,
    maxCallSeconds: call.maxDurationS,
    caller: await verifiedCaller(db, call),
    modelFirstAudioMs: await fastestModelFirstAudioMs(db, call.agentId),
  };
}
