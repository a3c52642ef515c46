import type { WidgetState } from '../api.ts';

/**
 * The widget's call states and the only transitions between them. Pure: `next()` returns the new
 * state, or null when the event does not apply in this state (ignored, e.g. an agent-state update
 * arriving after the caller hung up).
 *
 *   idle ─start→ connecting ─agent(listening|thinking|speaking)→ in call
 *   in call ─agent(s)→ s;  in call ─reconnecting→ reconnecting ─reconnected(s)→ s
 *   listening ─caller(turn ended)→ thinking ─caller(speaking again)→ listening
 *   connecting | in call | reconnecting ─end | disconnected(normal)→ ended
 *   connecting | in call | reconnecting ─fail | disconnected(abnormal)→ error
 *   ended | error ─start→ connecting;  ended | error ─reset→ idle
 */
export type MachineEvent =
  | { type: 'start' }
  | { type: 'agent'; state: AgentState }
  /**
   * The page's VAD: the caller's turn ended (`speaking: false`) or they went on. On the fast path
   * the agent goes from listening straight to speaking, so the wait in between (what the caller
   * perceives as latency) is shown as `thinking` from the page's own end of turn.
   */
  | { type: 'caller'; speaking: boolean }
  | { type: 'reconnecting' }
  | { type: 'reconnected'; state: AgentState }
  | { type: 'end' }
  | { type: 'disconnected'; normal: boolean }
  | { type: 'fail' }
  | { type: 'reset' };

/** The agent's `lk.agent.state` participant attribute. */
export type AgentState = 'initializing' | 'idle' | 'listening' | 'thinking' | 'speaking';

const IN_CALL: ReadonlySet<WidgetState> = new Set(['listening', 'thinking', 'speaking']);
const LIVE: ReadonlySet<WidgetState> = new Set(['connecting', 'listening', 'thinking', 'speaking', 'reconnecting']);

/** The widget state an agent state maps to once the call is up (`idle`: the agent waits for the caller). */
export function fromAgentState(state: AgentState): WidgetState | null {
  if (state === 'initializing') return null;
  return state === 'idle' ? 'listening' : state;
}

/** True while a call is being set up or running. */
export const isLive = (s: WidgetState): boolean => LIVE.has(s);

/** Applies one event; returns the next state, or null when the event is ignored in `state`. */
export function next(state: WidgetState, event: MachineEvent): WidgetState | null {
  switch (event.type) {
    case 'start':
      return state === 'idle' || state === 'ended' || state === 'error' ? 'connecting' : null;
    case 'agent': {
      if (state !== 'connecting' && !IN_CALL.has(state)) return null;
      const to = fromAgentState(event.state);
      return to && to !== state ? to : null;
    }
    case 'caller':
      if (!event.speaking) return state === 'listening' ? 'thinking' : null;
      return state === 'thinking' ? 'listening' : null;
    case 'reconnecting':
      return IN_CALL.has(state) ? 'reconnecting' : null;
    case 'reconnected':
      return state === 'reconnecting' ? (fromAgentState(event.state) ?? 'listening') : null;
    case 'end':
      return LIVE.has(state) ? 'ended' : null;
    case 'disconnected':
      return LIVE.has(state) ? (event.normal ? 'ended' : 'error') : null;
    case 'fail':
      return LIVE.has(state) ? 'error' : null;
    case 'reset':
      return state === 'ended' || state === 'error' ? 'idle' : null;
  }
}
