/**
 * The business side on the real stack (PostgreSQL, LiveKit with signed webhooks, server, agent
 * worker, demo site) in headless Chromium:
 * - a demo link's public page shows the agent's description and the widget; a revoked one says so;
 * - LiveKit's webhook closes a call whose room went away (the browser vanished);
 * - the dashboard, after signing in with an admin key, shows a stored call's transcript, its
 *   turn-by-turn latency timeline and the latency histogram; the shared report opens without sign-in.
 * Screenshots: test-artifacts/dashboard/*.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AccessToken, RoomServiceClient } from 'livekit-server-sdk';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TurnLatency } from '@voice-widget/protocol';
import { REPO_ROOT, type RunningPostgres, type Stack, startPostgres, startStack } from '@voice-widget/stack';
import { mintServiceToken } from '@voice-widget/agent-worker';
import { type Database, createAdminKey, createDemoLink, findAgent, findCall, openCall, openDatabase, revokeDemoLink } from '@voice-widget/server';
import { type LaunchedBrowser, launchBrowser } from '@voice-widget/testkit';

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'dashboard');

describe('demo links and dashboard', () => {
  let pg: RunningPostgres;
  let stack: Stack;
  let database: Database;
  let browser: LaunchedBrowser;
  let page: Page;
  let adminKey: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    pg = await startPostgres();
    stack = await startStack({ ephemeral: true, dir: join(REPO_ROOT, '.state', 'e2e-dashboard'), serverEnv: { DATABASE_URL: pg.url } });
    // PostgreSQL lets the test share the database with the running server.
    database = await openDatabase({ url: pg.url, poolSize: 2 });
    adminKey = (await createAdminKey(database.db, 'e2e')).key;
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await database?.close();
    await stack?.stop();
    await pg?.stop();
  });

  it('a demo link page shows the agent and the widget; a revoked link shows why not', async () => {
    const link = await createDemoLink(database.db, {
      agent: 'acme', label: 'e2e', expiresInHours: 1, budgetMinutes: 10, maxCallSeconds: 120, maxConcurrentCalls: 1, perIpPerHour: 5, leadCapture: true,
    });
    await page.goto(`${stack.demoUrl}d/${link.slug}`);
    await expect.poll(() => page.locator('#agent-name').innerText()).toBe('Acme assistant');
    expect(await page.locator('#agent-description').innerText()).toMatch(/orders, opening hours and returns/);
    await page.fill('#lead input[name=name]', 'Ada Lovelace');
    await page.fill('#lead input[name=email]', 'ada@example.com');
    await page.click('#lead button');
    await page.locator('voice-agent .vw').waitFor({ timeout: 15_000 });
    expect(await page.locator('voice-agent').getAttribute('demo')).toBe(link.slug);
    await page.screenshot({ path: join(ARTIFACTS, 'demo-link-page.png'), fullPage: true });

    await revokeDemoLink(database.db, link.slug);
    await page.goto(`${stack.demoUrl}d/${link.slug}`);
    await expect.poll(() => page.locator('#status').innerText()).toMatch(/no longer available/);
    expect(await page.locator('voice-agent').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'demo-link-revoked.png') });
  });

  it('closes a call through the signed room_finished webhook when the room goes away', async () => {
    const res = await fetch(`${stack.serverUrl}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://any.example' },
      body: JSON.stringify({ agent: 'acme' }),
    });
    expect(res.status).toBe(201);
    const { room } = (await res.json()) as { room: string };
    expect((await findCall(database.db, room))?.endedAt).toBeNull();
    await new RoomServiceClient(stack.livekitUrl.replace(/^ws/, 'http'), stack.apiKey, stack.apiSecret).deleteRoom(room);
    await expect.poll(async () => (await findCall(database.db, room))?.endReason ?? null, { timeout: 20_000, interval: 250 }).not.toBeNull();
  });

  it('shows a stored call’s transcript, latency timeline and the histogram after sign-in', async () => {
    // A call as the widget and the agent report it, through the real endpoints.
    const agent = (await findAgent(database.db, 'acme'))!;
    const link = await createDemoLink(database.db, {
      agent: 'acme', label: 'Outdoor pitch', expiresInHours: 1, budgetMinutes: 10, maxCallSeconds: 120, maxConcurrentCalls: 2, perIpPerHour: 5, leadCapture: false,
    });
    const room = `web_e2e${Date.now()}`;
    const identity = 'caller_e2e';
    await openCall(database.db, { room, identity, agent, channel: 'web', origin: null, ipHash: 'e2e', demo: link, tokenTtlS: 600 });
    const callerToken = new AccessToken(stack.apiKey, stack.apiSecret, { identity, ttl: 600 });
    callerToken.addGrant({ room, roomJoin: true });
    const bearer = `Bearer ${await callerToken.toJwt()}`;
    const t0 = Date.now();
    const turns: [number, number, number, number][] = [[180, 320, 40, 95], [240, 510, 35, 110], [150, 280, 45, 90], [420, 900, 50, 120]];
    // The agent reports its own timeline of each reply (one clock with the page here); the widget's
    // turns name those replies and are verified against them before any report counts them.
    const link2 = { serverUrl: stack.serverUrl, apiKey: stack.apiKey, apiSecret: stack.apiSecret };
    const agentAuth = { 'content-type': 'application/json', authorization: `Bearer ${await mintServiceToken(link2, room)}` };
    const timelines = turns.map(([endpointingMs, modelMs, agentOutMs], i) => {
      const eot = t0 + i * 10_000 + endpointingMs;
      return { type: 'turn_timeline', responseId: `resp_${i}`, endOfTurnAt: eot, endOfTurnSource: 'model_vad', responseCreatedAt: eot, firstAudioDeltaAt: eot + modelMs, firstFramePublishedAt: eot + modelMs + agentOutMs, interrupted: false };
    });
    const replies = await fetch(`${stack.serverUrl}/api/calls/${room}/timelines`, { method: 'POST', headers: agentAuth, body: JSON.stringify({ timelines }) });
    expect(replies.status).toBe(204);
    for (const [i, [endpointingMs, modelMs, agentOutMs, networkPlayoutMs]] of turns.entries()) {
      const perceivedMs = endpointingMs + modelMs + agentOutMs + networkPlayoutMs;
      const turn: TurnLatency = {
        index: i, speechEndAt: t0 + i * 10_000, playStartAt: t0 + i * 10_000 + perceivedMs, perceivedMs, overlap: false,
        stages: { endpointingMs, modelMs, agentOutMs, networkPlayoutMs }, endOfTurnSource: 'model_vad', clockUncertaintyMs: 4, responseId: `resp_${i}`,
      };
      const r = await fetch(`${stack.serverUrl}/api/sessions/${room}/turns`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: bearer }, body: JSON.stringify(turn),
      });
      expect(r.status).toBe(201);
      expect((await r.json()).verification).toBe('verified');
    }
    const lines = [
      ['agent', "Hi, I'm an AI assistant for Acme. You can ask for a person at any time. How can I help?"],
      ['caller', 'Where is my order? My email is ada@example.com.'],
      ['agent', 'It left the warehouse yesterday and arrives on Friday.'],
      ['caller', 'Can I return the tent?'],
      ['agent', 'Yes, within 30 days, at any store.'],
    ] as const;
    const record = {
      outcome: 'completed',
      endedAtMs: t0 + 50_000,
      transcript: lines.map(([speaker, text], i) => ({ speaker, text, atMs: t0 + i * 5_000 })),
      bargeIns: [],
    };
    const up = await fetch(`${stack.serverUrl}/api/calls/${room}/record`, { method: 'POST', headers: agentAuth, body: JSON.stringify(record) });
    expect(up.status).toBe(204);

    // Sign in.
    await page.goto(`${stack.serverUrl}/dashboard/calls`);
    expect(page.url()).toMatch(/\/dashboard\/login/);
    await page.fill('#key', adminKey);
    await page.click('form.login button');
    await page.waitForURL(/\/dashboard\/calls$/);
    await page.locator(`tr[data-room="${room}"]`).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'calls.png'), fullPage: true });

    await page.click(`tr[data-room="${room}"] a`);
    const transcript = page.locator('[data-testid=transcript]');
    await expect.poll(() => transcript.innerText()).toMatch(/Can I return the tent\?/);
    expect(await transcript.innerText()).toContain('My email is [email].');
    expect(await page.locator('[data-testid=timeline] g[data-turn]').count()).toBe(4);
    expect(await page.locator('[data-testid=timeline] rect[data-stage]').count()).toBe(16);
    await page.screenshot({ path: join(ARTIFACTS, 'call-detail.png'), fullPage: true });

    await page.goto(`${stack.serverUrl}/dashboard?agent=acme`);
    expect(await page.locator('[data-testid=histogram] rect').count()).toBeGreaterThan(0);
    expect(Number(await page.locator('[data-testid=turn-count]').innerText())).toBeGreaterThanOrEqual(4);
    await page.screenshot({ path: join(ARTIFACTS, 'latency.png'), fullPage: true });

    // The shared report: no sign-in (fresh context), latency only.
    const anon = await browser.browser.newContext();
    const reportPage = await anon.newPage();
    await reportPage.goto(`${stack.serverUrl}/reports/${link.reportSlug}`);
    expect(await reportPage.locator('[data-testid=turn-count]').innerText()).toBe('4');
    // Perceived = sum of the stages: 635, 895, 565, 1490 ms → P50 (type 7) = (635 + 895) / 2.
    expect(await reportPage.locator('[data-testid=p50]').innerText()).toBe('765 ms');
    await reportPage.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
    await anon.close();
  });
});
