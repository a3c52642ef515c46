/**
 * Identifier patterns shared by schemas and by code that must not load zod (the widget's
 * pre-click bundle validates its options with these).
 */

/** Agent slug: lowercase letters, digits and `-`, starting with a letter or digit; 1–64 chars. */
export const AGENT_SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** A BCP 47 language tag as far as we check it: `en`, `de-DE`, `zh-Hant-TW`. */
export const LANGUAGE_TAG_PATTERN = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/;

/** Demo-link slug: URL-safe, 22–64 chars (≥ 128 random bits). */
export const DEMO_SLUG_PATTERN = /^[A-Za-z0-9_-]{22,64}$/;
