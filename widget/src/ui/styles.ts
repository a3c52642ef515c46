import { PALETTES, paletteCss } from './theme.ts';

/**
 * Widget styles, scoped by the shadow root. Host rules are `!important`: in the cascade, important
 * declarations of the shadow context beat the page's (`* { … !important }` cannot reach in), and
 * `all: initial` cuts every inherited property. Theme through `--vw-*` custom properties (they do
 * inherit in) and the `theme` / `position` attributes.
 */
export const styles = `
:host{all:initial!important;display:block!important;contain:layout style!important}
:host::before,:host::after{content:none!important;display:none!important}
:host([hidden]){display:none!important}
:host([floating]){inset:auto!important;margin:0!important;overflow:visible!important;position:fixed!important;z-index:2147483000!important;right:var(--vw-offset-x,20px)!important;bottom:var(--vw-offset-y,20px)!important}
:host([floating][position=bottom-left]){right:auto!important;left:var(--vw-offset-x,20px)!important}
.vw{${paletteCss(PALETTES.light)}font:14px/1.4 var(--vw-font,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif);color:var(--_fg);display:flex;flex-direction:column;align-items:flex-end;gap:10px;width:var(--vw-width,300px);box-sizing:border-box;text-align:left}
:host([theme=dark]) .vw{${paletteCss(PALETTES.dark)}}
@media (prefers-color-scheme:dark){:host(:not([theme=light])) .vw{${paletteCss(PALETTES.dark)}}}
.vw *{box-sizing:border-box}
.vw-card{width:100%;background:var(--_bg);border:1px solid var(--_line);border-radius:var(--vw-radius,14px);box-shadow:0 6px 24px rgba(0,0,0,.18);padding:12px;display:flex;flex-direction:column;gap:8px}
.vw-head{display:flex;align-items:center;gap:8px}
.vw-state{margin:0;font-weight:600;flex:1}
.vw-error,.vw-notice{margin:0;font-size:13px;color:var(--_danger)}.vw-detail{display:block;margin-top:2px;color:var(--_fg)}
.vw button{font:inherit;cursor:pointer;border-radius:999px;border:1px solid var(--_muted);background:var(--_bg);color:var(--_fg);padding:6px 10px}
.vw button:focus-visible,.vw input:focus-visible{outline:3px solid var(--vw-focus,#ffbf47);outline-offset:2px}
.vw-controls{display:flex;gap:8px;align-items:center}
.vw .vw-talk{display:inline-flex;align-items:center;gap:6px;font-weight:600;padding:10px 16px;border:0;background:var(--_accent);color:var(--_accent-fg);box-shadow:0 4px 14px rgba(0,0,0,.2)}
.vw .vw-end{background:var(--_danger);color:var(--_bg)}
.vw .vw-icon{width:38px;height:38px;padding:0;display:inline-flex;align-items:center;justify-content:center}
.vw .vw-mute[aria-pressed=true]{background:var(--_fg);color:var(--_bg)}
.vw .vw-close{width:28px;height:28px;border:0}
.vw-svg{width:18px;height:18px;fill:currentColor}
`;
