import { RealtimeProtocolError } from '../errors.ts';
import type { WireItem } from '../protocol/items.ts';
import type { ItemMeta } from './conversation.ts';

/**
 * `conversation.item.truncate` on an assistant audio item: the audio after `audioEndMs` is dropped
 * and so is the transcript the caller did not hear. Sentences keep their words in proportion to
 * how much of their audio was played (word timing inside a sentence is not known).
 * Returns the new transcript; throws `invalid_truncate` for anything but an assistant audio item
 * with `contentIndex` 0 and `audioEndMs` within its audio.
 */
export function truncateAudioItem(item: WireItem, meta: ItemMeta, contentIndex: number, audioEndMs: number): string {
  const part = item.type === 'message' && item.role === 'assistant' ? item.content[contentIndex] : undefined;
  if (!part || part.type !== 'output_audio') {
    throw RealtimeProtocolError.truncateInvalid(`Item ${item.id} has no assistant audio at content_index ${contentIndex}; only assistant audio can be truncated.`, 'content_index');
  }
  if (audioEndMs > Math.ceil(meta.audioMs)) {
    throw RealtimeProtocolError.truncateInvalid(
      `audio_end_ms ${audioEndMs} is beyond the ${Math.round(meta.audioMs)} ms of audio item ${item.id} holds.`,
      'audio_end_ms',
    );
  }
  const kept: string[] = [];
  for (const span of meta.spans) {
    if (span.startMs >= audioEndMs) break;
    if (span.endMs <= audioEndMs) {
      kept.push(span.text);
      continue;
    }
    const fraction = (audioEndMs - span.startMs) / Math.max(1, span.endMs - span.startMs);
    const w = span.text.split(/\s+/);
    const n = Math.floor(w.length * fraction);
    if (n > 0) kept.push(w.slice(0, n).join(' '));
  }
  const transcript = kept.join(' ');
  meta.audioMs = audioEndMs;
  meta.spans = meta.spans.filter((s) => s.startMs < audioEndMs).map((s) => ({ ...s, endMs: Math.min(s.endMs, audioEndMs) }));
  part.transcript = transcript;
  return transcript;
}
