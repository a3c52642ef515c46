import { randomBytes } from 'node:crypto';
import { and, asc, eq, isNull } from 'drizzle-orm';
import { AgentConfig, type AgentView } from '@voice-widget/protocol';
import type { Db } from '../db/client.ts';
import { agentVersions, agents } from '../db/schema.ts';
import { HttpError } from '../errors.ts';

/** An agent with the configuration of one version (the current one unless asked otherwise). */
export interface AgentRow {
  id: number;
  slug: string;
  version: number;
  enabled: boolean;
  config: AgentConfig;
  createdAt: Date;
  updatedAt: Date;
}

export const toAgentView = (a: AgentRow): AgentView => ({
  slug: a.slug,
  version: a.version,
  config: a.config,
  enabled: a.enabled,
  createdAt: a.createdAt.toISOString(),
  updatedAt: a.updatedAt.toISOString(),
});

/**
 * Creates an agent with version 1 of `config`.
 * @throws HttpError 409 when the slug is taken.
 */
export async function createAgent(db: Db, slug: string, config: AgentConfig): Promise<AgentRow> {
  return db.transaction(async (tx) => {
    const [existing] = await tx.select({ id: agents.id }).from(agents).where(eq(agents.slug, slug));
    if (existing) throw new HttpError(409, 'agent_exists', `agent "${slug}" already exists`);
    const [row] = await tx.insert(agents).values({ slug, currentVersion: 1 }).returning();
    await tx.insert(agentVersions).values({ agentId: row!.id, version: 1, config });
    return { ...row!, version: 1, config };
  });
}

/**
 * Stores `config` as the agent's next version and makes it current.
 * @throws HttpError 404 when there is no such agent.
 */
export async function updateAgent(db: Db, slug: string, config: AgentConfig): Promise<AgentRow> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(agents).where(eq(agents.slug, slug)).for('update');
    if (!row) throw HttpError.notFound(`agent "${slug}"`);
    const version = row.currentVersion + 1;
    await tx.insert(agentVersions).values({ agentId: row.id, version, config });
    const [updated] = await tx
      .update(agents)
      .set({ currentVersion: version, updatedAt: new Date(), enabled: true })
      .where(eq(agents.id, row.id))
      .returning();
    return { ...updated!, version, config };
  });
}

/** The agent with its current (or the given) version's config, or undefined. */
export async function findAgent(db: Db, slug: string, version?: number): Promise<AgentRow | undefined> {
  const [row] = await db.select().from(agents).where(eq(agents.slug, slug));
  if (!row) return undefined;
  return withVersion(db, row, version ?? row.currentVersion);
}

/** Like {@link findAgent} by id. */
export async function findAgentById(db: Db, id: number, version?: number): Promise<AgentRow | undefined> {
  const [row] = await db.select().from(agents).where(eq(agents.id, id));
  if (!row) return undefined;
  return withVersion(db, row, version ?? row.currentVersion);
}

async function withVersion(db: Db, row: typeof agents.$inferSelect, version: number): Promise<AgentRow | undefined> {
  const [v] = await db
    .select()
    .from(agentVersions)
    .where(and(eq(agentVersions.agentId, row.id), eq(agentVersions.version, version)));
  if (!v) return undefined;
  const { secret: _secret, currentVersion: _current, ...rest } = row; // the secret never travels with the row
  return { ...rest, version, config: AgentConfig.parse(v.config) };
}

/**
 * The agent's secret (base64url, 256 bits), created on first use: site owners sign caller
 * identities with it and the server signs tool-endpoint requests with it. Server-side only.
 * @throws HttpError 404 when there is no such agent.
 */
export async function agentSecret(db: Db, agentId: number, opts: { rotate?: boolean } = {}): Promise<string> {
  const fresh = randomBytes(32).toString('base64url');
  if (opts.rotate) {
    const [row] = await db.update(agents).set({ secret: fresh }).where(eq(agents.id, agentId)).returning({ secret: agents.secret });
    if (!row) throw HttpError.notFound('agent');
    return row.secret!;
  }
  await db
    .update(agents)
    .set({ secret: fresh })
    .where(and(eq(agents.id, agentId), isNull(agents.secret)));
  const [row] = await db.select({ secret: agents.secret }).from(agents).where(eq(agents.id, agentId));
  if (!row?.secret) throw HttpError.notFound('agent');
  return row.secret;
}

/** Every agent with its current config, by slug. */
export async function listAgents(db: Db): Promise<AgentRow[]> {
  const rows = await db
    .select({ agent: agents, config: agentVersions.config })
    .from(agents)
    .innerJoin(agentVersions, and(eq(agentVersions.agentId, agents.id), eq(agentVersions.version, agents.currentVersion)))
    .orderBy(asc(agents.slug));
  return rows.map(({ agent: { secret: _secret, currentVersion, ...rest }, config }) => ({ ...rest, version: currentVersion, config: AgentConfig.parse(config) }));
}

/**
 * Disables an agent: no new calls; its calls, versions and links stay for the records.
 * @throws HttpError 404 when there is no such agent.
 */
export async function disableAgent(db: Db, slug: string): Promise<void> {
  const updated = await db
    .update(agents)
    .set({ enabled: false, updatedAt: new Date() })
    .where(eq(agents.slug, slug))
    .returning({ id: agents.id });
  if (updated.length === 0) throw HttpError.notFound(`agent "${slug}"`);
}
