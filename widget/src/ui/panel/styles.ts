import { LATENCY_STAGES } from '@voice-widget/protocol';

/** Styles of the in-call panel (loaded with it; see ../styles.ts for the host rules). */
export const panelStyles = `
.vw-viz{display:inline-flex;align-items:center;gap:2px;height:20px}
.vw-viz span{width:3px;height:18px;border-radius:2px;background:var(--_accent);transform:scaleY(.15);transition:transform 60ms linear}
.vw-captions{list-style:none;margin:0;padding:0;max-height:160px;overflow:auto;font-size:13px;display:flex;flex-direction:column;gap:4px}
.vw-who{font-weight:600;color:var(--_muted)}
.vw-agent .vw-text{color:var(--_agent)}
.vw-cut{color:var(--_muted);font-style:italic}
.vw-with{margin:0;font-size:12px;color:var(--_muted)}.vw-with b{color:var(--_fg)}
.vw-person .vw-text{color:var(--_fg);font-weight:500}
.vw-type{display:flex;gap:6px}
.vw-type input{flex:1;min-width:0;font:inherit;color:var(--_fg);background:var(--_bg);border:1px solid var(--_muted);border-radius:8px;padding:6px 8px}
.vw-latency{font-size:12px;color:var(--_muted);border-top:1px solid var(--_line);padding-top:6px}
.vw-latency dl{display:grid;grid-template-columns:repeat(4,1fr);margin:0;gap:4px}
.vw-latency dt{font-size:11px}.vw-latency dd{margin:0;color:var(--_fg);font-variant-numeric:tabular-nums;font-weight:600}
.vw-spark{display:block;width:100%;height:24px;color:var(--_accent);margin-top:4px}
.vw-stages{margin:6px 0 0}.vw-stages figcaption{font-size:11px}
.vw-bar{display:flex;height:8px;border-radius:4px;overflow:hidden;margin:3px 0}
.vw-stages ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:2px 8px;font-size:11px}
.vw-stages li::before{content:"";display:inline-block;width:8px;height:8px;border-radius:2px;margin-right:4px;background:var(--c)}
.vw-bar span{background:var(--c)}
${LATENCY_STAGES.map((s) => `.vw-s-${s.key}{--c:${s.color}}`).join('')}
@media (prefers-reduced-motion:reduce){.vw-viz span{transition:none}}
`;
