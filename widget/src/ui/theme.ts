/**
 * Default colours of the two themes. Every pair used for text meets WCAG AA (4.5:1), checked by
 * theme.test.ts. A host page overrides any of them with `--vw-<name>` on the element.
 */
export const PALETTES = {
  light: { bg: '#ffffff', fg: '#1a1a1a', muted: '#575757', accent: '#1a56e8', 'accent-fg': '#ffffff', danger: '#b3261e', agent: '#1b3a8a', line: '#d9d9de' },
  dark: { bg: '#1d1e22', fg: '#f1f1f3', muted: '#b4b4ba', accent: '#8ab4ff', 'accent-fg': '#0b1b3a', danger: '#ff8a80', agent: '#a8c7ff', line: '#3a3b42' },
} as const;

/** Text/background pairs that must stay readable. */
export const CONTRAST_PAIRS = [
  ['fg', 'bg'],
  ['muted', 'bg'],
  ['agent', 'bg'],
  ['danger', 'bg'],
  ['accent-fg', 'accent'],
] as const;

/** CSS declarations of the internal variables for one palette. */
export const paletteCss = (p: Record<string, string>): string =>
  Object.entries(p)
    .map(([k, v]) => `--_${k}:var(--vw-${k},${v});`)
    .join('');
