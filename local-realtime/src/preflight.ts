import { access, constants } from 'node:fs/promises';
import path from 'node:path';

/** Throws a helpful error if `command` is not an executable on PATH (or an executable path). */
export async function requireCommand(command: string, debianPackage: string): Promise<void> {
  const candidates = command.includes('/') ? [command] : (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((d) => path.join(d, command));
  for (const c of candidates) {
    try {
      await access(c, constants.X_OK);
      return;
    } catch {
      // try the next PATH entry
    }
  }
  throw new Error(`${command} not found on PATH: install the Debian package "${debianPackage}" (scripts/setup.sh does it)`);
}
