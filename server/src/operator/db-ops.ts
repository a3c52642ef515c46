import { type Database, openDatabase } from '../db/client.ts';
import { HttpError } from '../errors.ts';
import { createAdminKey, createSigninToken, listAdminKeys, revokeAdminKey } from '../repo/admin-keys.ts';
import { agentSecret, createAgent, disableAgent, findAgent, listAgents, toAgentView, updateAgent } from '../repo/agents.ts';
import { deleteOlderThan } from '../repo/calls.ts';
import { createDemoLink, listDemoLinks, revokeDemoLink, toDemoLinkView } from '../repo/demo-links.ts';
import { SIGNIN_LINK_TTL_S } from '../routes/operator.ts';
import type { OperatorOps } from './ops.ts';

/**
 * {@link OperatorOps} on the database directly (PGlite with the server stopped, or PostgreSQL).
 * @throws DatabaseBusyError (from openDatabase) when a running server holds the PGlite folder.
 */
export async function dbOps(opts: { url?: string; pgliteDir: string; serverUrl: string }): Promise<OperatorOps> {
  const database: Database = await openDatabase({ url: opts.url, pgliteDir: opts.url ? undefined : opts.pgliteDir, poolSize: 1 });
  const db = database.db;
  return {
    target: database.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `PGlite ${opts.pgliteDir}`,
    createAdminKey: (name, role) => createAdminKey(db, name, role),
    listAdminKeys: async () =>
      (await listAdminKeys(db)).map((k) => ({ ...k, createdAt: k.createdAt.toISOString(), revokedAt: k.revokedAt?.toISOString() ?? null })),
    async revokeAdminKey(id) {
      if (!(await revokeAdminKey(db, id))) throw HttpError.notFound(`admin key #${id}`);
    },
    createAgent: async (slug, config) => toAgentView(await createAgent(db, slug, config)),
    listAgents: async () => (await listAgents(db)).map(toAgentView),
    findAgent: async (slug) => {
      const a = await findAgent(db, slug);
      return a && toAgentView(a);
    },
    updateAgent: async (slug, config) => toAgentView(await updateAgent(db, slug, config)),
    disableAgent: (slug) => disableAgent(db, slug),
    async agentSecret(slug, rotate) {
      const a = await findAgent(db, slug);
      if (!a) throw HttpError.notFound(`agent "${slug}"`);
      return agentSecret(db, a.id, { rotate });
    },
    createDemoLink: async (req) => toDemoLinkView(await createDemoLink(db, req), req.agent),
    listDemoLinks: async () => (await listDemoLinks(db)).map((l) => toDemoLinkView(l, l.agent)),
    revokeDemoLink: (slug) => revokeDemoLink(db, slug),
    retention: (days) => deleteOlderThan(db, days),
    async signinLink() {
      // The link belongs to a key of its own, so revoking it (admin-key revoke) ends its sessions.
      const { id } = await createAdminKey(db, 'dashboard sign-in link (cli)');
      const { token, expiresAt } = await createSigninToken(db, id, SIGNIN_LINK_TTL_S);
      return { url: `${opts.serverUrl}/dashboard/signin?token=${token}`, expiresAt: expiresAt.toISOString() };
    },
    close: () => database.close(),
  };
}
