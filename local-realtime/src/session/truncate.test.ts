import { describe, expect, it } from 'vitest';
import type { WireItem } from '../protocol/items.ts';
import type { ItemMeta } from './conversation.ts';
import { truncateAudioItem } from './truncate.ts';

function reply(): { item: WireItem; meta: ItemMeta } {
  return {
    item: { id: 'item_a', object: 'realtime.item', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_audio', transcript: 'One two three four. Five six seven eight.' }] },
    meta: {
      audioMs: 4_000,
      spans: [
        { text: 'One two three four.', startMs: 0, endMs: 2_000 },
        { text: 'Five six seven eight.', startMs: 2_000, endMs: 4_000 },
      ],
    },
  };
}

describe('truncateAudioItem', () => {
  it('keeps whole sentences that were heard and the heard share of the cut one', () => {
    const { item, meta } = reply();
    expect(truncateAudioItem(item, meta, 0, 3_000)).toBe('One two three four. Five six');
    expect(meta.audioMs).toBe(3_000);
    expect(item.type === 'message' && item.content[0]).toEqual({ type: 'output_audio', transcript: 'One two three four. Five six' });
  });

  it('leaves nothing when cut at 0 and everything when cut at the end', () => {
    expect(truncateAudioItem(reply().item, reply().meta, 0, 0)).toBe('');
    const r = reply();
    expect(truncateAudioItem(r.item, r.meta, 0, 4_000)).toBe('One two three four. Five six seven eight.');
  });

  it('rejects a cut beyond the audio, a wrong content index and non-audio items', () => {
    const r = reply();
    expect(() => truncateAudioItem(r.item, r.meta, 0, 4_500)).toThrow(expect.objectContaining({ code: 'invalid_truncate', param: 'audio_end_ms' }));
    expect(() => truncateAudioItem(r.item, r.meta, 1, 100)).toThrow(expect.objectContaining({ param: 'content_index' }));
    const user: WireItem = { id: 'u', object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_audio', transcript: 'hi' }] };
    expect(() => truncateAudioItem(user, { audioMs: 1_000, spans: [] }, 0, 100)).toThrow(expect.objectContaining({ code: 'invalid_truncate' }));
  });
});
