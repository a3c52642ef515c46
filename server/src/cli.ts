/**
 * Operator CLI. With a running server it goes through the admin API (an admin key from
 * `ADMIN_KEY` or the key file `npm run demo` writes, `.state/admin-key`); otherwise it works on
 * the database (`DATABASE_URL`, or the PGlite folder `PGLITE_DIR` with the server stopped).
 * `--api` / `--db` force one.
 *
 *   tsx src/cli.ts admin-key create [--name NAME] [--role admin|agent]   prints a new key (shown once)
 *   tsx src/cli.ts agent-key create --name NAME           a key for a person who takes calls in the console
 *                                                          (role agent: cannot configure; NAME is what callers hear)
 *   tsx src/cli.ts admin-key list | revoke ID
 *   tsx src/cli.ts signin-link                            a one-time dashboard sign-in link (15 min)
 *   tsx src/cli.ts agent create SLUG [--company NAME] [--name ..] [--description ..] [--greeting ..]
 *        [--instructions ..] [--voice ..] [--model ..] [--language ..] [--origins a,b] [--tools a,b]
 *        [--turn-taking fast|model_vad|stock] [limits: --max-call S] [--concurrent N]
 *        [--minutes-per-day M] [--per-ip N] [--demo-only]
 *   tsx src/cli.ts agent update SLUG [any of the above]   a new version with these fields changed
 *   tsx src/cli.ts agent list | show SLUG | disable SLUG
 *   tsx src/cli.ts agent secret SLUG [--rotate]            the secret that signs identities and tool calls
 *   tsx src/cli.ts demo-link create AGENT [--label ..] [--hours 168] [--minutes 60] [--max-call 300]
 *        [--concurrent 2] [--per-ip 5] [--lead] [--callback]
 *   tsx src/cli.ts demo-link list | revoke SLUG
 *   tsx src/cli.ts retention run [--days N]
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { type AgentConfig, AgentConfig as AgentConfigSchema, AgentSlug, CreateDemoLinkRequest, StaffRole } from '@voice-widget/protocol';
import { defaultAgentConfig } from './bootstrap.ts';
import { DEFAULT_ADMIN_KEY_FILE, DEFAULT_PGLITE_DIR } from './config.ts';
import { connectOperator } from './operator/connect.ts';
import type { OperatorOps } from './operator/ops.ts';

const USAGE = `usage: tsx src/cli.ts <admin-key|agent-key|signin-link|agent|demo-link|retention> <command> [args] [--api|--db] (see the top of src/cli.ts)`;

const { values: opt, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    api: { type: 'boolean' },
    db: { type: 'boolean' },
    name: { type: 'string' },
    company: { type: 'string' },
    description: { type: 'string' },
    greeting: { type: 'string' },
    instructions: { type: 'string' },
    voice: { type: 'string' },
    model: { type: 'string' },
    language: { type: 'string' },
    origins: { type: 'string' },
    tools: { type: 'string' },
    'turn-taking': { type: 'string' },
    'minutes-per-day': { type: 'string' },
    'demo-only': { type: 'boolean' },
    label: { type: 'string' },
    hours: { type: 'string' },
    minutes: { type: 'string' },
    'max-call': { type: 'string' },
    concurrent: { type: 'string' },
    'per-ip': { type: 'string' },
    lead: { type: 'boolean' },
    callback: { type: 'boolean' },
    rotate: { type: 'boolean' },
    role: { type: 'string' },
    days: { type: 'string' },
  },
});
const [group, command, arg] = positionals;
const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
const list = (v: string | undefined) => v?.split(',').map((s) => s.trim()).filter(Boolean);
const demoBase = (process.env.DEMO_BASE_URL ?? 'http://127.0.0.1:5173').replace(/\/$/, '');
const serverBase = (process.env.SERVER_URL ?? process.env.SERVER_PUBLIC_URL ?? 'http://127.0.0.1:8787').replace(/\/$/, '');

/** The agent fields given as flags (undefined ones left out, so defaults or the current version apply). */
function agentFlags(base: AgentConfig): AgentConfig {
  return AgentConfigSchema.parse({
    ...base,
    ...defined({
      name: opt.name,
      description: opt.description,
      greeting: opt.greeting,
      instructions: opt.instructions,
      voice: opt.voice,
      model: opt.model,
      language: opt.language,
      allowedOrigins: list(opt.origins),
      tools: list(opt.tools),
      turnTaking: opt['turn-taking'],
      demoLinksOnly: opt['demo-only'],
    }),
    limits: {
      ...base.limits,
      ...defined({
        maxCallSeconds: num(opt['max-call']),
        maxConcurrentCalls: num(opt.concurrent),
        minutesPerDay: num(opt['minutes-per-day']),
        newCallsPerIpPerHour: num(opt['per-ip']),
      }),
    },
  });
}

