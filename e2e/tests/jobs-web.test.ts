/**
 * Jobs the agent really does, end to end on the real stack (PostgreSQL, LiveKit, server, agent
 * worker with the offline model, headless Chromium), typed through the widget's text input where
 * speech recognition is not the point:
 * - a visitor signed in by the host site (a signed identity) asks for an order's status → the
 *   order's real status from the store is read out;
 * - changes a delivery address → the agent reads it back → "yes" → exactly one change in the store
 *   and one audit row with the confirming turn; "no" → no change;
 * - the same change on an agent whose tool is the customer's HTTPS endpoint, which fails the first
 *   attempt → retried with the same idempotency key: one change at the endpoint, one audit row
 *   with two attempts; every request carries a signature the documented recipe verifies;
 * - a visitor who is not signed in asks for order details → asked to sign in, no data spoken.
 * Screenshot of the audit trail in the dashboard: test-artifacts/jobs/audit-trail.png.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, type RunningPostgres, type Stack, startPostgres, startStack } from '@voice-widget/stack';
import { type Database, createAdminKey, openDatabase } from '@voice-widget/server';
import { type LaunchedBrowser, instrument, launchBrowser, serveHostPages, startCall } from '@voice-widget/testkit';

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'jobs');

/** The customer endpoint's side, as README "Customer endpoints" tells site owners to write it. */
function verifySignature(secret: string, header: string | undefined, rawBody: string, toleranceS = 300): boolean {
  const m = /^t=(\d+),v1=([a-f0-9]{64})$/.exec(header ?? '');
  if (!m || Math.abs(Date.now() / 1000 - Number(m[1])) > toleranceS) return false;
  const expected = createHmac('sha256', secret).update(`${m[1]}.${rawBody}`).digest();
  return timingSafeEqual(expected, Buffer.from(m[2]!, 'hex'));
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => resolve(body));
  });

