/**
 * "Call me back" on a public demo-link page (issue 13), end to end: the real demo site in headless
 * Chromium, the server, the agent worker and livekit-sip on loopback; the outbound trunk points at
 * a SIPp callee this test runs.
 * - no outbound trunk (or a link without call-back): the page shows no form — it must not promise a
 *   call the system cannot place;
 * - a valid number and consent: the page says the call is on its way, the server's record holds the
 *   consent, and livekit-sip really sends the INVITE to the number (a busy callee: 486 recorded);
 *   a person answers (baresip, a real recorded "go forward"): the agent's opener names the visitor
 *   and the topic they typed on the page;
 * - an invalid number, a do-not-call number: the page shows the refusal, nothing is queued and a
 *   sentinel callee gets no INVITE; outside calling hours (the browser's time zone at 03:00): the
 *   page says when the call will come, and nothing is dialled now.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLBACK_CONSENT_TEXT, type OutboundCallView } from '@voice-widget/protocol';
import { callDetail } from '@voice-widget/server';
import { REPO_ROOT } from '@voice-widget/stack';
import {
  type LaunchedBrowser,
  type PhoneStack,
  busyCalleeScenario,
  callerWav8k,
  launchBrowser,
  pointOutboundTrunk,
  sentinelCalleeScenario,
  startBaresipCallee,
  startPhoneStack,
  startSippCallee,
  waitForOutbound,
  zoneWhereNowIs,
} from '@voice-widget/testkit';

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'demo-callback');

describe('“Call me back” on a demo-link page', () => {
  let phone: PhoneStack;
  let browser: LaunchedBrowser;
  let slug: string;

  /** Creates a demo link for `acme` through the admin API; returns its slug. */
  async function createLink(callback: boolean): Promise<string> {
    const r = await phone.api('POST', '/api/admin/demo-links', { agent: 'acme', budgetMinutes: 30, maxCallSeconds: 120, maxConcurrentCalls: 2, perIpPerHour: 20, callback });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.slug;
  }

  /** The demo page of `link` in a browser whose clock runs in `timeZone`, loaded (agent name shown). */
  async function openDemo(link: string, timeZone: string): Promise<Page> {
    const context = await browser.browser.newContext({ timezoneId: timeZone });
    const page = await context.newPage();
    await page.goto(`${phone.stack.demoUrl}d/${link}`);
    await expect.poll(() => page.locator('#agent-name').textContent(), { timeout: 15_000 }).not.toBe('Loading…');
    await page.locator('#talk').waitFor({ state: 'visible', timeout: 10_000 });
    return page;
  }

  /** Fills and submits the form; returns the outcome code the page sets and the message it shows. */
  async function askForCall(page: Page, number: string): Promise<{ outcome: string; message: string; refused: boolean }> {
    await page.fill('#callback-form input[name=name]', 'Ada Lovelace');
    await page.fill('#callback-form input[name=number]', number);
    await page.fill('#callback-form input[name=topic]', 'hiking boots');
    await page.check('#callback-form input[name=consent]');
    await page.click('#callback-form button');
    await page.waitForFunction(() => Boolean(document.getElementById('callback')!.dataset.outcome), undefined, { timeout: 15_000 });
    const result = page.locator('#callback-result');
    return {
      outcome: (await page.locator('#callback').getAttribute('data-outcome'))!,
      message: (await result.textContent())!,
      refused: (await result.getAttribute('class'))?.includes('refused') ?? false,
    };
  }

  const demoCallbacks = async (): Promise<OutboundCallView[]> =>
    (await phone.api('GET', '/api/admin/calls/outbound?limit=500')).body.calls.filter((c: OutboundCallView) => c.source === 'demo_callback');

  beforeAll(async () => {
    phone = await startPhoneStack('e2e-demo-callback', { demoSite: true });
    browser = await launchBrowser();
    slug = await createLink(true);
  });
  afterAll(async () => {
    await browser?.close();
    await phone?.stop();
  });

  it('without an outbound trunk, or on a link without call-back, the page offers no call-back', async () => {
    const page = await openDemo(slug, zoneWhereNowIs(12));
    expect(await page.locator('#callback').isVisible()).toBe(false);
    expect((await phone.api('GET', `/api/demo-links/${slug}`)).body.callback).toBe(false);
    const direct = await page.evaluate(async (url) => (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ number: '+15550140', name: 'X', consent: true }) })).status, `${phone.stack.serverUrl}/api/demo-links/${slug}/callback`);
    expect(direct, 'the API refuses too: nothing queued without a trunk').toBe(409);
    await page.context().close();

    // With the trunk, a link created without call-back still shows none.
    await pointOutboundTrunk(phone, '127.0.0.1:9'); // nothing listens there; the tests below point it at their callee
    const plain = await openDemo(await createLink(false), zoneWhereNowIs(12));
    expect(await plain.locator('#callback').isVisible()).toBe(false);
    await plain.context().close();
    expect(await demoCallbacks()).toEqual([]);
  });

  it('a valid number with consent: the page says the call is coming, the consent is recorded and livekit-sip dials the number', async () => {
    const callee = await startSippCallee({ dir: join(ARTIFACTS, 'busy'), scenario: busyCalleeScenario(), timeoutS: 40 });
    await pointOutboundTrunk(phone, callee.address);
    const page = await openDemo(slug, zoneWhereNowIs(12));
    expect(await page.locator('#callback').isVisible()).toBe(true);
    expect(await page.locator('#callback-consent-text').textContent()).toBe(CALLBACK_CONSENT_TEXT);
    const shown = await askForCall(page, '+1 555 0141');
    console.log(`valid: ${shown.outcome}: ${shown.message}`);
    expect(shown).toMatchObject({ outcome: 'queued_now', refused: false });
    expect(shown.message).toMatch(/call you in a moment/);
    expect(shown.message).not.toContain('5550141'); // only the last digits are repeated
    expect(await page.locator('#callback-form').isVisible()).toBe(false);

    const [queued] = await demoCallbacks();
    expect(queued).toMatchObject({ number: '+15550141', agent: 'acme' });
    expect(queued!.consent).toMatchObject({ text: CALLBACK_CONSENT_TEXT });
    const view = await waitForOutbound(phone, queued!.id);
    const sipp = await callee.done;
    console.log(`valid: ${view.status} ${view.sipStatusCode} ${view.sipStatus}; SIPp got ${sipp.received.join(' | ')}`);
    expect(view).toMatchObject({ status: 'busy', sipStatusCode: 486 });
    expect(sipp.received[0], 'the INVITE reached the callee for the visitor’s number').toMatch(/^INVITE sip:\+?15550141@/);
    await page.context().close();
  });

  it('a person answers the call-back: the agent’s opener names the visitor and the topic from the page', async () => {
    const wav = callerWav8k('demo-callback-person', [{ silenceS: 0.6 }, { recording: 'goforward', trimS: [0.44, 1.19] }, { silenceS: 14 }]);
    const callee = await startBaresipCallee({ dir: join(ARTIFACTS, 'person'), wav, number: '+15550142', timeoutS: 60 });
    await pointOutboundTrunk(phone, callee.address);
    const page = await openDemo(slug, zoneWhereNowIs(12));
    const shown = await askForCall(page, '+15550142');
    expect(shown.outcome).toBe('queued_now');
    await page.context().close();
    const queued = (await demoCallbacks()).find((c) => c.number === '+15550142')!;
    const answer = await callee.done;
    expect(answer.established, answer.log).toBe(true);
    const view = await waitForOutbound(phone, queued.id, (v) => v.status === 'answered' && v.endedAt !== null, 60_000);
    console.log(`person: AMD ${view.amd?.decision} (${view.amd?.reason}) after ${view.amd?.timeToDecisionMs} ms`);
    expect(view).toMatchObject({ status: 'answered', outcome: 'person' });
    await expect.poll(async () => (await callDetail(phone.database.db, view.room!))?.call.recordReceivedAt ?? null, { timeout: 30_000, interval: 500 }).not.toBeNull();
    const detail = (await callDetail(phone.database.db, view.room!))!;
    console.log(detail.transcript.map((t) => `  ${t.speaker}: ${t.text}`).join('\n'));
    // The stored transcript carries names as [name] (issue 10 redaction).
    expect(detail.transcript[0]!.text).toMatch(/^Hi, this is an AI assistant calling from Acme for (Ada|\[name\]), about your question about hiking boots\./);
  });

  it('refusals on the page — an invalid number, a do-not-call number — and a call-back outside calling hours: nothing dialled', async () => {
    const sentinel = await startSippCallee({ dir: join(ARTIFACTS, 'sentinel'), scenario: sentinelCalleeScenario({ waitMs: 10_000 }), timeoutS: 20 });
    await pointOutboundTrunk(phone, sentinel.address);
    expect((await phone.api('PUT', '/api/admin/do-not-call/+15550143', { note: 'asked us by e-mail' })).status).toBe(201);
    const before = (await demoCallbacks()).length;

    const invalidPage = await openDemo(slug, zoneWhereNowIs(12));
    const invalid = await askForCall(invalidPage, '555-CALL-ME');
    console.log(`invalid: ${invalid.outcome}: ${invalid.message}`);
    expect(invalid).toMatchObject({ outcome: 'invalid_number', refused: true });
    expect(invalid.message).toMatch(/country code/);
    expect(await invalidPage.locator('#callback-form').isVisible(), 'the form stays to correct the number').toBe(true);
    await invalidPage.context().close();

    const dncPage = await openDemo(slug, zoneWhereNowIs(12));
    const dnc = await askForCall(dncPage, '+1 555 0143');
    console.log(`do-not-call: ${dnc.outcome}: ${dnc.message}`);
    expect(dnc).toMatchObject({ outcome: 'do_not_call', refused: true });
    expect(dnc.message).toMatch(/can’t call this number/);
    expect(dnc.message).not.toMatch(/do-not-call/i); // the visitor is not told which list
    await dncPage.context().close();
    expect(await demoCallbacks()).toHaveLength(before);

    const nightPage = await openDemo(slug, zoneWhereNowIs(3));
    const night = await askForCall(nightPage, '+1 555 0144');
    console.log(`night: ${night.outcome}: ${night.message}`);
    expect(night).toMatchObject({ outcome: 'queued_later', refused: false });
    expect(night.message).toMatch(/outside our calling hours.*8:00 AM your time/);
    await nightPage.context().close();
    const later = (await demoCallbacks()).find((c) => c.number === '+15550144')!;
    expect(Date.parse(later.notBefore) - Date.now()).toBeGreaterThan(3_600_000);

    const sipp = await sentinel.done;
    expect(sipp.received, 'no INVITE reached the sentinel').toEqual([]);
    expect((await waitForOutbound(phone, later.id, () => true)).status).toBe('queued');
  });
});
