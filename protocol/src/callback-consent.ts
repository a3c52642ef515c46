// On its own (no zod) so the demo page can show it without the schemas: `@voice-widget/protocol/callback-consent`.

/**
 * What a visitor agrees to by ticking the call-back form's box; the page shows exactly this text and
 * the server stores it, with the time, on the queued call (the record of consent to an AI call).
 */
export const CALLBACK_CONSENT_TEXT = 'I agree to be called at this number by an AI voice assistant about my request. Calls happen only within calling hours, and I can say “don’t call me again” at any time.';
