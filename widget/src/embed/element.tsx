import { LANGUAGE_TAG_PATTERN } from '@voice-widget/protocol/slug';
import { render } from 'preact';
import type { MountOptions, WidgetEvents } from '../api.ts';
import type { CallModule } from '../core/call.ts';
import { WidgetController } from '../core/controller.ts';
import { WidgetError } from '../core/errors.ts';
import { pickLanguage } from '../core/i18n.ts';
import { type ResolvedOptions, optionsFromAttributes, resolveOptions } from '../core/options.ts';
import { ControllerContext } from '../ui/context.ts';
import { styles } from '../ui/styles.ts';
import { Widget } from '../ui/Widget.tsx';

/** Base URL of the widget build (this module's folder): lazy chunks, VAD assets, default server. */
const BUILD_BASE = new URL('.', import.meta.url);

/** Prefix of the DOM events the element dispatches: `voice-agent:state`, `voice-agent:latency`, … */
export const EVENT_PREFIX = 'voice-agent:';
const EVENT_TYPES: (keyof WidgetEvents)[] = ['state', 'transcript', 'latency', 'error', 'ended', 'bargein', 'audio', 'talkingTo', 'vad'];

/** Type guard for the element's DOM events: `if (isVoiceAgentEvent(e, 'latency')) e.detail.turn…`. */
export function isVoiceAgentEvent<K extends keyof WidgetEvents>(e: Event, type: K): e is CustomEvent<WidgetEvents[K]> {
  return e.type === EVENT_PREFIX + type && e instanceof CustomEvent;
}

let sheet: CSSStyleSheet | null = null;
/** One constructed stylesheet shared by every widget (allowed under a strict CSP, unlike `<style>`). */
function adoptStyles(root: ShadowRoot): void {
  try {
    sheet ??= new CSSStyleSheet();
    if (!sheet.cssRules.length) sheet.replaceSync(styles);
    root.adoptedStyleSheets = [sheet];
  } catch {
    const style = document.createElement('style');
    style.textContent = styles;
    root.appendChild(style);
  }
}

/**
 * `<voice-agent agent="acme">`: the widget in a Shadow DOM, so the host page's CSS cannot reach it
 * and its CSS cannot leak out. Settings come from attributes (see `ATTRIBUTES`) or, when created by
 * `mount()`, from its options. Events are dispatched as `voice-agent:<type>` (bubbling, composed).
 */
export class VoiceAgentElement extends HTMLElement {
  controller: WidgetController | null = null;
  /** Set by `mount()` before the element is connected. */
  mountOptions: MountOptions | null = null;

  connectedCallback(): void {
    if (this.shadowRoot) return;
    const raw = this.mountOptions ?? optionsFromAttributes((n) => this.getAttribute(n));
    const { options, problems, fatal } = resolveOptions(raw, BUILD_BASE.origin);
    if (problems.length) console.warn(`<voice-agent>: ${problems.join('; ')}`);
    this.#reflect(options);
    const root = this.attachShadow({ mode: 'open' });
    adoptStyles(root);
    const media = document.createElement('div');
    media.hidden = true;
    const mountPoint = document.createElement('div');
    root.append(mountPoint, media);
    const requested = [options.lang, document.documentElement.lang, ...(navigator.languages ?? [navigator.language])];
    const controller = (this.controller = new WidgetController({
      options,
      configError: fatal ? WidgetError.misconfigured(problems.join('; ')) : null,
      lang: pickLanguage(requested),
      callLanguage: requested.find((t) => t && LANGUAGE_TAG_PATTERN.test(t)),
      loadCallModule: () => import('../session/index.ts') as Promise<CallModule>,
      vadAssetBase: new URL('vad/', BUILD_BASE).href,
      mediaContainer: media,
    }));
    for (const type of EVENT_TYPES) {
      controller.events.on(type, (detail) => this.dispatchEvent(new CustomEvent(EVENT_PREFIX + type, { detail, bubbles: true, composed: true })));
    }
    // A floating widget goes to the top layer (a manual popover): the page's `body { opacity,
    // transform, filter, z-index … }` cannot dim, move or cover it. Older browsers: a fixed element.
    if (options.floating && typeof this.showPopover === 'function') {
      this.popover = 'manual';
      try {
        this.showPopover();
      } catch {
        /* not in the document yet or already open */
      }
    }
    render(
      <ControllerContext.Provider value={controller}>
        <Widget />
      </ControllerContext.Provider>,
      mountPoint,
    );
  }

  disconnectedCallback(): void {
    // Moving the element re-connects it at once; only a real removal ends the call.
    queueMicrotask(() => {
      if (this.isConnected || !this.controller) return;
      this.controller.destroy();
    });
  }

  /** Mirrors resolved options that the styles key on (`theme`, `position`, `floating`). */
  #reflect(o: ResolvedOptions): void {
    this.setAttribute('theme', o.theme);
    this.setAttribute('position', o.position);
    this.toggleAttribute('floating', o.floating);
  }
}
