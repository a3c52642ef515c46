import { RealtimeProtocolError } from '../errors.ts';
import type { WireItem } from '../protocol/items.ts';

/** What the server remembers about an item beyond its wire shape. */
export interface ItemMeta {
  /** Audio of this item, ms: generated assistant audio (what can be truncated) or the user's turn. */
  audioMs: number;
  /** Spoken sentences with their start time in the item's audio, ms; used to cut the transcript on truncate. */
  spans: { text: string; startMs: number; endMs: number }[];
  /** User audio items: resolves to the transcript once PocketSphinx is done (empty string if nothing was heard). */
  transcript?: Promise<string>;
  /** User audio turns: the words recognized so far, while `transcript` is still pending. */
  partialTranscript?: () => string;
}

interface Entry {
  item: WireItem;
  meta: ItemMeta;
}

/** The ordered list of conversation items of one session. */
export class Conversation {
  #entries: Entry[] = [];
  readonly #maxItems: number;

  constructor(maxItems: number) {
    this.#maxItems = maxItems;
  }

  get size(): number {
    return this.#entries.length;
  }

  /**
   * Inserts `item` after `previousItemId` (`undefined`/`null`: at the end; `'root'`: at the start).
   * `meta` is kept by reference (a streaming reply updates it). Returns the id of the item now
   * before it (or null). Throws on a duplicate id, an unknown previous id, or a full conversation.
   */
  insert(item: WireItem, previousItemId?: string | null, meta: ItemMeta = { audioMs: 0, spans: [] }): string | null {
    if (this.#entries.length >= this.#maxItems) throw RealtimeProtocolError.conversationFull(this.#maxItems);
    if (this.get(item.id)) throw RealtimeProtocolError.itemExists(item.id);
    let index = this.#entries.length;
    if (previousItemId === 'root') index = 0;
    else if (previousItemId) {
      const at = this.#entries.findIndex((e) => e.item.id === previousItemId);
      if (at < 0) throw RealtimeProtocolError.itemNotFound(previousItemId, 'previous_item_id');
      index = at + 1;
    }
    this.#entries.splice(index, 0, { item, meta });
    return index > 0 ? this.#entries[index - 1]!.item.id : null;
  }

  get(id: string): WireItem | undefined {
    return this.#entries.find((e) => e.item.id === id)?.item;
  }

  meta(id: string): ItemMeta | undefined {
    return this.#entries.find((e) => e.item.id === id)?.meta;
  }

  /** Id of the item before `id`, or null. */
  previousId(id: string): string | null {
    const at = this.#entries.findIndex((e) => e.item.id === id);
    return at > 0 ? this.#entries[at - 1]!.item.id : null;
  }

  /** Id of the last item, or null when empty. */
  lastId(): string | null {
    return this.#entries.at(-1)?.item.id ?? null;
  }

  /** Removes the item; throws `item_not_found` if it is not there. */
  delete(id: string): void {
    const at = this.#entries.findIndex((e) => e.item.id === id);
    if (at < 0) throw RealtimeProtocolError.itemNotFound(id);
    this.#entries.splice(at, 1);
  }

  /** Items in order (a copy of the list; the items themselves are live). */
  items(): WireItem[] {
    return this.#entries.map((e) => e.item);
  }
}