async function run(ops: OperatorOps): Promise<void> {
  switch (`${group} ${command ?? ''}`.trim()) {
    case 'admin-key create':
    case 'agent-key create': {
      const role = StaffRole.parse(group === 'agent-key' ? 'agent' : (opt.role ?? 'admin'));
      const name = opt.name ?? (role === 'agent' ? undefined : 'admin');
      if (!name) throw new Error('agent-key create needs --name (the name callers hear, e.g. --name Sam)');
      const { id, key } = await ops.createAdminKey(name, role);
      console.log(`${role} key #${id} for ${name} (shown once, store it now):\n${key}`);
      if (role === 'agent') console.log(`sign in at ${serverBase}/dashboard/login → the console takes calls; this key cannot change configuration`);
      break;
    }
    case 'admin-key list':
      for (const k of await ops.listAdminKeys()) console.log(`#${k.id}\t${k.prefix}…\t${k.role}\t${k.name}\t${k.revokedAt ? 'revoked' : 'active'}`);
      break;
    case 'admin-key revoke':
      await ops.revokeAdminKey(Number(arg));
      console.log(`admin key #${arg} revoked`);
      break;
    case 'signin-link': {
      const link = await ops.signinLink();
      console.log(`dashboard sign-in link (one use, until ${link.expiresAt}):\n${link.url}`);
      break;
    }
    case 'agent create': {
      const slug = AgentSlug.parse(arg);
      const company = opt.company ?? slug.replace(/(^|-)([a-z])/g, (_m, s: string, c: string) => (s ? ' ' : '') + c.toUpperCase());
      const agent = await ops.createAgent(slug, agentFlags(defaultAgentConfig(company)));
      console.log(`agent "${agent.slug}" created (version ${agent.version}, ${limitsLine(agent.config)})\nembed: <script src="${serverBase}/voice-widget.js" data-agent="${agent.slug}" async></script>`);
      break;
    }
    case 'agent update': {
      const current = await ops.findAgent(AgentSlug.parse(arg));
      if (!current) throw new Error(`agent "${arg}" not found`);
      const agent = await ops.updateAgent(current.slug, agentFlags(current.config));
      console.log(`agent "${agent.slug}" updated to version ${agent.version} (${limitsLine(agent.config)})`);
      break;
    }
    case 'agent list':
      for (const a of await ops.listAgents()) console.log(`${a.slug}\tv${a.version}\t${a.enabled ? 'enabled' : 'disabled'}\t${a.config.name}\t${limitsLine(a.config)}`);
      break;
    case 'agent show': {
      const a = await ops.findAgent(arg ?? '');
      if (!a) throw new Error(`agent "${arg}" not found`);
      console.log(JSON.stringify({ slug: a.slug, version: a.version, enabled: a.enabled, config: a.config }, null, 2));
      break;
    }
    case 'agent secret':
      console.log(await ops.agentSecret(AgentSlug.parse(arg), opt.rotate ?? false));
      break;
    case 'agent disable':
      await ops.disableAgent(arg ?? '');
      console.log(`agent "${arg}" disabled`);
      break;
    case 'demo-link create': {
      const req = CreateDemoLinkRequest.parse({
        agent: arg,
        ...defined({
          label: opt.label,
          expiresInHours: num(opt.hours),
          budgetMinutes: num(opt.minutes),
          maxCallSeconds: num(opt['max-call']),
          maxConcurrentCalls: num(opt.concurrent),
          perIpPerHour: num(opt['per-ip']),
          leadCapture: opt.lead,
          callback: opt.callback,
        }),
      });
      const link = await ops.createDemoLink(req);
      console.log(
        [
          `demo link for "${req.agent}" (expires ${link.expiresAt}, ${req.budgetMinutes} min total, ` +
            `${link.maxCallSeconds} s a call, ${link.maxConcurrentCalls} at once, ${link.perIpPerHour}/h per IP${link.leadCapture ? ', lead capture' : ''}${link.callback ? ', call-back (needs the agent\'s outbound trunk)' : ''}):`,
          `  share:  ${demoBase}/d/${link.slug}`,
          `  report: ${serverBase}/reports/${link.reportSlug}`,
          `  revoke: tsx src/cli.ts demo-link revoke ${link.slug}`,
        ].join('\n'),
      );
      break;
    }
    case 'demo-link list':
      for (const l of await ops.listDemoLinks()) {
        console.log(`${l.slug}\t${l.agent}\t${l.status}\t${(l.usedSeconds / 60).toFixed(1)}/${l.budgetSeconds / 60} min\t${l.label}`);
      }
      break;
    case 'demo-link revoke':
      await ops.revokeDemoLink(arg ?? '');
      console.log('demo link revoked');
      break;
    case 'retention run': {
      const days = num(opt.days) ?? Number(process.env.RETENTION_DAYS ?? 90);
      console.log(`${await ops.retention(days)} calls older than ${days} days deleted`);
      break;
    }
    default:
      console.error(USAGE);
      process.exitCode = 2;
  }
}

/** `600 s a call, 10 at once, 600 min/day, 30/h per IP[, demo links only]`. */
function limitsLine(c: AgentConfig): string {
  const l = c.limits;
  return `${l.maxCallSeconds} s a call, ${l.maxConcurrentCalls} at once, ${l.minutesPerDay} min/day, ${l.newCallsPerIpPerHour}/h per IP${c.demoLinksOnly ? ', demo links only' : ''}`;
}

/** `obj` without its undefined values (so defaults apply). */
function defined<T extends Record<string, unknown>>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

let ops: OperatorOps | undefined;
try {
  ops = await connectOperator({
    mode: opt.api ? 'api' : opt.db ? 'db' : 'auto',
    serverUrl: serverBase,
    adminKey: process.env.ADMIN_KEY || undefined,
    keyFile: process.env.ADMIN_KEY_FILE ?? DEFAULT_ADMIN_KEY_FILE,
    databaseUrl: process.env.DATABASE_URL,
    pgliteDir: process.env.PGLITE_DIR ?? DEFAULT_PGLITE_DIR,
  });
  await run(ops);
} catch (err) {
  if (err instanceof z.ZodError) console.error(`invalid input:\n${z.prettifyError(err)}`);
  else console.error((err as Error).message);
  process.exitCode = 1;
} finally {
  await ops?.close();
}
