import type { Mount, WidgetHandle } from '../api.ts';
import type { VoiceAgentElement } from './element.tsx';

/**
 * Renders the widget inside `element` (a `<voice-agent>` child with its own Shadow DOM) and returns
 * a typed handle. Call `handle.start()` from a user gesture (click) so the browser lets audio play.
 */
export const mount: Mount = (element, options) => {
  const el = document.createElement('voice-agent') as VoiceAgentElement;
  el.mountOptions = options;
  element.appendChild(el);
  const c = el.controller!;
  const handle: WidgetHandle = {
    element: el,
    get state() {
      return c.snapshot.state;
    },
    start: () => c.start(),
    end: () => c.end(),
    mute: (muted) => c.mute(muted),
    sendText: (text) => c.sendText(text),
    on: (type, listener) => c.events.on(type, listener),
    destroy() {
      c.destroy();
      el.remove();
    },
  };
  return handle;
};
