import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AgentTimelinesUpload, AgentTurnTimeline } from '@voice-widget/protocol';
import { TimelineUploader } from './timeline-uploader.ts';

const timeline = (id: string, interrupted = false): AgentTurnTimeline => ({
  type: 'turn_timeline', responseId: id, endOfTurnAt: 1_700_000_000_000, endOfTurnSource: 'client_hint', responseCreatedAt: 1_700_000_000_010,
  firstAudioDeltaAt: 1_700_000_000_300, firstFramePublishedAt: 1_700_000_000_320, interrupted,
});

describe('TimelineUploader', () => {
  afterEach(() => vi.useRealTimers());

  it('batches the replies of one second into one upload, the latest copy of each', async () => {
    vi.useFakeTimers();
    const sent: AgentTimelinesUpload[] = [];
    const up = new TimelineUploader(async (b) => (sent.push(b), { ok: true }), { warn: () => {} }, 1_000);
    up.add(timeline('a'));
    up.add(timeline('b'));
    up.add(timeline('a', true)); // the reply was cut short: its final copy replaces the first
    expect(sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent).toEqual([{ timelines: [timeline('a', true), timeline('b')] }]);
    up.add(timeline('c'));
    await up.flush(); // at shutdown
    expect(sent.map((b) => b.timelines.map((t) => t.responseId))).toEqual([['a', 'b'], ['c']]);
  });

  it('logs a failed upload and goes on', async () => {
    const warn = vi.fn();
    const up = new TimelineUploader(async () => ({ ok: false, error: 'server answered 503' }), { warn });
    up.add(timeline('a'));
    await up.flush();
    expect(warn).toHaveBeenCalledWith({ err: 'server answered 503', replies: 1 }, 'reply timelines not uploaded');
  });
});
