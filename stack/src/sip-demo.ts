import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pkgDir } from './paths.ts';
import type { Stack } from './stack.ts';

/** The demo's phone line, from the environment (see README "Phone callers"). */
export interface DemoLine {
  /** Number callers dial (the trunk's DID), E.164. `SIP_NUMBER`, default +15550100. */
  number: string;
  /** Source addresses allowed to send INVITEs. `SIP_ALLOWED_ADDRESSES`, default 127.0.0.1/32. */
  allowed: string[];
  /** Digest credentials the caller/carrier must use. `SIP_AUTH_USER` + `SIP_AUTH_PASSWORD`, default none. */
  auth: { user: string; password: string } | null;
  /** REFER target of transfer_to_human. `SIP_TRANSFER_TO` (tel:+… or sip:…), default none. */
  transferTo: string | null;
  /** Agent whose configuration answers. `SIP_AGENT`, default acme. */
  agent: string;
}

export function demoLineFromEnv(env: NodeJS.ProcessEnv = process.env): DemoLine {
  return {
    number: env.SIP_NUMBER ?? '+15550100',
    allowed: (env.SIP_ALLOWED_ADDRESSES ?? '127.0.0.1/32').split(',').map((s) => s.trim()).filter(Boolean),
    auth: env.SIP_AUTH_USER && env.SIP_AUTH_PASSWORD ? { user: env.SIP_AUTH_USER, password: env.SIP_AUTH_PASSWORD } : null,
    transferTo: env.SIP_TRANSFER_TO || null,
    agent: env.SIP_AGENT ?? 'acme',
  };
}

/**
 * Provisions the demo line (inbound trunk "demo" + dispatch rule "demo") through the server's
 * phone CLI (`server/src/phone-cli.ts`, idempotent) against the running stack's LiveKit.
 * @throws Error with the CLI's message when LiveKit refuses the trunk or rule.
 */
export function provisionDemoLine(stack: Stack, line: DemoLine): void {
  const env = { ...process.env, LIVEKIT_URL: stack.livekitUrl, LIVEKIT_API_KEY: stack.apiKey, LIVEKIT_API_SECRET: stack.apiSecret, AGENT_NAME: stack.agentName };
  const cli = (args: string[]) =>
    execFileSync(join(pkgDir('stack'), 'node_modules/.bin/tsx'), ['src/phone-cli.ts', ...args], { cwd: pkgDir('server'), env, encoding: 'utf8' }).trim();
  cli(['trunk', 'put', 'demo', '--numbers', line.number, ...(line.allowed.length ? ['--allow', line.allowed.join(',')] : []), ...(line.auth ? ['--user', line.auth.user, '--password', line.auth.password] : [])]);
  cli(['rule', 'put', 'demo', '--trunks', 'demo', '--agent', line.agent, '--room-prefix', 'phone', ...(line.transferTo ? ['--transfer-to', line.transferTo] : [])]);
}
