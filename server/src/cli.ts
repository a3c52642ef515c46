/**
 * Operator CLI, working directly on the server's database (DATABASE_URL, or the PGlite folder
 * PGLITE_DIR — stop the server first when it uses PGlite):
 *
 *   tsx src/cli.ts admin-key create [--name NAME] [--role admin|agent]   prints a new key (shown once)
 *   tsx src/cli.ts agent-key create --name NAME           a key for a person who takes calls in the console
 *                                                          (role agent: cannot configure; NAME is what callers hear)
 *   tsx src/cli.ts admin-key list | revoke ID
 *   tsx src/cli.ts agent create SLUG [--company NAME] [--name ..] [--description ..] [--greeting ..]
 *        [--instructions ..] [--voice ..] [--model ..] [--language ..] [--origins a,b] [--tools a,b]
 *        [--turn-taking fast|model_vad|stock]
 *   tsx src/cli.ts agent list | show SLUG | disable SLUG
 *   tsx src/cli.ts agent secret SLUG [--rotate]            the secret that signs identities and tool calls
 *   tsx src/cli.ts demo-link create AGENT [--label ..] [--hours 168] [--minutes 60] [--max-call 300]
 *        [--concurrent 2] [--per-ip 5] [--lead]
 *   tsx src/cli.ts demo-link list | revoke SLUG
 *   tsx src/cli.ts retention run [--days N]
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { AgentConfig, AgentSlug, CreateDemoLinkRequest, StaffRole } from '@voice-widget/protocol';
import { defaultAgentConfig } from './bootstrap.ts';
import { DEFAULT_PGLITE_DIR } from './config.ts';
import { openDatabase } from './db/client.ts';
import { HttpError } from './errors.ts';
import { createAdminKey, listAdminKeys, revokeAdminKey } from './repo/admin-keys.ts';
import { agentSecret, createAgent, disableAgent, findAgent, listAgents } from './repo/agents.ts';
import { deleteOlderThan } from './repo/calls.ts';
import { createDemoLink, linkStatus, listDemoLinks, revokeDemoLink } from './repo/demo-links.ts';

const USAGE = `usage: tsx src/cli.ts <admin-key|agent-key|agent|demo-link|retention> <command> [args] (see the top of src/cli.ts)`;

const { values: opt, positionals } = parseArgs({
  allowPositionals: true,
  options: {
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
    label: { type: 'string' },
    hours: { type: 'string' },
    minutes: { type: 'string' },
    'max-call': { type: 'string' },
    concurrent: { type: 'string' },
    'per-ip': { type: 'string' },
    lead: { type: 'boolean' },
    rotate: { type: 'boolean' },
    role: { type: 'string' },
    days: { type: 'string' },
  },
});
const [group, command, arg] = positionals;
const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
const list = (v: string | undefined) => v?.split(',').map((s) => s.trim()).filter(Boolean);
const demoBase = (process.env.DEMO_BASE_URL ?? 'http://127.0.0.1:5173').replace(/\/$/, '');
const serverBase = (process.env.SERVER_PUBLIC_URL ?? 'http://127.0.0.1:8787').replace(/\/$/, '');

const database = await openDatabase({
  url: process.env.DATABASE_URL,
  pgliteDir: process.env.PGLITE_DIR ?? DEFAULT_PGLITE_DIR,
  poolSize: 1,
}).catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
const db = database.db;

try {
  switch (`${group} ${command}`) {
    case 'admin-key create':
    case 'agent-key create': {
      const role = StaffRole.parse(group === 'agent-key' ? 'agent' : (opt.role ?? 'admin'));
      const name = opt.name ?? (role === 'agent' ? undefined : 'admin');
      if (!name) throw new Error('agent-key create needs --name (the name callers hear, e.g. --name Sam)');
      const { id, key } = await createAdminKey(db, name, role);
      console.log(`${role} key #${id} for ${name} (shown once, store it now):\n${key}`);
      if (role === 'agent') console.log(`sign in at ${serverBase}/dashboard/login → the console takes calls; this key cannot change configuration`);
      break;
    }
    case 'admin-key list':
      for (const k of await listAdminKeys(db)) console.log(`#${k.id}\t${k.prefix}…\t${k.role}\t${k.name}\t${k.revokedAt ? 'revoked' : 'active'}`);
      break;
    case 'admin-key revoke':
      if (!(await revokeAdminKey(db, Number(arg)))) throw new HttpError(404, 'not_found', `no admin key #${arg}`);
      console.log(`admin key #${arg} revoked`);
      break;
    case 'agent create': {
      AgentSlug.parse(arg);
      const base = defaultAgentConfig(opt.company ?? arg!.replace(/(^|-)([a-z])/g, (_m, s: string, c: string) => (s ? ' ' : '') + c.toUpperCase()));
      const config = AgentConfig.parse({
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
        }),
      });
      const agent = await createAgent(db, arg!, config);
      console.log(`agent "${agent.slug}" created (version ${agent.version})\nembed: <script src="${serverBase}/voice-widget.js" data-agent="${agent.slug}" async></script>`);
      break;
    }
    case 'agent list':
      for (const a of await listAgents(db)) console.log(`${a.slug}\tv${a.version}\t${a.enabled ? 'enabled' : 'disabled'}\t${a.config.name}`);
      break;
    case 'agent show': {
      const a = await findAgent(db, arg ?? '');
      if (!a) throw HttpError.notFound(`agent "${arg}"`);
      console.log(JSON.stringify({ slug: a.slug, version: a.version, enabled: a.enabled, config: a.config }, null, 2));
      break;
    }
    case 'agent secret': {
      const a = await findAgent(db, arg ?? '');
      if (!a) throw HttpError.notFound(`agent "${arg}"`);
      console.log(await agentSecret(db, a.id, { rotate: opt.rotate ?? false }));
      break;
    }
    case 'agent disable':
      await disableAgent(db, arg ?? '');
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
        }),
      });
      const link = await createDemoLink(db, req);
      console.log(
        [
          `demo link for "${req.agent}" (expires ${link.expiresAt.toISOString()}, ${req.budgetMinutes} min total, ` +
            `${link.maxCallSeconds} s a call, ${link.maxConcurrentCalls} at once, ${link.perIpPerHour}/h per IP${link.leadCapture ? ', lead capture' : ''}):`,
          `  share:  ${demoBase}/d/${link.slug}`,
          `  report: ${serverBase}/reports/${link.reportSlug}`,
          `  revoke: tsx src/cli.ts demo-link revoke ${link.slug}`,
        ].join('\n'),
      );
      break;
    }
    case 'demo-link list':
      for (const l of await listDemoLinks(db)) {
        console.log(`${l.slug}\t${l.agent}\t${linkStatus(l)}\t${(l.usedSeconds / 60).toFixed(1)}/${l.budgetSeconds / 60} min\t${l.label}`);
      }
      break;
    case 'demo-link revoke':
      await revokeDemoLink(db, arg ?? '');
      console.log('demo link revoked');
      break;
    case 'retention run': {
      const days = num(opt.days) ?? Number(process.env.RETENTION_DAYS ?? 90);
      console.log(`${await deleteOlderThan(db, days)} calls older than ${days} days deleted`);
      break;
    }
    default:
      console.error(USAGE);
      process.exitCode = 2;
  }
} catch (err) {
  if (err instanceof z.ZodError) console.error(`invalid input:\n${z.prettifyError(err)}`);
  else console.error((err as Error).message);
  process.exitCode = 1;
} finally {
  await database.close();
}

/** `obj` without its undefined values (so defaults apply). */
function defined<T extends Record<string, unknown>>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}
