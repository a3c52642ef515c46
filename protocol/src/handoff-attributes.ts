/**
 * Participant attributes of a hand-off (no zod: the widget imports these alone). The server sets a
 * person's in their token; callers' tokens cannot set attributes, so nobody can pose as a person.
 */

/** Attribute of a person's participant: {@link PERSON_ROLE}. */
export const PERSON_ROLE_ATTRIBUTE = 'voice.role';
export const PERSON_ROLE = 'person';
/** Attribute naming the hand-off a person's participant took (its id, decimal). */
export const PERSON_HANDOFF_ATTRIBUTE = 'voice.handoff';
/**
 * Attribute the agent sets on its own participant: who the caller talks to now — `agent` (the AI)
 * or `person` (the agent has handed over and only takes notes).
 */
export const CONVERSATION_ATTRIBUTE = 'voice.conversation';
