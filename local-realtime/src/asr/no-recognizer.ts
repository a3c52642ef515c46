import type { Recognizer, RecognizerSource } from './turn-recognizer.ts';

/**
 * The recognizer of the cloud stand-in (`--no-asr`): no process, no decoding, no words. The session
 * hears every committed turn as its fixed transcript instead (`ConnectionDeps.fixedTranscript`).
 */
export const NO_RECOGNIZER: RecognizerSource = {
  acquire(): Recognizer {
    return { write() {}, finish: () => Promise.resolve(''), kill() {}, exited: () => Promise.resolve(), onLine: null };
  },
};
