import type { LiveLine } from '@voice-widget/protocol';
import { describe, expect, it } from 'vitest';
import { recentOrder, resumeChatContext, resumeSentence } from './resume-state.ts';

const line = (seq: number, speaker: LiveLine['speaker'], text: string): LiveLine => ({ seq, speaker, text, atMs: 1_000 + seq * 1_000 });

describe('what a resumed agent knows', () => {
  const call = [
    line(0, 'agent', "Hi, I'm an AI assistant. You can ask about an order or our opening hours."),
    line(1, 'caller', 'Where is my order 1042?'),
    line(2, 'agent', 'Let me check that order for you.'),
    line(3, 'agent', 'Order 1 0 4 2 is shipped, arrives Friday.'),
  ];

  it('loads the conversation into the chat context in order, caller as user, agent as assistant', () => {
    const ctx = resumeChatContext([call[2]!, call[0]!, call[3]!, call[1]!]);
    const msgs = ctx.items.map((i) => i as { role: string; textContent?: string; createdAt: number });
    expect(msgs.map((m) => m.role)).toEqual(['assistant', 'user', 'assistant', 'assistant']);
    expect(msgs[1]!.textContent).toBe('Where is my order 1042?');
    expect(msgs.map((m) => m.createdAt)).toEqual([1000, 2000, 3000, 4000]);
  });

  it('keeps only the newest lines, and marks a person', () => {
    const many = Array.from({ length: 10 }, (_, i) => line(i, i % 2 ? 'caller' : 'person', `line ${i}`));
    const ctx = resumeChatContext(many, 3);
    expect(ctx.items.map((i) => (i as { textContent?: string }).textContent)).toEqual(['line 7', '(Person) line 8', 'line 9']);
  });

  it('names the order being discussed, written or read out', () => {
    expect(recentOrder(call)).toBe('1042');
    expect(recentOrder([line(0, 'agent', 'Order 1 0 4 3 is processing.')])).toBe('1043');
    expect(recentOrder([line(0, 'caller', 'order number 77 12')])).toBe('7712');
    expect(recentOrder([line(0, 'caller', 'What are your opening hours?')])).toBeNull();
    expect(resumeSentence(call)).toBe('Sorry, I lost you for a moment — you were asking about order 1042.');
  });

  it('the newest order wins; an unanswered caller is asked to repeat; else an offer to go on', () => {
    expect(recentOrder([...call, line(4, 'caller', 'And order 1043?')])).toBe('1043');
    expect(resumeSentence([line(0, 'agent', 'Hi.'), line(1, 'caller', 'What time do you open')])).toBe(
      'Sorry, I lost you for a moment — could you say that last part again?',
    );
    expect(resumeSentence([line(0, 'agent', 'Hi.')])).toBe("Sorry, I lost you for a moment — I'm back. How can I help?");
    expect(resumeSentence([])).toBe("Sorry, I lost you for a moment — I'm back. How can I help?");
  });
});
