/**
 * Attribute on the agent's participant naming the worker that took the job (its `WORKER_NAME`),
 * set when the worker accepts the job: in a pool of workers, the room shows which one answers.
 */
export const WORKER_ATTRIBUTE = 'voice.worker';
