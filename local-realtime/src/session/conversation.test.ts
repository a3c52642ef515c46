import { describe, expect, it } from 'vitest';
import type { WireItem } from '../protocol/items.ts';
import { Conversation } from './conversation.ts';

const msg = (id: string): WireItem => ({ id, object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_text', text: id }] });

describe('Conversation', () => {
  it('appends, inserts after an item or at the root, and reports the previous item', () => {
    const c = new Conversation(10);
    expect(c.insert(msg('a'))).toBeNull();
    expect(c.insert(msg('c'))).toBe('a');
    expect(c.insert(msg('b'), 'a')).toBe('a');
    expect(c.insert(msg('z'), 'root')).toBeNull();
    expect(c.items().map((i) => i.id)).toEqual(['z', 'a', 'b', 'c']);
    expect(c.previousId('b')).toBe('a');
    expect(c.lastId()).toBe('c');
  });

  it('rejects duplicates, unknown previous items, deleting unknown items and overflow', () => {
    const c = new Conversation(2);
    c.insert(msg('a'));
    expect(() => c.insert(msg('a'))).toThrow(expect.objectContaining({ code: 'item_already_exists' }));
    expect(() => c.insert(msg('b'), 'nope')).toThrow(expect.objectContaining({ code: 'item_not_found', param: 'previous_item_id' }));
    expect(() => c.delete('nope')).toThrow(expect.objectContaining({ code: 'item_not_found' }));
    c.insert(msg('b'));
    expect(() => c.insert(msg('c'))).toThrow(expect.objectContaining({ code: 'conversation_full' }));
    c.delete('a');
    expect(c.items().map((i) => i.id)).toEqual(['b']);
  });
});
