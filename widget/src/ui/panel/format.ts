/** `1234.5` → `1235 ms`; null/undefined → an en dash. */
export const ms = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : `${Math.round(v)} ms`);
