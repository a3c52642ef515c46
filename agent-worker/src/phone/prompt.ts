/** The one sentence said before a cold transfer: the model's summary, then what happens. */
export function transferAnnouncement(summary: string | undefined): string {
  const s = (summary ?? '').replace(/\s+/g, ' ').trim().slice(0, 200);
  const sentence = s ? (/[.!?]$/.test(s) ? s : `${s}.`) : '';
  return `${sentence ? `${sentence} ` : ''}I'm transferring you to a person now; please stay on the line.`;
}
