/**
 * Runs after the whole e2e suite (vitest global teardown of the e2e project): every log file of
 * this checkout's stacks is grepped for every class of secret a run uses (checkoutSecretNeedles:
 * the LiveKit keys, JWTs, admin keys and sign-in tokens, 555 test phone numbers). Any hit fails the
 * run, naming the file and line but never the secret.
 */
import { STATE_DIR } from '@voice-widget/stack';
import { checkoutSecretNeedles, logFilesUnder, scanLogs } from '@voice-widget/testkit';

export function teardown(): void {
  const files = logFilesUnder(STATE_DIR).filter((f) => !f.includes('baresip'));
  const hits = scanLogs(files, checkoutSecretNeedles(STATE_DIR));
  console.log(`log audit after the e2e suite: ${files.length} log files, secrets found in logs ${hits.length}`);
  if (hits.length) throw new Error(`secrets in logs: ${hits.slice(0, 10).map((h) => `${h.what} in ${h.file}:${h.line}`).join('; ')}`);
}
