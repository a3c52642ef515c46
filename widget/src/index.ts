/** Package entry for workspace consumers (tests, demo): the public API and its types. */
export type * from './api.ts';
export { mount } from './embed/mount.ts';
export { isVoiceAgentEvent, EVENT_PREFIX } from './embed/element.tsx';
