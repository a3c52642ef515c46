/** Server-rendered HTML with escaping by default: `html\`<p>${userText}</p>\`` is safe. */

/** Markup that is already safe (built by {@link html}). */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

type Value = Html | string | number | boolean | null | undefined | readonly Value[];

function render(v: Value): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

/** Tagged template: interpolated values are escaped unless they are {@link Html}. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new Html(out);
}

/** Milliseconds for display: `412 ms`, `1.24 s`, `—` for null. */
export function fmtMs(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  return Math.abs(v) >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`;
}

/** A share as a percentage, `—` for null. */
export const fmtPct = (v: number | null): string => (v === null ? '—' : `${(v * 100).toFixed(1)} %`);

/** `2026-11-21 19:40:23 UTC` */
export const fmtTime = (d: Date | null | undefined): string =>
  d ? `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC` : '—';

/**
 * The page frame: title, navigation (when signed in: every page for an admin, the console only for
 * a person with an agent key), content, and same-origin module scripts (the CSP allows no inline ones).
 */
export function layout(title: string, body: Html, opts: { nav?: boolean | 'agent'; scripts?: string[] } = {}): string {
  const admin = opts.nav === true
    ? html`<a href="/dashboard">Latency</a><a href="/dashboard/calls">Calls</a><a href="/dashboard/outbound">Outbound</a><a href="/dashboard/demo-links">Demo links</a>`
    : '';
  const nav = opts.nav
    ? html`<nav>${admin}<a href="/dashboard/console">Console</a>
        <form method="post" action="/dashboard/logout"><button>Sign out</button></form></nav>`
    : '';
  const scripts = (opts.scripts ?? []).map((src) => html`<script type="module" src="${src}"></script>`);
  return `<!doctype html>${html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Voice widget</title><link rel="stylesheet" href="/dashboard/style.css">${scripts}</head>
<body><header><strong>Voice widget</strong>${nav}</header><main><h1>${title}</h1>${body}</main></body></html>`}`;
}

/** The dashboard's stylesheet (served as a file so the CSP needs no inline styles). */
export const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{display:flex;gap:1.5rem;align-items:center;padding:.6rem 1.2rem;background:#1d2330;color:#fff}
header nav{display:flex;gap:1rem;align-items:center}header a{color:#cfe0ff}
header form{margin:0}header button{background:none;border:1px solid #cfe0ff;color:#cfe0ff;border-radius:4px;cursor:pointer}
main{padding:1rem 1.5rem;max-width:1100px}h1{font-size:1.35rem}h2{font-size:1.1rem;margin-top:1.6rem}
table{border-collapse:collapse;background:#fff;width:100%}th,td{padding:.35rem .6rem;border-bottom:1px solid #e3e6ea;text-align:left;vertical-align:top}
th{background:#eef1f5;font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
form.filters{display:flex;flex-wrap:wrap;gap:.6rem;align-items:end;margin-bottom:1rem}form.filters label{display:flex;flex-direction:column;font-size:.8rem}
.cards{display:flex;flex-wrap:wrap;gap:1rem}.card{background:#fff;border:1px solid #e3e6ea;border-radius:6px;padding:.6rem 1rem;min-width:9rem}
.card b{display:block;font-size:1.3rem}.muted{color:#6b7280}.caller{color:#0b5cad}.agent{color:#1f7a3a}
.transcript p{margin:.25rem 0}.transcript time{color:#6b7280;font-size:.8rem;margin-right:.5rem}
svg text{font:11px system-ui,sans-serif;fill:#1d2330}.legend span{display:inline-block;margin-right:1rem}
.swatch{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:-1px}
.login{max-width:24rem}.login input{width:100%;padding:.4rem;margin:.3rem 0 .8rem}.error{color:#b42318}.flag{color:#b42318}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
kbd{border:1px solid #c5cad3;border-radius:3px;padding:0 .25rem;background:#fff;font-size:.8rem}
.console-bar{display:flex;gap:1rem;align-items:center}.console-grid{display:grid;grid-template-columns:minmax(14rem,1fr) 2fr;gap:1.2rem}
.queue{list-style:none;padding:0;margin:0}.queue button{display:block;width:100%;text-align:left;background:#fff;border:1px solid #e3e6ea;border-radius:6px;padding:.5rem .7rem;margin-bottom:.5rem;cursor:pointer;font:inherit}
.queue button[aria-selected=true]{border-color:#0b5cad;box-shadow:0 0 0 2px #0b5cad33}.queue button:focus-visible,button:focus-visible{outline:3px solid #0b5cad;outline-offset:2px}
.detail,.in-call{background:#fff;border:1px solid #e3e6ea;border-radius:6px;padding:.6rem 1rem}.in-call{border-color:#1f7a3a;margin-bottom:1rem}
.package dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem;margin:.4rem 0}.package dt{color:#6b7280}.package dd{margin:0}
.package .summary{font-size:1.02rem;background:#eef5ff;border-radius:4px;padding:.5rem .7rem}.package .transcript{max-height:18rem;overflow:auto;border-top:1px solid #e3e6ea}
.take{font-size:1rem;padding:.4rem 1rem;background:#1f7a3a;color:#fff;border:0;border-radius:5px;cursor:pointer}.number{font-size:1.3rem;font-weight:600}
.person{color:#8a3ffc}.transfers{padding-left:1rem}
`;
