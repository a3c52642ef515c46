/**
 * Warm hand-off on the web, end to end on the real stack (PostgreSQL, LiveKit, server, agent
 * worker with the offline model), with two headless Chromiums:
 * - a caller signed in on a host site, who has the agent look up an order (typed) and then asks for
 *   a person (synthetic speech into the microphone);
 * - Sam, a person with an agent-role key, signed in to the console, whose fake microphone plays a
 *   1 kHz tone and a real recording.
 * Asserted: the queue entry shows the summary and the transcript before *Take call*; after it the
 * agent says one sentence naming Sam and leaves the conversation (no agent audio after it), the
 * caller's page hears audio from Sam's participant and shows Sam's name; the call record has the
 * hand-off with its times (taken, handed over, first heard in the caller's page) and both parts of
 * the transcript. Then nobody takes a caller within the agent's wait limit: the agent opens a
 * callback case with the package, reachable by the signed-in caller's e-mail, and says so.
 * Screenshots: test-artifacts/handoff/ (console-waiting.png is the README's).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, type RunningPostgres, type Stack, startPostgres, startStack } from '@voice-widget/stack';
import { type Database, createAdminKey, openDatabase } from '@voice-widget/server';
import { type LaunchedBrowser, type RecordedEvent, callerWav, instrument, launchBrowser, openConsole, playIntoMic, serveHostPages, startCall, takeCall, widgetEvents } from '@voice-widget/testkit';

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'handoff');

describe('warm hand-off on the web', () => {
  let pg: RunningPostgres;
  let stack: Stack;
  let database: Database;
  let caller: LaunchedBrowser;
  let person: LaunchedBrowser;
  let host: Awaited<ReturnType<typeof serveHostPages>>;
  let admin: string;
  let samKey: string;
  let console_: Page;

  const api = async (path: string, init: { method?: string; body?: unknown } = {}) =>
    (
      await fetch(`${stack.serverUrl}${path}`, {
        method: init.method ?? 'GET',
        headers: { authorization: admin, ...(init.body ? { 'content-type': 'application/json' } : {}) },
        body: init.body ? JSON.stringify(init.body) : undefined,
      })
    ).json();

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    pg = await startPostgres();
    stack = await startStack({ ephemeral: true, dir: join(REPO_ROOT, '.state', 'e2e-handoff-web'), demoSite: false, serverEnv: { DATABASE_URL: pg.url } });
    database = await openDatabase({ url: pg.url, poolSize: 2 });
    admin = `Bearer ${(await createAdminKey(database.db, 'e2e-admin')).key}`;
    samKey = (await createAdminKey(database.db, 'Sam', 'agent')).key;
    const ask = callerWav('handoff-ask', [{ say: 'I want to talk to a real person please', voice: 'flite:rms' }, { silenceS: 1 }]);
    const secret = (await api('/api/admin/agents/acme/secret')).secret as string;
    const identity = await new SignJWT({ name: 'Ada Lovelace' }).setProtectedHeader({ alg: 'HS256' }).setSubject('C-1815').setExpirationTime('10m').sign(new TextEncoder().encode(secret));
    const widget = (attrs: string) =>
      `<!doctype html><html lang="en"><body><h1>Shop</h1><script type="module" src="${stack.serverUrl}/widget.mjs"></script><voice-agent agent="acme" ${attrs}></voice-agent></body></html>`;
    host = await serveHostPages({ '/': widget(''), '/signed-in': widget(`identity="${identity}"`) }, { '/ask.wav': ask });
    caller = await launchBrowser();
    await instrument(caller.context, { syntheticMic: true });
    // Sam's microphone: a 1 kHz tone (whose audio reached the caller is then unmistakable), a real recording, a pause; looped.
    const samMic = callerWav('handoff-person', [{ toneHz: 1000, seconds: 0.8 }, { silenceS: 0.3 }, { recording: 'amiable' }, { silenceS: 1.5 }]);
    person = await launchBrowser({ micWav: samMic, loop: true });
  });

  afterAll(async () => {
    await caller?.close();
    await person?.close();
    await host?.close();
    await database?.close();
    await stack?.stop();
    await pg?.stop();
  });

  const captions = (page: Page, speaker: string) => page.locator(`voice-agent [data-speaker=${speaker}]`).allInnerTexts();

  it('the queue shows the package; after Take call the caller hears Sam, the agent has left, the record has the hand-off', async () => {
    console_ = await openConsole(person.context, stack.serverUrl, samKey);

    const page = await caller.context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') console.log(`[caller] ${m.text()}`);
    });
    await page.goto(`${host.url}/signed-in`);
    await startCall(page.locator('voice-agent'));
    await expect.poll(() => captions(page, 'agent').then((t) => t.join(' ')), { timeout: 30_000 }).toMatch(/Hi Ada.*ask for a person/);
    // A job first (typed), then a person (spoken), once the agent has finished talking.
    await page.locator('voice-agent [data-testid=text-input]').fill('Where is my order 1042?');
    await page.locator('voice-agent [data-testid=text-send]').click();
    await expect.poll(() => captions(page, 'agent').then((t) => t.join(' ')), { timeout: 30_000 }).toMatch(/Order 1 0 4 2 is shipped, arrives Friday/);
    await expect.poll(() => page.locator('voice-agent .vw').getAttribute('data-agent-audible'), { timeout: 20_000 }).toBe('false');
    await playIntoMic(page, `${host.url}/ask.wav`);
    await expect.poll(() => captions(page, 'agent').then((t) => t.join(' ')), { timeout: 40_000 }).toMatch(/in the queue/);

    // The console: the waiting caller with the summary and the transcript, before anyone takes it.
    const entry = console_.locator('[data-testid=queue-entry]');
    await entry.first().waitFor({ timeout: 15_000 });
    // A new caller is announced (live region, with the chime) to the person already online.
    await expect.poll(() => console_.locator('#announcer').innerText(), { timeout: 5_000 }).toMatch(/^New caller waiting: Ada Lovelace \(verified\), /);
    const summary = console_.locator('[data-testid=detail] [data-testid=summary]');
    await expect
      .poll(() => summary.innerText(), { timeout: 10_000 })
      .toMatch(/^Ada Lovelace \(signed in on the website\) is calling on the website and asked for a person\. The agent looked up order 1042 \(shipped, arrives Friday\)\. Their last words: “/);
    await expect.poll(() => console_.locator('[data-testid=detail] [data-testid=package-transcript]').innerText(), { timeout: 10_000 }).toMatch(/AI agent: .*AI assistant[\s\S]*Caller: /);
    await console_.screenshot({ path: join(ARTIFACTS, 'console-waiting.png'), fullPage: true });

    await takeCall(console_);
    const handedOverAt = Date.now();

    // The caller's page: the agent's one sentence naming Sam, then Sam's name and Sam's audio.
    await expect.poll(() => captions(page, 'agent').then((t) => t.join(' | ')), { timeout: 30_000 }).toMatch(/I'm connecting you with Sam now, who has our conversation\./);
    const talkingTo = page.locator('voice-agent [data-testid=talking-to]');
    await expect.poll(() => talkingTo.getAttribute('data-who'), { timeout: 20_000 }).toBe('person');
    expect(await talkingTo.innerText()).toMatch(/Talking to Sam/);
    const heardPerson = async () => (await widgetEvents(page)).filter((e) => e.type === 'audio' && e.detail.source === 'person' && e.detail.audible);
    await expect.poll(async () => (await heardPerson()).length, { timeout: 20_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'caller-with-person.png') });
    // Let Sam talk for a while (the tone and the recording, looped): what the caller hears now is Sam's.
    await new Promise((r) => setTimeout(r, 12_000));

    const events = await widgetEvents(page);
    const handedOver = events.find((e) => e.type === 'talkingTo' && e.detail.who === 'person')!;
    expect(handedOver.detail).toEqual({ who: 'person', name: 'Sam' });
    const agentAudio = events.filter((e: RecordedEvent) => e.type === 'audio' && e.detail.source === 'agent');
    const agentStartsAfter = agentAudio.filter((e) => e.detail.audible && e.t > handedOver.t);
    expect(agentStartsAfter, 'agent audio after the hand-off sentence').toEqual([]);
    // The agent's last words before leaving were the hand-off sentence.
    const agentLines = await captions(page, 'agent');
    expect(agentLines.at(-1)).toMatch(/I'm connecting you with Sam now/);
    // Sam is heard only after the agent handed over.
    const firstPerson = (await heardPerson())[0]!;
    expect(firstPerson.t).toBeGreaterThanOrEqual(handedOver.t - 200);
    // The latency panel measured the agent only: no turn pairs the caller with Sam.
    const turns = events.filter((e) => e.type === 'latency').map((e) => e.detail.turn as { playStartAt: number });
    expect(turns.every((t) => t.playStartAt < handedOver.t)).toBe(true);

    // The caller hangs up; the record covers the whole call.
    const room = (await api('/api/admin/calls?limit=1')).calls[0].room as string;
    await page.locator('voice-agent [data-testid=talk]').click();
    await expect.poll(async () => (await api(`/api/admin/calls/${room}`)).call.recordReceivedAt, { timeout: 30_000 }).not.toBeNull();
    const detail = await api(`/api/admin/calls/${room}`);
    const h = detail.handoffs[0];
    console.log(`hand-off: ${JSON.stringify({ status: h.status, person: h.personName, waitedS: (Date.parse(h.settledAt) - Date.parse(h.requestedAt)) / 1000, connectedAfterMs: h.connectedAtMs - h.requestAtMs, heardAfterMs: h.personAudioAtMs - h.requestAtMs, heardBy: h.personAudioSource })}`);
    console.log(detail.transcript.map((t: { speaker: string; text: string }) => `  ${t.speaker}: ${t.text}`).join('\n'));
    expect(h).toMatchObject({ kind: 'warm', status: 'connected', personName: 'Sam', personAudioSource: 'caller_page' });
    expect(h.connectedAtMs).toBeGreaterThan(h.requestAtMs);
    expect(h.personAudioAtMs).toBeGreaterThanOrEqual(h.connectedAtMs - 500);
    expect(Date.parse(h.packageDeliveredAt)).toBeLessThanOrEqual(h.personAudioAtMs);
    expect(h.package.summary).toMatch(/asked for a person/);
    expect(detail.call.outcome).toBe('transferred');
    const speakers = detail.transcript.map((t: { speaker: string }) => t.speaker);
    expect(speakers).toContain('person'); // Sam's part, transcribed by the agent as note-taker
    expect(detail.transcript.some((t: { speaker: string; text: string }) => t.speaker === 'agent' && /connecting you with Sam/.test(t.text))).toBe(true);
    expect(Date.now() - handedOverAt).toBeGreaterThan(0);

    // The dashboard: the call page's hand-off section, and the metrics.
    const dash = await caller.context.newPage();
    await dash.goto(`${stack.serverUrl}/dashboard/login`);
    await dash.fill('input[name=key]', admin.replace('Bearer ', ''));
    await dash.click('button:has-text("Sign in")');
    await dash.goto(`${stack.serverUrl}/dashboard/calls/${room}`);
    expect(await dash.locator('[data-testid=handoff-person]').innerText()).toBe('Sam');
    await dash.screenshot({ path: join(ARTIFACTS, 'call-record.png'), fullPage: true });
    const metrics = await api('/api/admin/stats/handoffs');
    expect(metrics).toMatchObject({ requested: 1, taken: 1, timeToPersonMs: { count: 1 }, packageBeforeSpeech: { delivered: 1, of: 1 } });
    console.log(`time to a person: ${Math.round(metrics.timeToPersonMs.p50)} ms`);
  });

  it('nobody takes the call within the wait limit: a callback case with the package, by the caller’s e-mail, and the caller hears it', async () => {
    const current = (await api('/api/admin/agents/acme')).config;
    await api('/api/admin/agents/acme', { method: 'PUT', body: { config: { ...current, handoff: { waitLimitS: 10 } } } });
    const page = await caller.context.newPage();
    await page.goto(`${host.url}/signed-in`);
    await startCall(page.locator('voice-agent'));
    await expect.poll(() => captions(page, 'agent').then((t) => t.join(' ')), { timeout: 30_000 }).toMatch(/Hi Ada/);
    await page.locator('voice-agent [data-testid=text-input]').fill('Can I talk to a person please?');
    await page.locator('voice-agent [data-testid=text-send]').click();
    await expect.poll(() => captions(page, 'agent').then((t) => t.join(' | ')), { timeout: 30_000 }).toMatch(/You're next in the queue/);
    const queuedAt = Date.now();
    // Sam is online (the console is open) but does not take it. After 10 s:
    await expect
      .poll(() => captions(page, 'agent').then((t) => t.join(' | ')), { timeout: 40_000 })
      .toMatch(/Nobody from our team has become free, so I've opened callback request number [\d ]+: a person will get back to you by e-mail, with our conversation/);
    const said = Date.now();
    expect(said - queuedAt).toBeGreaterThan(5_000);
    // The caller heard it: the agent's audio played after the wait limit.
    const events = await widgetEvents(page);
    expect(events.some((e) => e.type === 'audio' && e.detail.source === 'agent' && e.detail.audible && e.t > queuedAt + 5_000)).toBe(true);
    const cases = (await api('/api/admin/cases')).cases as { category: string; contact: string | null; summary: string; room: string | null }[];
    const room = (await api('/api/admin/calls?limit=1')).calls[0].room as string;
    const c = cases.find((x) => x.room === room)!;
    expect(c).toMatchObject({ category: 'callback', contact: 'ada@example.com' });
    expect(c.summary).toMatch(/Callback: asked for a person, nobody was free after 1\d s\. Ada Lovelace \(signed in on the website\) is calling on the website and asked for a person/);
    expect((await api(`/api/admin/calls/${room}`)).handoffs[0]).toMatchObject({ status: 'callback', caseId: expect.any(Number) });
    await page.locator('voice-agent [data-testid=talk]').click();
    await api('/api/admin/agents/acme', { method: 'PUT', body: { config: current } });
  });
});
