import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** tsx's loader (`import 'tsx'`: ESM and CommonJS hooks), as a file URL for `node --import`. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/**
 * Node arguments that run a TypeScript entry point (`script`, relative to the child's cwd) in one
 * Node process: `node --import tsx script …args`. Spawn them with `process.execPath`.
 *
 * Not the `tsx` CLI: it is a parent process that relays SIGTERM to its child and SIGKILLs the
 * child when it has not acknowledged the signal within 30 ms (tsx 4.23 dist/cli.mjs
 * `relaySignals`). An agent worker whose event loop was busy that long (a call's set-up blocks it
 * 100–300 ms on a loaded machine) was killed instead of draining, and a drained server instance
 * likewise. Children forked by the process (agent job processes) inherit `--import`.
 */
export function typeScriptArgs(script: string, ...args: string[]): string[] {
  return ['--import', TSX_LOADER, script, ...args];
}
