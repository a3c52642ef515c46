import type { TranscriptLine } from '../api.ts';

/** Maximum captions kept (oldest dropped). */
export const MAX_CAPTIONS = 50;

/**
 * Live captions from LiveKit's `lk.transcription` text streams (attributes `lk.segment_id`,
 * `lk.transcription_final`). Agent segments arrive as delta chunks synced to the agent's playout;
 * caller segments arrive as a new stream per update carrying the full text so far.
 * After a barge-in `cutAgent()` freezes the agent's current line at what had been played: chunks
 * still in flight (sent before the agent obeyed the interrupt) were never heard and are dropped.
 */
export class Captions {
  readonly #list: TranscriptLine[] = [];
  constructor(private readonly onChange: (lines: TranscriptLine[]) => void) {}

  /** Applies one text chunk of a segment. `replace` = the chunk is the whole text so far. */
  apply(id: string, speaker: TranscriptLine['speaker'], chunk: string, opts: { replace: boolean; final: boolean }): void {
    let line = this.#list.find((c) => c.id === id);
    if (line?.interrupted) return;
    if (!line) {
      line = { id, speaker, text: '', final: false, interrupted: false };
      this.#list.push(line);
      if (this.#list.length > MAX_CAPTIONS) this.#list.shift();
    }
    line.text = opts.replace ? chunk : line.text + chunk;
    line.final ||= opts.final;
    this.#changed();
  }

  /** Marks a segment final (end of its stream). */
  finish(id: string): void {
    const line = this.#list.find((c) => c.id === id);
    if (line && !line.final) {
      line.final = true;
      this.#changed();
    }
  }

  /** Freezes the agent line being spoken (barge-in): later chunks of it are ignored. Returns its id. */
  cutAgent(): string | null {
    const line = [...this.#list].reverse().find((c) => c.speaker === 'agent' && !c.final);
    if (!line) return null;
    line.interrupted = true;
    line.final = true;
    line.text = line.text.trimEnd();
    this.#changed();
    return line.id;
  }

  get lines(): readonly TranscriptLine[] {
    return this.#list;
  }

  #changed(): void {
    this.onChange(this.#list.map((c) => ({ ...c })));
  }
}
