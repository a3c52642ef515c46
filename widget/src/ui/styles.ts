/** Widget styles, scoped by the shadow root; themable through CSS custom properties. */
export const styles = `
:host { all: initial; font-family: var(--vw-font, system-ui, sans-serif); color: var(--vw-fg, #111); }
:host([floating]) { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; }
.vw { background: var(--vw-bg, #fff); border-radius: 14px; box-shadow: 0 6px 24px rgba(0,0,0,.18); padding: 14px; width: 280px; box-sizing: border-box; }
.vw-talk { font: inherit; font-weight: 600; width: 100%; padding: 10px; border: 0; border-radius: 999px; cursor: pointer;
  background: var(--vw-accent, #1b5cff); color: var(--vw-accent-fg, #fff); }
.vw-talk:focus-visible { outline: 3px solid var(--vw-focus, #ffbf47); outline-offset: 2px; }
.vw-end { background: var(--vw-danger, #c62828); }
.vw-state { margin: 8px 0; font-size: 14px; }
.vw-error { color: var(--vw-danger, #c62828); font-size: 13px; margin-bottom: 6px; }
.vw-captions { list-style: none; margin: 0; padding: 0; max-height: 140px; overflow: auto; font-size: 13px; }
.vw-captions li { margin: 3px 0; }
.vw-agent { color: var(--vw-agent-fg, #1b3a8a); }
.vw-latency { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; font-size: 12px; margin: 8px 0 0; }
.vw-latency dt { color: #555; } .vw-latency dd { margin: 0; font-variant-numeric: tabular-nums; }
`;
