/** Audio helpers shared by the page, the agent's tests, the bench and the testkit: one WAV reader, one level meter. */
export * from './level.ts';
export * from './wav.ts';
