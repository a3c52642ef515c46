import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Per-checkout state: generated keys, logs, runtime configs. Git-ignored. */
export const STATE_DIR = process.env.VOICE_WIDGET_STATE ?? join(REPO_ROOT, '.state');

/** Cache shared by checkouts: pinned LiveKit binaries. Same default as scripts/install-livekit.sh. */
export const CACHE_DIR =
  process.env.VOICE_WIDGET_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'voice-widget');

/** Path of a package folder in the workspace, e.g. `pkgDir('server')`. */
export const pkgDir = (name: string): string => join(REPO_ROOT, name);
