import {
  type AgentConfig,
  AgentLimits,
  DEFAULT_HANDOFF_WAIT_S,
  type HandoffKind,
  type AgentToolConfig,
  type BuiltinTool,
  type DispatchMetadata,
  OutboundSettings,
  type VerifiedCaller,
  policyOf,
  toolName,
} from '@voice-widget/protocol';
import { type TurnProfile, turnProfileFor } from '../turns/turn-taking.ts';
import { assistantInstructions, composeGreeting, composeInstructions, greetingText } from './prompts.ts';

/**
 * The configuration contract in one place: an agent's configuration (the version the server
 * pinned for the call), the dispatch metadata and what this channel can do → everything the
 * session is built from. Every `agent` field of {@link AGENT_CONFIG_CONSUMERS} is read here (a test
 * fails otherwise), so no configuration field is silently ignored.
 */

/** What the call can do beyond the configuration. */
export interface CallContext {
  channel: 'web' | 'phone';
  meta: DispatchMetadata | undefined;
  /** The caller as the server verified them before the call (web signed identity), or null. */
  caller: VerifiedCaller | null;
  /**
   * How a person can take this call: `warm` (the console's queue: the person joins this room),
   * `cold` (a phone line with an outside number: SIP REFER), or null (nobody can).
   */
  handoff: HandoffKind | null;
  /** The worker's defaults for what the server did not send. */
  defaults: { company: string; turnProfile: TurnProfile; model: string; voice: string };
}

/** What a call's session is built from. */
export interface CallSetup {
  instructions: string;
  greeting: string;
  /** The tools offered to the model (each behind the guard). */
  tools: AgentToolConfig[];
  /** `verify_caller` is offered: phone calls with a tool that needs a verified caller. */
  offerVerify: boolean;
  /** How `transfer_to_human` hands the caller over; null when it is not offered. */
  handoff: HandoffKind | null;
  /** Seconds a caller waits for a person before the agent opens a callback (warm hand-offs). */
  handoffWaitS: number;
  model: string;
  voice: string;
  /** BCP 47 tag the agent speaks: the caller's page language when given, else the agent's. */
  language: string;
  turnProfile: TurnProfile;
}

/**
 * The configuration used when the server could not be reached: the worker's persona and greeting,
 * and no tools that need our server (they would fail closed anyway).
 */
export function fallbackConfig(company: string, d: CallContext['defaults']): AgentConfig {
  return {
    name: `${company} assistant`,
    description: '',
    instructions: assistantInstructions(company),
    greeting: greetingText(company),
    voice: d.voice,
    model: d.model,
    tools: ['end_call'],
    openingHours: '',
    allowedOrigins: ['*'],
    language: 'en',
    turnTaking: d.turnProfile,
    outbound: OutboundSettings.parse({}),
    limits: AgentLimits.parse({}), // enforced by the server; unused without it
    demoLinksOnly: false,
    handoff: { waitLimitS: DEFAULT_HANDOFF_WAIT_S },
  };
}

/** Maps a configuration and the call's context onto the session's setup. */
export function callSetup(config: AgentConfig, ctx: CallContext): CallSetup {
  // A hand-off tool is offered only where a person can really take the call.
  const tools = config.tools.filter((t) => toolName(t) !== 'transfer_to_human' || ctx.handoff !== null);
  const handoff = tools.some((t) => toolName(t) === 'transfer_to_human') ? ctx.handoff : null;
  const offerVerify = ctx.channel === 'phone' && !ctx.caller && tools.some((t) => policyOf(t).requiresVerified);
  const language = ctx.meta?.language ?? config.language;
  const greetingCtx = { channel: ctx.channel, handoff: handoff !== null, caller: ctx.caller };
  return {
    greeting: composeGreeting(config.greeting, greetingCtx),
    instructions: composeInstructions({
      ...greetingCtx,
      config: { name: config.name, instructions: config.instructions },
      language,
      // Built-ins, also those served by the customer's endpoint: the same ability either way.
      abilities: tools.filter((t) => typeof t === 'string' || !('description' in t)).map((t) => toolName(t) as BuiltinTool),
      custom: tools.filter((t) => typeof t === 'object' && 'description' in t).map((t) => ({ name: toolName(t), description: (t as { description: string }).description })),
      offerVerify,
    }),
    tools,
    offerVerify,
    handoff,
    handoffWaitS: config.handoff.waitLimitS,
    model: config.model,
    voice: config.voice,
    language,
    turnProfile: turnProfileFor(ctx.channel, config.turnTaking),
  };
}
