import type { AgentConfig } from '@voice-widget/protocol';
import type { Db } from './db/client.ts';
import { type AgentRow, createAgent, findAgent } from './repo/agents.ts';

/** A working starting configuration for an agent named after `company`. */
export function defaultAgentConfig(company: string): AgentConfig {
  return {
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
  };
}

/** Creates agent `slug` with the default configuration unless it exists; returns it either way. */
export async function ensureAgent(db: Db, slug: string, company = titleCase(slug)): Promise<AgentRow> {
  return (await findAgent(db, slug)) ?? createAgent(db, slug, defaultAgentConfig(company));
}

const titleCase = (slug: string) => slug.replace(/(^|-)([a-z])/g, (_m, sep: string, c: string) => (sep ? ' ' : '') + c.toUpperCase());
