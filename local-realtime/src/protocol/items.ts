import type { ItemCreate } from './client-events.ts';

/** Conversation items as the server sends them (GA shapes). */

export type ItemStatus = 'completed' | 'incomplete' | 'in_progress';

export type WireContent =
  | { type: 'input_text'; text: string }
  | { type: 'input_audio'; transcript: string | null }
  | { type: 'input_image'; image_url?: string }
  | { type: 'output_text'; text: string }
  | { type: 'output_audio'; transcript: string };

export interface MessageItem {
  id: string;
  object: 'realtime.item';
  type: 'message';
  status: ItemStatus;
  role: 'user' | 'assistant' | 'system';
  content: WireContent[];
}

export interface FunctionCallItem {
  id: string;
  object: 'realtime.item';
  type: 'function_call';
  status: ItemStatus;
  call_id: string;
  name: string;
  arguments: string;
}

export interface FunctionCallOutputItem {
  id: string;
  object: 'realtime.item';
  type: 'function_call_output';
  status: ItemStatus;
  call_id: string;
  output: string;
}

export type WireItem = MessageItem | FunctionCallItem | FunctionCallOutputItem;

/** Normalises a client-created item (GA or beta content types) to the wire shape; audio bytes are not echoed back. */
export function itemFromClient(item: ItemCreate, id: string): WireItem {
  switch (item.type) {
    case 'function_call':
      return { id, object: 'realtime.item', type: 'function_call', status: 'completed', call_id: item.call_id, name: item.name, arguments: item.arguments };
    case 'function_call_output':
      return { id, object: 'realtime.item', type: 'function_call_output', status: 'completed', call_id: item.call_id, output: item.output };
    case 'message': {
      const content: WireContent[] = item.content.map((c): WireContent => {
        switch (c.type) {
          case 'input_text':
            return { type: 'input_text', text: c.text };
          case 'input_audio':
            return { type: 'input_audio', transcript: c.transcript ?? null };
          case 'input_image':
            return { type: 'input_image', ...(c.image_url ? { image_url: c.image_url } : {}) };
          case 'text':
          case 'output_text':
            return item.role === 'assistant' ? { type: 'output_text', text: c.text } : { type: 'input_text', text: c.text };
          case 'audio':
          case 'output_audio':
            return item.role === 'assistant'
              ? { type: 'output_audio', transcript: c.transcript ?? '' }
              : { type: 'input_audio', transcript: c.transcript ?? null };
        }
      });
      return { id, object: 'realtime.item', type: 'message', status: 'completed', role: item.role, content };
    }
  }
}

/** The text a message carries (typed text and transcripts), joined by spaces. */
export function itemText(item: WireItem): string {
  if (item.type !== 'message') return '';
  return item.content
    .map((c) => ('text' in c ? c.text : 'transcript' in c ? (c.transcript ?? '') : ''))
    .filter((t) => t.length > 0)
    .join(' ');
}
