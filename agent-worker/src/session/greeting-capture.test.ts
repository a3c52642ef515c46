import { describe, expect, it } from 'vitest';
import { type CaptureEvent, GreetingCapture, sameWords } from './greeting-capture.ts';

const TEXT = "Hi, I'm an AI assistant. How can I help?";
const b64 = (samples: number[]) => Buffer.from(Int16Array.from(samples).buffer).toString('base64');

/** The wire events of one spoken reply (response `id`), its transcript in two deltas. */
function reply(id: string, transcript: string, status = 'completed'): CaptureEvent[] {
  const half = Math.floor(transcript.length / 2);
  return [
    { type: 'response.created', response: { id } },
    { type: 'response.output_audio_transcript.delta', response_id: id, delta: transcript.slice(0, half) },
    { type: 'response.output_audio.delta', response_id: id, delta: b64([1, 2, 3]) },
    { type: 'response.output_audio_transcript.delta', response_id: id, delta: transcript.slice(half) },
    { type: 'response.output_audio.delta', response_id: id, delta: b64([4, -5]) },
    { type: 'response.done', response: { id, status } },
  ];
}

function run(events: CaptureEvent[]): Int16Array[] {
  const got: Int16Array[] = [];
  const capture = new GreetingCapture(TEXT, (pcm) => got.push(pcm));
  for (const e of events) capture.onServerEvent(e);
  return got;
}

describe('GreetingCapture', () => {
  it('hands over the audio of the first reply, in order, when it completed with the greeting’s words', () => {
    expect(run(reply('resp_1', TEXT))).toEqual([Int16Array.from([1, 2, 3, 4, -5])]);
  });

  it('accepts the beta event names', () => {
    const beta = reply('resp_1', TEXT).map((e) => ({ ...e, type: e.type.replace('output_audio_transcript', 'audio_transcript').replace('output_audio', 'audio') }));
    expect(run(beta)).toHaveLength(1);
  });

  it('caches nothing when the model paraphrased the greeting', () => {
    expect(run(reply('resp_1', 'Hello! I am an AI assistant. What can I do for you?'))).toEqual([]);
  });

  it('caches nothing from a cancelled (barged-in) or failed reply', () => {
    expect(run(reply('resp_1', TEXT, 'cancelled'))).toEqual([]);
    expect(run(reply('resp_1', TEXT, 'incomplete'))).toEqual([]);
  });

  it('records only the first reply: a later reply’s audio never ends up in the greeting', () => {
    const events = [...reply('resp_1', TEXT)];
    events.splice(3, 0, { type: 'response.created', response: { id: 'resp_2' } }, { type: 'response.output_audio.delta', response_id: 'resp_2', delta: b64([99]) });
    expect(run([...events, ...reply('resp_3', TEXT)])).toEqual([Int16Array.from([1, 2, 3, 4, -5])]);
  });

  it('stops after cancel()', () => {
    const got: Int16Array[] = [];
    const capture = new GreetingCapture(TEXT, (pcm) => got.push(pcm));
    const events = reply('resp_1', TEXT);
    capture.onServerEvent(events[0]!);
    capture.cancel();
    for (const e of events.slice(1)) capture.onServerEvent(e);
    expect(got).toEqual([]);
  });
});

describe('sameWords', () => {
  it('ignores case and punctuation only', () => {
    expect(sameWords("Hi, I'm an AI assistant.", 'hi i m an ai assistant')).toBe(true);
    expect(sameWords('Hi there', 'Hi, there!')).toBe(true);
    expect(sameWords('Hi there', 'Hi')).toBe(false);
    expect(sameWords('', '')).toBe(false);
  });
});
