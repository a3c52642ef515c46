import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AgentConfig } from '@voice-widget/protocol';
import type { Db } from './db/client.ts';
import { KEY_FORMAT, createAdminKey, importAdminKey } from './repo/admin-keys.ts';
import { type AgentRow, createAgent, findAgent } from './repo/agents.ts';

/** A working starting configuration for an agent named after `company` (default limits). */
export function defaultAgentConfig(company: string): AgentConfig {
  return AgentConfig.parse({
    name: `${company} assistant`,
    description: `Answers questions about ${company}'s orders, opening hours and returns, out loud.`,
    instructions: [
      `You are a friendly voice assistant for ${company}. Keep answers short: one or two sentences.`,
      'You are an AI, and say so if asked. If the caller asks for a human, offer to transfer them.',
      'Speak in the language the caller uses.',
    ].join(' '),
    greeting: `Hi, I'm an AI assistant for ${company}. You can ask for a person at any time. How can I help?`,
    voice: 'alloy',
    model: 'gpt-realtime',
    tools: ['transfer_to_human'],
    allowedOrigins: ['*'],
    language: 'en',
    turnTaking: 'fast',
  });
}

/** Creates agent `slug` with the default configuration unless it exists; returns it either way. */
export async function ensureAgent(db: Db, slug: string, company = titleCase(slug)): Promise<AgentRow> {
  return (await findAgent(db, slug)) ?? createAgent(db, slug, defaultAgentConfig(company));
}

const titleCase = (slug: string) => slug.replace(/(^|-)([a-z])/g, (_m, sep: string, c: string) => (sep ? ' ' : '') + c.toUpperCase());

/**
 * Makes `file` hold a live admin key of this database: an existing key in it is registered (a
 * fresh database keeps working with the same file); a missing, malformed or revoked one is
 * replaced by a new key. The file is written mode 0600 in a 0700 folder. Returns what it did.
 */
export async function ensureAdminKeyFile(db: Db, file: string): Promise<'kept' | 'registered' | 'created'> {
  const existing = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (KEY_FORMAT.test(existing)) {
    const imported = await importAdminKey(db, 'operator (key file)', existing);
    if (imported) return imported.inserted ? 'registered' : 'kept';
  }
  const { key } = await createAdminKey(db, 'operator (key file)');
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return 'created';
}
