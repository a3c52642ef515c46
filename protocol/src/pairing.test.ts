import { describe, expect, it } from 'vitest';
import { type PairedTurn, type PairerEvent, TurnPairer } from './pairing.ts';

/** VAD frames of 32 ms from `fromMs` to `toMs`, voiced or not. */
function frames(fromMs: number, toMs: number, voiced: boolean): PairerEvent[] {
  const out: PairerEvent[] = [];
  for (let t = fromMs + 32; t <= toMs; t += 32) out.push({ type: 'vad_frame', endMs: t, voiced });
  return out;
}

function run(events: PairerEvent[], settleMs = 100): PairedTurn[] {
  const turns: PairedTurn[] = [];
  const pairer = new TurnPairer((t) => turns.push(t), { settleMs });
  for (const e of events) pairer.push(e);
  pairer.flush();
  return turns;
}

describe('TurnPairer', () => {
  it('measures from the last voiced frame to the agent onset', () => {
    const turns = run([
      ...frames(0, 1024, true), // caller speaks until 1024
      ...frames(1024, 1600, false),
      { type: 'agent_audio_start', atMs: 1500 },
      ...frames(1600, 1800, false),
    ]);
    expect(turns).toEqual([{ speechEndMs: 1024, playStartMs: 1500, perceivedMs: 476, overlap: false }]);
  });

  it('uses the later speech end when the caller speaks again before any agent audio', () => {
    const turns = run([
      ...frames(0, 512, true),
      ...frames(512, 1024, false),
      ...frames(1024, 1536, true), // resumes: the first end is dropped
      ...frames(1536, 2048, false),
      { type: 'agent_audio_start', atMs: 1900 },
      ...frames(2048, 2200, false),
    ]);
    expect(turns).toHaveLength(1);
    expect(turns[0]).toMatchObject({ speechEndMs: 1536, perceivedMs: 364 });
  });

  it('waits for VAD frames past the onset before deciding, so a late VAD is not mistaken', () => {
    const turns: PairedTurn[] = [];
    const pairer = new TurnPairer((t) => turns.push(t), { settleMs: 100 });
    for (const e of frames(0, 640, true)) pairer.push(e);
    pairer.push({ type: 'agent_audio_start', atMs: 900 }); // audio level arrives before the VAD caught up
    expect(turns).toHaveLength(0);
    for (const e of frames(640, 960, false)) pairer.push(e);
    expect(turns).toHaveLength(0); // 960 < 900 + 100
    for (const e of frames(960, 1024, false)) pairer.push(e);
    expect(turns).toEqual([{ speechEndMs: 640, playStartMs: 900, perceivedMs: 260, overlap: false }]);
  });

  it('records an overlap with a negative value when the agent talks over the caller', () => {
    const turns = run([
      ...frames(0, 800, true),
      { type: 'agent_audio_start', atMs: 736 }, // agent starts while caller still voiced
      ...frames(800, 1000, false),
    ]);
    expect(turns).toEqual([{ speechEndMs: 800, playStartMs: 736, perceivedMs: -64, overlap: true }]);
  });

  it('makes no turn when the caller spoke while the agent was audible (no silence heard)', () => {
    const turns = run([
      { type: 'agent_audio_start', atMs: 0 }, // greeting
      ...frames(0, 320, false),
      ...frames(320, 480, true), // cough during the greeting
      ...frames(480, 1200, false),
      { type: 'agent_audio_end', atMs: 1000 },
      { type: 'agent_audio_start', atMs: 1150 }, // next sentence of the greeting
      ...frames(1200, 1400, false),
    ]);
    expect(turns).toEqual([]);
  });

  it('ignores agent audio with no caller speech before it (the greeting)', () => {
    expect(run([{ type: 'agent_audio_start', atMs: 10 }, ...frames(0, 500, false)])).toEqual([]);
  });

  it('pairs each turn once across a multi-turn conversation', () => {
    const turns = run([
      ...frames(0, 992, true), // frames end every 32 ms: last voiced ends at 992
      ...frames(992, 1408, false),
      { type: 'agent_audio_start', atMs: 1292 },
      ...frames(1408, 2976, false),
      { type: 'agent_audio_end', atMs: 2900 },
      ...frames(2976, 4000, true), // last voiced ends at 4000 - (4000-2976)%32 = 4000
      ...frames(4000, 4480, false),
      { type: 'agent_audio_start', atMs: 4350 },
      ...frames(4480, 4704, false),
    ]);
    expect(turns.map((t) => t.perceivedMs)).toEqual([300, 350]);
  });
});
