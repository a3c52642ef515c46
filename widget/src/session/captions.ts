/** One caption line: a transcription segment of the caller or the agent. */
export interface Caption {
  /** `lk.segment_id` of the segment. */
  id: string;
  speaker: 'caller' | 'agent';
  text: string;
  final: boolean;
}

/** Maximum captions kept (oldest dropped). */
export const MAX_CAPTIONS = 50;

/**
 * Live captions from LiveKit's `lk.transcription` text streams (attributes `lk.segment_id`,
 * `lk.transcription_final`). Agent segments arrive as delta chunks appended to the segment;
 * caller segments arrive as a new stream per update carrying the full text so far.
 */
export class Captions {
  readonly #list: Caption[] = [];
  constructor(private readonly onChange: (captions: readonly Caption[]) => void) {}

  /** Applies one text chunk of a segment. `replace` = the chunk is the whole text so far. */
  apply(id: string, speaker: Caption['speaker'], chunk: string, opts: { replace: boolean; final: boolean }): void {
    let caption = this.#list.find((c) => c.id === id);
    if (!caption) {
      caption = { id, speaker, text: '', final: false };
      this.#list.push(caption);
      if (this.#list.length > MAX_CAPTIONS) this.#list.shift();
    }
    caption.text = opts.replace ? chunk : caption.text + chunk;
    caption.final = caption.final || opts.final;
    this.onChange([...this.#list]);
  }

  /** Marks a segment final (end of its stream). */
  finish(id: string): void {
    const caption = this.#list.find((c) => c.id === id);
    if (caption && !caption.final) {
      caption.final = true;
      this.onChange([...this.#list]);
    }
  }

  get list(): readonly Caption[] {
    return this.#list;
  }
}
