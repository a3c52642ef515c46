import type { KeyView, AgentConfig, AgentView, CreateDemoLinkRequest, DemoLinkView, SigninLink } from '@voice-widget/protocol';

/**
 * Everything the operator CLI does, behind one interface with two backends: the admin API of a
 * running server (`api-ops.ts`, with an admin key — the only way while the server holds a PGlite
 * database) and the database itself (`db-ops.ts`, server stopped, or PostgreSQL shared with it).
 * Errors are `Error`s whose message is fit for the terminal.
 */
export interface OperatorOps {
  /** Where the operations go, for the CLI's first line. */
  readonly target: string;
  /** A new key (`role` admin by default; `agent` keys take calls in the console). */
  createAdminKey(name: string, role?: 'admin' | 'agent'): Promise<{ id: number; key: string }>;
  listAdminKeys(): Promise<KeyView[]>;
  revokeAdminKey(id: number): Promise<void>;
  createAgent(slug: string, config: AgentConfig): Promise<AgentView>;
  listAgents(): Promise<AgentView[]>;
  findAgent(slug: string): Promise<AgentView | undefined>;
  /** Stores `config` as the agent's next version. */
  updateAgent(slug: string, config: AgentConfig): Promise<AgentView>;
  disableAgent(slug: string): Promise<void>;
  /** The agent's secret (signs caller identities and tool-endpoint requests); `rotate` replaces it. */
  agentSecret(slug: string, rotate: boolean): Promise<string>;
  createDemoLink(req: CreateDemoLinkRequest): Promise<DemoLinkView>;
  listDemoLinks(): Promise<DemoLinkView[]>;
  revokeDemoLink(slug: string): Promise<void>;
  /** Deletes calls and leads older than `days`; returns how many calls. */
  retention(days: number): Promise<number>;
  /** A one-time dashboard sign-in link (15 minutes). */
  signinLink(): Promise<SigninLink>;
  close(): Promise<void>;
}