describe('jobs on the web', () => {
  let pg: RunningPostgres;
  let stack: Stack;
  let database: Database;
  let browser: LaunchedBrowser;
  let host: Awaited<ReturnType<typeof serveHostPages>>;
  let admin: string;
  let secret: string;
  let endpoint: Server;
  const endpointLog: { key: string | undefined; signed: boolean; status: number }[] = [];
  const applied = new Map<string, string>(); // idempotency key → the address the endpoint stored

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${stack.serverUrl}${path}`, {
      method,
      headers: { authorization: admin, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: res.status === 204 ? null : await res.json() };
  };

  /** A page on the host site with the widget; on `/signed-in` the site passed its visitor's signed identity. */
  const openWidget = async (signedIn: boolean): Promise<Page> => {
    const page = await browser.context.newPage();
    await page.goto(signedIn ? `${host.url}/signed-in` : `${host.url}/`);
    await startCall(page.locator('voice-agent'));
    return page;
  };

  const say = async (page: Page, text: string) => {
    const before = await page.locator('voice-agent [data-speaker=agent]').count();
    await page.locator('voice-agent [data-testid=text-input]').fill(text);
    await page.locator('voice-agent [data-testid=text-send]').click();
    return before;
  };

  /** The agent's captions after the `before`-th one, once one matches `re`. */
  const agentSaid = async (page: Page, before: number, re: RegExp, timeout = 30_000) => {
    const captions = page.locator('voice-agent [data-speaker=agent]');
    await expect.poll(async () => (await captions.allInnerTexts()).slice(before).join(' | '), { timeout }).toMatch(re);
    return (await captions.allInnerTexts()).slice(before).join(' | ');
  };

  const newestCall = async () => (await api('GET', '/api/admin/calls?limit=1')).body.calls[0].room as string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    pg = await startPostgres();
    stack = await startStack({ ephemeral: true, dir: join(REPO_ROOT, '.state', 'e2e-jobs-web'), serverEnv: { DATABASE_URL: pg.url } });
    database = await openDatabase({ url: pg.url, poolSize: 2 });
    admin = `Bearer ${(await createAdminKey(database.db, 'e2e-jobs')).key}`;
    secret = (await api('GET', '/api/admin/agents/acme/secret')).body.secret;
    // The host site signs its visitor's identity with the agent's secret (README "Signed identity").
    const identity = await new SignJWT({ name: 'Ada Lovelace' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('C-1815')
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(secret));
    const widget = (attrs: string) =>
      `<!doctype html><html lang="en"><body><h1>Shop</h1><script type="module" src="${stack.serverUrl}/widget.mjs"></script><voice-agent agent="acme" ${attrs}></voice-agent></body></html>`;
    host = await serveHostPages({ '/': widget(''), '/signed-in': widget(`identity="${identity}"`) });
    endpoint = createServer(async (req, res) => {
      const raw = await readBody(req);
      const key = req.headers['idempotency-key'] as string | undefined;
      const signed = verifySignature(secret, req.headers['x-voice-signature'] as string | undefined, raw);
      const first = !endpointLog.some((e) => e.key === key);
      const status = !signed ? 401 : first ? 503 : 200; // fails the first attempt of every change
      endpointLog.push({ key, signed, status });
      if (status === 200 && key && !applied.has(key)) applied.set(key, JSON.parse(raw).arguments.address);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(status === 200 ? { say: `Done. The courier now has ${applied.get(key!)}.` } : { error: 'try again' }));
    });
    await new Promise<void>((r) => endpoint.listen(0, '127.0.0.1', r));
    browser = await launchBrowser({ denyMic: true }); // typed turns only
    await instrument(browser.context);
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await new Promise((r) => endpoint?.close(r));
    await database?.close();
    await stack?.stop();
    await pg?.stop();
  });

  it('a signed-in visitor gets the real order status, and an address change applies once, only after their yes', async () => {
    const page = await openWidget(true);
    await agentSaid(page, 0, /Hi Ada, I'm an AI assistant/); // verified before the call: greeted by name

    let n = await say(page, 'Where is my order 1042?');
    await agentSaid(page, n, /Order 1 0 4 2 is shipped, arrives Friday/);

    n = await say(page, 'Please change the delivery address of order 1043 to 7 Difference Engine Lane, Oxford');
    await agentSaid(page, n, /change the delivery address of order 1 0 4 3 to 7 Difference Engine Lane, Oxford\. Shall I go ahead/);
    expect((await api('GET', '/api/admin/orders/1043')).body.shippingAddress).toBe('12 Analytical Way, London'); // nothing yet
    n = await say(page, 'Yes.');
    await agentSaid(page, n, /will now go to 7 Difference Engine Lane/);
    expect((await api('GET', '/api/admin/orders/1043')).body.shippingAddress).toBe('7 Difference Engine Lane, Oxford');

    n = await say(page, 'Change the delivery address of order 1042 to 1 Babbage Street, Cambridge');
    await agentSaid(page, n, /Shall I go ahead/);
    n = await say(page, 'No.');
    await agentSaid(page, n, /won't change anything/);
    expect((await api('GET', '/api/admin/orders/1042')).body.shippingAddress).toBe('12 Analytical Way, London');

    const room = await newestCall();
    await page.locator('voice-agent [data-testid=talk]').click(); // end the call
    const audit = (await api('GET', `/api/admin/calls/${room}`)).body.toolCalls as { tool: string; decision: string; reason?: string; attempts: number; confirmation?: { text: string } }[];
    console.log(audit.map((a) => `${a.tool} ${a.decision}${a.reason ? ` (${a.reason})` : ''}${a.confirmation ? ` “${a.confirmation.text}”` : ''}`).join('\n'));
    const changes = audit.filter((a) => a.tool === 'update_shipping_address' && a.decision === 'allowed');
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ attempts: 1, confirmation: { text: 'Yes.' } });
    expect(audit.filter((a) => a.tool === 'update_shipping_address').map((a) => a.decision)).toEqual(['confirmation_requested', 'allowed', 'confirmation_requested', 'refused']);
    expect(audit.find((a) => a.decision === 'refused')).toMatchObject({ reason: 'declined' });

    // The audit trail as an operator sees it.
    const dash = await browser.context.newPage();
    await dash.goto(`${stack.serverUrl}/dashboard/login`);
    await dash.fill('input[name=key]', admin.replace('Bearer ', ''));
    await dash.click('button:has-text("Sign in")');
    await dash.goto(`${stack.serverUrl}/dashboard/calls/${room}`);
    await dash.locator('[data-testid=audit]').waitFor();
    expect(await dash.locator('[data-testid=audit] tr').count()).toBe(audit.length + 1);
    await dash.screenshot({ path: join(ARTIFACTS, 'audit-trail.png'), fullPage: true });
  });

  it('on the customer’s endpoint, a failed first attempt is retried with the same key: one change, one audit row', async () => {
    const current = (await api('GET', '/api/admin/agents/acme')).body.config;
    const tools = current.tools.map((t: unknown) =>
      t === 'update_shipping_address' ? { name: t, endpoint: { url: `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/tools`, timeoutMs: 3000 } } : t,
    );
    expect((await api('PUT', '/api/admin/agents/acme', { config: { ...current, tools } })).status).toBe(200);

    const page = await openWidget(true);
    await agentSaid(page, 0, /AI assistant/);
    let n = await say(page, 'Please change the delivery address of order 1042 to 3 Loom Road, Manchester');
    await agentSaid(page, n, /Shall I go ahead/);
    n = await say(page, 'Yes please.');
    await agentSaid(page, n, /courier now has 3 Loom Road, Manchester/);
    const room = await newestCall();
    await page.locator('voice-agent [data-testid=talk]').click();

    expect([...applied.values()]).toEqual(['3 Loom Road, Manchester']); // applied once at the endpoint
    expect(endpointLog.map((e) => e.status)).toEqual([503, 200]);
    expect(endpointLog.every((e) => e.signed)).toBe(true);
    expect(new Set(endpointLog.map((e) => e.key)).size).toBe(1); // the retry carried the same key
    const rows = ((await api('GET', `/api/admin/calls/${room}`)).body.toolCalls as { tool: string; decision: string; attempts: number }[]).filter(
      (a) => a.tool === 'update_shipping_address' && a.decision === 'allowed',
    );
    expect(rows).toEqual([expect.objectContaining({ attempts: 2 })]);
    expect((await api('PUT', '/api/admin/agents/acme', { config: current })).status).toBe(200); // back to the store
  });

  it('a visitor who is not signed in is asked to sign in and hears no account data', async () => {
    const page = await openWidget(false);
    const greeting = await agentSaid(page, 0, /I'm an AI assistant for Acme\. How can I help/);
    expect(greeting).not.toMatch(/Ada/);
    const n = await say(page, 'Where is my order 1042?');
    const reply = await agentSaid(page, n, /signed in/);
    expect(reply).not.toMatch(/shipped|Friday|Analytical/);
    const room = await newestCall();
    await page.locator('voice-agent [data-testid=talk]').click();
    const audit = (await api('GET', `/api/admin/calls/${room}`)).body.toolCalls as { tool: string; decision: string; reason?: string }[];
    expect(audit).toContainEqual(expect.objectContaining({ tool: 'get_order_status', decision: 'refused', reason: 'not_verified' }));
  });
});

