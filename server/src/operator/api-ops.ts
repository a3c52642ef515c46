import {
  KeyView,
  AgentView,
  CreatedKey,
  DemoLinkView,
  RetentionResult,
  SigninLink,
} from '@voice-widget/protocol';
import { z } from 'zod';
import type { OperatorOps } from './ops.ts';

/**
 * {@link OperatorOps} through a running server's admin API (`Authorization: Bearer <admin key>`):
 * works while the server holds the database. Replies are validated with the protocol's schemas.
 */
export function apiOps(serverUrl: string, adminKey: string, fetchImpl: typeof fetch = fetch): OperatorOps {
  const call = async <T>(method: string, path: string, schema: z.ZodType<T> | null, body?: unknown): Promise<T> => {
    const res = await fetchImpl(new URL(path, serverUrl), {
      method,
      headers: { Authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    });
    const json: unknown = res.status === 204 ? null : await res.json().catch(() => null);
    if (!res.ok) {
      const message = (json as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${res.status}`;
      throw new Error(`${method} ${path}: ${message}`);
    }
    return schema ? schema.parse(json) : (undefined as T);
  };
  const slug = encodeURIComponent;
  return {
    target: `the server's admin API at ${serverUrl}`,
    createAdminKey: (name, role = 'admin') => call('POST', '/api/admin/keys', CreatedKey, { name, role }),
    listAdminKeys: async () => (await call('GET', '/api/admin/keys', z.object({ keys: z.array(KeyView) }))).keys,
    revokeAdminKey: (id) => call('DELETE', `/api/admin/keys/${id}`, null),
    createAgent: (s, config) => call('POST', '/api/admin/agents', AgentView, { slug: s, config }),
    listAgents: async () => (await call('GET', '/api/admin/agents', z.object({ agents: z.array(AgentView) }))).agents,
    async findAgent(s) {
      try {
        return await call('GET', `/api/admin/agents/${slug(s)}`, AgentView);
      } catch (err) {
        if (/not found/.test((err as Error).message)) return undefined;
        throw err;
      }
    },
    updateAgent: (s, config) => call('PUT', `/api/admin/agents/${slug(s)}`, AgentView, { config }),
    disableAgent: (s) => call('DELETE', `/api/admin/agents/${slug(s)}`, null),
    agentSecret: async (s, rotate) => (await call(rotate ? 'POST' : 'GET', `/api/admin/agents/${slug(s)}/secret`, z.object({ secret: z.string() }))).secret,
    createDemoLink: (req) => call('POST', '/api/admin/demo-links', DemoLinkView, req),
    listDemoLinks: async () => (await call('GET', '/api/admin/demo-links', z.object({ demoLinks: z.array(DemoLinkView) }))).demoLinks,
    revokeDemoLink: (s) => call('DELETE', `/api/admin/demo-links/${slug(s)}`, null),
    retention: async (days) => (await call('POST', '/api/admin/retention', RetentionResult, { days })).deleted,
    signinLink: () => call('POST', '/api/admin/signin-links', SigninLink),
    close: async () => {},
  };
}
