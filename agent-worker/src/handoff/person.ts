import { PERSON_ROLE, PERSON_ROLE_ATTRIBUTE } from '@voice-widget/protocol';

/**
 * A person who took the call over (the console's token sets this attribute; a caller's token
 * cannot set attributes, so a caller cannot pose as one).
 */
export const isPerson = (p: { attributes?: Record<string, string> }): boolean => p.attributes?.[PERSON_ROLE_ATTRIBUTE] === PERSON_ROLE;
