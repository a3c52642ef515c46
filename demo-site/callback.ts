/// <reference lib="dom" />
/**
 * The demo page's "Call me back" form (`#callback` in demo.html): a phone number (E.164, with a
 * hint), an optional topic and an explicit consent to be called by an AI assistant, posted to
 * `POST /api/demo-links/:slug/callback`. Shown only when the server's public link info says a
 * call-back can really be placed (`callback: true`). The page then shows what the server decided:
 * queued now, queued for when calling hours open (in the visitor's time zone), or the refusal's
 * message. One idempotency key per page: a retried submit (a lost answer, a double click) never
 * queues a second call.
 */
import type { CallbackRequestInput, CallbackResponse, DemoLinkPublicInfo } from '@voice-widget/protocol';
import { CALLBACK_CONSENT_TEXT } from '@voice-widget/protocol/callback-consent';

/** 128 random bits, hex (crypto.randomUUID needs a secure context; getRandomValues does not). */
function newIdempotencyKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The visitor's IANA time zone, or undefined when the browser does not say (the server then uses the number's country). */
function browserTimeZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Shows the form for `info` (an active link with `callback`) and handles its submits against the
 * server at `origin`. `lead`: the name and e-mail the visitor already gave (lead-capture links);
 * without it the form asks for a name.
 */
export function mountCallbackForm(origin: string, info: DemoLinkPublicInfo, lead?: { name: string; email: string }): void {
  const section = document.getElementById('callback')!;
  const form = document.getElementById('callback-form') as HTMLFormElement;
  const result = document.getElementById('callback-result')!;
  const button = form.querySelector('button')!;
  document.getElementById('callback-consent-text')!.textContent = CALLBACK_CONSENT_TEXT;
  if (lead) document.getElementById('callback-name-label')!.hidden = true;
  section.hidden = false;
  const key = newIdempotencyKey();

  const show = (message: string, refused: boolean) => {
    result.textContent = message;
    result.classList.toggle('refused', refused);
    result.hidden = false;
  };

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const number = String(data.get('number') ?? '').trim();
    const name = lead?.name ?? String(data.get('name') ?? '').trim();
    const topic = String(data.get('topic') ?? '').trim();
    if (!name) return show('Please tell us your name, so the assistant knows whom it calls.', true);
    if (!number) return show('Please enter your phone number, with your country code (e.g. +1 555 010 0123).', true);
    if (data.get('consent') !== 'on') return show('Please tick the box to agree to be called by an AI assistant.', true);
    const timeZone = browserTimeZone();
    const body: CallbackRequestInput = { number, name, consent: true, idempotencyKey: key, ...(lead ? { email: lead.email } : {}), ...(topic ? { topic } : {}), ...(timeZone ? { timeZone } : {}) };
    button.disabled = true;
    try {
      const res = await fetch(`${origin}/api/demo-links/${encodeURIComponent(info.slug)}/callback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await res.json().catch(() => null)) as (CallbackResponse & { error?: { code: string; message: string } }) | null;
      if (res.ok && json?.status === 'queued') {
        form.hidden = true;
        section.dataset.outcome = json.now ? 'queued_now' : 'queued_later';
        return show(json.message, false);
      }
      section.dataset.outcome = json?.error?.code ?? `http_${res.status}`;
      show(json?.error?.message ?? 'Your request could not be taken. Please try again later.', true);
    } catch {
      // The answer may have been lost after the server queued the call: a retry with the same key is safe.
      section.dataset.outcome = 'network';
      show('We could not reach the server. Check your connection and press “Call me back” again.', true);
    } finally {
      button.disabled = false;
    }
  });
}
