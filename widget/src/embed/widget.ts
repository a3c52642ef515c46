/**
 * ESM entry of the widget build (`widget.mjs`):
 * - defines `<voice-agent>`;
 * - exports `mount(element, options)` for app developers (types: `widget.d.ts`);
 * - mounts a floating widget for each `<script src=".../voice-widget.js" data-agent="…">` that queued itself;
 * - inside `embed.html` (the iframe embed), fills the frame with one widget configured from the URL query.
 */
import { ATTRIBUTES } from '../core/options.ts';
import { VoiceAgentElement } from './element.tsx';

export { mount } from './mount.ts';
export { isVoiceAgentEvent, EVENT_PREFIX } from './element.tsx';

/** Settings a `<script data-*>` tag queued: attribute name → value. */
type Queued = Record<string, string>;
declare global {
  interface Window {
    /** Before this module loads: an array the loader pushed to. After: an object whose push mounts. */
    __voiceWidget?: { push(cfg: Queued): unknown };
  }
}

if (!customElements.get('voice-agent')) customElements.define('voice-agent', VoiceAgentElement);

/** A `<voice-agent>` with the known attributes of `cfg` (others ignored). */
function create(cfg: Queued): HTMLElement {
  const el = document.createElement('voice-agent');
  for (const name of ATTRIBUTES) if (cfg[name] !== undefined) el.setAttribute(name, cfg[name]);
  return el;
}

const mountFloating = (cfg: Queued) => {
  const el = create(cfg);
  el.setAttribute('floating', '');
  document.body.appendChild(el);
};
const queued = Array.isArray(window.__voiceWidget) ? (window.__voiceWidget as Queued[]) : [];
window.__voiceWidget = { push: mountFloating };
queued.forEach(mountFloating);

if (document.querySelector('meta[name=voice-widget-frame]')) {
  document.body.appendChild(create(Object.fromEntries(new URLSearchParams(location.search))));
}
