/**
 * The server's programmatic surface for other packages (testkit, e2e, bench): the database and
 * the repositories tests seed or inspect. The server itself runs `main.ts`.
 */
export { type Database, type Db, openDatabase } from './db/client.ts';
export { createAdminKey } from './repo/admin-keys.ts';
export { ensureAgent } from './bootstrap.ts';
export { findAgent } from './repo/agents.ts';
export { type CallRow, callDetail, findCall, listCalls, openCall } from './repo/calls.ts';
export { createDemoLink, revokeDemoLink } from './repo/demo-links.ts';
export { redactPii } from './redact/index.ts';
export { HOSTILE_LENGTH, HOSTILE_LINES } from './redact/hostile.ts';
