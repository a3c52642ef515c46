import { useEffect, useRef, useState } from 'preact/hooks';
import type { Summary, TurnLatency } from '@voice-widget/protocol';
import type { Caption } from '../session/captions.ts';
import type { SessionState, VoiceSession } from '../session/voice-session.ts';

/** Loads the call machinery (livekit-client, VAD) only when needed: keeps the page weight small. */
export type SessionFactory = () => Promise<VoiceSession>;

const LABELS: Record<SessionState, string> = {
  idle: 'Talk to our assistant',
  connecting: 'Connecting…',
  listening: 'Listening',
  thinking: 'Thinking…',
  speaking: 'Speaking',
  reconnecting: 'Reconnecting…',
  ended: 'Call ended',
  error: 'Something went wrong',
};

const ms = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${Math.round(v)} ms`);

/** The widget UI: talk/end button, state, live captions and the perceived-latency panel. */
export function Widget({
  createSession,
  emit = () => {},
}: {
  createSession: SessionFactory;
  /** Re-emits session events to the host page (the element turns them into DOM events). */
  emit?: (type: 'latency' | 'state' | 'error' | 'ended' | 'agent-audio', detail: unknown) => void;
}) {
  const session = useRef<VoiceSession | null>(null);
  const [state, setState] = useState<SessionState>('idle');
  const [captions, setCaptions] = useState<readonly Caption[]>([]);
  const [last, setLast] = useState<TurnLatency | null>(null);
  const [summary, setSummary] = useState<Summary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [agentAudible, setAgentAudible] = useState(false);

  useEffect(() => () => void session.current?.end(), []);

  const talk = async () => {
    setError(null);
    setState('connecting');
    const s = await createSession();
    session.current = s;
    s.on('state', (st) => {
      setState(st);
      emit('state', st);
    });
    s.on('ended', (e) => emit('ended', e));
    s.on('transcript', setCaptions);
    s.on('latency', (update) => {
      setLast(update.turn);
      setSummary(update.summary);
      emit('latency', update);
    });
    s.on('error', (e) => {
      setError(e.message);
      emit('error', { message: e.message });
    });
    s.on('agentAudio', (edge) => {
      setAgentAudible(edge.audible);
      emit('agent-audio', edge);
    });
    await s.start();
  };
  const active = state !== 'idle' && state !== 'ended' && state !== 'error';

  return (
    <div class="vw" data-state={state} data-agent-audible={String(agentAudible)}>
      <button
        class={`vw-talk ${active ? 'vw-end' : ''}`}
        data-testid="talk"
        onClick={() => (active ? void session.current?.end() : void talk().catch((e) => setError(String(e))))}
      >
        {active ? 'End call' : 'Talk'}
      </button>
      <div class="vw-state" data-testid="state" role="status">
        {LABELS[state]}
      </div>
      {error && (
        <div class="vw-error" role="alert" data-testid="error">
          {error}
        </div>
      )}
      <ol class="vw-captions" aria-live="polite" data-testid="captions">
        {captions.slice(-6).map((c) => (
          <li key={c.id} class={`vw-${c.speaker}`} data-speaker={c.speaker}>
            {c.text}
          </li>
        ))}
      </ol>
      <dl class="vw-latency" data-testid="latency">
        <dt>Last turn</dt>
        <dd data-testid="latency-last">{last ? ms(last.perceivedMs) : '–'}</dd>
        <dt>P50</dt>
        <dd data-testid="latency-p50">{ms(summary?.p50)}</dd>
        <dt>P95</dt>
        <dd data-testid="latency-p95">{ms(summary?.p95)}</dd>
        <dt>Turns</dt>
        <dd data-testid="latency-count">{summary?.count ?? 0}</dd>
      </dl>
    </div>
  );
}
